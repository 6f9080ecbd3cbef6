"""Raw bytes -> page text: encoding detection, binary refusal, HTML to text.

A raw file is untrusted input. :func:`read_page` either returns the page's
text (with the encoding it was read in) or raises :class:`UnreadableFile`
with a reason a person understands; it never guesses silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FILE_BYTES = 20 * 1024 * 1024

# Leading bytes of formats that are certainly not a saved web page.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive (or office document)"),
    (b"\x1f\x8b", "gzip-compressed file"),
    (b"BZh", "bzip2-compressed file"),
    (b"\xfd7zXZ", "xz-compressed file"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"),
)

_HTML_HINT = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|article|div|p|h1)\b", re.IGNORECASE)


class UnreadableFile(Exception):
    """The file cannot be read as a web page; ``str(exc)`` says why."""


@dataclass(frozen=True)
class Page:
    """A raw file's text, ready for segmentation."""

    text: str
    encoding: str
    is_html: bool


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and name the encoding used.

    Order: a byte-order mark; strict UTF-8; UTF-16 recognised by its NUL
    pattern; Windows-1252 (a superset of Latin-1's printable range); Latin-1.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(b"\x00") >= len(sample) // 3:
        even_nuls = sample[0::2].count(b"\x00")
        odd_nuls = sample[1::2].count(b"\x00")
        codec = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    # Mostly-valid UTF-8 with a few broken sequences (a truncated file) stays UTF-8.
    if _looks_like_broken_utf8(data, utf8_error):
        return data.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)"
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _looks_like_broken_utf8(data: bytes, error: UnicodeDecodeError) -> bool:
    """True when the bytes hold valid multi-byte UTF-8 sequences besides the bad ones."""
    multibyte = len(re.findall(rb"[\xc2-\xf4][\x80-\xbf]+", data))
    bad = len(data.decode("utf-8", errors="replace")) - len(data.decode("utf-8", errors="ignore"))
    return multibyte > 0 and multibyte >= bad


def read_page(data: bytes) -> Page:
    """Turn a raw file's bytes into page text, or raise :class:`UnreadableFile`."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    if not data.strip():
        raise UnreadableFile("empty file (no text)")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(f"not a text or HTML page: looks like a {kind}")
    text, encoding = decode_bytes(data)
    if "\x00" in text:
        if text.count("\x00") > len(text) // 100:
            raise UnreadableFile("binary content: NUL bytes throughout the file")
        text = text.replace("\x00", "")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(20, len(text[:20000]) // 50):
        raise UnreadableFile("binary content: control characters throughout the file")
    is_html = bool(_HTML_HINT.search(data[:4096]))
    if is_html:
        from flows.html import html_to_text

        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("no visible text after removing markup")
    return Page(text=text, encoding=encoding, is_html=is_html)
