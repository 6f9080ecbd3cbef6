"""Personal data out of article text before anything is stored: e-mail addresses and phone numbers.

One rule set, applied to every article's text before it is stored (``segment`` calls
:func:`redact_personal_data`). Masking keeps the text's length, character for character, so
every span computed on the masked text is valid: e-mail characters become ``x``, phone digits ``#``.

* E-mails in every written form: ``name@domain.org``, and obfuscated ``name [at] domain [dot] org``,
  ``name (at) domain (dot) org``, ``name at domain dot org`` (any case).
* Phone numbers: international ones (``+`` or ``00``) as ``phonenumbers`` (libphonenumber) finds
  them; local ones by their shape (``2414-7401``, ``4433 2211``, ``(502) 2412-3456``,
  ``504.223.4567``), and any run of 7+ digits right after a cue word (``Tel:``, ``phone``, ``T:``).
* Never masked: dates, years and ranges ("August 15-17 2018", "(1960-1996)", "2019-2023",
  "15/03/2024", "2024-03-15") and grouped counts ("1,195", "2 500 000", "125 000 000"); an
  8-digit number written as two years ("2014-2020") is read as a range of years.
"""

from __future__ import annotations

import re

import phonenumbers

_LOCAL = r"[\w.+-]*\w"
_LABEL = r"[A-Za-z0-9](?:[\w-]*[A-Za-z0-9])?"
_TLD = r"[A-Za-z]{2,24}"
_BRACKETED_AT = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_BRACKETED_DOT = r"\s*[\[({<]\s*dot\s*[\])}>]\s*"
# Every form starts with the local part, and a match found inside a run of local-part characters is
# also found from the run's start (leftmost wins): trying only run starts, the lookbehind, keeps the
# scan linear instead of re-reading each word from every letter.
_EMAIL = re.compile(
    r"(?<![\w.+-])(?:"
    + "|".join(
        (
            rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})*\.{_TLD}",  # name@domain.org
            # name [at] domain [dot] org, name (at) domain.org
            rf"{_LOCAL}{_BRACKETED_AT}{_LABEL}(?:(?:{_BRACKETED_DOT}|\.){_LABEL})*(?:{_BRACKETED_DOT}|\.){_TLD}\b",
            # name at domain dot org (the "dot" word at least once: "met at iom.int" stays text)
            rf"{_LOCAL}\s+at\s+{_LABEL}(?:(?:\s+dot\s+|\.){_LABEL})*\s+dot\s+{_TLD}\b",
        )
    )
    + ")",
    re.IGNORECASE,
)
# what each form cannot do without: an @, a bracketed "at", or the word "dot" (the spelled-out form)
_EMAIL_HINT = re.compile(r"@|[\[({<]\s*at\s*[\])}>]|\bdot\b", re.IGNORECASE)

# A candidate phone number: an optional +country code, then digits separated by spaces, dots,
# dashes or brackets, at least 7 digits in all.
_PHONE = re.compile(r"(?<![\w.,/])(?:\+|00)?\(?\d[\d \t().-]{5,}\d(?![\w.,/]?\d)(?!/)")
# a cue word right before the number; one-letter cues (T:, M:, F:) only as a word with a colon,
# so "August 15-17 2018" (a word ending in t) is not a cue
_PHONE_CUE = re.compile(
    r"(?:(?<![^\W\d_])(?:tel|t[eé]l[eé]fono|telefone|phone|mobile|m[oó]vil|cel|cell|celular|fax|whatsapp)\b\.?\s*:?"
    r"|(?<![^\W\d_])[tmf]\s*:)\s*$",
    re.IGNORECASE,
)
# local numbers by their shape: 2414-7401, 4433 2211, (502) 2412-3456, 504.223.4567, 22 717 91 11
_LOCAL_SHAPES = re.compile(
    r"\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]\d{4}"
    r"|\d{4}[ .-]\d{4}"
    r"|\d{3}[ .-]\d{3}[ .-]\d{3,4}"
    r"|\d{2}[ .-]\d{3}[ .-]\d{2}[ .-]\d{2}"
)
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
# "2 500 000", "125 000 000", "1.195.000": a figure grouped by thousands
_GROUPED_FIGURE = re.compile(r"\d{1,3}(?:([ .])\d{3})(?:\1\d{3})*")


def _is_date_or_range(candidate: str) -> bool:
    """Dates, years and ranges: every group is a year, or at most two digits beside a year."""
    groups = re.findall(r"\d+", candidate)
    years = [g for g in groups if len(g) == 4 and _YEAR.fullmatch(g)]
    if not years:
        return False
    return all(g in years or len(g) <= 2 for g in groups)


def _mask_digits(s: str) -> str:
    return re.sub(r"\d", "#", s)


def _international_spans(text: str) -> list[tuple[int, int]]:
    """Where libphonenumber finds a possible international number (written with +)."""
    # with no region to assume, libphonenumber reads only numbers written with a plus (or a full-width
    # one); "00" followed by a country code is found by the shape rules below
    if "+" not in text and "\uff0b" not in text:
        return []
    spans = []
    for m in phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.POSSIBLE):
        if not _is_date_or_range(m.raw_string):
            spans.append((m.start, m.end))
    return spans


def redact_personal_data(text: str) -> str:
    """Mask e-mail addresses and phone numbers, keeping the text's length (see the module)."""
    if _EMAIL_HINT.search(text):  # the e-mail patterns try every word start: skip them when they cannot match
        text = _EMAIL.sub(lambda m: "x" * len(m.group(0)), text)

    chars = list(text)
    for start, end in _international_spans(text):
        chars[start:end] = _mask_digits(text[start:end])

    def phone(m: re.Match[str]) -> None:
        s = m.group(0).rstrip(" \t")
        core = s.strip("()")
        digits = sum(c.isdigit() for c in s)
        if digits < 7 or _is_date_or_range(s):
            return
        cue = bool(_PHONE_CUE.search(text[max(0, m.start() - 16) : m.start()]))
        international = s.startswith(("+", "00"))
        figure = bool(_GROUPED_FIGURE.fullmatch(core))
        shaped = bool(_LOCAL_SHAPES.fullmatch(core)) and not figure
        if international or cue or shaped or (digits >= 9 and not figure):
            chars[m.start() : m.start() + len(s)] = _mask_digits(s)

    for m in _PHONE.finditer(text):
        phone(m)
    return "".join(chars)
