"""The bundled sample pages (``flows/sample_pages``) that ``make run`` processes by default.

They must cover every raw layout the extractors meet, carry hand answers
(``tests/sample_expected.jsonl``) the project can score itself against, and be our own text:
no page may share a 60-character run with the third-party pages in ``../shared``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "flows" / "sample_pages"
EXPECTED = REPO / "tests" / "sample_expected.jsonl"
SHARED = (REPO / ".." / "shared").resolve()

RUN = 60  # longest run of characters a sample page may share with a real page
PAGE_SUFFIXES = {".txt", ".html"}

# "10 October, 2019": the date line that opens each item of a listing page.
DATE_LINE = re.compile(
    r"^\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December), \d{4}$",
    re.MULTILINE,
)
ISO3 = re.compile(r"^[A-Z]{3}$")
ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")

UNITS = {"persons", "organizations", "countries", "places", "events", "items", "percent", "money"}
PERSON_CATEGORIES = {
    "returned",
    "assisted",
    "participants",
    "victims",
    "dead_missing",
    "employed",
    "migrants",
}
QUALIFIERS = {"exact", "approx", "min", "max"}
EVENT_TYPES = {
    "training",
    "meeting",
    "campaign",
    "launch",
    "return",
    "assistance",
    "employment",
    "survey",
    "incident",
}


def sample_pages() -> list[Path]:
    """Every raw page in the sample folder (it holds nothing else: the flow reads every file)."""
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in PAGE_SUFFIXES)


def decode(raw: bytes) -> str:
    """Page text: UTF-8 when it decodes, else Windows-1252 (the one legacy encoding we ship)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def page_text(path: Path) -> str:
    return decode(path.read_bytes())


def squeeze(text: str) -> str:
    """Lower case with whitespace runs collapsed, so re-wrapping a copied passage does not hide it."""
    return " ".join(text.lower().split())


def load_expected() -> list[dict]:
    with EXPECTED.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def all_articles() -> list[dict]:
    return [a for obj in load_expected() for a in obj["articles"]]


# --- layouts -------------------------------------------------------------------------------------------


def test_sample_folder_has_enough_pages_of_sensible_size():
    pages = sample_pages()
    assert 7 <= len(pages) <= 8
    for p in pages:
        assert 1000 <= p.stat().st_size <= 4096, p.name


def test_has_a_full_html_document():
    htmls = [page_text(p) for p in sample_pages() if p.suffix == ".html"]
    assert htmls
    html = htmls[0]
    markers = (
        "<!DOCTYPE html>", "<head>", "<script", "<style", "<nav", "<header", "<article",
        "<h1>", "<time datetime=", "<footer", "&amp;", "&nbsp;", "&#8220;",
    )  # fmt: skip
    for marker in markers:
        assert marker in html, marker


def test_has_a_windows_1252_page():
    legacy = []
    for p in sample_pages():
        raw = p.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            legacy.append(raw.decode("cp1252"))
    assert legacy, "no page in a legacy encoding"
    # accents and curly quotes must survive the cp1252 decoding
    assert any("é" in t and "\u201c" in t for t in legacy)


def test_has_a_listing_with_at_least_four_dated_items():
    dated = [len(DATE_LINE.findall(page_text(p))) for p in sample_pages()]
    assert max(dated) >= 4


def test_has_navigation_news_header_and_regional_layouts():
    texts = [page_text(p) for p in sample_pages() if p.suffix == ".txt"]
    nav = [t for t in texts if t.startswith("-\nWho we are") and "- 2030 Agenda\n" in t]
    news = [t for t in texts if t.startswith("News\nGlobal\n")]
    # regional layout: title, blank line(s), country tag line, then the date line
    regional = [t for t in texts if re.search(r"\n[A-Z][A-Za-z ,]+\n\d{1,2} [A-Z][a-z]+, \d{4}\n", t)]
    assert nav and news and regional


