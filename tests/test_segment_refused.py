"""Pages that are articles but used to be refused as "no article found": a headline over 40 words, a
real item with a six-word body, and pages in Chinese or Japanese (no spaces between words). Written
for these tests; a page of navigation alone still yields nothing."""

from __future__ import annotations

import pytest

from flows.articles.segment import segment_page
from flows.facts.countries import resolve_place

LONG_HEADLINE = " ".join(["Migrants"] + ["and refugees in the region receive support"] * 7)

PAGES = {
    "long_headline": (
        f"{LONG_HEADLINE}\n\nGeneva - IOM provided shelter to 300 displaced families in the north this week.\n",
        LONG_HEADLINE,
    ),
    "six_word_body": (
        "IOM Opens New Office in Nairobi\n\nNairobi - IOM opened its new office.\n",
        "IOM Opens New Office in Nairobi",
    ),
    "chinese": (
        "国际移民组织在北京开设新办事处\n\n北京 - 国际移民组织今天在北京开设了新的办事处，为移民提供帮助。"
        "该办事处将为三百名移民提供服务。\n",
        "国际移民组织在北京开设新办事处",
    ),
    "japanese": (
        "国際移住機関が東京に新事務所を開設\n\n東京 - 国際移住機関は本日、東京に新しい事務所を開設しました。"
        "移民三百人に支援を提供します。\n",
        "国際移住機関が東京に新事務所を開設",
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_is_one_article_with_its_headline(name):
    text, title = PAGES[name]
    [article] = segment_page(text, f"{name}.txt", "0" * 64, resolve_place)
    assert article.title == title
    assert article.text[article.title_start : article.title_end] == title


def test_a_page_of_navigation_alone_is_still_no_article():
    assert (
        segment_page("Who we are\nOur Work\nWhere we work\nData and research\n2030 Agenda\n", "n.txt", "0" * 64) == []
    )


def test_a_lone_sentence_is_no_article():
    assert segment_page("IOM opened its new office in Nairobi.\n", "s.txt", "0" * 64) == []
