"""The gender and number of a Spanish glossary target, from the Spanish analyser, when the file
does not say.

Most users' glossaries have no gender column. Without one, a forced term is an opaque token to
the engine, and agreement around it is a guess ("Nuestro tasa", "el llamada", "un estrategia").
The head noun of the target ("tasa" in "tasa de conversión") tells: the analyser of
`apertium-eng-spa` gives tasa<n><f><sg>. A loanword the analyser does not know ("landing page")
stays unknown, and `gender_notes` says so, so that the user can add the column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from polypost.glossary.term import Problem, Term
from polypost.postedit.morphology import Morphology, shared

_WORD = re.compile(r"[^\W\d_]+")
_ARTICLES = frozenset("el la los las un una unos unas".split())


def _head(target: str) -> str | None:
    """The first word of the target that is not an article: Spanish noun phrases start with their head."""
    return next((w for w in _WORD.findall(target) if w.lower() not in _ARTICLES), None)


def infer(term: Term, morphology: Morphology) -> tuple[str, str] | None:
    """(gender, number) of the term's target head noun, when the analyser knows one of each."""
    head = _head(term.target)
    if head is None or not morphology.available:
        return None
    found = morphology.analyse([head, head.lower()])
    nouns = [r for r in (found.get(head) or found.get(head.lower()) or ()) if r.has("n")]
    genders = {g for r in nouns for g in ("m", "f") if r.has(g)}
    numbers = {n for r in nouns for n in ("sg", "pl") if r.has(n)}
    if len(genders) != 1 or len(numbers) != 1:
        return None
    return genders.pop(), numbers.pop()


def needs_gender(term: Term) -> bool:
    """A noun (or a term of no stated kind) whose file gives no gender."""
    return term.gender is None and term.pos in (None, "noun")


def with_genders(terms: Sequence[Term], morphology: Morphology | None = None) -> list[Term]:
    """The terms, each noun without a gender given its inferred gender (and number, if missing)."""
    morphology = morphology or shared()
    out = []
    for term in terms:
        found = infer(term, morphology) if needs_gender(term) else None
        if found is None:
            out.append(term)
            continue
        gender, number = found
        out.append(replace(term, gender=gender, number=term.number or number))
    return out


def gender_notes(terms: Sequence[Term], morphology: Morphology | None = None) -> list[Problem]:
    """For `polypost glossary check`: which genders are inferred, and which cannot be known."""
    morphology = morphology or shared()
    notes = []
    for term in terms:
        if not needs_gender(term):
            continue
        found = infer(term, morphology)
        if found is not None:
            notes.append(Problem(term.file, term.line, "note",
                                 f"{term.target!r}: gender {found[0]}, number {found[1]} inferred from "
                                 f"{_head(term.target)!r} (Spanish analyser); a gender column would say it"))
        else:
            why = "the Spanish analyser is not installed" if not morphology.available else \
                f"{_head(term.target)!r} is not a Spanish noun it knows"
            notes.append(Problem(term.file, term.line, "warning",
                                 f"{term.target!r}: gender cannot be known ({why}); agreement around it "
                                 "is a guess: add the gender column (m or f)"))
    return notes
