"""Reading an engine's answer back into tokens (`decode`), repairing or falling back when the
engine broke the placeholders, so that every unit of the run appears exactly once: the caller
rebuilds markup without ever losing or duplicating a ref. `placeholders.py` writes the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from polypost.segment.placeholders import (
    PLACEHOLDER_RE,
    WHITESPACE,
    Atom,
    Close,
    Open,
    Run,
    Text,
    Token,
    Unit,
    show,
    show_unit,
)

# What an engine may do to a placeholder that we still accept: spaces inside the brackets.
# Letters are not allowed, so the glossary's ⟦T1⟧ tokens pass through as plain text.
_LENIENT_RE = re.compile(r"⟦\s*(/?)\s*(\d+)\s*(/?)\s*⟧")

# The glossary's own tokens: glossary.restore replaces them, so they are not leftovers here.
_TERM_TOKEN_RE = re.compile(r"⟦/?T\d+⟧")
# A placeholder's number glued to a bracket it kept ("de 1⟧NASA", "⟦/2 ").
_LEFTOVER_NUMBER_RE = re.compile(r"(?<=\s)/?\d+/?(?=⟧)|(?<=⟦)/?\d+/?(?=\s|$)")

# Mangled forms some engines produce ([1], [/1]); removed only when the source did not have them.
_LOOKALIKE_RE = re.compile(r"[\[⟦]\s*/?\s*\d+\s*/?\s*[\]⟧]")


@dataclass
class _Node:
    """A wrap in the rebuilt tree (number None: the root)."""

    number: int | None
    children: list[Any] = field(default_factory=list)  # str | int (atom number) | _Node


@dataclass
class Decoded:
    tokens: list[Token]  # prefix + translated core + suffix, ready to rebuild markup
    problems: list[str]  # empty when every placeholder came back once and well nested


def decode(run: Run, translation: str) -> Decoded:
    """The engine's text as tokens; every unit of the run appears exactly once in the result."""
    translation = translation.strip(WHITESPACE)
    pieces = _lex(translation)
    tree = _parse_strict(pieces, run.units)
    problems: list[str] = []
    if tree is None:
        pieces = _lex(_drop_lookalikes(translation, run.text))
        tree = _salvage(pieces, run, problems)
    core = _strip_edges(_flatten(tree, run.units))
    core = _without_leftovers(core, run, problems)
    return Decoded(list(run.prefix) + core + list(run.suffix), problems)


def _without_leftovers(core: list[Token], run: Run, problems: list[str]) -> list[Token]:
    """No bracket of a placeholder reaches a page: an engine that mangled one into words
    ("⟦Premio de 1⟧NASA") keeps its words, loses the brackets and any leftover number, and the
    segment is flagged. Brackets the source text had itself stay."""
    source_text = "".join(t.value for t in run.core if isinstance(t, Text))
    if "⟦" in source_text or "⟧" in source_text:
        return core
    cleaned: list[Token] = []
    for token in core:
        bare = _TERM_TOKEN_RE.sub("", token.value) if isinstance(token, Text) else ""
        if "⟦" in bare or "⟧" in bare:
            value = _LEFTOVER_NUMBER_RE.sub(" ", token.value)
            value = value.replace("⟦", "").replace("⟧", "")
            problems.append(f"placeholder characters left in the translation: {token.value.strip()[:60]!r}")
            token = Text(re.sub(r"  +", " ", value))
        cleaned.append(token)
    return cleaned


def _strip_edges(core: list[Token]) -> list[Token]:
    # The source's own edge whitespace lives in prefix/suffix; a dropped placeholder at the
    # edge of the translation must not add more.
    if core and isinstance(core[0], Text):
        core[0] = Text(core[0].value.lstrip(WHITESPACE))
    if core and isinstance(core[-1], Text):
        core[-1] = Text(core[-1].value.rstrip(WHITESPACE))
    return [token for token in core if not (isinstance(token, Text) and not token.value)]


def _lex(text: str) -> list[str | tuple[str, int]]:
    """Split into strings and (kind, number) with kind "open", "close", "atom" or "bad"."""
    pieces: list[str | tuple[str, int]] = []
    position = 0
    for match in _LENIENT_RE.finditer(text):
        if match.start() > position:
            pieces.append(text[position : match.start()])
        slash_before, number, slash_after = match.group(1), int(match.group(2)), match.group(3)
        if slash_before and slash_after:
            kind = "bad"
        elif slash_before:
            kind = "close"
        elif slash_after:
            kind = "atom"
        else:
            kind = "open"
        pieces.append((kind, number))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _drop_lookalikes(translation: str, source: str) -> str:
    """Remove mangled placeholders ([1], [/2]) that the source text did not contain itself."""

    def drop(match: re.Match[str]) -> str:
        found = match.group(0)
        if PLACEHOLDER_RE.fullmatch(found) or _LENIENT_RE.fullmatch(found) or found in source:
            return found
        return ""

    return _LOOKALIKE_RE.sub(drop, translation)


