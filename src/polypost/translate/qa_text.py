"""Checks on a translation's text that pofilter (Translate Toolkit) also makes, and the Spanish
ones a community manager notices first.

pofilter's `doublewords`, `sentencecount`, `urls` and `untranslated` are matched here on
polypost's placeholder text (see benchmarks/spanish_quality.py for the comparison); the Spanish
checks read the target with the Apertium Spanish analyser when it is installed: a question
without "¿", a word left in English, a pronoun stuck before an infinitive ("Dejado me ser
claro"), an article that does not agree with its noun ("el llamada", "un estrategia").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from polypost.languages import language, language_of
from polypost.postedit.marks import add_opening_marks
from polypost.postedit.morphology import Reading, shared
from polypost.segment.protected import URL
from polypost.segment.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_DOUBLED = re.compile(r"\b([^\W\d_]{2,})\s+\1\b", re.IGNORECASE)
_URL = re.compile(URL)
_CLITICS = frozenset("me te se nos os le les lo la los las".split())
_DETERMINERS = frozenset("el la los las un una unos unas este esta estos estas ese esa esos esas nuestro nuestra "
                         "nuestros nuestras vuestro vuestra vuestros vuestras aquel aquella aquellos aquellas".split())


def check_opening_marks(target: str, target_lang: str) -> list[dict]:
    """A question or exclamation without its opening mark, in a language that writes them."""
    if "¿" not in language(target_lang).spelling_marks:
        return []
    opened = add_opening_marks(target, language(target_lang).abbreviations)
    if opened == target:
        return []
    missing = [s.strip() for s in split_sentences(opened, language_of(target_lang)) if s.strip()[:1] in "¿¡"
               and s.strip() not in target]
    return [{"check": "opening-marks", "evidence": f"no opening mark: {'; '.join(missing)[:120] or target[:60]}"}]


def check_doubled_words(source: str, target: str) -> list[dict]:
    """pofilter's doublewords: the same word twice in a row, where the source has no such pair."""
    found = {m.group(1).lower() for m in _DOUBLED.finditer(target)}
    found -= {m.group(1).lower() for m in _DOUBLED.finditer(source)}
    return [{"check": "doubled-words", "evidence": ", ".join(f"{w} {w}" for w in sorted(found))}] if found else []


def check_sentence_count(source: str, target: str, source_lang: str, target_lang: str) -> list[dict]:
    """pofilter's sentencecount: a sentence gained or lost."""
    wanted = len([s for s in split_sentences(source, language_of(source_lang)) if s.strip()])
    found = len([s for s in split_sentences(target, language_of(target_lang)) if s.strip()])
    if wanted == found or (wanted <= 1 and found <= 1):
        return []
    return [{"check": "sentences", "evidence": f"{found} sentences for {wanted}"}]


def check_urls(source: str, target: str) -> list[dict]:
    """pofilter's urls: every address of the source, unchanged, in the target."""
    missing = [u for u in dict.fromkeys(m.group(0).rstrip(".,;:!?)") for m in _URL.finditer(source)) if u not in target]
    return [{"check": "urls", "evidence": "missing " + ", ".join(missing)}] if missing else []


def check_spanish_words(source: str, target: str, target_lang: str, terms: Sequence[str] = ()) -> list[dict]:
    """Words left in English, pronouns before an infinitive, articles that do not agree: what the
    Spanish analyser shows. Nothing when the language is not Spanish or the analyser is missing."""
    morphology = shared()
    if language_of(target_lang) != "es" or not morphology.available:
        return []
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(target)]
    if not words:
        return []
    readings = morphology.analyse({w for _, w in words} | {w.lower() for _, w in words})
    flags = []
    meant = {w.lower() for term in terms for w in _WORD.findall(term)}
    left = [w for w in _english_left(source, words, readings) if w.lower() not in meant]
    if left:
        flags.append({"check": "untranslated-words", "evidence": ", ".join(left)})
    grammar = _clitic_before_infinitive(words, readings) + _article_disagreement(target, words, readings)
    if grammar:
        flags.append({"check": "grammar", "evidence": "; ".join(grammar)})
    return flags


def _english_left(source: str, words: list[tuple[int, str]], readings: dict[str, tuple[Reading, ...]]) -> list[str]:
    """Lower-case words of the source copied into the target that Spanish does not know."""
    source_words = {w.lower() for w in _WORD.findall(source)}
    stop = language("es").stop_words
    left = []
    for _, word in words:
        lower = word.lower()
        if len(word) < 3 or lower not in source_words or lower in stop or word.isupper():
            continue
        if word[0].isupper() or readings.get(word) or readings.get(lower):  # a capital: most often a name
            continue
        left.append(word)
    return list(dict.fromkeys(left))


_VERBS = ("vblex", "vbser", "vbhaver", "vbmod")


def _non_finite(readings: tuple[Reading, ...]) -> bool:
    return any(any(r.has(v) for v in _VERBS) and (r.has("inf") or r.has("ger")) for r in readings)


def _clitic_before_infinitive(words, readings) -> list[str]:
    """Spanish attaches a pronoun to an infinitive or gerund ("serme", "ayudarles"); "me ser",
    "les ayudar" is the engine's English order. "la", "lo", "los", "las" are articles too
    ("lo bueno"): those count only before a word that cannot be a noun or an adjective."""
    found = []
    for (_, word), (_, following) in zip(words, words[1:]):
        lower = word.lower()
        if lower not in _CLITICS:
            continue
        found_readings = readings.get(following.lower(), ())
        if not _non_finite(found_readings):
            continue
        if lower in ("la", "lo", "los", "las") and any(r.has("n") or r.has("adj") for r in found_readings):
            continue
        found.append(f"{word} {following}")
    return found


def _agrees(det: Reading, noun: Reading) -> bool:
    gender_ok = "mf" in det.tags or "mf" in noun.tags or any(g in det.tags and g in noun.tags for g in ("m", "f"))
    number_ok = "sp" in det.tags or "sp" in noun.tags or any(n in det.tags and n in noun.tags for n in ("sg", "pl"))
    return gender_ok and number_ok


def _article_disagreement(target: str, words, readings) -> list[str]:
    found = []
    for (start, word), (next_start, following) in zip(words, words[1:]):
        if word.lower() not in _DETERMINERS or target[start + len(word):next_start].strip():
            continue
        dets = [r for r in readings.get(word.lower(), ()) if r.has("det")]
        nouns = [r for r in readings.get(following, ()) or readings.get(following.lower(), ())
                 if r.has("n") or r.has("adj")]
        if dets and nouns and not any(_agrees(d, n) for d in dets for n in nouns):
            found.append(f"{word} {following}")
    return found
