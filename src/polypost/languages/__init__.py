"""Languages: per-language facts (`language(tag)`) and language detection (`detect`).

Adding a language is one module beside `en.py` and `es.py` that defines a `FACTS` record,
and one entry in `KNOWN`.
"""

from __future__ import annotations

from polypost.languages import en, es
from polypost.languages.facts import LanguageFacts

KNOWN: dict[str, LanguageFacts] = {facts.code: facts for facts in (en.FACTS, es.FACTS)}


def language_of(tag: str) -> str:
    """The language part of a BCP 47 tag, lower case: "es-419" -> "es"."""
    return tag.replace("_", "-").split("-")[0].lower()


def language(tag: str) -> LanguageFacts:
    """The facts of `tag`'s language; a bare record (no words, English interface) when unknown."""
    code = language_of(tag)
    return KNOWN.get(code) or LanguageFacts(code=code, name=code, og_locale=code)


__all__ = ["KNOWN", "LanguageFacts", "language", "language_of"]
