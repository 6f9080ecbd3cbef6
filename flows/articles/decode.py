"""Raw bytes -> page text: encoding detection, binary refusal, decompression, HTML to text.

A raw file is untrusted input. :func:`read_page` either returns the page's
text (with the encoding it was read in) or raises :class:`UnreadableFile`
with a reason a person understands; it never raises anything else and never
guesses silently: every repair it makes is named in ``Page.encoding``.

Decisions (each one is tested in ``tests/test_robustness.py``):

* Encodings, in order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32); UTF-16
  without a mark, recognised by its NUL pattern; strict UTF-8; UTF-8 with a few
  broken or truncated sequences (replaced by U+FFFD); Windows-1252; Latin-1.
* Mojibake (UTF-8 read as Latin-1/Windows-1252 and saved again, "SÃ£o Paulo")
  is repaired run by run when the run re-encodes to valid UTF-8.
* gzip, bzip2 and xz files hold one page: it is decompressed, never beyond
  :data:`MAX_FILE_BYTES` (a decompression bomb is refused), and read like a file.
  Archives of several files (zip, 7z, rar) are refused.
* A page's declared charset (``<meta charset>``, ``http-equiv Content-Type``, an XML
  declaration) is used when the bytes are not UTF-8 and are valid in it; bytes that are valid
  UTF-8 only by accident (a Latin letter against an Arabic or Cyrillic one: "PERÚ”" in
  Windows-1252) are read as the single-byte text they are; UTF-8 cut inside its last character
  stays UTF-8 with that character replaced.
* NUL bytes scattered in text are dropped; a file where they are over a tenth of the
  characters, or with control characters throughout, is binary and refused.
* Zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF) are removed.
"""

from __future__ import annotations

import bz2
import codecs
import lzma
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flows.sources.scan import MAX_FILE_BYTES, UnreadableFile

# Leading bytes of formats that are certainly not a saved web page.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"RIFF", "RIFF media file (WebP, WAV, AVI)"),
    (b"PK\x03\x04", "ZIP archive (or office document)"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0", "legacy office document"),
    (b"SQLite format 3", "SQLite database"),
)

_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|div|p|h1)\b", re.IGNORECASE)

