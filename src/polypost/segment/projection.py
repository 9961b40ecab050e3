"""Where each inline element of a sentence lands in its translation, from the model's alignment.

The way Firefox Translations (Bergamot) carries markup through a model that never saw any:
the model translates plain text; each target piece is aligned to the source piece it attended
to most; an element's source pieces give its target pieces, snapped to whole words, accepted
only when they are contiguous, non-empty and nest as the source did. Where that fails, the
fallbacks never lose an element and never insert English words: the element's own text
translated alone and found in the sentence; then the smallest span holding its aligned
pieces; then the whole sentence; and last an empty place, which holds the segment back.
Atoms (images, code, URLs) go beside the target of the neighbour they touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from polypost.segment.spans import Span

__all__ = ["Aligned", "Projection", "project"]


@dataclass
class Aligned:
    """One segment through the model: pieces on both sides, and the alignment between them."""

    source: str  # plain source text
    target: str  # plain target text
    source_pieces: list[tuple[int, int]]  # character range of each source piece in `source`
    target_pieces: list[tuple[int, int]]  # character range of each target piece (no leading space)
    word_start: list[bool]  # the target piece begins a word (or is punctuation)
    alignment: list[int | None]  # per target piece: the source piece it came from
    sentences: list[tuple[int, int, int, int]]  # (source start, end, first target piece, end piece)


@dataclass
class Projection:
    placed: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> target range
    unresolved: list[str] = field(default_factory=list)  # wraps the alignment could not place
    approximate: list[str] = field(default_factory=list)  # placed by a loose fallback
    lost: list[str] = field(default_factory=list)  # no place found: the segment is held back


def project(spans: list[Span], aligned: Aligned, standalone: dict[str, str] | None = None) -> Projection:
    """Place every span in `aligned.target`. `standalone`: wraps' own text translated alone,
    for the second pass over what the first could not place."""
    result = Projection()
    siblings: dict[str | None, list[tuple[int, int]]] = {}
    for span in spans:
        allowed = result.placed[span.parent] if span.parent is not None else (0, len(aligned.target))
        occupied = siblings.setdefault(span.parent, [])
        if span.kind == "atom":
            result.placed[span.label] = _place_atom(span, aligned, allowed, occupied, result)
            continue
        placed = _place_wrap(span, aligned, allowed, occupied, standalone, result)
        result.placed[span.label] = placed
        if placed[1] > placed[0]:
            occupied.append(placed)
    return result


def _place_wrap(span: Span, aligned: Aligned, allowed: tuple[int, int], occupied: list[tuple[int, int]],
                standalone: dict[str, str] | None, result: Projection) -> tuple[int, int]:
    targets = _aligned_targets(span, aligned)
    if targets and _contiguous(targets, aligned):
        start, end = _snap(aligned, targets[0], targets[-1])
        # An element that starts or ends inside a word ("⟦3⟧D⟦/3⟧⟦4⟧ata⟦/4⟧") keeps that cut
        # where the model wrote the word's piece as it was.
        source = aligned.source
        cut_start, cut_end = _inside_piece(span.start, aligned), _inside_piece(span.end, aligned)
        if cut_start is not None:
            start = cut_start
        elif 0 < span.start < len(source) and source[span.start - 1].isalnum() and source[span.start].isalnum():
            start = aligned.target_pieces[targets[0]][0]
        if cut_end is not None:
            end = cut_end
        elif 0 < span.end < len(source) and source[span.end - 1].isalnum() and source[span.end].isalnum():
            end = aligned.target_pieces[targets[-1]][1]
        direct = _fit((start, end), aligned.target, allowed, occupied)
        if direct:
            return direct
    if standalone is None:
        result.unresolved.append(span.label)
        # A provisional place for the first pass; the second pass decides.
        provisional = _snap(aligned, targets[0], targets[-1]) if targets else allowed
        return _fit(_clip(provisional, allowed), aligned.target, allowed, occupied) or allowed
    near = _snap(aligned, targets[0], targets[-1])[0] if targets else allowed[0]
    hull = _fit(_clip(_snap(aligned, targets[0], targets[-1]), allowed), aligned.target, allowed,
                occupied) if targets else None
    partial = None
    for text in (standalone.get(span.label), aligned.source[span.start:span.end]):
        found, whole = _find(text, aligned.target, allowed, occupied, near)
        # The element's own words where its pieces went; found elsewhere (the same words twice
        # in a sentence) or without the punctuation the model moved, the pieces' hull is surer.
        if found and (hull is None or whole and found[0] < hull[1] and hull[0] < found[1]):
            return found
        partial = partial or found
    if hull:
        result.approximate.append(f"⟦{span.label}⟧ on the words its pieces were aligned to")
        return hull
    if partial:
        return partial
    sentence = _fit(_clip(_sentence_range(span, aligned), allowed), aligned.target, allowed, occupied)
    if sentence:
        result.approximate.append(f"⟦{span.label}⟧ around the whole sentence")
        return sentence
    free = _fit(allowed, aligned.target, allowed, occupied)
    if free:
        result.approximate.append(f"⟦{span.label}⟧ around all the text it may take")
        return free
    result.lost.append(f"⟦{span.label}⟧ has no place that nests with the others")
    return allowed[1], allowed[1]


def _place_atom(span: Span, aligned: Aligned, allowed: tuple[int, int], occupied: list[tuple[int, int]],
                result: Projection) -> tuple[int, int]:
    # Neighbours are words: a lone "▁" piece is only the space between them.
    words = [i for i, (a, b) in enumerate(aligned.source_pieces) if aligned.source[a:b].strip()]
    left = [i for i in words if aligned.source_pieces[i][1] <= span.start]
    right = [i for i in words if aligned.source_pieces[i][1] > span.start]
    left_targets = [j for j, i in enumerate(aligned.alignment) if left and i == left[-1]]
    right_targets = [j for j, i in enumerate(aligned.alignment) if right and i == right[0]]
    position: int | None = _inside_piece(span.start, aligned)
    if position is not None:
        pass
    elif span.glue_right and right_targets:
        position = _snap(aligned, right_targets[0], right_targets[0])[0]
    elif left_targets:
        position = _snap(aligned, left_targets[-1], left_targets[-1])[1]
    elif right_targets:
        position = _snap(aligned, right_targets[0], right_targets[0])[0]
    if position is None or not allowed[0] <= position <= allowed[1]:
        result.approximate.append(f"⟦{span.label}/⟧ at the end: neither neighbour was aligned")
        position = allowed[1]
    for a, b in occupied:  # never inside an element it was not inside in the source
        if a < position < b:
            position = b
    return position, position


def _contiguous(targets: list[int], aligned: Aligned) -> bool:
    """No piece from outside the element between its first and last: a lone "▁" between two
    words is a space, not a word, and does not break it."""
    inside = set(targets)
    for j in range(targets[0], targets[-1] + 1):
        start, end = aligned.target_pieces[j]
        if j not in inside and aligned.target[start:end].strip():
            return False
    return True


def _inside_piece(at: int, aligned: Aligned) -> int | None:
    """An atom that sat inside one source piece (`"⟦1/⟧"` where `""` is one piece) goes to the
    same place inside the target piece, when the model wrote that piece as it was."""
    for i, (a, b) in enumerate(aligned.source_pieces):
        content = a + len(aligned.source[a:b]) - len(aligned.source[a:b].lstrip(" "))
        if content < at < b:
            for j, source_index in enumerate(aligned.alignment):
                start, end = aligned.target_pieces[j]
                if source_index == i and aligned.target[start:end] == aligned.source[content:b]:
                    return start + at - content
            return None
    return None


def _aligned_targets(span: Span, aligned: Aligned) -> list[int]:
    pieces = {i for i, (a, b) in enumerate(aligned.source_pieces) if a < span.end and b > span.start
              and aligned.source[a:b].strip()}
    return [j for j, i in enumerate(aligned.alignment) if i in pieces]


def _snap(aligned: Aligned, first: int, last: int) -> tuple[int, int]:
    """Whole words: widen a piece range to the word starts and ends around it."""
    low, high = _sentence_pieces(aligned, first)
    while first > low and not aligned.word_start[first]:
        first -= 1
    while last + 1 < high and not aligned.word_start[last + 1]:
        last += 1
    return aligned.target_pieces[first][0], aligned.target_pieces[last][1]


def _sentence_pieces(aligned: Aligned, piece: int) -> tuple[int, int]:
    for _a, _b, first, end in aligned.sentences:
        if first <= piece < end:
            return first, end
    return 0, len(aligned.target_pieces)


def _sentence_range(span: Span, aligned: Aligned) -> tuple[int, int]:
    chosen = [s for s in aligned.sentences if s[0] < max(span.end, span.start + 1) and s[1] > span.start
              and s[3] > s[2]]
    if not chosen:
        return 0, len(aligned.target)
    return aligned.target_pieces[chosen[0][2]][0], aligned.target_pieces[chosen[-1][3] - 1][1]


def _clip(rng: tuple[int, int], allowed: tuple[int, int]) -> tuple[int, int]:
    return max(rng[0], allowed[0]), min(rng[1], allowed[1])


def _fit(rng: tuple[int, int], text: str, allowed: tuple[int, int],
         occupied: list[tuple[int, int]]) -> tuple[int, int] | None:
    """`rng` without edge spaces, if it is non-empty, inside `allowed` and apart from its siblings."""
    start, end = rng
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or start < allowed[0] or end > allowed[1]:
        return None
    if any(a < end and start < b for a, b in occupied):
        return None
    return start, end


def _find(needle: str | None, text: str, allowed: tuple[int, int], occupied: list[tuple[int, int]],
          near: int) -> tuple[tuple[int, int] | None, bool]:
    """The occurrence of `needle` (whole words, any case) nearest to `near` that fits, and
    whether it was found whole (not only without its closing punctuation)."""
    needle = (needle or "").strip()
    if not needle or not any(ch.isalnum() for ch in needle):
        return None, False
    # As it is first, then without its closing punctuation (the sentence may have moved it).
    for form in dict.fromkeys((needle, needle.rstrip(".!?;:,"))):
        pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
        fits = [(m.start(), m.end()) for m in pattern.finditer(text, allowed[0], allowed[1])]
        fits = [rng for rng in fits if _fit(rng, text, allowed, occupied)]
        if fits:
            return min(fits, key=lambda rng: abs(rng[0] - near)), form == needle
    return None, False
