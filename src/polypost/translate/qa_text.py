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
    grammar = (_clitic_before_infinitive(words, readings) + _article_disagreement(target, words, readings)
               + _noun_adjective(target, words, readings) + _subject_verb(target, words, readings)
               + _uno_before_noun(words, readings) + _relative_quien(words, readings)
               + _final_preposition(target) + _interrogative_statement(target))
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
# Before an article, words after which its noun is not the verb's subject.
_NOT_SUBJECT = frozenset("todos todas cada a de en con para por sin sobre entre desde hasta hacia".split())


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


def _only(readings: tuple[Reading, ...], *tags: str) -> bool:
    return bool(readings) and all(any(r.has(t) for t in tags) for r in readings)


def _finite(reading: Reading) -> bool:
    return any(reading.has(v) for v in _VERBS) and any(reading.has(p) for p in ("p1", "p2", "p3"))


def _subject_verb(target: str, words, readings) -> list[str]:
    """A plural noun phrase with a singular verb right after it ("Las redes sociales es"), or
    the other way round: the agreement Apertium loses most. Read only where the words leave no
    doubt: an article, a noun, adjectives, then a word that can only be a verb."""
    found = []
    for i in range(1, len(words)):
        word = words[i][1]
        article = readings.get(words[i - 1][1].lower(), ())
        nouns = [r for r in readings.get(word.lower(), ()) if r.has("n")]
        # Only after an article: in "pasos de inicialización que ocurren" the verb agrees with
        # "pasos", so a noun after "de" says nothing (tried: a false flag on human Spanish).
        if not nouns or not any(r.has("det") for r in article):
            continue
        if i > 1 and words[i - 2][1].lower() in _NOT_SUBJECT:
            continue  # "todos los días": time; "llamadas a la acción eran": a complement
        numbers = {n for r in nouns for n in ("sg", "pl") if r.has(n)}
        if len(numbers) != 1:
            continue
        j = i + 1
        while j < len(words) and _only(readings.get(words[j][1].lower(), ()), "adj"):
            j += 1
        if j < len(words) and words[j][1].lower() == "no":
            j += 1
        if j >= len(words) or _CLAUSE_GAP.search(target[words[j - 1][0]:words[j][0]]):
            continue
        verb = readings.get(words[j][1].lower(), ())
        if not verb or not all(any(r.has(v) for v in _VERBS) for r in verb):
            continue
        third = [r for r in verb if _finite(r) and r.has("p3")]
        number = numbers.pop()
        if third and not any(r.has(number) for r in third):
            found.append(" ".join(w for _, w in words[i - 1:j + 1]))
    return found


def _uno_before_noun(words, readings) -> list[str]:
    """"uno" is a pronoun; before a noun Spanish writes "un"/"una" ("uno cuestión")."""
    return [f"{a} {b}" for (_, a), (_, b) in zip(words, words[1:])
            if a.lower() == "uno" and _only(readings.get(b.lower(), ()), "n")]


def _final_preposition(target: str) -> list[str]:
    """Spanish never ends a sentence on a preposition or an article: "para ser vendidos a.",
    "esperando a?", "cada solo un!"."""
    return [m.group(0).strip() for m in _PREPOSITION_END.finditer(target)]


_CLAUSE_GAP = re.compile(r"[.,;:!?()\"“”«»—–]")
# A sentence never ends on a preposition or an article ("vendidos a.", "cada solo un!").
_PREPOSITION_END = re.compile(r"\b\w+ (?:a|de|en|con|para|por|sobre|hacia|desde|sin|un|una|el|los|las|sus)"
                              r"(?=[.?!](?:\s|$))", re.IGNORECASE)


def _noun_adjective(target: str, words, readings) -> list[str]:
    """A noun and the adjective right after it in different genders ("cualquier cosa nuevo")."""
    found = []
    for (start, noun), (next_start, adjective) in zip(words, words[1:]):
        if target[start + len(noun):next_start].strip():
            continue
        nouns = [r for r in readings.get(noun.lower(), ()) if r.has("n")]
        adjectives = readings.get(adjective.lower(), ())
        if not nouns or not _only(adjectives, "adj") or _non_finite(readings.get(noun.lower(), ())):
            continue  # "ser clara": an infinitive that is also a noun ("el ser")
        genders = {g for r in nouns for g in ("m", "f") if r.has(g)}
        gender = genders.pop() if len(genders) == 1 else None
        if gender and all(not r.has("mf") and not r.has(gender) for r in adjectives):
            found.append(f"{noun} {adjective}")
    return found


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


def _relative_quien(words, readings) -> list[str]:
    """"quién" right after a noun or a pronoun is a relative, written without the accent
    ("alguien quien", "personas quienes"): the engine wrote the question word."""
    found = []
    for (_, before), (_, word) in zip(words, words[1:]):
        if word.lower() not in ("quién", "quiénes"):
            continue
        found_readings = readings.get(before.lower(), ())
        if found_readings and all(r.has("n") or r.has("prn") for r in found_readings):
            found.append(f"{before} {word}")
    return found


def agreement_errors(target: str) -> list[str]:
    """The agreement the Spanish analyser sees broken in a text: articles, adjectives and verbs
    next to a noun (what `grammar` flags of it; the glossary benchmark counts these)."""
    morphology = shared()
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(plain_text(target))]
    if not words or not morphology.available:
        return []
    readings = morphology.analyse({w for _, w in words} | {w.lower() for _, w in words})
    text = plain_text(target)
    return (_article_disagreement(text, words, readings) + _noun_adjective(text, words, readings)
            + _subject_verb(text, words, readings))


def plain_text(text: str) -> str:
    return re.sub(r"⟦[^⟧]{0,12}⟧", "", text)