# A UTF-8 sequence whose bytes were each read as one Latin-1/Windows-1252 character:
# a lead character (U+00C2-U+00F4) then continuation characters (bytes 0x80-0xBF).
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}")


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Page:
    """A raw file's text, ready for segmentation; ``encoding`` names how it was read and repaired."""

    text: str
    encoding: str
    is_html: bool


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` (never raises) and name the encoding used."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            text = body.decode(codec, errors="replace")
            return text, f"{codec} (byte-order mark)" + _replaced_note(text, body, codec)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    declared = declared_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # bytes that happen to be valid UTF-8 ("PERÚ”" in Windows-1252 is R, U+0694) but put a letter
        # of another script right against a Latin one are single-byte text
        if not _MIXED_SCRIPT.search(text):
            return text, "utf-8"
        single = _single_byte(data, declared)
        if single is not None:
            return single
        return text, "utf-8"
    # valid UTF-8 cut inside its last character (a truncated download): only that character is lost
    if _cut_utf8_tail(data):
        return data.decode("utf-8", errors="replace"), "utf-8 (last character cut, replaced)"
    # the page's own <meta charset> (or http-equiv Content-Type), when its bytes are valid in it
    if declared is not None:
        try:
            return data.decode(declared), f"{declared} (declared by the page)"
        except UnicodeDecodeError:
            pass
    # Mostly-valid UTF-8 with a few broken sequences (a truncated file) stays UTF-8.
    if _looks_like_broken_utf8(data):
        text = data.decode("utf-8", errors="replace")
        if not _MIXED_SCRIPT.search(text):
            return text, "utf-8 (invalid bytes replaced)"
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# a Latin letter right against a letter of the two-byte UTF-8 scripts past Latin (Greek,
# Cyrillic, Armenian, Hebrew, Arabic...): what single-byte text read as UTF-8 looks like
_MIXED_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f][\u0370-\u07ff]|[\u0370-\u07ff][A-Za-z]")

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)


def declared_charset(data: bytes) -> str | None:
    """The single-byte or UTF-8 charset the page declares in its first 4 kB (normalised codec
    name), or None; UTF-16/32 declarations are ignored (the bytes themselves say that)."""
    m = _META_CHARSET.search(data[:4096])
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")) or codec in ("utf-8", "utf-8-sig"):
        return None
    return codec


def _single_byte(data: bytes, declared: str | None) -> tuple[str, str] | None:
    """The declared charset's, else Windows-1252's reading of ``data``, when the bytes are valid in it."""
    for codec, label in ((declared, f"{declared} (declared by the page)"), ("cp1252", "windows-1252")):
        if codec is None:
            continue
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    return None


def _cut_utf8_tail(data: bytes) -> bool:
    """True when ``data`` is valid UTF-8 but for its last character, cut short (1-3 bytes of it).

    A lone lead byte after plain ASCII is as likely a single-byte letter ("PERÚ" in Windows-1252
    ends in 0xDA), so it counts only when it is one of UTF-8's common Latin leads (0xC2, 0xC3,
    0xC5), when 2+ bytes of the character are there, or when the rest holds UTF-8 sequences.
    """
    for k in (1, 2, 3):
        if len(data) <= k:
            return False
        tail, rest = data[-k:], data[:-k]
        lead, need = tail[0], 0
        if 0xC2 <= lead <= 0xDF:
            need = 2
        elif 0xE0 <= lead <= 0xEF:
            need = 3
        elif 0xF0 <= lead <= 0xF4:
            need = 4
        if need <= k or any(not 0x80 <= b <= 0xBF for b in tail[1:]):
            continue
        try:
            rest.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return k >= 2 or lead in (0xC2, 0xC3, 0xC5) or bool(_UTF8_MULTIBYTE.search(rest))
    return False


def _replaced_note(text: str, body: bytes, codec: str) -> str:
    return " (invalid bytes replaced)" if "\ufffd" in text and b"\xff\xfd" not in body else ""


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec when the NULs sit in every other byte (ASCII-range text in UTF-16)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls >= 0.6 * half and even_nuls <= 0.1 * half:
        return "utf-16-le"
    if even_nuls >= 0.6 * half and odd_nuls <= 0.1 * half:
        return "utf-16-be"
    return None


def _looks_like_broken_utf8(data: bytes) -> bool:
    """True when the bytes hold valid multi-byte UTF-8 sequences besides the bad ones."""
    multibyte = len(_UTF8_MULTIBYTE.findall(data))
    bad = len(data.decode("utf-8", errors="replace")) - len(data.decode("utf-8", errors="ignore"))
    return multibyte > 0 and multibyte >= bad


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8-read-as-Latin-1 runs ("SÃ£o" -> "São"); returns the text and the number repaired.

    A run is repaired only when its characters re-encode (Windows-1252, else Latin-1) to one valid
    UTF-8 character; two-character runs only when that character is a Latin letter or sign
    (U+00A0-U+02FF), since e.g. "É’" is plausible text while its "repair" (a Cyrillic letter) is not.
    """
    repaired = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal repaired
        run = m.group(0)
        try:
            char = bytes(_mis_decoded_byte(c) for c in run).decode("utf-8")
        except (UnicodeError, ValueError):
            return run
        if len(run) == 2 and not "\u00a0" <= char <= "\u02ff":
            return run
        repaired += 1
        return char

    if not _MOJIBAKE.search(text):
        return text, 0
    return _MOJIBAKE.sub(fix, text), repaired


def _mis_decoded_byte(char: str) -> int:
    """The byte that Windows-1252 (or, for its five undefined bytes, Latin-1) decoded as ``char``."""
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(char)  # over 255 raises ValueError in bytes(): not mojibake


# Compressed single-file formats: magic bytes, name, and a decompressor factory.
_COMPRESSED: tuple[tuple[bytes, str, Callable[[], Any]], ...] = (
    (b"\x1f\x8b", "gzip", lambda: zlib.decompressobj(wbits=31)),
    (b"BZh", "bzip2", bz2.BZ2Decompressor),
    (b"\xfd7zXZ\x00", "xz", lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ)),
)


def decompress(data: bytes) -> tuple[bytes, str] | None:
    """The content of a gzip/bzip2/xz file and the format's name, or None when ``data`` is not one.

    Never holds more than ``MAX_FILE_BYTES + 1`` decompressed bytes: a larger content is refused.
    """
    for magic, name, factory in _COMPRESSED:
        if not data.startswith(magic):
            continue
        try:
            out = _bounded_decompress(data, factory)
        except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
            raise UnreadableFile(f"damaged {name} file: {exc}") from None
        if len(out) > MAX_FILE_BYTES:
            raise UnreadableFile(f"{name} file unpacks to over the {MAX_FILE_BYTES:,}-byte limit")
        return out, name
    return None


def _bounded_decompress(data: bytes, factory: Callable[[], Any]) -> bytes:
    """Decompress every member of ``data`` (gzip and bzip2 may concatenate several), up to the limit + 1."""
    out = bytearray()
    rest = data
    while rest and len(out) <= MAX_FILE_BYTES:
        d = factory()
        out += d.decompress(rest, MAX_FILE_BYTES + 1 - len(out))
        if len(out) > MAX_FILE_BYTES:
            break
        if not d.eof:
            raise EOFError("the compressed data ends early (truncated file)")
        rest = d.unused_data.lstrip(b"\x00")  # gzip members may be padded with NULs
    return bytes(out)


def read_page(data: bytes) -> Page:
    """Turn a raw file's bytes into page text, or raise :class:`UnreadableFile` (and nothing else)."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    unpacked = decompress(data)
    if unpacked is not None:
        inner, fmt = unpacked
        if decompress(inner) is not None:
            raise UnreadableFile(f"{fmt} file holds another compressed file (not read)")
        try:
            page = _read_uncompressed(inner)
        except UnreadableFile as exc:
            raise UnreadableFile(f"{fmt} file: {exc}") from None
        return Page(page.text, f"{fmt}, {page.encoding}", page.is_html)
    return _read_uncompressed(data)


# characters below U+0020 other than tab, line feed, form feed and carriage return, and the C1
# controls U+0080-U+009F (what random bytes read as Latin-1 are full of)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# C0 controls and DEL left in a page that is text (C1 ones may be mis-decoded bytes that the
# mojibake repair reads back, so they stay)
_STRAY_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
# invisible characters that split words for every search (zero-width space, non-joiner, joiner,
# word joiner, a byte-order mark inside the text); removed before the text is stored
# invisible format characters that split a word for the extractors: zero-width space, non-joiner, joiner,
# word joiner, BOM, soft hyphen ("Guate\u00admala" is Guatemala)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


_HIGH_LATIN = re.compile("[\u0080-\u02ff\u2013-\u203a\u20ac\u2122]")
_WHITESPACE = re.compile(r"\s")


def _random_bytes(head: str) -> bool:
    """Bytes with no words: a single-byte reading where spaces are rare and over a quarter of the
    characters are accented letters and signs (text in any Latin-script language has a few per
    cent; CJK and other scripts are not in that range)."""
    n = len(head.strip())
    if n < 16 or head.count(" ") * 40 >= n:  # plain spaces alone are enough: words (the usual case)
        return False
    spaces = len(_WHITESPACE.findall(head))  # the characters str.isspace() accepts
    return spaces * 40 < n and len(_HIGH_LATIN.findall(head)) * 4 > n


def _read_uncompressed(data: bytes) -> Page:
    if not data.strip():
        raise UnreadableFile("empty file (no text)")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(f"not a text or HTML page: looks like a {kind}")
    text, encoding = decode_bytes(data)
    if "\x00" in text:
        # a few stray NULs (a bad copy, a glitch of the share) are dropped; a real share is binary
        if text.count("\x00") > len(text) // 10:
            raise UnreadableFile("binary content: NUL bytes throughout the file")
        text = text.replace("\x00", "")
        encoding += " (NUL bytes removed)"
    head = text[:20000]
    controls = len(_CONTROL_CHARS.findall(head))
    if controls > max(3, len(head) // 50):
        raise UnreadableFile("binary content: control characters throughout the file")
    if head.count("\ufffd") > max(20, len(head) // 10):
        raise UnreadableFile("binary content: mostly bytes that are not text in any encoding")
    if _random_bytes(head):
        raise UnreadableFile("binary content: random bytes, no words in any encoding")
    if _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
        encoding += " (zero-width characters removed)"
    if _STRAY_CONTROLS.search(text):  # a few, or the page was refused above: they would split or hide words
        text = _STRAY_CONTROLS.sub("", text)
        encoding += " (control characters removed)"
    text, repaired = repair_mojibake(text)
    if repaired:
        encoding += f" (mojibake repaired: {repaired} character{'s' if repaired > 1 else ''})"
    is_html = bool(_HTML_HINT.search(text[:4096]))
    if is_html:
        from flows.articles.markup import html_to_text

        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("no visible text" + (" after removing markup" if is_html else ""))
    return Page(text=text, encoding=encoding, is_html=is_html)
