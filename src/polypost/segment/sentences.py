"""Sentence splitting for English and Spanish, placeholder-, URL-, number- and abbreviation-aware.

`split_sentences(text)` returns pieces whose concatenation is exactly `text`: each sentence
carries the whitespace after it. A boundary is sentence punctuation, then any closing quotes,
brackets or closing placeholders (`⟦/1⟧`), then whitespace, then something that can start a
sentence; abbreviations ("Mr.", "e.g.", "EE. UU."), initials and "No. 5" are not boundaries.
A pure scan over regular expressions: the Argos engine calls it on every segment of a run.
"""

from __future__ import annotations

import bisect
import re

from polypost.languages import KNOWN, language
from polypost.segment.protected import EMAIL, URL, protected_spans

# A language polypost has no facts for: every known abbreviation is the safe side (no split).
_EVERY_ABBREVIATION = frozenset().union(*(facts.abbreviations for facts in KNOWN.values()))

# Abbreviations only when a number follows ("No. 5", "Vol. 3", "p. 12"): "I said no. Then..." splits.
_BEFORE_NUMBER = frozenset(
    """no nos num nr vol vols p pp ch chap sec art fig figs jan feb mar apr jun jul aug sep sept oct
    nov dec ene abr ago dic núm""".split()
)

# Sentence punctuation, closers, whitespace. Closers include closing placeholders (⟦/1⟧), so a
# sentence that ends inside a link ends after the link.
_CANDIDATE = re.compile(r"(?P<term>[.!?…]+)(?P<close>(?:[\"'”’»)\]}]|⟦/\d+⟧)*)(?P<space>[ \t\n\r\f\v]+)")
# What may come before the first letter of a sentence: opening quotes, brackets, ¿ ¡, placeholders.
_OPENERS = re.compile(r"(?:[\"'“‘«(\[¿¡]|⟦[^⟦⟧\s]{1,12}⟧)*")
# Spans that are never cut: placeholders (ours and the glossary's), URLs, e-mail addresses.
_PROTECTED = re.compile(rf"⟦[^⟦⟧\s]{{1,12}}⟧|{URL}|{EMAIL}")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # U.S, e.g, EE.UU, a.m
# What every match of _PROTECTED contains: "⟦", "@", "www." or "://" (URL and EMAIL below).
_MAY_PROTECT = re.compile(r"⟦|@|www\.|://")
_LEADING_JUNK = re.compile(r"^(?:[\"'“‘«(\[¿¡]|⟦[^⟦⟧\s]{1,12}⟧)+")


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split `text` into sentences; `"".join(result) == text` always holds."""
    always = language(lang).abbreviations or _EVERY_ABBREVIATION
    # Nothing to protect without a placeholder bracket, a URL's or an address's marks: the scan
    # for e-mail addresses tries every word of a text, the cost of a whole split.
    protected = protected_spans(text, _PROTECTED) if _MAY_PROTECT.search(text) else []
    pieces: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if _inside(match.start("term"), protected):
            continue
        end = match.end()
        if _is_boundary(text, match, always):
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _is_boundary(text: str, match: re.Match[str], always: frozenset[str]) -> bool:
    after = match.end()
    if "\n\n" in match.group("space").replace("\r", ""):
        return True  # a blank line ends a sentence whatever precedes it
    openers = _OPENERS.match(text, after)
    assert openers is not None
    following = text[openers.end() : openers.end() + 1]
    if not following:
        return False  # only whitespace is left: it belongs to this sentence
    if "¿" in openers.group(0) or "¡" in openers.group(0):
        return True
    if following.islower():
        return False  # "etc. and", "approx. five", "Wait... what"
    term = match.group("term")
    if term != "." or match.group("close"):
        return True
    word = _word_before(text, match.start("term"))
    if not word:
        return True
    lowered = word.lower()
    if lowered in always or _DOTTED.fullmatch(word):
        return False
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "J. R. R. Tolkien"
    if lowered in _BEFORE_NUMBER and following.isdigit():
        return False
    return True


def _word_before(text: str, period: int) -> str:
    start = period
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return _LEADING_JUNK.sub("", text[start:period])


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]
