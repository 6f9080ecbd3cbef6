"""The benchmark harness (shape of its report, never its timings) and extraction on several cores."""

from __future__ import annotations

import copy
import json

import pytest

from flows.bench import benchmark, corpus_dir, ensure_corpus, markdown_table
from flows.extract.countries import resolve_place
from flows.facts import PARALLEL_MIN_ARTICLES, extract_facts, facts_to_frames
from flows.generate import generate_page
from flows.reading import read_page
from flows.segment import segment_page


def _articles(n: int, seed: int = 5):
    """At least ``n`` articles of the synthetic corpus, in page order."""
    articles, index = [], 0
    while len(articles) < n:
        name, data = generate_page(index, seed)
        articles += segment_page(read_page(data).text, name, f"{index:064x}", resolve_place)
        index += 1
    return articles[:n]


def test_parallel_extraction_gives_the_serial_output_in_order():
    serial_in = _articles(300)
    parallel_in = copy.deepcopy(serial_in)
    assert len(parallel_in) >= PARALLEL_MIN_ARTICLES  # the pool really runs
    serial = extract_facts(serial_in, workers=1)
    parallel = extract_facts(parallel_in, workers=2)
    assert [f.article.article_id for f in parallel] == [a.article_id for a in serial_in]
    assert [f.article for f in parallel] == [f.article for f in serial]
    assert all(f.article is a for f, a in zip(parallel, parallel_in, strict=True))  # caller's objects, updated
    assert [a.primary_country_iso3 for a in parallel_in] == [a.primary_country_iso3 for a in serial_in]
    for name, frame in facts_to_frames(serial).items():
        assert frame.height > 0, name
        assert facts_to_frames(parallel)[name].equals(frame), name


def test_small_batches_stay_in_process():
    articles = _articles(3)
    assert [f.article for f in extract_facts(articles, workers=8)] == articles


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
    for key in ("wall_s", "flow_s", "import_s", "stages_s", "prefect_other_s", "pages_per_s", "articles_per_s"):
        assert isinstance(run[key], float) and run[key] >= 0, key
    assert run["peak_rss_mb"] > 50
    table = markdown_table(report).splitlines()
    assert table[0].startswith("| pages | run |") and len(table) == 3
    assert table[2].startswith("| 8 | full | succeeded |")
