from flows.articles.redact import redact_personal_data
from flows.language.text import contact_block_start, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_keep_abbreviations_and_initials_together():
    text = "Dr. Ruiz met U.S. officials in J. Smith's office. Then 1,195 people left."
    assert _sentences(text) == ["Dr. Ruiz met U.S. officials in J. Smith's office.", "Then 1,195 people left."]


def test_blank_line_ends_a_sentence_without_punctuation():
    text = "A headline with no period\n\nThe body starts here. It goes on."
    assert _sentences(text) == ["A headline with no period", "The body starts here.", "It goes on."]


def test_spans_index_the_original_text():
    text = '  He said "we will return."  Next one?  '
    for a, b in sentence_spans(text):
        assert text[a:b] == text[a:b].strip() and text[a:b]


def test_contact_block_found_at_line_start():
    text = "Body text.\nFor more information please contact:\nAna, Tel: +1 555 0100 2000"
    assert text[contact_block_start(text) :].startswith("For more information")
    assert contact_block_start("No contact here.") == len("No contact here.")


def test_redaction_keeps_length_and_masks_phones_and_emails():
    text = "Contact Ana, Tel: +502 2414 7409, Email: ana@example.org. It helped 1,195 people and 24,000 more."
    red = redact_personal_data(text)
    assert len(red) == len(text)
    assert "2414" not in red and "ana@example.org" not in red
    assert "1,195" in red and "24,000" in red
