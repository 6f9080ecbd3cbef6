"""Readable pages are not lost, unreadable bytes are refused (flows/articles/decode.py, read_page)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.decode import read_page
from flows.sources.scan import UnreadableFile

PAGE = (
    "Job fair in Bogotá hires 120 returned migrants\n\n"
    "Bogotá - On May 10, 120 returned migrants were hired by 25 companies at a job fair in Colombia."
)


def test_a_short_page_with_a_few_stray_nuls_loads() -> None:
    data = PAGE.encode().replace(b"May", b"M\x00ay").replace(b"fair", b"fa\x00ir", 1).replace(b"hired", b"hi\x00red")
    page = read_page(data)
    assert page.text == PAGE
    assert "NUL bytes removed" in page.encoding


def test_a_file_that_is_mostly_nuls_is_still_binary() -> None:
    with pytest.raises(UnreadableFile, match="NUL bytes"):
        read_page(b"Page\x00\x00\x00\x00\x00\x00 text\x00\x00\x00\x00\x00")


@pytest.mark.parametrize("seed", range(40))
def test_random_bytes_are_binary(seed: int) -> None:
    rng = random.Random(seed)
    with pytest.raises(UnreadableFile, match="binary content"):
        read_page(rng.randbytes(rng.choice((48, 64, 100, 200, 1000, 6000))))


def test_utf8_cut_inside_its_last_character_stays_utf8() -> None:
    data = "Job fair in Bogotá".encode()[:-1]  # the only accent is the one cut
    page = read_page(data)
    assert page.text == "Job fair in Bogot\ufffd"
    assert page.encoding.startswith("utf-8")
    longer = (PAGE + " Niños en Perú").encode()[:-1]
    assert read_page(longer).text == PAGE + " Niños en Per\ufffd"


def test_windows_1252_that_happens_to_be_valid_utf8_is_read_as_windows_1252() -> None:
    text = "Migrantes en PERÚ” según la OIM"
    page = read_page(text.encode("cp1252"))
    assert page.text == text
    assert page.encoding == "windows-1252"


def test_real_utf8_in_other_scripts_stays_utf8() -> None:
    text = "Київ (Kyiv) and Ελλάδα receive 300 families"
    assert read_page(text.encode()).text == text


@pytest.mark.parametrize(
    ("meta", "codec", "body"),
    [
        ('<meta charset="windows-1251">', "cp1251", "Москва: 300 мигрантов"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">',
            "iso-8859-15",
            "Un fondo de 5 000 € para Perú",
        ),
        ("<meta charset='koi8-r'>", "koi8-r", "Москва: 300 мигрантов"),
    ],
)
def test_the_declared_charset_is_honoured(meta: str, codec: str, body: str) -> None:
    html = f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"
    page = read_page(html.encode(codec))
    assert body in page.text
    assert "declared by the page" in page.encoding


def test_a_declared_charset_the_bytes_are_not_valid_in_is_not_used() -> None:
    html = '<html><head><meta charset="ascii"></head><body><p>Perú y Bogotá</p></body></html>'
    assert "Perú y Bogotá" in read_page(html.encode("cp1252")).text


def test_zero_width_characters_are_removed() -> None:
    text = "Hon\u200bduras re\u200cceives 3\u200d00 kits in Teguci\u2060galpa\ufeff today"
    page = read_page(text.encode())
    assert page.text == "Honduras receives 300 kits in Tegucigalpa today"
    assert "zero-width" in page.encoding


def test_a_soft_hyphen_inside_a_country_name_does_not_hide_it():
    from flows.articles.decode import read_page

    page = read_page(
        "Floods in Guate\u00admala\n\nGuatemala City - Rains displaced 300 families in Guate\u00admala.\n".encode()
    )
    assert "\u00ad" not in page.text and page.text.count("Guatemala") == 3


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.sampled_from(["Migrants", "returned", "to", "Honduras", "Guatemala", "1,200", "officials"]),
                   min_size=12, max_size=40),
    strays=st.lists(st.tuples(st.integers(0, 1000), st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f",
                                                                     "\u200b", "\u00ad"])), max_size=3),  # more: binary
)  # fmt: skip
def test_stray_control_bytes_never_lose_a_word(words, strays):
    """A few stray control or invisible characters between words (more is binary): every word still reads."""
    from flows.articles.decode import read_page

    gaps = [" "] * (len(words) - 1)
    for where, stray in strays:
        gaps[where % len(gaps)] += stray
    noisy = "".join(w + g for w, g in zip(words, [*gaps, ""], strict=True))
    page = read_page(noisy.encode("utf-8"))
    assert page.text.split() == words
