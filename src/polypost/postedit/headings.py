"""English title case in a heading's translation turned into Spanish sentence case.

"Social Media Isn't Magic" comes back "Las Redes Sociales No Son Mágicas"; Spanish capitalises
the first word and names only. A heading is a short source without a final full stop written in
title case. A word keeps its capital when it is a name: the analyser does not know it, or knows
it only as a proper noun (<np>), or it is an acronym, or it is part of a glossary term, or the
English analyser does not know the source's word, or knows it only as a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from polypost.postedit.morphology import Reading, only_a_name

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PART = re.compile(r"[^\W\d_]+")
# English words that title case leaves small ("a", "of", "the") and so prove nothing.
_MINOR = frozenset("a an and as at but by for from in into nor of on or over per the to up via vs with".split())
MAX_HEADING_WORDS = 14


def is_title_case(source: str) -> bool:
    """Whether an English text is a title-cased heading: short, no final full stop, and most of
    its words past the first capitalised."""
    stripped = source.strip()
    words = _WORD.findall(stripped)
    if len(words) < 3 or len(words) > MAX_HEADING_WORDS or stripped.endswith((".", ":")):
        return False
    major = [w for w in words[1:] if w.lower() not in _MINOR]
    capitals = [w for w in major if w[0].isupper()]
    return len(capitals) >= 2 and len(capitals) >= 0.75 * len(major)


def sentence_case(target: str, readings: dict[str, tuple[Reading, ...]], keep: Iterable[str] = ()) -> str:
    """Lower-case every capitalised word but the first that is not a name, an acronym or in `keep`.
    Each part of a hyphenated word counts alone ("Negro-Cajas" -> "Negro-cajas")."""
    kept_words = {w for phrase in keep for w in _PART.findall(phrase) if w[:1].isupper()}
    first = True
    out = []
    position = 0
    for match in _PART.finditer(target):
        word = match.group(0)
        out.append(target[position:match.start()])
        position = match.end()
        # After a colon the subtitle goes on in lower case too ("Evolve: Shared History" ->
        # "Evoluciona: historia compartida"); a new sentence starts with a capital.
        sentence_break = bool(re.search(r"[.!?¿¡]\s*$", "".join(out)[-3:])) if out else False
        if first or sentence_break:
            first = False
            out.append(word)
            continue
        if word[0].isupper() and not word.isupper() and word not in kept_words and _common(word, readings):
            word = word[0].lower() + word[1:]
        out.append(word)
    out.append(target[position:])
    return "".join(out)


def source_names(source: str, analyse_english: Callable[[set[str]], dict]) -> set[str]:
    """The capitalised words of an English heading, past its first, that the English analyser
    does not know or knows only as names ("Portrait by George Del Barrio"): the engine leaves
    them as written, and their capital stays, though Spanish knows "del" and "barrio"."""
    words = {w for w in _PART.findall(source)[1:] if w[:1].isupper() and not w.isupper()}
    if not words:
        return set()
    analyses = analyse_english(words)
    return {w for w in words if len(units := analyses.get(w, ())) == 1 and only_a_name(units[0][1])}


def _common(word: str, readings: dict[str, tuple[Reading, ...]]) -> bool:
    """The analyser knows the word (capitalised or lower-cased) as something other than a name."""
    found = readings.get(word, ()) or readings.get(word.lower(), ())
    return bool(found) and not any(r.has("np") for r in found)
