"""Opening question and exclamation marks, where each question or exclamation starts.

Spanish opens what English only closes: "¿Qué hace?", "¡Hola!". The start is the sentence's
start, after any opening quote, bracket or inline tag; inside a sentence, a question that
begins at a clause ("Si quieres crecer, ¿por qué no escuchas?") opens where its interrogative
word is. A closing mark inside quotes opens after the quote that holds it.
"""

from __future__ import annotations

import re

from polypost.postedit.masking import MASK

OPENING = {"?": "¿", "!": "¡"}
_INTERROGATIVES = ("qué", "cómo", "cuándo", "dónde", "adónde", "quién", "quiénes", "cuál", "cuáles", "cuánto",
                   "cuánta", "cuántos", "cuántas", "por qué", "para qué", "acaso", "verdad", "no")
_TAGS = ("no", "verdad", "cierto", "bien", "vale", "eh", "sí", "ok")  # tag questions after a comma
_CLAUSE = re.compile(r"[,;:]" + MASK + r"*\s+|\s+[-–—]\s+")
_ENDS = re.compile(r"[?!]+")
_OPEN_QUOTES = "\"“«‘'("
_CLOSE_QUOTES = {"\"": "\"", "”": "“", "»": "«", "’": "‘", "'": "'", ")": "("}
_LEADING = " \t\n\"“«‘'([" + MASK


def add_opening_marks(text: str, abbreviations: frozenset[str] = frozenset()) -> str:
    """`text` with an opening mark before every question and exclamation that lacks one."""
    out = text
    # Right to left: inserting a mark never moves the positions still to be read.
    for match in reversed(list(_ENDS.finditer(text))):
        end = match.start()
        closing = match.group(0)
        if any(mark in out[_sentence_start(out, end, abbreviations):end] for mark in OPENING.values()):
            continue  # the engine or the writer opened it already
        start = _question_start(out, end, abbreviations)
        if start is None:
            continue
        wanted = "".join(OPENING[c] for c in reversed(dict.fromkeys(closing)))
        out = out[:start] + wanted + out[start:]
    return out


def _sentence_start(text: str, end: int, abbreviations: frozenset[str]) -> int:
    """Where the sentence that ends at `end` begins: after the previous . ! ? … (not an abbreviation's)."""
    position = end
    while True:
        found = max(text.rfind(c, 0, position) for c in ".!?…\n:")
        if found < 0:
            return 0
        if not text[found + 1:end].strip(" " + MASK):
            position = found  # "etc.!", "…?": the point belongs to the sentence the mark ends
            continue
        if text[found] == ":" and not text[found + 1:].lstrip(MASK)[:1].isspace():
            position = found  # "10:30"; a colon then a closing tag then a space is a boundary
            continue
        before = re.search(r"(\w+)$", text[:found])
        after = text[found + 1 : found + 2]
        if text[found] == "." and before and before.group(1).lower() in abbreviations:
            position = found
            continue
        if text[found] == "." and after.isalnum():
            position = found  # "3.5", "p.ej.", "Minecraft.net"
            continue
        return found + 1


def _question_start(text: str, end: int, abbreviations: frozenset[str]) -> int | None:
    start = _sentence_start(text, end, abbreviations)
    # A question inside quotes: it opens after the quote that holds it.
    tail = text[end:end + 3]
    closer = next((c for c in tail.lstrip("?!") if c in _CLOSE_QUOTES), None) if tail else None
    if closer:
        opener = text.rfind(_CLOSE_QUOTES[closer], start, end)
        if opener >= 0:
            start = opener + 1
    start = _skip_leading(text, start, end)
    if start >= end:
        return None
    sentence = text[start:end]
    if not sentence.lower().startswith(_INTERROGATIVES):
        for clause in _CLAUSE.finditer(sentence):
            rest = sentence[clause.end():].lower()
            if rest.startswith(tuple(w for w in _INTERROGATIVES if w not in _TAGS)):
                return _skip_leading(text, start + clause.end(), end)
            if rest.startswith(_TAGS) and len(rest.split()) <= 2:  # "..., ¿verdad?", "..., ¿no?", "..., ¿bien?"
                return _skip_leading(text, start + clause.end(), end)
    return start


def _skip_leading(text: str, start: int, end: int) -> int:
    """Past spaces, opening quotes and placeholders: the mark goes right before the first word
    (inside an opening tag, after a closing tag or an image that ends the sentence before)."""
    while start < end and text[start] in _LEADING:
        start += 1
    return start
