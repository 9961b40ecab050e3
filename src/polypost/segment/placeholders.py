"""Inline markup <-> placeholder text, and reading placeholders back out of an engine's output.

This module knows nothing about HTML: a run of content is a list of tokens whose `ref` is any
object (a BeautifulSoup tag, a comment, a protected URL string). `encode` turns a run into the
text an engine sees (`⟦1⟧click⟦/1⟧ ⟦2/⟧`); `decode` turns the engine's answer back into tokens
that point at the same refs, repairing or falling back when the engine broke the placeholders,
so that the caller can rebuild markup without ever losing or duplicating a ref.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

from polypost.segment.protected import protected_spans

# The grammar the glossary and engines rely on: ⟦n⟧ opens, ⟦/n⟧ closes, ⟦n/⟧ is an atomic item.
PLACEHOLDER_RE = re.compile(r"⟦(?:/\d+|\d+/?)⟧")

# HTML's whitespace, not Python's \s: a non-breaking space is content and must survive.
_WS_RUN = re.compile(r"[ \t\n\r\f]+")
WHITESPACE = " \t\n\r\f"


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True, eq=False)  # refs compare by identity, never by markup
class Open:
    ref: Any


@dataclass(frozen=True, eq=False)  # refs compare by identity, never by markup
class Close:
    ref: Any


@dataclass(frozen=True, eq=False)  # refs compare by identity, never by markup
class Atom:
    ref: Any


Token = Union[Text, Open, Close, Atom]


@dataclass
class Unit:
    """What one placeholder number stands for."""

    kind: str  # "wrap" (⟦n⟧...⟦/n⟧) or "atom" (⟦n/⟧)
    ref: Any
    parent: int | None  # number of the enclosing wrap, for the fallback


@dataclass
class Run:
    """One segment's content: untranslated edges around the core the engine sees."""

    prefix: list[Token]
    core: list[Token]
    suffix: list[Token]
    text: str  # the core as placeholder text, whitespace normalised
    units: dict[int, Unit] = field(default_factory=dict)

    @property
    def translatable(self) -> bool:
        return any(ch.isalpha() for ch in PLACEHOLDER_RE.sub("", self.text))


def normalise_space(text: str) -> str:
    return _WS_RUN.sub(" ", text)


# Every letter (str.isalpha) is a word character that is neither a digit nor "_"; this class also
# takes numerals such as "²", which are then asked one by one.
_LETTER_LIKE = re.compile(r"[^\W\d_]")


def has_letters(text: str) -> bool:
    found = _LETTER_LIKE.search(text)
    while found is not None and not found.group().isalpha():
        found = _LETTER_LIKE.search(text, found.end())
    return found is not None


def encode(tokens: list[Token]) -> Run:
    """Trim what needs no translation off the edges, then number the placeholders of the rest.

    Leading/trailing whitespace, atomic items and a wrapper around the whole run stay outside
    the engine's text: fewer placeholders mean fewer chances for the engine to break one.
    """
    prefix: list[Token] = []
    suffix: list[Token] = []
    core = _merge_text(tokens)
    while True:
        _trim_edges(core, prefix, suffix)
        if len(core) >= 2 and isinstance(core[0], Open) and isinstance(core[-1], Close):
            if core[-1].ref is core[0].ref and _matching_close(core, 0) == len(core) - 1:
                prefix.append(core.pop(0))
                suffix.insert(0, core.pop())
                continue
        break
    units: dict[int, Unit] = {}
    numbers: dict[int, int] = {}  # id(ref) -> placeholder number
    parents: list[int] = []
    parts: list[str] = []
    for token in core:
        if isinstance(token, Text):
            parts.append(token.value)
        elif isinstance(token, Open):
            number = len(units) + 1
            units[number] = Unit("wrap", token.ref, parents[-1] if parents else None)
            numbers[id(token.ref)] = number
            parents.append(number)
            parts.append(f"⟦{number}⟧")
        elif isinstance(token, Close):
            parents.pop()
            parts.append(f"⟦/{numbers[id(token.ref)]}⟧")
        else:
            number = len(units) + 1
            units[number] = Unit("atom", token.ref, parents[-1] if parents else None)
            parts.append(f"⟦{number}/⟧")
    return Run(prefix, core, suffix, normalise_space("".join(parts)), units)


def _merge_text(tokens: list[Token]) -> list[Token]:
    merged: list[Token] = []
    for token in tokens:
        if isinstance(token, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].value + token.value)
        elif not (isinstance(token, Text) and token.value == ""):
            merged.append(token)
    return merged


def _trim_edges(core: list[Token], prefix: list[Token], suffix: list[Token]) -> None:
    while core:
        first = core[0]
        if isinstance(first, Atom) or (isinstance(first, Text) and not first.value.strip(WHITESPACE)):
            prefix.append(core.pop(0))
        elif isinstance(first, Text) and first.value[0] in WHITESPACE:
            stripped = first.value.lstrip(WHITESPACE)
            prefix.append(Text(first.value[: len(first.value) - len(stripped)]))
            core[0] = Text(stripped)
        else:
            break
    while core:
        last = core[-1]
        if isinstance(last, Atom) or (isinstance(last, Text) and not last.value.strip(WHITESPACE)):
            suffix.insert(0, core.pop())
        elif isinstance(last, Text) and last.value[-1] in WHITESPACE:
            stripped = last.value.rstrip(WHITESPACE)
            suffix.insert(0, Text(last.value[len(stripped) :]))
            core[-1] = Text(stripped)
        else:
            break


def _matching_close(tokens: list[Token], start: int) -> int:
    ref = tokens[start].ref  # type: ignore[union-attr]
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if isinstance(token, Close) and token.ref is ref:
            return index
    return -1


def show(kind: str, number: int) -> str:
    return {"open": f"⟦{number}⟧", "close": f"⟦/{number}⟧", "atom": f"⟦{number}/⟧"}.get(kind, f"⟦{number}?⟧")


def show_unit(number: int, unit: Unit) -> str:
    return f"⟦{number}/⟧" if unit.kind == "atom" else f"⟦{number}⟧…⟦/{number}⟧"


def protect(text: str) -> list[Token]:
    """Text tokens, with each URL, e-mail, @handle and #hashtag as an Atom (ref: the string)."""
    tokens: list[Token] = []
    position = 0
    for start, end in protected_spans(text):
        if start > position:
            tokens.append(Text(text[position:start]))
        tokens.append(Atom(text[start:end]))
        position = end
    if position < len(text):
        tokens.append(Text(text[position:]))
    return tokens
