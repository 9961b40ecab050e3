"""Spacing around punctuation as the Real Academia writes it (Ortografía 2010, 3.4).

No space before , . ; : ? ! ) » or after ¿ ¡ ( «; one space after , ; when a word follows;
no run of spaces. Only what the engine could have made: a decimal "3,5" or a time "10:30" is
never split.
"""

from __future__ import annotations

import re

_BEFORE = re.compile(r"(?<=\S)[ \t]+([,.;:?!)»”])")
_AFTER_OPENING = re.compile(r"([¿¡(«“])[ \t]+")
_AFTER_COMMA = re.compile(r"([,;])(?=[^\W\d_])")
_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
_DOUBLED_PUNCT = re.compile(r"([,;])\1+")


def tidy(text: str) -> str:
    text = _RUN.sub(" ", text)
    text = _BEFORE.sub(r"\1", text)
    text = _AFTER_OPENING.sub(r"\1", text)
    text = _AFTER_COMMA.sub(r"\1 ", text)
    return _DOUBLED_PUNCT.sub(r"\1", text)
