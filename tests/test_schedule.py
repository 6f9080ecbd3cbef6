"""The scheduled deployment's shape and the CLI's usage errors."""

from __future__ import annotations

from pathlib import Path

from flows.cli import main
from flows.schedule import build_deployment


def test_deployment_runs_hourly_one_at_a_time(tmp_path: Path):
    deployment = build_deployment(tmp_path, tmp_path / "w.duckdb", None, cron="0 * * * *")
    assert deployment.name == "pressfacts-scheduled"
    assert [s.schedule.cron for s in deployment.schedules] == ["0 * * * *"]
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert deployment.parameters["source_dir"] == str(tmp_path.resolve())


def test_missing_source_is_a_usage_error(tmp_path: Path, capsys):
    assert main(["run", "--source", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
