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
from functools import lru_cache

from polypost.languages import language, language_of
from polypost.postedit.marks import add_opening_marks
from polypost.postedit.morphology import Reading, shared
from polypost.segment.protected import URL
from polypost.segment.sentences import split_sentences

_WORD = re.compile(r"[^\W\d_]+")  # letters only, as post-editing analyses them (its cache serves QA)
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


@lru_cache(maxsize=1024)
def sentence_count(text: str, lang: str = "en") -> int:
    """The sentences of `text` that are not blank. Two checks count each segment's source and
    target: the count is made once (a segment is checked within one call, so a small cache does)."""
    return len([s for s in split_sentences(text, lang) if s.strip()])


def check_sentence_count(source: str, target: str, source_lang: str, target_lang: str) -> list[dict]:
    """pofilter's sentencecount: a sentence gained or lost."""
    wanted = sentence_count(source, language_of(source_lang))
    found = sentence_count(target, language_of(target_lang))
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
    spans = [(m.start(), m.group(0)) for m in _WORD.finditer(target)]
    if not spans:
        return []
    words = _Words(spans, morphology)
    flags = []
    meant = {w.lower() for term in terms for w in _WORD.findall(term)}
    left = [w for w in _english_left(source, words) if w.lower() not in meant]
    if left:
        flags.append({"check": "untranslated-words", "evidence": ", ".join(left)})
    grammar = (_clitic_before_infinitive(words) + _article_disagreement(target, words)
               + _noun_adjective(target, words) + _subject_verb(target, words)
               + _uno_before_noun(words) + _relative_quien(words)
               + _final_preposition(target) + _interrogative_statement(target))
    if grammar:
        flags.append({"check": "grammar", "evidence": "; ".join(grammar)})
    return flags


_NO_TAGS: frozenset[str] = frozenset()


class _Words:
    """A text's words as the checks read them, each derived once: the checks walk every word
    pair of every segment, and asked each word for its lower case and readings again and again."""

    __slots__ = ("spans", "lower", "readings", "found", "tags")

    def __init__(self, spans: list[tuple[int, str]], morphology) -> None:
        self.spans = spans  # (start, word as written)
        self.lower = [w.lower() for _, w in spans]
        self.readings = morphology.analyse({w for _, w in spans} | set(self.lower))
        self.found = [self.readings.get(w, ()) for w in self.lower]  # the lower-case word's readings
        # Every tag any reading of the word has: "no reading is a noun" in one look.
        union: dict[str, frozenset[str]] = {}
        self.tags = []
        for lower, found in zip(self.lower, self.found):
            tags = union.get(lower)
            if tags is None:
                tags = union[lower] = frozenset().union(*(r.tag_set for r in found)) if found else _NO_TAGS
            self.tags.append(tags)


def _english_left(source: str, words: _Words) -> list[str]:
    """Lower-case words of the source copied into the target that Spanish does not know."""
    source_words = {w.lower() for w in _WORD.findall(source)}
    stop = language("es").stop_words
    readings = words.readings
    left = []
    for (_, word), lower, found in zip(words.spans, words.lower, words.found):
        if len(word) < 3 or lower not in source_words or lower in stop or word.isupper():
            continue
        if word[0].isupper() or readings.get(word) or found:  # a capital: most often a name
            continue
        left.append(word)
    return list(dict.fromkeys(left))


_VERBS = ("vblex", "vbser", "vbhaver", "vbmod")
# Before an article, words after which its noun is not the verb's subject.
_NOT_SUBJECT = frozenset("todos todas cada a de en con para por sin sobre entre desde hasta hacia".split())


def _non_finite(readings: tuple[Reading, ...]) -> bool:
    return any(any(r.has(v) for v in _VERBS) and (r.has("inf") or r.has("ger")) for r in readings)


