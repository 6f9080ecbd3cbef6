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


def configure_prefect() -> None:
    """Isolated, offline-friendly Prefect settings unless the user set their own."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_DIR / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # the ephemeral server needs more than the default 20 s on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
