"""Paths and defaults, overridable by environment variables.

Prefect's own settings are set here (before Prefect is imported) so a run
never touches the user's global ``~/.prefect`` and stays quiet offline.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DIR = Path(__file__).resolve().parent / "sample_pages"
DEFAULT_WAREHOUSE = Path(os.environ.get("PRESSFACTS_WAREHOUSE", PROJECT_DIR / "warehouse" / "pressfacts.duckdb"))
DEFAULT_SOURCE = Path(os.environ.get("PRESSFACTS_SOURCE", SAMPLE_DIR))
# a run that would withdraw more than this share of the published articles (or all of them) is refused
# unless --allow-removals is given: an empty or unmounted landing folder must not empty the warehouse
MAX_REMOVAL_SHARE = float(os.environ.get("PRESSFACTS_MAX_REMOVAL_SHARE", "0.5"))


def configure_prefect() -> None:
    """Isolated, offline-friendly Prefect settings unless the user set their own."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_DIR / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    # logs reach the API (the temporary server, or the one `serve` talks to), so a scheduled run's
    # errors are readable in Prefect's UI
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # the ephemeral server needs more than the default 20 s on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
