"""Finding glossary terms in a segment, and the target form each occurrence calls for.

Rules: whole words and phrases; the longest term wins where several start at the same place;
case-insensitive unless a term is marked case-sensitive (acronyms); English plurals
("leads", "calls to action") and possessives ("brand's", "brands'"); a space or hyphen
between words matches either, and a hyphen may be left out ("e-mail" finds "email").
Terms inside inline markup (`⟦1⟧social media⟦/1⟧`) match; nothing matches inside a
placeholder token, a URL, an e-mail address, an @handle or a #hashtag, which the segmenter
leaves untranslated anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from polypost.glossary.term import Term

# Spans we must never match inside. Placeholders come from the segmenter (⟦1⟧, ⟦/1⟧, ⟦2/⟧)
# and from ourselves (⟦T1⟧).
_UNTOUCHABLE = re.compile(
    r"⟦[^⟦⟧]*⟧"
    r"|\b(?:https?://|www\.)[^\s⟦⟧]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w&])[@#]\w+"
)
# The same without the e-mail address, for a text without "@" (most): that branch tries every
# word of a text to its end, looking for the "@" it cannot find.
_UNTOUCHABLE_WITHOUT_AT = re.compile(
    r"⟦[^⟦⟧]*⟧"
    r"|\b(?:https?://|www\.)[^\s⟦⟧]+"
    r"|(?<![\w&])#\w+"
)
_MASK = "\x00"  # a non-word character, so word boundaries still work over masked spans
_PREPOSITIONS = {"to", "of", "for", "in", "on", "per", "with", "by", "from"}
_APOSTROPHE = "['’]"
_POSSESSIVE = re.compile(_APOSTROPHE + r"s\b|(?<=[sS])" + _APOSTROPHE + r"(?!\w)")
# A one-word noun term right after these words is the English verb ("to reach", "we lead",
# "it leads to"): leave it to the engine.
_VERB_CONTEXT = re.compile(
    r"(?i:\b(?:to|will|can|could|would|should|may|might|must|cannot|can't|don't|doesn't|didn't|"
    r"won't|we|you|they|i|help|helps|let|lets)\s+)$"
)
_SEPARATORS = re.compile(r"[\s\-]+")
_THIRD_PERSON = re.compile(r"(?i:\b(?:it|this|that|which|what|who|he|she)\s+)$")


@dataclass(frozen=True)
class Match:
    term: Term
    start: int
    end: int
    surface: str  # the text as written, possessive included
    plural: bool = False  # the English surface is the plural of the term's source
    possessive: bool = False
    plural_form: str | None = None  # the target's plural (the term's own, else the language's rule)

    @property
    def target_number(self) -> str | None:
        """The number the rendered target has, when known."""
        if self.plural:
            return "pl"
        return self.term.number

    @property
    def target_form(self) -> str:
        """What the output must contain for this occurrence."""
        # Read for every report row, restore and key of the segment: worked out once. Kept in
        # the instance's dict by hand: functools.cached_property takes a lock shared by every
        # instance, which the translate stage's threads queued on.
        form = self.__dict__.get("_target_form")
        if form is None:
            form = self.__dict__["_target_form"] = self._target_form()
        return form

    def _target_form(self) -> str:
        term = self.term
        if term.keep:
            return _keep_form(self)
        if self.plural and term.number != "pl":
            return self.plural_form or term.target
        return term.target

    def accepted_forms(self) -> list[str]:
        """Forms the report accepts as compliant (the engine may choose the other number)."""
        forms = [self.target_form, self.term.target]
        if self.term.plural:
            forms.append(self.term.plural)
        return list(dict.fromkeys(forms))


def _keep_form(match: Match) -> str:
    """A do-not-translate term as the source wrote it, minus the English possessive."""
    surface = _strip_possessive(match.surface) if match.possessive else match.surface
    surface = " ".join(surface.split())
    target = match.term.target
    if match.term.case_sensitive:
        return surface
    # Canonical spelling ("Facebook", "e-mail") with the source's plural ending kept.
    if surface.casefold() == target.casefold():
        return target
    folded_surface, folded_target = _fold_separators(surface), _fold_separators(target)
    if folded_surface == folded_target:
        return target  # "E-mail", "landing-page" -> the glossary's spelling
    if match.plural and folded_surface.startswith(folded_target):
        return target + surface[len(surface) - (len(folded_surface) - len(folded_target)):]
    return surface


@lru_cache(maxsize=4096)  # a term's source and the few surfaces it is written with, every match
def _fold_separators(text: str) -> str:
    return _SEPARATORS.sub("", text).casefold()


def _strip_possessive(surface: str) -> str:
    return re.sub(_APOSTROPHE + r"s?$", "", surface)


def _english_plural_pattern(word: str) -> str:
    """A regex for an English word and its plural."""
    escaped = re.escape(word)
    if not word[-1:].isalpha():
        return escaped
    if re.search(r"[^aeiou]y$", word, re.IGNORECASE):
        return re.escape(word[:-1]) + r"(?:y|ies|IES)"
    if re.search(r"(?:s|x|z|ch|sh)$", word, re.IGNORECASE):
        return escaped + r"(?:es|ES)?"
    return escaped + r"(?:s|es|S)?"


def head_index(words: Sequence[str]) -> int:
    """Where an English term's head noun is: the word before its first preposition ("call to
    action"), else the last word ("landing page")."""
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in _PREPOSITIONS:
            return i - 1
    return len(words) - 1


