"""Register and words per variant, from the morphology: "vosotros" -> "ustedes", "tú" -> "usted",
"coger" -> "tomar", each with the verb changed to match.

`plan_words` reads one text's words and their analyses and says, per word, what replaces it: a
fixed word ("ustedes", "su") or an analysis for the generator ("tener<vblex><pri><p3><pl>" ->
"tienen"). Generating is left to the caller, once for a whole batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from polypost.postedit.morphology import Reading

WORD = re.compile(r"[^\W\d_]+")
VERB_TAGS = frozenset(("vblex", "vbser", "vbhaver", "vbmod", "vaux"))
_NON_VERB = ("n", "adj", "det", "prn", "pr", "adv", "cnjcoo", "cnjsub", "cnjadv", "np", "ij", "num", "predet")
_CLAUSE_BREAK = re.compile(r"[.,;:!?¿¡()\"“”«»\n]")


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    literal: str | None = None  # a fixed replacement
    analysis: str | None = None  # or the analysis whose generated form replaces the word
    rule: str = ""  # "plural", "formal", "lexical:coger": what the counts and tests name


def _is_verb(reading: Reading) -> bool:
    return not reading.tag_set.isdisjoint(VERB_TAGS)


def _only_verbs(readings: tuple[Reading, ...]) -> bool:
    return bool(readings) and all(_is_verb(r) for r in readings)


def _second_person(reading: Reading, number: str) -> bool:
    """The verb, or a pronoun attached to it ("ayudaros"), is in the second person of `number`."""
    return reading.has("p2", number) or any(f"<enc><p2><mf><{number}>" in part for part in reading.parts[1:])


def _person_reading(readings: tuple[Reading, ...], number: str) -> Reading | None:
    """The verb reading in the second person of `number` (sg/pl), if every reading of the word is
    one ("puede" is also "he can", "sienta" also "she feels": those are left alone)."""
    if not _only_verbs(readings) or not all(_second_person(r, number) for r in readings):
        return None
    return readings[0]


def _enclitic(part: str, number: str, imperative: bool) -> str:
    if "<enc><p2>" not in part or f"<{number}>" not in part:
        return part
    if imperative:  # "sentaos" -> "siéntense", "siéntate" -> "siéntese": the reflexive
        return "se<prn><enc><ref><p3><mf><sp>"
    return f"prpers<prn><enc><p3><mf><{number}>"  # "ayudaros" -> "ayudarles"


def _third_person(reading: Reading, number: str) -> str:
    lemma = reading.lemma
    head = lemma.lower() + reading.parts[0][len(lemma):].replace(f"<p2><{number}>", f"<p3><{number}>")
    imperative = reading.has("imp") and reading.has("p2", number)
    return "+".join([head, *(_enclitic(p, number, imperative) for p in reading.parts[1:])])


def _next_verb(words: list[tuple[int, int, str]], index: int, text: str,
               readings: dict[str, tuple[Reading, ...]]) -> tuple[Reading, ...]:
    """The readings of the next verb after word `index` in the same clause (for "os"/"te": reflexive or not)."""
    for later in range(index + 1, min(index + 4, len(words))):
        if _CLAUSE_BREAK.search(text[words[later - 1][1]:words[later][0]]):
            return ()
        found = readings.get(words[later][2], ())
        if found and any(_is_verb(r) for r in found):
            return found
    return ()


def plan_words(text: str, readings: dict[str, tuple[Reading, ...]], source: str, rules: Any,
               memo: dict[str, Any] | None = None) -> list[Change]:
    """What replaces which word of `text` under `rules` (a postedit.rules.Rules). `memo`: what
    a word as written comes to where neither its neighbours nor the source decide it, for
    texts read with the same `readings` and `rules` (a batch repeats most of its words)."""
    words = [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]
    lexical = {lemma: rule for lemma, rule in rules.table("lexical").items() if rule.get("to")}
    plural_to_ustedes = rules.plural == "ustedes"
    formal = rules.singular == "usted"
    memo = {} if memo is None else memo
    changes: list[Change] = []
    for index, (start, end, word) in enumerate(words):
        if word in memo:
            change = memo[word]
        else:
            found = readings.get(word, ())
            if not found:
                memo[word] = None
                continue
            lower = word.lower()
            change = None
            if plural_to_ustedes:
                change = _plural(index, words, text, found, lower, readings)
            if change is None and formal:
                change = _formal(index, words, text, found, lower, readings)
            if change is None:
                change = _lexical(found, lexical, source)
            if _context_free(found, lower, lexical):
                memo[word] = change
        if change is not None:
            literal, analysis, rule = change
            changes.append(Change(start, end, literal, analysis, rule))
    return changes


def _context_free(found: tuple[Reading, ...], lower: str, lexical: dict[str, Any]) -> bool:
    """Whether a word's change depends on the word alone: "os" and "te" read the next verb, and
    a lexical rule with senses reads the source."""
    if lower in ("os", "te"):
        return False
    return not any((lexical.get(r.lemma.lower()) or {}).get("senses") for r in found)


def _plural(index, words, text, found, lower, readings):
    if lower in ("vosotros", "vosotras"):
        return "ustedes", None, "plural"
    if any(r.lemma.lower() == "vuestro" for r in found):
        plural = any(r.has("pl") for r in found if r.lemma.lower() == "vuestro")
        return ("sus" if plural else "su"), None, "plural"
    if lower == "os" and any(r.has("prn", "p2", "pl") for r in found):
        following = _next_verb(words, index, text, readings)
        reflexive = any(r.has("p2", "pl") for r in following)
        return ("se" if reflexive else "les"), None, "plural"
    reading = _person_reading(found, "pl")
    if reading is not None:
        return None, _third_person(reading, "pl"), "plural"
    return None


def _formal(index, words, text, found, lower, readings):
    if lower in ("tú", "ti"):
        return "usted", None, "formal"
    if lower == "contigo":
        return "con usted", None, "formal"
    if any(r.lemma.lower() == "tuyo" for r in found):
        detail = next(r for r in found if r.lemma.lower() == "tuyo")
        if detail.has("det"):
            return ("sus" if detail.has("pl") else "su"), None, "formal"
        return None, "suyo" + "".join(f"<{t}>" for t in detail.tags), "formal"
    if lower == "te" and any(r.has("prn", "p2", "sg") for r in found):
        following = _next_verb(words, index, text, readings)
        reflexive = any(r.has("p2", "sg") for r in following)
        return ("se" if reflexive else "le"), None, "formal"
    reading = _person_reading(found, "sg")
    if reading is not None:
        return None, _third_person(reading, "sg"), "formal"
    return None


def _lexical(found, lexical, source):
    for reading in found:
        rule = lexical.get(reading.lemma.lower())
        if rule is None:
            continue
        lemma = rule["to"]
        for pattern, meant in (rule.get("senses") or {}).items():
            if re.search(pattern, source, re.IGNORECASE):
                lemma = meant
                break
        if lemma.lower() == reading.lemma.lower():
            return None
        head = reading.parts[0]
        parts = [lemma + head[len(reading.lemma):], *reading.parts[1:]]
        return None, "+".join(parts), f"lexical:{reading.lemma.lower()}"
    return None


def with_case(form: str, original: str) -> str:
    """The generated form written with the original word's capitals."""
    if original.isupper() and len(original) > 1:
        return form.upper()
    if original[:1].isupper():
        return form[:1].upper() + form[1:]
    return form
