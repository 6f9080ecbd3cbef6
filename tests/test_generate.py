"""The synthetic corpus: deterministic bytes, every layout, nested folders, pages the project can read."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from flows.articles.decode import read_page
from flows.articles.segment import segment_page
from flows.facts.countries import resolve_place
from flows.reference import read_seed
from tools import generate
from tools.generate import FILES_PER_FOLDER, LAYOUTS, generate_corpus, generate_page, page_path

PAGES = 240  # enough for every layout to appear several times


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, PAGES, seed=7)
    return _files(root)


def _layout(name: str) -> str:
    return name.rsplit("-", 1)[1].split(".")[0]


def test_same_seed_same_bytes(tmp_path, corpus):
    generate_corpus(tmp_path / "again", PAGES, seed=7)
    assert _files(tmp_path / "again") == corpus


def test_other_seed_other_pages(tmp_path, corpus):
    generate_corpus(tmp_path / "other", 20, seed=8)
    other = _files(tmp_path / "other")
    assert sum(other[name] != corpus.get(name) for name in other) >= 18


def test_pool_writes_the_same_bytes_as_the_serial_loop(tmp_path, monkeypatch):
    generate_corpus(tmp_path / "serial", 40, seed=3, workers=1)
    monkeypatch.setattr(generate, "_PARALLEL_PAGES", 10)  # force the pool on a small corpus
    generate_corpus(tmp_path / "pool", 40, seed=3, workers=2)
    assert _files(tmp_path / "pool") == _files(tmp_path / "serial")


def test_every_layout_present(corpus):
    seen = Counter(_layout(name) for name in corpus)
    assert set(seen) == set(LAYOUTS)
    assert min(seen.values()) >= 5


def test_layout_shapes(corpus):
    for name, data in corpus.items():
        layout = _layout(name)
        if layout == "html":
            assert data.startswith(b"<!DOCTYPE html>") and b"<article>" in data
        elif layout == "news_global":
            assert data.startswith(b"News\nGlobal\n")
        elif layout == "spain_feed":
            assert b"Updated: " in data and b" ago" in data
        elif layout == "nav":
            assert data.count(b"\n") > 10


def test_cp1252_pages_are_not_utf8_and_are_read_as_windows_1252(corpus):
    cp = [data for name, data in corpus.items() if _layout(name) == "cp1252"]
    undecodable = 0
    for data in cp:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
            assert read_page(data).encoding.lower().replace("-", "").replace("_", "") in ("cp1252", "windows1252")
    assert undecodable >= len(cp) // 2


def test_nested_folders_of_at_most_a_thousand_files(tmp_path):
    assert page_path(0) == Path("000", "00")
    assert page_path(FILES_PER_FOLDER * 100 + 5) == Path("001", "00")
    generate_corpus(tmp_path, 4, seed=0, start=FILES_PER_FOLDER - 2)  # straddles two folders
    folders = {p.parent.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")}
    assert folders == {"000/00", "000/01"}


def test_sizes_vary_between_about_one_and_eight_kilobytes(corpus):
    sizes = sorted(len(d) for d in corpus.values())
    assert sizes[len(sizes) // 2] > 1000
    assert sizes[-1] < 12_000 and sizes[-1] > 4000
    assert sizes[0] > 200


def test_pages_carry_numbers_money_percentages_donors_and_places(corpus):
    text = "\n".join(d.decode("utf-8", errors="replace") for d in corpus.values())
    assert any(m in text for m in ("US$ ", "USD ", "EUR ", "CHF "))
    assert "per cent" in text or "%" in text
    assert "between " in text and "twenty-five" in text.lower()
    donors = [n for n in read_seed("funders")["funder_name"] if n in text]
    assert len(donors) >= 10
    places = [p for p in read_seed("places")["place_name"].head(3000) if p and f"{p} " in text]
    assert len(places) >= 50


def test_every_page_yields_articles_with_titles(corpus):
    per_layout: Counter[str] = Counter()
    for name, data in corpus.items():
        articles = segment_page(read_page(data).text, name, "0" * 64, resolve_place)
        assert articles and all(a.title for a in articles), name
        per_layout[_layout(name)] += len(articles)
    listings = sum(_layout(n) == "listing" for n in corpus)
    assert per_layout["listing"] >= 2 * listings  # one article per dated item


def test_generate_page_is_a_pure_function():
    assert generate_page(12345, seed=1) == generate_page(12345, seed=1)
    assert generate_page(12345, seed=1) != generate_page(12346, seed=1)
