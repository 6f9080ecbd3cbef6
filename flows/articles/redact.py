"""Personal data out of article text before anything is stored: e-mail addresses and phone numbers."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers: an optional +country code, then groups of digits separated by spaces, dots,
# dashes or brackets, at least 7 digits in all.
_PHONE = re.compile(r"(?<![\w.,])(?:\+|00)?\(?\d[\d\s().-]{6,}\d(?![\w.,]\d)")
_PHONE_CUE = re.compile(r"(?:tel|phone|mobile|cell|fax|whatsapp|t|m)\b\.?\s*:?\s*$", re.IGNORECASE)


def redact_personal_data(text: str) -> str:
    """Mask e-mail addresses and phone numbers, keeping the text's length.

    Lengths are kept so every character span computed on the redacted text is
    valid; masked characters become ``x`` (e-mail) and ``#`` (phone digits).
    """
    if "@" in text:  # the e-mail pattern tries every word start: skip it when it cannot match
        text = _EMAIL.sub(lambda m: "x" * len(m.group(0)), text)

    def phone(m: re.Match[str]) -> str:
        s = m.group(0)
        digits = sum(c.isdigit() for c in s)
        before = text[max(0, m.start() - 12) : m.start()]
        # Long digit runs, or shorter ones right after a "Tel:" cue, are phone numbers;
        # grouped figures such as "1,195" or "2 500" are not.
        if digits >= 9 or (digits >= 7 and _PHONE_CUE.search(before)) or s.lstrip().startswith("+"):
            return re.sub(r"\d", "#", s)
        return s

    return _PHONE.sub(phone, text)