def _parse_strict(pieces: list[str | tuple[str, int]], units: dict[int, Unit]) -> _Node | None:
    root = _Node(None)
    stack = [root]
    seen: set[int] = set()
    for piece in pieces:
        if isinstance(piece, str):
            stack[-1].children.append(piece)
            continue
        kind, number = piece
        unit = units.get(number)
        if unit is None or kind == "bad":
            return None
        if kind == "atom":
            if unit.kind != "atom" or number in seen:
                return None
            seen.add(number)
            stack[-1].children.append(number)
        elif kind == "open":
            if unit.kind != "wrap" or number in seen:
                return None
            seen.add(number)
            node = _Node(number)
            stack[-1].children.append(node)
            stack.append(node)
        else:
            if stack[-1].number != number:
                return None
            stack.pop()
    if len(stack) != 1 or len(seen) != len(units):
        return None
    return root


def _salvage(pieces: list[str | tuple[str, int]], run: Run, problems: list[str]) -> _Node:
    """Keep every placeholder that can be kept; put back the rest so that nothing is lost."""
    units = run.units
    root = _Node(None)
    stack = [root]
    placed: set[int] = set()
    for piece in pieces:
        if isinstance(piece, str):
            stack[-1].children.append(piece)
            continue
        kind, number = piece
        shown = show(kind, number)
        unit = units.get(number)
        if unit is None or kind == "bad":
            problems.append(f"unknown {shown}")
        elif kind == "close":
            open_numbers = [node.number for node in stack]
            if number not in open_numbers:
                problems.append(f"stray {shown}")
                continue
            if stack[-1].number != number:
                problems.append(f"crossed {shown}")
            while stack[-1].number != number:
                stack.pop()
            stack.pop()
        elif (kind == "atom") != (unit.kind == "atom"):
            problems.append(f"wrong kind {shown}")
        elif number in placed:
            problems.append(f"duplicated {shown}")
        elif kind == "atom":
            placed.add(number)
            stack[-1].children.append(number)
        else:
            placed.add(number)
            node = _Node(number)
            stack[-1].children.append(node)
            stack.append(node)
    for node in stack[1:]:
        problems.append(f"unclosed {show('open', node.number)}")  # type: ignore[arg-type]
    missing = [number for number in units if number not in placed]
    if missing:
        problems.append("missing " + " ".join(show_unit(n, units[n]) for n in missing))
        root = _restore_missing(root, run, missing, placed)
    return root


def _restore_missing(root: _Node, run: Run, missing: list[int], placed: set[int]) -> _Node:
    units = run.units
    missing_wraps = [n for n in missing if units[n].kind == "wrap"]
    # No markup survived and the source's wrappers form one chain (e.g. a single link): put the
    # chain around the whole translated sentence, the most natural place.
    if missing_wraps and not any(isinstance(child, _Node) for child in _walk(root)):
        chain: list[int] = []
        level: int | None = None
        while True:
            kids = [n for n in missing_wraps if units[n].parent == level]
            if len(kids) != 1:
                break
            chain.append(kids[0])
            level = kids[0]
        for number in reversed(chain):
            root = _Node(None, [_Node(number, root.children)])
            placed.add(number)
    # Anything still missing is appended with its source content (untranslated, flagged).
    source = _parse_strict(_lex(run.text), units)
    assert source is not None, "a run's own text always parses"
    for child in list(source.children):
        _append_missing(child, root, placed)
    return root


def _append_missing(source_child: Any, root: _Node, placed: set[int]) -> None:
    if isinstance(source_child, int):
        if source_child not in placed:
            _append(root, source_child)
            placed.add(source_child)
    elif isinstance(source_child, _Node):
        if source_child.number not in placed:
            placed.add(source_child.number)  # type: ignore[arg-type]
            _append(root, _Node(source_child.number, _claim(source_child.children, placed)))
        else:
            for grandchild in source_child.children:
                _append_missing(grandchild, root, placed)


def _claim(children: list[Any], placed: set[int]) -> list[Any]:
    """A copy of source children keeping the units not placed yet (and marking them placed)."""
    kept: list[Any] = []
    for child in children:
        if isinstance(child, str):
            kept.append(child)
        elif isinstance(child, int):
            if child not in placed:
                placed.add(child)
                kept.append(child)
        elif child.number not in placed:
            placed.add(child.number)
            kept.append(_Node(child.number, _claim(child.children, placed)))
        else:
            kept.extend(_claim(child.children, placed))
    return kept


def _append(root: _Node, item: Any) -> None:
    if root.children:
        last = root.children[-1]
        if not isinstance(last, str) or (last and last[-1] not in WHITESPACE):
            root.children.append(" ")
    root.children.append(item)


def _walk(node: _Node) -> list[Any]:
    found: list[Any] = []
    for child in node.children:
        found.append(child)
        if isinstance(child, _Node):
            found.extend(_walk(child))
    return found


def _flatten(node: _Node, units: dict[int, Unit]) -> list[Token]:
    tokens: list[Token] = []
    for child in node.children:
        if isinstance(child, str):
            if child:
                tokens.append(Text(child))
        elif isinstance(child, int):
            tokens.append(Atom(units[child].ref))
        else:
            ref = units[child.number].ref  # type: ignore[index]
            tokens.append(Open(ref))
            tokens.extend(_flatten(child, units))
            tokens.append(Close(ref))
    return tokens
