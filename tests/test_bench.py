"""The benchmark harness: the shape of its report, never its timings."""

from __future__ import annotations

import json

import pytest

from tools.bench import benchmark, corpus_dir, ensure_corpus, goals, goals_table, marginal_rate, markdown_table


def test_corpus_is_cached_by_size_and_seed(tmp_path):
    root, took = ensure_corpus(tmp_path, 5, seed=2)
    assert took is not None and len(list(root.rglob("*.*"))) == 5
    again, took_again = ensure_corpus(tmp_path, 5, seed=2)
    assert again == root == corpus_dir(tmp_path, 5, 2) and took_again is None
    assert corpus_dir(tmp_path, 5, 3) != root


@pytest.mark.e2e
def test_benchmark_report_shape(tmp_path):
    out = tmp_path / "bench.json"
    report = benchmark([8], out, seed=1, cache=tmp_path / "cache", incremental=False)
    assert json.loads(out.read_text()) == json.loads(json.dumps(report, default=str))
    assert {"generated_at", "machine", "seed", "runs", "goals"} <= set(report)
    sample, run = report["runs"]
    assert sample["kind"] == "sample" and sample["status"] == "succeeded", open(sample["log"]).read()[-3000:]
    from flows.settings import SAMPLE_DIR

    assert sample["size"] == sample["files_loaded"] == len(list(SAMPLE_DIR.iterdir()))  # every page new
    by_goal = {g["goal"]: g for g in report["goals"]}
    assert by_goal["`make run` on the sample, after set-up"]["measured"] == sample["wall_s"]
    assert by_goal["one new page among 10,000 loaded"]["measured"] is None  # not part of this report
    assert run["status"] == "succeeded", open(run["log"]).read()[-3000:]
    assert run["kind"] == "full" and run["size"] == run["pages"] == 8
    assert run["files_loaded"] == 8 and run["articles"] >= 8
    assert {"discover", "read", "extract", "load", "validate", "dbt", "publish"} <= set(run["timings"])
    keys = (
        "wall_s",
        "flow_s",
        "import_s",
        "prefect_server_s",
        "stages_s",
        "prefect_other_s",
        "pages_per_s",
        "articles_per_s",
        "extract_articles_per_core_s",
    )
    for key in keys:
        assert isinstance(run[key], float) and run[key] >= 0, key
    assert {"segment", "extract", "frames", "load"} <= set(run["extract_seconds"])
    assert run["extract_processes"] == 1  # 8 pages: extracted in the flow process
    assert run["peak_rss_mb"] > 50 and run["peak_tree_rss_mb"] >= run["peak_rss_mb"]
    table = markdown_table(report).splitlines()
    assert table[0].startswith("| pages | run |") and len(table) == 4
    assert table[2].startswith(f"| {sample['size']} | sample | succeeded |")
    assert table[3].startswith("| 8 | full | succeeded |")


def _run(kind, size, wall, **more):
    return {"kind": kind, "size": size, "pages": size, "status": "succeeded", "wall_s": wall, **more}


def test_marginal_rate_is_what_the_extra_pages_cost():
    assert marginal_rate(_run("full", 1_000, 20.0), _run("full", 20_000, 39.0)) == 1_000.0
    assert marginal_rate(None, _run("full", 1_000, 20.0)) is None
    assert marginal_rate({**_run("full", 1_000, 20.0), "status": "failed"}, _run("full", 20_000, 39.0)) is None


def test_goals_are_judged_on_the_runs_they_name():
    report = {
        "runs": [
            _run("sample", 5, 9.5),
            _run("full", 1_000, 19.0, extract_articles_per_core_s=900.0),
            _run("full", 20_000, 60.0, marginal_pages_per_s=463.4, extract_articles_per_core_s=1_100.0),
            _run("incremental", 20_001, 12.0),
            {**_run("full", 100_000, 300.0), "status": "failed"},
        ]
    }
    got = {g["goal"]: (g["measured"], g["met"]) for g in goals(report)}
    assert got["`make run` on the sample, after set-up"] == (9.5, True)
    assert got["1,000 pages, cold, end to end"] == (19.0, False)
    assert got["20,000 pages, cold: marginal pages/s"] == (463.4, False)
    assert got["extract step alone, articles/s/core (largest cold run)"] == (1_100.0, False)  # the 100k failed
    assert got["one new page among 10,000 loaded"] == (None, None)
    assert got["peak memory, 100,000 pages, process tree (MiB)"] == (None, None)  # a failed run measures nothing
    table = goals_table({"goals": goals(report)}).splitlines()
    assert "| `make run` on the sample, after set-up | 9.5 | <= 10.0 | yes |" in table


def test_profile_times_every_step_over_every_article(tmp_path):
    from flows.settings import SAMPLE_DIR
    from tools.profile import main, step_times

    spent = step_times(SAMPLE_DIR)
    assert set(spent) == {"read+segment", "countries", "counts", "funders", "events", "articles"}
    assert spent["articles"] >= 7 and all(v > 0 for v in spent.values())
    out = tmp_path / "profile.html"
    assert main(["--pages", "5", "--cache", str(tmp_path / "cache"), "--out", str(out)]) == 0
    assert "<html" in out.read_text(encoding="utf-8").lower()
