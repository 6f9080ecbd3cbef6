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
