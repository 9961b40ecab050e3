"""Things inside running text that are never translated: URLs, e-mail addresses, @handles, #hashtags.

The segmenter turns them into atomic placeholders (restored verbatim); the sentence splitter
never cuts inside them. Numbers are not here on purpose: engines pass them, QA checks them.
"""

from __future__ import annotations

import re

URL = r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'`⟦⟧]+"
EMAIL = r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
HANDLE = r"(?<![\w@./:])@[A-Za-z0-9_]{1,39}(?![\w@])"
HASHTAG = r"(?<![\w&#/])#[^\W\d_][\w-]*"  # "#5" and "C#" are not hashtags
# Literal placeholder brackets in a source would be misread on the way back: protect them too.
BRACKET = r"[⟦⟧]"

PROTECTED_RE = re.compile("|".join(f"(?:{p})" for p in (URL, EMAIL, HANDLE, HASHTAG, BRACKET)))
# Without "@" no e-mail address or handle can match: the e-mail branch alone tries every word.
PROTECTED_WITHOUT_AT_RE = re.compile("|".join(f"(?:{p})" for p in (URL, HASHTAG, BRACKET)))
# Every match of PROTECTED_RE holds one of these; most segments hold none.
PROTECTED_MARKS = ("://", "www.", "@", "#", "⟦", "⟧")

_URL_START = re.compile(r"(?:https?|ftp)://|www\.")
_URL_TRAILING = ".,;:!?'\")]}"


def protected_spans(text: str, pattern: re.Pattern[str] = PROTECTED_RE) -> list[tuple[int, int]]:
    """(start, end) of each protected item, in order, never overlapping."""
    spans: list[tuple[int, int]] = []
    if pattern is PROTECTED_RE:
        if not any(mark in text for mark in PROTECTED_MARKS):
            return spans
        if "@" not in text:
            pattern = PROTECTED_WITHOUT_AT_RE
    for match in pattern.finditer(text):
        spans.append((match.start(), match.start() + _length(match.group(0))))
    return spans


def _length(found: str) -> int:
    """Sentence punctuation after a URL is not part of it; balanced parentheses are (Wikipedia)."""
    if not _URL_START.match(found):
        return len(found)
    end = len(found)
    while end > 0 and found[end - 1] in _URL_TRAILING:
        if found[end - 1] == ")" and found[:end].count("(") >= found[:end].count(")"):
            break
        end -= 1
    return end
