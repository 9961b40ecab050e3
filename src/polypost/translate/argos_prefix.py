"""Forced glossary terms by prefix-constrained decoding, the alternative to aligned terms.

The ``aligned`` glossary strategy lets the model translate the sentence and then replaces the
words the term became (found by alignment) with the term's target form. The ``prefix`` one
makes the model write the form itself: the sentence is translated once; the term's words are
found by the alignment; the sentence is decoded again with ``target_prefix`` = the pieces before
them + the form's pieces, so that the model continues after the form it was given (a real model
then agrees what follows with the form). CTranslate2's ``return_alternatives`` gives several
continuations at the first free position; the one chosen does not start by writing the term
again. Several terms of one sentence are forced one after another, in target order; a term
whose words come before an already forced one (the model reordered them) is left to the
aligned replacement. Measured against ``aligned`` in benchmarks/glossary_compliance.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Forced", "Pending", "force_terms", "term_target", "choose", "PREFIX_ALTERNATIVES"]

PREFIX_ALTERNATIVES = 4  # continuations asked for at the first free position
_RUN_ON = 4  # pieces a continuation may add beyond the first translation and the form's own


@dataclass
class Forced:
    start: int  # the term's characters in its sentence
    end: int
    pieces: list[str]  # its target form, as the tokenizer writes it


def term_target(term: Forced, ranges: list[tuple[int, int]], source: list[str], alignment: list[int | None],
                target: list[str], after: int) -> tuple[int, int] | None:
    """(first, end) target pieces the term became, whole words, at or after piece `after`."""
    inside = {i for i, (a, b) in enumerate(ranges) if a < term.end and b > term.start and source[i].strip("▁")}
    hits = [j for j, i in enumerate(alignment) if i in inside]
    if not hits or hits[0] < after:
        return None
    first, last = hits[0], hits[-1]
    while first > after and not target[first].startswith("▁"):
        first -= 1
    while last + 1 < len(target) and not target[last + 1].startswith("▁"):
        last += 1
    return first, last + 1


def choose(alternatives: list[list[str]], prefix_length: int, avoid: set[str]) -> int:
    """The best-scored alternative whose continuation does not begin with a piece of `avoid`
    (the first piece the model wrote for the term, or the form's): that would say it twice.
    One that ends the sentence right after the form is a continuation too."""
    for index, pieces in enumerate(alternatives):
        if not pieces[prefix_length:prefix_length + 1] or pieces[prefix_length] not in avoid:
            return index
    return 0


@dataclass
class Pending:
    """One sentence whose forced terms are being written in, one model call per term."""

    source: list[str]  # source pieces
    ranges: list[tuple[int, int]]  # their characters in the sentence
    target: list[str]
    alignment: list[int | None]
    terms: list[Forced]
    after: int = 0  # pieces before this are fixed (a forced form is among them)
    pinned: list[tuple[int, int, int]] = field(default_factory=list)  # forced forms: pieces, source piece


# (pieces per sentence, their prefixes) -> per sentence: alternatives as (pieces, attention rows)
RunPrefixed = Callable[[list[list[str]], list[list[str]]], list[list[tuple[list[str], list]]]]
Align = Callable[[list, list[str], list[str]], list[int | None]]


def force_terms(items: list[Pending], run: RunPrefixed, align: Align) -> None:
    """Write each item's terms into its target by prefix-constrained decoding (in place)."""
    for item in items:  # in target order: a prefix fixes everything before the term
        item.terms.sort(key=lambda term: min((j for j, i in enumerate(item.alignment) if i is not None
                                              and item.ranges[i][0] < term.end and item.ranges[i][1] > term.start),
                                             default=len(item.alignment)))
    pending = [item for item in items if item.terms]
    while pending:
        asks = []
        for item in pending:
            while item.terms:
                term = item.terms.pop(0)
                where = term_target(term, item.ranges, item.source, item.alignment, item.target, item.after)
                if where is not None:
                    asks.append((item, term, where))
                    break
        if not asks:
            return
        results = run([item.source for item, _t, _w in asks],
                      [item.target[:where[0]] + term.pieces for item, term, where in asks])
        for (item, term, where), alternatives in zip(asks, results):
            prefix = item.target[:where[0]] + term.pieces
            chosen = alternatives[choose([pieces for pieces, _rows in alternatives], len(prefix),
                                         {item.target[where[0]], term.pieces[0]})]
            pieces, rows = chosen
            # A model that did not take the prefix, or ran on past the sentence: the aligned
            # replacement stays.
            grown = len(pieces) - len(item.target) - (len(term.pieces) - (where[1] - where[0]))
            if pieces[:len(prefix)] != prefix or not rows or grown > _RUN_ON:
                continue
            alignment = align(rows, item.source, pieces)
            first_source = next(i for i, (a, b) in enumerate(item.ranges) if a < term.end and b > term.start)
            item.pinned.append((where[0], len(prefix), first_source))
            for start, end, source_index in item.pinned:  # each form stands where its term stood
                for j in range(start, end):
                    alignment[j] = source_index
            item.target, item.alignment, item.after = pieces, alignment, len(prefix)
        pending = [item for item, _t, _w in asks if item.terms]
