"""The scheduled deployment: ``pressfacts serve`` runs the flow on a cron over a landing folder.

Runs never overlap: the deployment has a concurrency limit of one (a run
triggered while another is going is cancelled, with the reason shown in the
Prefect UI and logs), and the flow itself holds a file lock on the warehouse,
so a hand-started ``pressfacts run`` cannot write at the same time either.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_CRON = os.environ.get("PRESSFACTS_CRON", "0 * * * *")  # hourly, on the hour
DEPLOYMENT_NAME = "pressfacts-scheduled"


def build_deployment(
    source: Path, warehouse: Path, docs: Path | None, cron: str = DEFAULT_CRON, allow_removals: bool = False
):
    """The Prefect deployment of the flow: cron schedule, parameters, one run at a time."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType

    from flows.flow import pressfacts_flow

    return pressfacts_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        cron=cron,
        parameters={
            "source_dir": str(source.resolve()),
            "warehouse": str(warehouse.resolve()),
            "docs_dir": str(docs.resolve()) if docs else None,
            "allow_removals": allow_removals,
        },
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
        description="Load new and changed press-release pages from the landing folder into the warehouse.",
        tags=["pressfacts"],
        # "flows.flow:pressfacts_flow", imported by module path: a file-path entrypoint would put the
        # flow's folder first on sys.path, where a project module could shadow the standard library
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve(
    source: Path, warehouse: Path, docs: Path | None, cron: str = DEFAULT_CRON, allow_removals: bool = False
) -> None:
    """Serve the deployment until interrupted (Ctrl-C)."""
    from prefect import serve as prefect_serve

    prefect_serve(build_deployment(source, warehouse, docs, cron, allow_removals), limit=1)


def cancel_orphaned_runs(warehouse: Path) -> list[str]:
    """Mark Cancelled the runs of the deployment left Running or Pending with no live process, so
    they stop holding its one concurrency slot (a Ctrl-C or kill of ``serve`` leaves them so).

    Every live run holds the warehouse's writer lock; when this process can take it, no run of the
    warehouse is alive. Returns the ids of the runs cancelled (none when a run holds the lock).
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    from flows.store.build import warehouse_lock

    target = str(warehouse.resolve())
    try:
        with warehouse_lock(warehouse), get_client(sync_client=True) as client:
            stuck = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT_NAME])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING, StateType.CANCELLING])
                    )
                ),
            )
            cancelled = []
            for run in stuck:
                if str(run.parameters.get("warehouse")) != target:
                    continue
                message = "found unfinished with no live process (serve was interrupted); cancelled by pressfacts serve"
                client.set_flow_run_state(run.id, Cancelled(message=message), force=True)
                cancelled.append(str(run.id))
            return cancelled
    except RuntimeError:  # a run of this warehouse is alive: it holds the lock
        return []
