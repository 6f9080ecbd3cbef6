"""The benchmark harness: the shape of its report, never its timings."""

from __future__ import annotations

import json

import pytest

from tools.bench import benchmark, corpus_dir, ensure_corpus, markdown_table


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
    assert {"generated_at", "machine", "seed", "runs"} <= set(report)
    (run,) = report["runs"]
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
    assert table[0].startswith("| pages | run |") and len(table) == 3
    assert table[2].startswith("| 8 | full | succeeded |")


def test_profile_times_every_step_over_every_article(tmp_path):
    from flows.settings import SAMPLE_DIR
    from tools.profile import main, step_times

    spent = step_times(SAMPLE_DIR)
    assert set(spent) == {"read+segment", "countries", "counts", "funders", "events", "articles"}
    assert spent["articles"] >= 7 and all(v > 0 for v in spent.values())
    out = tmp_path / "profile.html"
    assert main(["--pages", "5", "--cache", str(tmp_path / "cache"), "--out", str(out)]) == 0
    assert "<html" in out.read_text(encoding="utf-8").lower()