def term_pattern(term: Term) -> str:
    """The regex body that finds one term (boundaries and possessive are added by Matcher)."""
    parts = re.split(r"(\s+|-)", term.source)
    words = parts[0::2]
    seps = parts[1::2]
    head = head_index(words)  # the plural goes on the head
    pieces = []
    for i, word in enumerate(words):
        pieces.append(_english_plural_pattern(word) if i == head and term.pos not in {"propn", "adj", "verb", "adv"} else re.escape(word))
        if i < len(seps):
            pieces.append(r"(?:-|\s+)?" if seps[i] == "-" else r"(?:\s+|-)")
    return "".join(pieces)


class Matcher:
    """One compiled regex over all terms; alternatives ordered longest first."""

    def __init__(self, terms: Sequence[Term], plural: Callable[[str], str] | None = None):
        self.terms = list(terms)
        self._plural = plural
        order = sorted(range(len(self.terms)), key=lambda i: (-len(self.terms[i].source), i))
        # Terms grouped by first letter behind a lookahead: at each word start the regex tries
        # only the dozen terms that can begin there, not all of them (5x faster on an archive).
        by_initial: dict[str, list[str]] = {}
        for i in order:
            term = self.terms[i]
            body = term_pattern(term)
            if not term.case_sensitive:
                body = f"(?i:{body})"
            by_initial.setdefault(term.source[:1].lower(), []).append(f"(?P<t{i}>{body})")
        alternatives = [
            f"(?={re.escape(initial)}|{re.escape(initial.upper())})(?:{'|'.join(group)})"
            if initial.upper() != initial else f"(?={re.escape(initial)})(?:{'|'.join(group)})"
            for initial, group in by_initial.items()
        ]
        self._regex = None
        if alternatives:
            # No group after the terms': m.lastgroup then names the term at once (reading
            # groupdict() over hundreds of groups per match cost more than the match itself).
            self._regex = re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w]|-\w)")

    def find(self, text: str) -> list[Match]:
        if self._regex is None or not text:
            return []
        untouchable = _UNTOUCHABLE if "@" in text else _UNTOUCHABLE_WITHOUT_AT
        masked = untouchable.sub(_masked, text) if ("⟦" in text or "#" in text or "/" in text or "www." in text
                                                    or "@" in text) else text
        found = []
        for m in self._regex.finditer(masked):
            term = self.terms[int(m.lastgroup[1:])]
            body = m.group()
            if _looks_like_verb(term, body, masked, m.start()):
                continue
            possessive = _POSSESSIVE.match(masked, m.end())
            end = possessive.end() if possessive else m.end()
            plural = _is_plural(term, body)
            plural_form = None
            if plural and not term.keep and term.number != "pl":
                plural_form = term.plural or (self._plural(term.target) if self._plural else None)
            found.append(Match(term=term, start=m.start(), end=end, surface=text[m.start():end],
                               plural=plural, possessive=bool(possessive), plural_form=plural_form))
        return found


def _masked(match: re.Match[str]) -> str:
    return _MASK * len(match.group())


def _looks_like_verb(term: Term, body: str, text: str, start: int) -> bool:
    if term.pos not in (None, "noun") or " " in term.source:
        return False
    if not term.source.isalpha() or not term.source.islower():
        return False  # acronyms and brands are never verbs
    before = text[max(0, start - 20):start]
    if _VERB_CONTEXT.search(before):
        return True
    return _is_plural(term, body) and bool(_THIRD_PERSON.search(before))


def _is_plural(term: Term, body: str) -> bool:
    return _fold_separators(body) != _fold_separators(term.source)
