"""A scheduled run for real: a Prefect server on loopback, `pressfacts serve` serving the deployment,
a run triggered through the server's REST API, as Prefect's UI or an operator's script would.

The first test serves 200 generated pages (enough for the flow to start its worker processes, which
is where a project module shadowing the standard library used to break scheduled runs); the second
checks that a failing run's reason is readable in its logs through the API, i.e. in the UI.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from tools.generate import generate_corpus

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
RETRIED = {429, 502, 503}  # the status codes Prefect's client retries


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"{what} did not happen within {timeout:.0f} s\n{tail}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


class Server:
    """A Prefect server of its own (own home and database) on a free loopback port."""

    def __init__(self, root: Path):
        self.port = _free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        self.env.update(
            PREFECT_HOME=str(root / "prefect"),
            PREFECT_API_URL=self.api,
            PREFECT_UI_ENABLED="false",
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            DO_NOT_TRACK="1",
        )
        self.log = root / "server.log"
        self.proc = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait(self._healthy, 180, "the Prefect server's start", self.proc, self.log)

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One API call, retried as Prefect's own client retries it: a busy server (its SQLite database
        locked by another writer) answers 503 for a moment, and 429/502 are as passing."""
        for attempt in range(6):
            r = httpx.request(method, f"{self.api}{path}", timeout=10, **kwargs)
            if r.status_code not in RETRIED or attempt == 5:
                return r
            time.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")

    def get(self, path: str) -> dict | None:
        r = self._request("GET", path)
        return r.json() if r.status_code == 200 else None

    def post(self, path: str, body: dict) -> dict | list:
        r = self._request("POST", path, json=body)
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    s = Server(tmp_path_factory.mktemp("prefect-server"))
    yield s
    _stop(s.proc)


def _serve(server: Server, source: Path, warehouse: Path, log: Path) -> subprocess.Popen:
    # a cron that never fires in the test: runs are triggered through the API
    return subprocess.Popen(
        [
            str(BIN / "pressfacts"),
            "serve",
            "--source",
            str(source),
            "--warehouse",
            str(warehouse),
            "--cron",
            "0 0 1 1 *",
        ],
        env=server.env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd="/",  # not the checkout: the served flow must import by module path, from the installed package
    )


def _registered(server: Server, source: Path, serve: subprocess.Popen, log: Path) -> dict:
    """The deployment, once this ``serve`` registered it (its parameters name ``source``)."""

    def ours():
        found = server.get("/deployments/name/pressfacts/pressfacts-scheduled")
        return found if found and found["parameters"].get("source_dir") == str(source.resolve()) else None

    return _wait(ours, 120, "the deployment's registration", serve, log)


def _trigger_and_wait(server: Server, deployment: dict, serve: subprocess.Popen, log: Path) -> dict:
    run = server.post(f"/deployments/{deployment['id']}/create_flow_run", {})

    def finished():
        state = (server.get(f"/flow_runs/{run['id']}") or {}).get("state") or {}
        return state if state.get("type") in FINAL else None

    return {"id": run["id"], "state": _wait(finished, 420, "the scheduled run's end", serve, log)}


def _logs(server: Server, flow_run_id: str) -> str:
    body = {"logs": {"flow_run_id": {"any_": [flow_run_id]}}, "sort": "TIMESTAMP_DESC", "limit": 200}
    rows = server.post("/logs/filter", body)
    return "\n".join(r["message"] for r in rows)


def test_a_served_deployment_completes_a_run_on_200_files_and_publishes(server, tmp_path):
    source = tmp_path / "landing"
    generate_corpus(source, 200, workers=1)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    log = tmp_path / "serve.log"
    serve = _serve(server, source, warehouse, log)
    try:
        result = _trigger_and_wait(server, _registered(server, source, serve, log), serve, log)
        assert result["state"]["type"] == "COMPLETED", log.read_text(errors="replace")[-3000:]
        # logs are shipped in batches, a moment after the state: the run's own lines reach the API (the UI)
        _wait(lambda: "published" in _logs(server, result["id"]), 60, "the run's logs in the API", serve, log)
    finally:
        _stop(serve)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(distinct source_file) from marts.dim_articles").fetchone()[0] == 200
    finally:
        con.close()


