"""Guards around the published warehouse, against the real flow: a run never empties it by accident,
the version it replaces is kept and can be restored, and every DuckDB client from 1.0 on opens it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.schedule import build_deployment
from flows.settings import SAMPLE_DIR
from flows.store.build import STORAGE_VERSION, list_backups, storage_version
from flows.store.state import PriorState, RemovalRefused, refuse_mass_removal


def _articles(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select count(*) from marts.dim_articles").fetchone()[0]
    finally:
        con.close()


def _prior(articles: int) -> PriorState:
    return PriorState(sources=None, extracted={}, build_version=None, articles=articles)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("published", "withdrawn", "refused"),
    [(10, 10, True), (10, 6, True), (10, 5, False), (10, 0, False), (0, 0, False), (1, 1, True)],
)
def test_mass_removal_is_refused_past_the_share(published, withdrawn, refused, tmp_path):
    if refused:
        with pytest.raises(RemovalRefused, match=f"withdraw {withdrawn} of the {published} published"):
            refuse_mass_removal(_prior(published), withdrawn, tmp_path, max_share=0.5)
    else:
        refuse_mass_removal(_prior(published), withdrawn, tmp_path, max_share=0.5)


def test_served_deployment_imports_the_flow_by_module_path(tmp_path):
    """A file-path entrypoint puts flows/ first on sys.path, where a module could hide the stdlib."""
    deployment = build_deployment(tmp_path, tmp_path / "w.duckdb", None, allow_removals=True)
    assert deployment.entrypoint == "flows.flow.pressfacts_flow"  # module path, not a file
    assert deployment.parameters["allow_removals"] is True


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("pressfacts 0.")


@pytest.fixture(scope="module")
def published(tmp_path_factory, prefect_harness) -> Path:
    """The sample, published once."""
    root = tmp_path_factory.mktemp("guards")
    source = root / "landing"
    shutil.copytree(SAMPLE_DIR, source)
    warehouse = root / "w" / "pressfacts.duckdb"
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    return warehouse


@pytest.mark.e2e
def test_an_empty_source_folder_does_not_empty_the_warehouse(published, tmp_path, capsys):
    before = _articles(published)
    empty = tmp_path / "unmounted"
    empty.mkdir()
    assert main(["run", "--source", str(empty), "--warehouse", str(published)]) == 1
    err = capsys.readouterr().err
    assert f"would withdraw {before} of the {before} published articles" in err
    assert "--allow-removals" in err
    assert _articles(published) == before
    assert not (published.parent / "failed").exists() or not any((published.parent / "failed").iterdir())


@pytest.mark.e2e
def test_allowed_removal_publishes_and_restore_brings_the_last_version_back(published, tmp_path, capsys):
    before = _articles(published)
    empty = tmp_path / "emptied"
    empty.mkdir()
    assert main(["run", "--source", str(empty), "--warehouse", str(published), "--allow-removals"]) == 0
    assert _articles(published) == 0
    kept = list_backups(published)
    assert kept, "the replaced version is kept under backups/"
    assert main(["restore", "--warehouse", str(published), "--list"]) == 0
    assert str(kept[-1]) in capsys.readouterr().out
    assert main(["restore", "--warehouse", str(published)]) == 0
    assert _articles(published) == before
    assert main(["status", "--warehouse", str(published)]) == 0
    status = capsys.readouterr().out
    assert "last run" in status and "dim_articles" in status


@pytest.mark.e2e
def test_published_file_is_in_the_fixed_storage_format(published):
    assert storage_version(published) == STORAGE_VERSION + "+"


@pytest.mark.e2e
def test_an_older_duckdb_client_opens_the_published_file(published, tmp_path):
    """DuckDB 1.1 (what lagging BI drivers and the CLI ship) reads the marts; installed apart, from the registry."""
    venv = tmp_path / "old-duckdb"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "duckdb==1.1.3"], capture_output=True)
    if install.returncode != 0:
        pytest.skip(f"could not install duckdb 1.1.3 from the registry: {install.stderr[-300:]!r}")
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('select count(*) from marts.fct_counts').fetchone()[0])"
    )
    out = subprocess.run([str(venv / "bin" / "python"), "-c", script, str(published)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 0


@pytest.mark.e2e
def test_changing_every_file_is_not_a_removal(tmp_path, prefect_harness):
    """Changed files are re-extracted (their old articles withdrawn): that is no reason to refuse."""
    source = tmp_path / "landing"
    shutil.copytree(SAMPLE_DIR, source)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    for page in source.iterdir():
        page.write_bytes(page.read_bytes() + b"\n")
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0


@pytest.mark.e2e
def test_failed_and_killed_runs_appear_in_the_published_audit(tmp_path, prefect_harness):
    """A failed run recorded itself only in its discarded build; a killed one nowhere."""
    from datetime import UTC, datetime

    from flows.store import unpublished

    source = tmp_path / "landing"
    shutil.copytree(SAMPLE_DIR, source)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--quiet", "run", "--source", str(empty), "--warehouse", str(warehouse)]) == 1  # refused
    unpublished.mark_started(warehouse, "19990101T000000Z-dead00", datetime(1999, 1, 1, tzinfo=UTC), source)
    (source / "new.txt").write_text("IOM Opens New Office in Nairobi\n\nNairobi - IOM opened its new office.\n")
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute("select run_id, status, message from audit.runs order by started_at").fetchall()
    finally:
        con.close()
    statuses = [status for _, status, _ in runs]
    assert statuses == ["killed", "succeeded", "failed", "succeeded"], runs
    assert "would withdraw" in runs[2][2]
    assert not list(unpublished.markers_dir(warehouse).glob("*.json"))


@pytest.mark.e2e
def test_renaming_every_file_keeps_the_facts_under_the_new_names(tmp_path, prefect_harness):
    """A rename is not a removal: no refusal, the marts name the new files, audit says where they went."""
    source = tmp_path / "landing"
    shutil.copytree(SAMPLE_DIR, source)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    before = _articles(warehouse)
    for page in sorted(source.iterdir()):
        page.rename(page.with_name("renamed-" + page.name))
    assert main(["--quiet", "run", "--source", str(source), "--warehouse", str(warehouse)]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = {r[0] for r in con.execute("select source_file from marts.dim_articles").fetchall()}
        reasons = [r[0] for r in con.execute(
            "select reason from audit.files where run_id = (select max(run_id) from audit.runs) and status = 'ignored'"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()
    assert _articles(warehouse) == before
    assert names and all(name.startswith("renamed-") for name in names)
    assert reasons and all("now read from renamed-" in reason for reason in reasons)


@pytest.mark.e2e
def test_a_corrupt_published_file_is_refused_clearly_and_left_as_it_is(tmp_path, prefect_harness, capsys):
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    warehouse.parent.mkdir()
    garbage = b"DUCK" + bytes(range(256)) * 64
    warehouse.write_bytes(garbage)
    assert main(["run", "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "cannot be opened" in err and "pressfacts restore" in err
    assert warehouse.read_bytes() == garbage
