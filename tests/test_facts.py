"""Extraction over a batch: one article's extractor bug never loses the rest."""

from __future__ import annotations

import flows.facts.counts as counts_module
from flows.articles.segment import segment_page
from flows.facts.extract import extract_facts
from flows.sources.ledger import FileRecord, mark_extraction_failures
from flows.store.frames import facts_to_frames

GOOD = "Forty officials trained in Honduras\n\nTegucigalpa - Forty officials took part in a workshop.\n"
BAD = "Job fair hires 120 migrants\n\nSan Pedro Sula - A job fair hired 120 returned migrants. BOOM.\n"


def test_an_extractor_error_is_kept_on_its_article_and_the_rest_extracts(monkeypatch):
    real = counts_module.extract_counts

    def fragile(article, countries):
        if "BOOM" in article.text:
            raise ValueError("cannot parse")
        return real(article, countries)

    monkeypatch.setattr(counts_module, "extract_counts", fragile)
    articles = segment_page(GOOD, "good.txt", "g" * 64) + segment_page(BAD, "bad.txt", "b" * 64)
    facts = extract_facts(articles)
    assert [f.error for f in facts] == [None, "ValueError: cannot parse"]
    frames = facts_to_frames(facts)
    assert frames["articles"]["source_file"].to_list() == ["good.txt"]
    records = [
        FileRecord("good.txt", "g" * 64, 10, "utf-8", "loaded", None, 1),
        FileRecord("bad.txt", "b" * 64, 10, "utf-8", "loaded", None, 1),
    ]
    mark_extraction_failures(records, {"b" * 64: facts[1].error})
    assert (records[0].status, records[1].status) == ("loaded", "failed")
    assert "cannot parse" in records[1].reason