def _clitic_before_infinitive(words: _Words) -> list[str]:
    """Spanish attaches a pronoun to an infinitive or gerund ("serme", "ayudarles"); "me ser",
    "les ayudar" is the engine's English order. "la", "lo", "los", "las" are articles too
    ("lo bueno"): those count only before a word that cannot be a noun or an adjective."""
    found = []
    for i in range(len(words.spans) - 1):
        lower = words.lower[i]
        if lower not in _CLITICS:
            continue
        found_readings = words.found[i + 1]
        if not _non_finite(found_readings):
            continue
        if lower in ("la", "lo", "los", "las") and any(r.has("n") or r.has("adj") for r in found_readings):
            continue
        found.append(f"{words.spans[i][1]} {words.spans[i + 1][1]}")
    return found


def _agrees(det: Reading, noun: Reading) -> bool:
    gender_ok = "mf" in det.tags or "mf" in noun.tags or any(g in det.tags and g in noun.tags for g in ("m", "f"))
    number_ok = "sp" in det.tags or "sp" in noun.tags or any(n in det.tags and n in noun.tags for n in ("sg", "pl"))
    return gender_ok and number_ok


def _article_disagreement(target: str, words: _Words) -> list[str]:
    found = []
    spans = words.spans
    for i in range(len(spans) - 1):
        if words.lower[i] not in _DETERMINERS:
            continue
        (start, word), (next_start, following) = spans[i], spans[i + 1]
        if target[start + len(word):next_start].strip():
            continue
        dets = [r for r in words.found[i] if r.has("det")]
        nouns = [r for r in words.readings.get(following, ()) or words.found[i + 1] if r.has("n") or r.has("adj")]
        if dets and nouns and not any(_agrees(d, n) for d in dets for n in nouns):
            found.append(f"{word} {following}")
    return found


def _only(readings: tuple[Reading, ...], *tags: str) -> bool:
    return bool(readings) and all(any(r.has(t) for t in tags) for r in readings)


def _finite(reading: Reading) -> bool:
    return any(reading.has(v) for v in _VERBS) and any(reading.has(p) for p in ("p1", "p2", "p3"))


def _subject_verb(target: str, words: _Words) -> list[str]:
    """A plural noun phrase with a singular verb right after it ("Las redes sociales es"), or
    the other way round: the agreement Apertium loses most. Read only where the words leave no
    doubt: an article, a noun, adjectives, then a word that can only be a verb."""
    flagged = []
    spans, lower, found, tags = words.spans, words.lower, words.found, words.tags
    for i in range(1, len(spans)):
        # Only after an article: in "pasos de inicialización que ocurren" the verb agrees with
        # "pasos", so a noun after "de" says nothing (tried: a false flag on human Spanish).
        if "n" not in tags[i] or "det" not in tags[i - 1]:
            continue
        nouns = [r for r in found[i] if r.has("n")]
        if i > 1 and lower[i - 2] in _NOT_SUBJECT:
            continue  # "todos los días": time; "llamadas a la acción eran": a complement
        numbers = {n for r in nouns for n in ("sg", "pl") if r.has(n)}
        if len(numbers) != 1:
            continue
        j = i + 1
        while j < len(spans) and _only(found[j], "adj"):
            j += 1
        if j < len(spans) and lower[j] == "no":
            j += 1
        if j >= len(spans) or _CLAUSE_GAP.search(target[spans[j - 1][0]:spans[j][0]]):
            continue
        verb = found[j]
        if not verb or not all(any(r.has(v) for v in _VERBS) for r in verb):
            continue
        third = [r for r in verb if _finite(r) and r.has("p3")]
        number = numbers.pop()
        if third and not any(r.has(number) for r in third):
            flagged.append(" ".join(w for _, w in spans[i - 1:j + 1]))
    return flagged


def _uno_before_noun(words: _Words) -> list[str]:
    """"uno" is a pronoun; before a noun Spanish writes "un"/"una" ("uno cuestión")."""
    spans = words.spans
    return [f"{spans[i][1]} {spans[i + 1][1]}" for i in range(len(spans) - 1)
            if words.lower[i] == "uno" and _only(words.found[i + 1], "n")]


