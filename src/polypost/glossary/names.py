"""Names a post uses that the engine would translate word by word, found in its running text.

Apertium turns "Daring Fireball" into "Osando Fireball" and "Nat Irons" into "Nat Hierros": it
knows "daring" and "irons" as English words and "Fireball" not at all, so it translates the one
and keeps the other. A run of capitalised words in the middle of a sentence, where the English
analyser knows at least one word only as a name (or not at all) and translates at least one
other, is such a name; the post's glossary keeps it as written everywhere in the post, its
title (and so its slug) included.

What proves nothing is left out: a capital that starts a sentence, a heading or list item in
title case ("Server Software"), words the analyser knows as one proper noun ("New York", which
Apertium translates right), runs it knows only as names ("John Gruber", which it keeps anyway),
runs where a glossary term is found (the glossary decides those), and closed-class words at a
run's edges ("The", "I").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from polypost.glossary.match import Matcher
from polypost.glossary.term import Term
from polypost.postedit.headings import is_title_case
from polypost.postedit.morphology import Morphology, Reading, only_a_name, shared
from polypost.segment.placeholders import PLACEHOLDER_RE

NAME_NOTE = "a name found in the post (polypost keeps it as written)"
NAME_FILE = "(names found in the post)"
MAX_NAMES = 64  # per post: a page that is one long list of names has no use for more
MAX_RUN_WORDS = 6  # longer capitalised runs are titles of things, not names

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_POSSESSIVE = re.compile(r"['’]s?$")
# Words whose readings are all of these (or that are all tags of a number) open or close no name.
_CLOSED = frozenset({"det", "pr", "prn", "cnjcoo", "cnjsub", "cnjadv", "preadv", "predet", "num", "ij", "rel"})
_SENTENCE_END = re.compile(r"(?:^|[.!?:;…]|\n)[\s\"'“‘(\[«¿¡*_+•·\-–—]*$")
# Two capitalised words in a row, the least a name needs: most texts have none and stop here.
_TWO_CAPITALS = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]* [A-ZÀ-ÖØ-Þ]")
_ATOM = re.compile(r"⟦\d+/⟧")  # a line break or an image: what follows starts a line


class NamesUnavailable(RuntimeError):
    """Names were asked for where Apertium's English analyser is not installed."""


def keeps_names(setting: bool, morphology: Morphology | None = None) -> bool:
    """Whether names are kept: asked for (`[translate] keep_names`) and the analyser is here."""
    return setting and (morphology or shared()).english_available


def name_term(name: str) -> Term:
    return Term(source=name, target=name, note=NAME_NOTE, pos="propn", case_sensitive=True, file=NAME_FILE)


def is_found_name(term: Term) -> bool:
    return term.file == NAME_FILE


def find_names(texts: Iterable[str], glossary_matcher: Matcher | None = None,
               morphology: Morphology | None = None) -> tuple[str, ...]:
    """The names in a post's running texts (segment texts, placeholders and all), sorted."""
    morphology = morphology or shared()
    if not morphology.english_available:
        raise NamesUnavailable(f"finding names needs Apertium's English analyser ({morphology.english_analyser}) "
                               "and lt-proc: install apertium-eng-spa, or set [translate] keep_names = false")
    runs: set[str] = set()
    for text in texts:
        if _TWO_CAPITALS.search(text) and not is_title_case(PLACEHOLDER_RE.sub(" ", text)):
            runs.update(_candidate_runs(text))
    if glossary_matcher is not None:
        runs = {run for run in runs if not glossary_matcher.find(run)}
    if not runs:
        return ()
    analyses = morphology.analyse_english(runs)
    names = {name for run in runs if (name := _name_in(analyses[run])) and name in run}
    return tuple(sorted(names)[:MAX_NAMES])


def _candidate_runs(text: str) -> list[str]:
    """Runs of two or more capitalised words joined by single spaces, none starting a sentence.
    A placeholder ends a run (the name would not match across it); so does a possessive."""
    runs: list[str] = []
    current: list[str] = []
    last_end = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if current and text[last_end:match.start()] != " ":
            _close(current, runs)
            current = []
        if not word[0].isupper() or word == "I":
            _close(current, runs)
            current = []
            continue
        if not current and _starts_sentence(text, match.start()):
            continue  # the capital of a sentence's first word proves nothing
        possessive = _POSSESSIVE.search(word) if len(word) > 2 else None
        if possessive:
            current.append(word[:possessive.start()])
            _close(current, runs)
            current = []
            continue
        current.append(word)
        last_end = match.end()
    _close(current, runs)
    return runs


def _starts_sentence(text: str, start: int) -> bool:
    # The few characters before the word are enough; "x" stands for the text cut off before them.
    window = text[max(0, start - 40):start]
    window = _ATOM.sub("\n", window if start <= 40 else "x" + window)
    return bool(_SENTENCE_END.search(PLACEHOLDER_RE.sub("", window)))


def _close(words: list[str], runs: list[str]) -> None:
    # All capitals is shouting ("PROOF YOU INTEMPERATE WOMAN") or acronyms, not a name's case.
    if 2 <= len(words) <= MAX_RUN_WORDS and not all(w.isupper() for w in words):
        runs.append(" ".join(words))


def _name_in(units: tuple[tuple[str, tuple[Reading, ...]], ...]) -> str | None:
    """The run minus closed-class words at its edges, when it mixes a name-only or unknown word
    with a word the engine would translate."""
    kept = list(units)
    while kept and _closed(kept[0][1]):
        kept.pop(0)
    while kept and _closed(kept[-1][1]):
        kept.pop()
    if len(kept) < 2:
        return None
    # A multiword proper noun ("New York") is one the engine knows: it proves no name.
    named = any(" " not in surface and only_a_name(readings) for surface, readings in kept)
    common = any(any(not r.has("np") and r.tags[:1] and r.tags[0] not in _CLOSED for r in readings)
                 for _surface, readings in kept)
    if not (named and common):
        return None
    return " ".join(surface for surface, _readings in kept)


def _closed(readings: tuple[Reading, ...]) -> bool:
    return bool(readings) and all(r.tags[:1] and r.tags[0] in _CLOSED for r in readings)
