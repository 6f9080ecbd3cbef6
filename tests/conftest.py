"""Shared fixtures: Prefect's test harness for the session, paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import configure_prefect

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

configure_prefect()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server/database for every test that runs a flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