def _final_preposition(target: str) -> list[str]:
    """Spanish never ends a sentence on a preposition or an article: "para ser vendidos a.",
    "esperando a?", "cada solo un!"."""
    return [m.group(0).strip() for m in _PREPOSITION_END.finditer(target)]


_CLAUSE_GAP = re.compile(r"[.,;:!?()\"“”«»—–]")
# A sentence never ends on a preposition or an article ("vendidos a.", "cada solo un!").
_PREPOSITION_END = re.compile(r"\b\w+ (?:a|de|en|con|para|por|sobre|hacia|desde|sin|un|una|el|los|las|sus)"
                              r"(?=[.?!](?:\s|$))", re.IGNORECASE)


def _noun_adjective(target: str, words: _Words) -> list[str]:
    """A noun and the adjective right after it in different genders ("cualquier cosa nuevo")."""
    flagged = []
    spans, found, tags = words.spans, words.found, words.tags
    for i in range(len(spans) - 1):
        # A word none of whose readings is a noun (most words) settles it before any list is made.
        if "n" not in tags[i] or "adj" not in tags[i + 1]:
            continue
        (start, noun), (next_start, adjective) = spans[i], spans[i + 1]
        if target[start + len(noun):next_start].strip():
            continue
        nouns = [r for r in found[i] if r.has("n")]
        adjectives = found[i + 1]
        if not _only(adjectives, "adj") or _non_finite(found[i]):
            continue  # "ser clara": an infinitive that is also a noun ("el ser")
        genders = {g for r in nouns for g in ("m", "f") if r.has(g)}
        gender = genders.pop() if len(genders) == 1 else None
        if gender and all(not r.has("mf") and not r.has(gender) for r in adjectives):
            flagged.append(f"{noun} {adjective}")
    return flagged


_QUESTION_WORDS = ("qué", "cuándo", "dónde", "cómo", "quién", "quiénes", "cuál", "cuáles", "cuánto", "cuánta")
_SENTENCE = re.compile(r"(?:^|(?<=[.!?…]\s))[^.!?…]+[.!?…]?")


def _interrogative_statement(target: str) -> list[str]:
    """A statement that opens with an accented question word ("Cuándo una sugerencia acaece un
    cambio, dice tan."): the engine took "when" for a question; Spanish writes "Cuando"."""
    found = []
    for match in _SENTENCE.finditer(target):
        sentence = match.group(0).strip()
        first = sentence.split(" ", 1)[0].lower().strip("¿¡\"“«(")
        if first in _QUESTION_WORDS and not sentence.startswith(("¿", "¡")) and sentence.endswith("."):
            found.append(sentence.split(",", 1)[0][:40])
    return found


def _relative_quien(words: _Words) -> list[str]:
    """"quién" right after a noun or a pronoun is a relative, written without the accent
    ("alguien quien", "personas quienes"): the engine wrote the question word."""
    flagged = []
    for i in range(1, len(words.spans)):
        if words.lower[i] not in ("quién", "quiénes"):
            continue
        found_readings = words.found[i - 1]
        if found_readings and all(r.has("n") or r.has("prn") for r in found_readings):
            flagged.append(f"{words.spans[i - 1][1]} {words.spans[i][1]}")
    return flagged


def agreement_errors(target: str) -> list[str]:
    """The agreement the Spanish analyser sees broken in a text: articles, adjectives and verbs
    next to a noun (what `grammar` flags of it; the glossary benchmark counts these)."""
    morphology = shared()
    text = plain_text(target)
    spans = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    if not spans or not morphology.available:
        return []
    words = _Words(spans, morphology)
    return _article_disagreement(text, words) + _noun_adjective(text, words) + _subject_verb(text, words)


def plain_text(text: str) -> str:
    return re.sub(r"⟦[^⟧]{0,12}⟧", "", text)
