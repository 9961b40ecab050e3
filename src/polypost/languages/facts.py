"""What polypost knows about a language, as data the generic stages ask for.

The stages never test for a language code themselves: they ask `polypost.languages.language(tag)`
for stop words, signs, abbreviations, month names, interface strings and plural rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LanguageFacts:
    code: str  # the language part of a BCP 47 tag: "es" for "es-MX"
    name: str  # in the language itself: "Español"
    og_locale: str  # Open Graph's default territory: "es_ES"
    # Frequent function words that the other languages here do not share ("a", "no" are left out).
    stop_words: frozenset[str] = frozenset()
    # Letters and marks that only this language's spelling uses: evidence for detection.
    spelling_marks: str = ""
    # Cheap substrings that suggest a text may be in this language: the prefilter before detection.
    signs: tuple[str, ...] = ()
    # Abbreviations always followed by more of the same sentence ("Dr.", "Sra.").
    abbreviations: frozenset[str] = frozenset()
    months: tuple[str, ...] = ()
    # "{day}", "{month}", "{year}": how a reader writes a date in full.
    long_date: str = "{month} {day}, {year}"
    ui_text: dict[str, str] = field(default_factory=dict)  # the site's interface strings
    mt_note: str = ""  # on machine-translated pages; "{original}" links to the original
    reviewed_note: str = ""  # on pages a person reviewed
    plural: Callable[[str], str] | None = None  # a noun phrase's plural, for glossary targets