def test_a_failed_scheduled_runs_reason_is_in_its_logs_through_the_api(server, tmp_path):
    source = tmp_path / "landing"
    shutil.copytree(Path(__file__).resolve().parent.parent / "flows" / "sample_pages", source)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    log = tmp_path / "serve.log"
    serve = _serve(server, source, warehouse, log)
    try:
        deployment = _registered(server, source, serve, log)
        shutil.rmtree(source)  # the landing share is gone by the time the run starts
        result = _trigger_and_wait(server, deployment, serve, log)
        assert result["state"]["type"] == "FAILED"
        reason = f"source folder {source} does not exist"
        _wait(lambda: reason in _logs(server, result["id"]), 60, "the failure's reason in the API's logs", serve, log)
    finally:
        _stop(serve)
    assert not warehouse.exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_stops_fast_is_cancelled_and_changes_nothing(server, tmp_path, signum):
    source = tmp_path / "landing"
    generate_corpus(source, 400, workers=1)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    log = tmp_path / "run.log"
    run = subprocess.Popen(
        [str(BIN / "pressfacts"), "run", "--source", str(source), "--warehouse", str(warehouse)],
        env=server.env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _wait(lambda: list(warehouse.parent.glob(".*.build-*")), 180, "the run's build", run, log)
    began = time.monotonic()
    os.killpg(run.pid, signum)  # as the terminal's Ctrl-C does: the whole process group
    exit_code = run.wait(timeout=60)
    took = time.monotonic() - began
    text = log.read_text(errors="replace")
    assert exit_code == 130, text[-3000:]
    assert "interrupted; the published warehouse" in text
    assert took < 20, f"took {took:.1f} s to stop"
    assert not warehouse.exists() and not list(warehouse.parent.glob(".*.build-*"))
    runs = server.post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1})
    assert runs[0]["state"]["type"] == "CANCELLED"


def test_a_one_shot_run_uses_the_local_server_when_it_is_up(server, tmp_path):
    """No temporary server (~10 s) when a long-lived one answers at PRESSFACTS_LOCAL_SERVER."""
    env = {k: v for k, v in server.env.items() if k != "PREFECT_API_URL"}
    env["PRESSFACTS_LOCAL_SERVER"] = server.api
    before = len(server.post("/flow_runs/filter", {"limit": 200}))
    out = subprocess.run(
        [str(BIN / "pressfacts"), "run", "--warehouse", str(tmp_path / "w.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Starting temporary server" not in out.stdout + out.stderr
    assert len(server.post("/flow_runs/filter", {"limit": 200})) == before + 1


def test_ctrl_c_under_serve_does_not_block_the_schedule(server, tmp_path):
    """The interrupted run ends in a final state (not left Running, which would hold the deployment's
    one concurrency slot for good), and the next served run completes."""
    source = tmp_path / "landing"
    generate_corpus(source, 400, workers=1)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    log = tmp_path / "serve.log"
    serve = _serve(server, source, warehouse, log)
    try:
        deployment = _registered(server, source, serve, log)
        run = server.post(f"/deployments/{deployment['id']}/create_flow_run", {})
        _wait(lambda: list(warehouse.parent.glob(".*.build-*")), 300, "the run's build", serve, log)
        os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C in the terminal that runs `pressfacts serve`
        serve.wait(timeout=120)
    finally:
        _stop(serve)

    def final_state():
        state = (server.get(f"/flow_runs/{run['id']}") or {}).get("state") or {}
        return state.get("type") if state.get("type") in FINAL else None

    assert _wait(final_state, 60, "the interrupted run's final state") in {"CANCELLED", "CRASHED"}
    log2 = tmp_path / "serve2.log"
    serve = _serve(server, source, warehouse, log2)
    try:
        result = _trigger_and_wait(server, _registered(server, source, serve, log2), serve, log2)
    finally:
        _stop(serve)
    assert result["state"]["type"] == "COMPLETED", log2.read_text(errors="replace")[-3000:]
    # the interrupted run removed its build, or (when the runner killed it first) the next run swept it
    assert not list(warehouse.parent.glob(".*.build-*"))
