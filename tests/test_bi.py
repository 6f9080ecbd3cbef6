"""`make bi`: Superset set up on a warehouse the real flow builds, served on a loopback port, and every
chart of the dashboard answering with rows through Superset's own API.

Runs only where Superset is installed (`make bi` creates .venv-bi/); skipped otherwise. The warehouse
is the bundled sample plus one page whose impossible share the checks hold back, so the quarantine
table has a row to show.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SUPERSET = REPO / ".venv-bi" / "bin" / "superset"
BI_PYTHON = REPO / ".venv-bi" / "bin" / "python"
BUNDLE_CHARTS = {
    "Events by country",
    "Events per month, by type",
    "People counted, by category and country",
    "Funders by number of activities",
    "Held back by the checks (quarantined facts)",
}

pytestmark = [
    pytest.mark.bi,
    pytest.mark.e2e,  # builds its warehouse with the real flow
    pytest.mark.skipif(not SUPERSET.exists(), reason="Superset is not installed (no .venv-bi/bin/superset): make bi"),
]

IMPOSSIBLE = """Return programme in Honduras exceeds its goals

Tegucigalpa - The programme reached 140 per cent of its annual target, and 25 officials were trained.
"""
USER, PASSWORD = "bi-test", "bi-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} if body is not None else {}  # Flask refuses a bodiless JSON GET
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


@pytest.fixture(scope="module")
def superset(tmp_path_factory, prefect_harness):
    from flows.flow import pressfacts_flow

    src = tmp_path_factory.mktemp("landing")
    shutil.copytree(REPO / "flows" / "sample_pages", src, dirs_exist_ok=True)
    (src / "zz_impossible.txt").write_text(IMPOSSIBLE)
    out = tmp_path_factory.mktemp("wh")
    warehouse = out / "pressfacts.duckdb"
    summary = pressfacts_flow(src, warehouse, out / "docs")
    assert summary.status == "succeeded" and summary.quarantined >= 1

    env = dict(os.environ)
    for key in ("PREFECT_API_URL", "PREFECT_HOME"):
        env.pop(key, None)
    env.update(
        PRESSFACTS_SUPERSET_HOME=str(out / "superset"),
        SUPERSET_SECRET_KEY="test-only-" + os.urandom(16).hex(),
        PRESSFACTS_BI_USER=USER,
        PRESSFACTS_BI_PASSWORD=PASSWORD,
    )
    setup = [str(BI_PYTHON), str(REPO / "tools" / "bi" / "setup.py"), "--warehouse", str(warehouse)]
    for attempt in ("first", "second"):  # `make bi` twice: the second run replaces, never duplicates
        done = subprocess.run(setup, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{attempt} setup failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert "dashboard 'pressfacts': 5 charts" in done.stdout

    port = _free_port()
    env.update(SUPERSET_CONFIG_PATH=str(REPO / "tools" / "bi" / "superset_config.py"), FLASK_APP="superset")
    log = (out / "superset-server.log").open("w")
    server = subprocess.Popen(
        [str(SUPERSET), "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (out / "superset-server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "Superset did not answer /health within 180 s"
            time.sleep(1)
        status, body = _request(
            f"{base}/api/v1/security/login",
            body={"username": USER, "password": PASSWORD, "provider": "db", "refresh": False},
        )
        assert status == 200, body
        yield base, body["access_token"], warehouse
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def test_the_warehouse_is_registered_read_only(superset):
    base, token, warehouse = superset
    query = "(filters:!((col:database_name,opr:eq,value:pressfacts)))"
    status, body = _request(f"{base}/api/v1/database/?q={query}", token)
    assert status == 200 and body["count"] == 1, body
    status, body = _request(f"{base}/api/v1/database/{body['result'][0]['id']}/connection", token)
    assert status == 200, body
    assert body["result"]["sqlalchemy_uri"] == f"duckdb:///{warehouse.resolve()}?access_mode=read_only"
    assert body["result"]["allow_dml"] is False


def test_the_dashboard_and_every_chart_answer_with_rows(superset):
    base, token, _ = superset
    status, body = _request(f"{base}/api/v1/dashboard/pressfacts", token)
    assert status == 200 and body["result"]["dashboard_title"] == "pressfacts", body
    status, body = _request(f"{base}/api/v1/dashboard/pressfacts/charts", token)
    assert status == 200, body
    charts = body["result"]
    assert {c["slice_name"] for c in charts} == BUNDLE_CHARTS  # imported twice, still five
    rows = {}
    for chart in charts:
        status, data = _request(f"{base}/api/v1/chart/{chart['id']}/data/?force=true", token)
        assert status == 200, (chart["slice_name"], data)
        rows[chart["slice_name"]] = data["result"][0]["data"]
    assert all(rows.values()), {name: len(r) for name, r in rows.items()}
    # what the charts say, checked against the marts' rules: no subtotal is added, a funder's
    # activities are distinct, and the quarantined share is named with its reason
    held = rows["Held back by the checks (quarantined facts)"]
    assert any(r["source_file"].endswith("zz_impossible.txt") and r["reason"] for r in held)
    assert all(r["events"] >= 1 and len(r["country_iso3"]) == 3 for r in rows["Events by country"])
