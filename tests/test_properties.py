"""Property-based tests: the reader, the segmenter and the extractors on arbitrary input.

Promises checked: ``read_page`` returns a Page or raises ``UnreadableFile`` (nothing else);
``segment_page`` never raises and every title is ``text[title_start:title_end]``; the
extractors never raise and every span lies inside the article text (and, for country and
funding mentions, spells the mention). Inputs mix raw random data with text built from the
domain's own vocabulary (numbers, countries, funders, dates, contact blocks), which reaches
the extractors' rules far more often than random characters do.
"""

from __future__ import annotations

import codecs
import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.articles.decode import Page, read_page
from flows.articles.model import Article, stable_id
from flows.articles.segment import segment_page
from flows.facts.countries import resolve_place
from flows.facts.extract import extract_article
from flows.sources.scan import UnreadableFile

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORDS = [
    "IOM", "helped", "1,200", "3.5", "million", "people", "migrants", "refugees", "from", "in", "Venezuela",
    "Colombia", "Guatemala", "San José", "Costa Rica", "the", "European Union", "funded", "by", "with",
    "support", "of", "USAID", "Government", "Canada", "US$", "$", "2.4", "per cent", "%", "about", "over",
    "at least", "children", "women", "families", "households", "trained", "workshop", "on", "12", "June",
    "2019", "15-17", "March", "returned", "Honduras", "-", "–", ".", ",", ";", ":", "(", ")", "\"", "\n",
    "\n\n", "For more information please contact:", "Tel:", "+504 2234 5678", "press@example.org",
    "Guatemalan", "nationals", "thousands", "dozens", "between", "and", "to", "0", "1", "100,000",
    "Date Publish:", "Tue, 12/18/2018 - 08:58", "6 June, 2019", "Tegucigalpa", "Mexico", "said", "some",
    "Share", "Menu", "•", "Home", "news", "...", "\u00a0", "\t", "é", "\ufffd", "nine", "twenty-one",
]  # fmt: skip
domain_text = st.lists(st.sampled_from(_WORDS), max_size=120).map(" ".join)
any_text = st.one_of(domain_text, st.text(max_size=400), st.text(alphabet="0123456789 ,.-\n%$", max_size=200))


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


page_bytes = st.one_of(
    st.binary(max_size=600),
    st.builds(
        _encoded,
        any_text,
        st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig"]),
    ),
    st.builds(lambda t, cut: t.encode()[: max(0, len(t.encode()) - cut)], any_text, st.integers(0, 3)),
    st.builds(lambda t: b"<html><body><article><h1>" + t.encode() + b"</h1><p>" + t.encode() + b"</p>", any_text),
    st.builds(lambda b: codecs.BOM_UTF16_LE + b, st.binary(max_size=50)),
    st.builds(lambda b: gzip.compress(b), st.binary(max_size=200)),
    st.builds(lambda b, n: gzip.compress(b)[:n], st.binary(max_size=200), st.integers(0, 40)),
)


@FAST
@given(page_bytes)
def test_read_page_returns_a_page_or_refuses_with_a_reason(data: bytes) -> None:
    try:
        page = read_page(data)
    except UnreadableFile as exc:
        assert str(exc).strip()
        return
    assert isinstance(page, Page)
    assert page.text.strip() and page.encoding
    assert "\x00" not in page.text and "\r" not in page.text


page_text = st.one_of(
    any_text,
    st.builds(lambda t, b: f"{t}\n\n{b}\n", domain_text, domain_text),
    st.builds(
        lambda d, t, b: f"{d}\n{t}\n{b}\n",
        st.sampled_from(["6 June, 2019", "2019-03-08", "Date Publish:"]),
        domain_text,
        domain_text,
    ),
)


@FAST
@given(page_text)
def test_segment_page_never_raises_and_titles_are_spans(text: str) -> None:
    for article in segment_page(text, "f.txt", "0" * 64, resolve_place):
        assert article.title == article.text[article.title_start : article.title_end]
        assert 0 <= article.body_start <= len(article.text)
        if article.dateline_start is not None:
            assert article.text[article.dateline_start : article.dateline_end] == article.dateline_place


@pytest.mark.parametrize(
    "text",
    [
        "00 0\n0 0 0 0 0 0 0 0",  # minimal input hypothesis found: the masked run spans title and body
        "Migrants can call +504 2234 5678 for free help in Honduras\n\n"
        "Tegucigalpa - The new hotline opened on Monday for migrants who return from Mexico.\n",
    ],
)
def test_title_is_exactly_the_text_span_even_when_masked(text: str) -> None:
    articles = segment_page(text, "f.txt", "0" * 64, resolve_place)
    assert articles
    for article in articles:
        assert article.title == article.text[article.title_start : article.title_end]


def _article(title: str, body: str) -> Article:
    text = f"{title}\n\n{body}"
    return Article(
        article_id=stable_id(text),
        source_file="f.txt",
        content_sha256="0" * 64,
        ordinal=0,
        title=title,
        text=text,
        title_start=0,
        title_end=len(title),
        body_start=len(title) + 2,
    )


@FAST
@given(st.one_of(domain_text, st.text(max_size=80)), any_text)
def test_extractors_never_raise_and_spans_stay_inside(title: str, body: str) -> None:
    _assert_spans(extract_article(_article(title, body)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_text)
def test_extractors_on_segmented_pages(text: str) -> None:
    for article in segment_page(text, "f.txt", "0" * 64, resolve_place):
        _assert_spans(extract_article(article))


def _assert_spans(facts) -> None:
    text = facts.article.text
    n = len(text)
    for m in facts.countries:
        assert 0 <= m.char_start < m.char_end <= n
        assert text[m.char_start : m.char_end] == m.mention_text
    for m in facts.funders:
        assert 0 <= m.char_start < m.char_end <= n
        assert text[m.char_start : m.char_end] == m.mention_text
    for c in facts.counts:
        assert 0 <= c.char_start < c.char_end <= n
    for e in facts.events:
        assert 0 <= e.char_start < e.char_end <= n