def test_contact_blocks_use_placeholder_addresses_only():
    for p in sample_pages():
        for email in re.findall(r"[\w.+-]+@[\w.-]+", page_text(p)):
            assert email.endswith("@example.org"), (p.name, email)


# --- expected answers ----------------------------------------------------------------------------------


def test_expected_names_every_page_and_only_existing_files():
    names = [obj["file"] for obj in load_expected()]
    assert len(names) == len(set(names))
    assert set(names) == {p.name for p in sample_pages()}


def test_expected_titles_and_dates_are_printed_on_their_page():
    for obj in load_expected():
        text = page_text(SAMPLES / obj["file"])
        for art in obj["articles"]:
            assert art["title"] in text, art["title"]
            if art["published_date"] is not None:
                assert ISO_DATE.match(art["published_date"])


def test_expected_listing_has_one_article_per_dated_item():
    for obj in load_expected():
        items = DATE_LINE.findall(page_text(SAMPLES / obj["file"]))
        if len(items) >= 4:
            assert len(obj["articles"]) == len(items)


def test_expected_answers_follow_the_spec_vocabulary():
    for art in all_articles():
        assert all(ISO3.match(c) for c in art["countries"])
        assert art["primary_country"] is None or art["primary_country"] in art["countries"]
        values = {c["value"] for c in art["counts"]}
        for cnt in art["counts"]:
            assert cnt["unit"] in UNITS and cnt["qualifier"] in QUALIFIERS
            if cnt["unit"] == "persons":
                assert cnt["category"] in PERSON_CATEGORIES | {"other_persons"}
            else:
                assert cnt["category"] == cnt["unit"]
            assert (cnt["unit"] == "money") == ("currency" in cnt)
            if "part_of" in cnt:
                assert cnt["part_of"] in values and cnt["part_of"] > cnt["value"]
        for fund in art["funders"]:
            assert fund["role"] in {"funder", "supporter"} and fund["name"]
        for ev in art["events"]:
            assert ev["type"] in EVENT_TYPES | {"other"}
            for key in ("start_date", "end_date"):
                assert ev[key] is None or ISO_DATE.match(ev[key])


def test_expected_answers_exercise_every_feature():
    """The sample is the project's demo: every unit, category, qualifier and event type appears."""
    arts = all_articles()
    counts = [c for a in arts for c in a["counts"]]
    assert {c["unit"] for c in counts} == UNITS
    assert PERSON_CATEGORIES <= {c["category"] for c in counts}
    assert {c["qualifier"] for c in counts} == QUALIFIERS
    assert any("value_max" in c for c in counts)
    assert any("part_of" in c for c in counts)
    assert {c.get("currency") for c in counts} >= {"USD", "EUR"}
    assert {f["role"] for a in arts for f in a["funders"]} == {"funder", "supporter"}
    assert EVENT_TYPES <= {e["type"] for a in arts for e in a["events"]}


# --- originality -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def real_page_runs() -> frozenset[str]:
    """Every 60-character run of the real pages in ../shared (seeds and dev corpus)."""
    runs: set[str] = set()
    for folder in (SHARED / "seeds", SHARED / "corpus" / "dev"):
        for path in folder.glob("*"):
            if path.is_file():
                text = squeeze(decode(path.read_bytes()))
                runs.update(text[i : i + RUN] for i in range(len(text) - RUN + 1))
    return frozenset(runs)


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not checked out beside the repo")
@pytest.mark.parametrize("page", sample_pages(), ids=lambda p: p.name)
def test_sample_page_shares_no_long_run_with_real_pages(page: Path):
    runs = real_page_runs()
    assert len(runs) > 10_000  # the real pages were found and read
    text = squeeze(page_text(page))
    copied = [text[i : i + RUN] for i in range(len(text) - RUN + 1) if text[i : i + RUN] in runs]
    assert not copied, copied[:3]


def test_sample_folder_holds_only_pages():
    """The flow reads every file in the folder, so anything else there would be 'ignored' noise."""
    assert {p.suffix for p in SAMPLES.iterdir()} <= PAGE_SUFFIXES
