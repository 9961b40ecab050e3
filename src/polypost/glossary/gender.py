"""The gender and number of a Spanish glossary target, from the Spanish analyser, when the file
does not say.

Most users' glossaries have no gender column. Without one, a forced term is an opaque token to
the engine, and agreement around it is a guess ("Nuestro tasa", "el llamada", "un estrategia").
The head noun of the target ("tasa" in "tasa de conversión") tells: the analyser of
`apertium-eng-spa` gives tasa<n><f><sg>. A loanword kept in English ("landing page") takes, as
Spanish speakers give it, the gender of the Spanish word it stands for ("la landing page", as
"la página"): the English head noun ("page") is looked up in Apertium's English->Spanish
dictionary. Where neither tells, `gender_notes` says so, so that the user can add the column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from polypost.glossary.match import head_index
from polypost.glossary.term import Problem, Term
from polypost.postedit.morphology import Morphology, shared

_WORD = re.compile(r"[^\W\d_]+")
_ARTICLES = frozenset("el la los las un una unos unas".split())


def _head(target: str) -> str | None:
    """The first word of the target that is not an article: Spanish noun phrases start with their head."""
    return next((w for w in _WORD.findall(target) if w.lower() not in _ARTICLES), None)


def infer(term: Term, morphology: Morphology) -> tuple[str, str] | None:
    """(gender, number) of the term's target, when the analysers can tell."""
    found = inferred(term, morphology)
    return found[:2] if found is not None else None


def inferred(term: Term, morphology: Morphology) -> tuple[str, str, str] | None:
    """(gender, number, how it was found): from the target's head noun when the Spanish analyser
    knows one gender and number for it; for a target it does not know as a noun (a loanword),
    from the Spanish translation of the source's head noun."""
    head = _head(term.target)
    if head is None or not morphology.available:
        return None
    found = morphology.analyse([head, head.lower()])
    nouns = [r for r in (found.get(head) or found.get(head.lower()) or ()) if r.has("n")]
    genders = {g for r in nouns for g in ("m", "f") if r.has(g)}
    numbers = {n for r in nouns for n in ("sg", "pl") if r.has(n)}
    if len(genders) == 1 and len(numbers) == 1:
        return genders.pop(), numbers.pop(), f"from {head!r} (Spanish analyser)"
    if nouns:
        return None  # a Spanish noun of either gender ("el/la orden"): only the file can say
    return _from_source(term, morphology)


def _from_source(term: Term, morphology: Morphology) -> tuple[str, str, str] | None:
    english = _english_head(term.source)
    if english is None:
        return None
    number = term.number or "sg"
    readings = morphology.spanish_nouns([english]).get(english) or ()
    if not readings and english.endswith("s"):  # "insights": the dictionary knows lemmas
        english, number = english[:-1], term.number or "pl"
        readings = morphology.spanish_nouns([english]).get(english) or ()
    if not readings:
        return None
    spanish = readings[0]  # Apertium's default translation
    gender = next((g for g in ("m", "f") if spanish.has(g)), None)
    if gender is None:
        return None
    return gender, number, f"as {spanish.lemma!r}, the Spanish for {english!r} (Apertium's dictionary)"


def _english_head(source: str) -> str | None:
    words = _WORD.findall(source.lower())
    return words[head_index(words)] if words else None


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
        found = inferred(term, morphology)
        if found is not None:
            notes.append(Problem(term.file, term.line, "note",
                                 f"{term.target!r}: gender {found[0]}, number {found[1]} inferred "
                                 f"{found[2]}; a gender column would say it"))
        else:
            why = "the Spanish analyser is not installed" if not morphology.available else \
                f"{_head(term.target)!r} is not a Spanish noun it knows, nor the source's head noun"
            notes.append(Problem(term.file, term.line, "warning",
                                 f"{term.target!r}: gender cannot be known ({why}); agreement around it "
                                 "is a guess: add the gender column (m or f)"))
    return notes
