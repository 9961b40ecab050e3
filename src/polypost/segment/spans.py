"""Placeholder text <-> plain text with the placeholders' spans, and back.

An engine that carries markup by alignment sends its model the plain text, without a single
placeholder, and needs to know which characters each element covered: `to_plain` gives that.
`render` writes the placeholders back into a translation at the places the alignment chose.
Wraps are ``⟦n⟧…⟦/n⟧`` (inline elements) and ``⟦Tn⟧…⟦/Tn⟧`` (glossary terms); atoms ``⟦n/⟧``
(images, code, URLs) and lone glossary tokens ``⟦Tn⟧`` are zero-width: they remember which
neighbour they touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "to_plain", "render", "MarkupError"]

_TOKEN_RE = re.compile(r"⟦(/?)(T?\d+)(/?)⟧")


class MarkupError(ValueError):
    """The placeholder text is not well formed (it always is when polypost wrote it)."""


@dataclass
class Span:
    label: str  # the placeholder's number ("3") or a glossary term's label ("T1")
    kind: str  # "wrap" or "atom"
    start: int  # character offsets into the plain text; an atom has start == end
    end: int
    parent: str | None  # the label of the enclosing wrap
    glue_left: bool = False  # atoms: no space between the atom and the text before it
    glue_right: bool = False  # atoms: no space between the atom and the text after it
    written: str = ""  # atoms: the placeholder as the text had it

    def token(self) -> str:
        return self.written or f"⟦{self.label}/⟧"


def to_plain(text: str) -> tuple[str, list[Span]]:
    """The text without placeholders, and every placeholder's span in it (source order)."""
    out: list[str] = []
    length = 0
    spans: list[Span] = []
    open_stack: list[Span] = []
    position = 0
    for match in _TOKEN_RE.finditer(text):
        chunk = text[position:match.start()]
        if chunk:
            out.append(chunk)
            length += len(chunk)
        position = match.end()
        closing, label, atomic = match.group(1), match.group(2), match.group(3)
        parent = open_stack[-1].label if open_stack else None
        if closing and atomic:
            raise MarkupError(f"bad placeholder {match.group()!r}")
        # A glossary token with no closer (⟦T1⟧, the placeholder strategy) is an atom too.
        lone_term = label.startswith("T") and not closing and f"⟦/{label}⟧" not in text[position:]
        if atomic or lone_term:
            before = "".join(out)[-1:] if out else ""
            after = _TOKEN_RE.sub("", text[position:position + 40])[:1]
            if before == " " and after == " ":
                # "see ⟦2/⟧ below": the atom took one word gap; the plain text keeps one space.
                position += 1
            spans.append(Span(label, "atom", length, length, parent,
                              glue_left=bool(before) and not before.isspace(),
                              glue_right=bool(after) and not after.isspace(), written=match.group()))
        elif closing:
            if not open_stack or open_stack[-1].label != label:
                raise MarkupError(f"{match.group()!r} closes nothing open")
            open_stack.pop().end = length
        else:
            span = Span(label, "wrap", length, -1, parent)
            spans.append(span)
            open_stack.append(span)
    if open_stack:
        raise MarkupError(f"⟦{open_stack[-1].label}⟧ is never closed")
    out.append(text[position:])
    return "".join(out), spans


def render(plain: str, spans: list[Span], placed: dict[str, tuple[int, int]]) -> str:
    """`plain` with each span's placeholders at `placed[label]` (start, end); atoms at start.

    At one position closers come first (innermost first), then atoms, then openers (outermost
    first), so that nesting chosen by the caller is written as it was chosen; an atom at the
    edge of its own enclosing wrap stays inside it.
    """
    depth = _depths(spans)
    by_label = {span.label: span for span in spans}
    inserts: list[tuple[int, int, int, str]] = []  # (position, order, tie-break, text)
    for index, span in enumerate(spans):
        start, end = placed[span.label]
        if span.kind == "atom":
            token = span.token()
            if not span.glue_left and start > 0 and not plain[start - 1].isspace():
                token = " " + token
            if not span.glue_right and start < len(plain) and not plain[start].isspace():
                token = token + " "
            inserts.append((start, *_atom_order(span, start, by_label, placed, depth), token))
        elif start == end:  # an element with no place of its own: kept whole, empty
            inserts.append((start, *_atom_order(span, start, by_label, placed, depth), f"⟦{span.label}⟧⟦/{span.label}⟧"))
        else:
            inserts.append((end, 0, -depth[span.label], f"⟦/{span.label}⟧"))
            inserts.append((start, 2, depth[span.label], f"⟦{span.label}⟧"))
    inserts.sort()
    out, last = [], 0
    for position, _order, _tie, token in inserts:
        out.append(plain[last:position])
        out.append(token)
        last = position
    out.append(plain[last:])
    return "".join(out)


def _atom_order(atom: Span, position: int, by_label: dict[str, Span], placed: dict[str, tuple[int, int]],
                depth: dict[str, int]) -> tuple[int, float]:
    ancestors = []
    parent = atom.parent
    while parent is not None:
        ancestors.append(parent)
        parent = by_label[parent].parent
    opening = [depth[a] for a in ancestors if placed[a][0] == position]
    if opening:
        return 2, max(opening) + 0.5
    closing = [depth[a] for a in ancestors if placed[a][1] == position]
    if closing:
        return 0, -max(closing) - 0.5
    return 1, 0


def _depths(spans: list[Span]) -> dict[str, int]:
    by_label = {span.label: span for span in spans}
    depths: dict[str, int] = {}
    for span in spans:
        depth, parent = 0, span.parent
        while parent is not None:
            depth += 1
            parent = by_label[parent].parent
        depths[span.label] = depth
    return depths
