"""Keeping glossary terms away from the engine, and putting their target forms back.

Strategies (measured in benchmarks/glossary_compliance.py; pick per engine):
- ``inline``: write the target form into the source before translation. No tokens, but the
  engine is free to translate (or mangle) it: our baseline.
- ``placeholder``: each occurrence becomes an opaque token ``⟦T1⟧`` that the engine passes
  through; the target form replaces it afterwards. Safe with any engine, but the engine
  cannot see the noun, so Spanish agreement around it is a guess.
- ``placeholder-fix``: ``placeholder`` plus `glossary_agreement.fix_agreement` with the
  glossary's gender and number (the default: engine-agnostic).
- ``surrogate``: a forced noun whose gender is known becomes an ordinary English noun with
  the same Spanish gender and number ("leads" -> "penguins" -> "pingüinos" -> "leads"), so
  the engine builds the sentence, agreement and word order included, around a real noun;
  the surrogate's translation is then replaced by the target form. Other terms (brands,
  terms without gender) use placeholder-fix. Surrogates are words of Apertium's English
  dictionary whose Spanish forms are unambiguous; if the surrogate does not come back (an
  engine that does not know it), the English surrogate is looked for too.
- ``aligned``: the term stays in the sentence as written, between ``⟦Tn⟧`` and ``⟦/Tn⟧``; an
  engine that carries markup by alignment (Argos, see translate/argos_transport.py) sends the
  model the plain sentence and puts the pair around the words the term became, which are then
  replaced by the target form. The model sees the real sentence, so it builds agreement and
  word order around a real noun; that agreement is kept (no `fix_agreement` here).
- ``prefix``: as ``aligned``, and an engine that can (Argos: translate/argos_prefix.py) is
  given each forced term's target form (`forced_forms`) and makes its model write it by
  prefix-constrained decoding, so that what follows the term agrees with it; terms it cannot
  force are replaced as with ``aligned``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from polypost.glossary.agreement import fix_agreement
from polypost.glossary.folding import folded_for_search, may_hold
from polypost.glossary.match import Match

STRATEGIES = ("inline", "placeholder", "placeholder-fix", "surrogate", "aligned", "prefix")
# Best measured strategy per engine (see the benchmark); others get the safe default.
ENGINE_STRATEGY = {"apertium": "surrogate", "argos": "aligned"}
DEFAULT_STRATEGY = "placeholder-fix"

# gender -> (english sg, english pl, spanish sg, spanish pl); checked with apertium-eng-spa 0.8.1.
SURROGATES = {
    "m": [("penguin", "penguins", "pingüino", "pingüinos"),
          ("crocodile", "crocodiles", "cocodrilo", "cocodrilos"),
          ("kangaroo", "kangaroos", "canguro", "canguros"),
          ("dolphin", "dolphins", "delfín", "delfines")],
    "f": [("zebra", "zebras", "cebra", "cebras"),
          ("giraffe", "giraffes", "jirafa", "jirafas"),
          ("turtle", "turtles", "tortuga", "tortugas"),
          ("lobster", "lobsters", "langosta", "langostas"),
          ("butterfly", "butterflies", "mariposa", "mariposas"),
          ("squirrel", "squirrels", "ardilla", "ardillas")],
}
_TOKEN = "⟦T{}⟧"
# Engines sometimes space or re-case a token: accept "⟦ t3 ⟧" too.
_TOKEN_RE = re.compile(r"⟦\s*[Tt]\s*(\d+)\s*⟧")
_WRAPPED_RE = re.compile(r"⟦\s*[Tt]\s*(\d+)\s*⟧(.*?)⟦\s*/\s*[Tt]\s*(\d+)\s*⟧", re.S)
_ANY_TERM_TOKEN_RE = re.compile(r"⟦\s*/?\s*[Tt]\s*\d+\s*⟧")


def strategy_for(engine_name: str | None) -> str:
    return ENGINE_STRATEGY.get(engine_name or "", DEFAULT_STRATEGY)


@dataclass
class Slot:
    """One protected occurrence: how it was hidden and what it becomes."""

    index: int
    match: Match
    kind: str  # 'placeholder' | 'surrogate' | 'inline'
    sent: str  # what the engine saw in place of the term
    surrogate: tuple[str, str, str, str] | None = None


@dataclass
class Protected:
    text: str  # what goes to the engine
    matches: list[Match] = field(default_factory=list)
    strategy: str = DEFAULT_STRATEGY
    slots: list[Slot] = field(default_factory=list)


def protect(text: str, matches: list[Match], strategy: str = DEFAULT_STRATEGY) -> Protected:
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown glossary strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
    pool = _SurrogatePool(text)
    pieces, slots, last = [], [], 0
    for i, match in enumerate(matches, start=1):
        slot = _hide(i, match, strategy, pool)
        slots.append(slot)
        pieces.append(text[last:match.start])
        pieces.append(slot.sent)
        last = match.end
    pieces.append(text[last:])
    return Protected(text="".join(pieces), matches=list(matches), strategy=strategy, slots=slots)


class _SurrogatePool:
    """Surrogates not already in the text, so that the one we find is ours, taken in order. The
    text is searched for a gender's surrogates only when a term needs one (most segments need
    none, and checking all of them per segment took a tenth of the glossary's time)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._low: str | None = None
        self._next: dict[str, int] = {}  # gender -> the next entry to look at

    def take(self, gender: str) -> tuple[str, str, str, str] | None:
        if self._low is None:
            self._low = self._text.casefold()
        entries = SURROGATES.get(gender, [])
        index = self._next.get(gender, 0)
        while index < len(entries):
            entry = entries[index]
            index += 1
            if not any(form in self._low for form in (entry[0], entry[2])):
                self._next[gender] = index
                return entry
        self._next[gender] = index
        return None


def _hide(index: int, match: Match, strategy: str, pool: _SurrogatePool) -> Slot:
    if strategy == "inline":
        return Slot(index, match, "inline", match.target_form)
    if strategy in ("aligned", "prefix"):
        return Slot(index, match, "aligned", f"⟦T{index}⟧{match.surface}⟦/T{index}⟧")
    term = match.term
    surrogate = pool.take(term.gender) if strategy == "surrogate" and term.gender and term.pos in (None, "noun") \
        else None
    if surrogate is not None:
        word = surrogate[1] if match.target_number == "pl" else surrogate[0]
        if match.surface[:1].isupper() and not match.surface.isupper():
            word = word.capitalize()
        return Slot(index, match, "surrogate", word, surrogate)
    return Slot(index, match, "placeholder", _TOKEN.format(index))


def forced_forms(protected: Protected) -> dict[str, str]:
    """Labels -> target forms an engine should write itself ("prefix" strategy; else none)."""
    if protected.strategy != "prefix":
        return {}
    return {f"T{slot.index}": slot.match.target_form for slot in protected.slots
            if slot.kind == "aligned" and not slot.match.term.keep}


def restore(protected: Protected, translated: str) -> str:
    """The translation with every target form in place and agreement fixed where we can."""
    if protected.strategy == "inline":
        return translated
    by_index = {s.index: s for s in protected.slots}
    found: list[tuple[re.Match, Slot]] = []
    if any(slot.kind == "aligned" for slot in protected.slots):
        translated = _unwrap_lost(translated, by_index)
        for m in _WRAPPED_RE.finditer(translated):
            slot = by_index.get(int(m.group(1)))
            if slot is not None and slot.kind == "aligned" and m.group(1) == m.group(3):
                found.append((m, slot))
    for m in _TOKEN_RE.finditer(translated):
        slot = by_index.get(int(m.group(1)))
        if slot is not None and slot.kind == "placeholder":
            found.append((m, slot))
    taken = [f[0].span() for f in found]
    folded = folded_for_search(translated)
    for slot in protected.slots:
        if slot.kind == "surrogate":
            m = _find_surrogate(slot, translated, taken, folded)
            if m is not None:
                found.append((m, slot))
                taken.append(m.span())
    found.sort(key=lambda f: f[0].start())

    # One pass from left to right so that offsets in the new text stay right.
    out: list[str] = []
    spans: list[tuple[int, int, Slot]] = []
    last = 0
    length = 0  # of "".join(out), kept as it grows: summing the pieces per term was quadratic
    for m, slot in found:
        piece = translated[last:m.start()]  # empty where two finds overlap
        out.append(piece)
        length += len(piece)
        form = slot.match.target_form
        if not slot.match.term.case_sensitive:
            if slot.kind == "placeholder":
                form = _cased(form, _at_sentence_start(translated, m.start()))
            elif slot.kind == "aligned":
                inner = m.group(2).strip()
                form = _cased(form, _at_sentence_start(translated, m.start()) or
                              (inner[:1].isupper() and not slot.match.surface[:1].isupper()))
            elif m.group()[:1].isupper():
                form = _cased(form, True)
        if slot.kind == "aligned":
            # A term is whole words: where the alignment's wrap ends inside a word (a model that
            # moved pieces), the form is not glued to the letters beside it.
            before = (out[-1] if out else "")[-1:] or (out[-2][-1:] if len(out) > 1 else "")
            after = _ANY_TERM_TOKEN_RE.sub("", translated[m.end():m.end() + 40])[:1]
            form = (" " if before.isalnum() else "") + form + (" " if after.isalnum() else "")
        start = length
        out.append(form)
        length += len(form)
        spans.append((start, start + len(form), slot))
        last = m.end()
    out.append(translated[last:])
    text = "".join(out)
    placeholders = [(a, b, s) for a, b, s in spans if s.kind in ("placeholder", "aligned")]
    text = _uncapitalise_after_terms(text, placeholders, protected)
    if protected.strategy in ("placeholder-fix", "surrogate"):
        # The engine did the agreement around surrogates; placeholders need our fix.
        fix = [(a, b, s.match.term.gender, s.match.target_number or "sg") for a, b, s in placeholders
               if s.match.term.gender is not None or s.match.target_number == "pl"]
        fixed = {(a, b) for a, b, *_ in fix}
        others = [(a, b) for a, b, _s in spans if (a, b) not in fixed]
        text = fix_agreement(text, fix, reorder=True, others=others)
    # A token the engine invented or duplicated never reaches a page.
    return re.sub(r"  +", " ", _ANY_TERM_TOKEN_RE.sub("", text)) if _ANY_TERM_TOKEN_RE.search(text) else text


def _unwrap_lost(translated: str, by_index: dict[int, Slot]) -> str:
    """Drop term tokens that lost their partner: the words between stay (the engine's own
    translation of the term), the glossary report counts the term as missed, and no token
    reaches the page."""
    pairs = [m.span() for m in _WRAPPED_RE.finditer(translated) if m.group(1) == m.group(3)]
    out, last = [], 0
    for m in _ANY_TERM_TOKEN_RE.finditer(translated):
        slot = by_index.get(int(re.search(r"\d+", m.group()).group()))
        if slot is None or slot.kind != "aligned" or any(a <= m.start() and m.end() <= b for a, b in pairs):
            continue
        out.append(translated[last:m.start()])
        last = m.end()
    out.append(translated[last:])
    return "".join(out)


def _find_surrogate(slot: Slot, text: str, taken: list[tuple[int, int]], folded: str | None) -> re.Match | None:
    """The surrogate's translation (or, from an engine that kept it, the English word)."""
    en_sg, en_pl, es_sg, es_pl = slot.surrogate
    for form in (es_pl, es_sg, en_pl, en_sg):  # plural first: it contains the singular
        if not may_hold(folded, form):
            continue
        for m in _word_pattern(form).finditer(text):
            start, end = m.span()
            for a, b in taken:  # a loop, not any(): a paragraph that repeats a term asks often
                if a < end and start < b:
                    break
            else:
                return m
    return None


@functools.lru_cache(maxsize=1024)
def _word_pattern(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)


_CAPITALISED_NEXT = re.compile(r" ([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)\b")


def _uncapitalise_after_terms(text: str, spans: list, protected: Protected) -> str:
    """Apertium capitalises the word after a token that opens a sentence ("Redes sociales Es
    donde"): lower it again unless the source has that word capitalised too (a name)."""
    source_words: set[str] | None = None
    for start, end, _slot in spans:
        if not _at_sentence_start(text, start):
            continue
        m = _CAPITALISED_NEXT.match(text, end)
        if m and source_words is None:
            source_words = set(re.findall(r"\w+", protected.text))
        if m and m.group(1) not in source_words:
            a = m.start(1)
            text = text[:a] + text[a].lower() + text[a + 1:]
    return text


_MARKUP_TOKEN = re.compile(r"⟦/?\d+/?⟧")


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    # Markup does not count: the tokens that end `before` go, one by one from the end (a regex
    # anchored at the end would be tried from every "⟦" of the paragraph, for every term).
    while before.endswith("⟧"):
        start = before.rfind("⟦")
        if start < 0 or not _MARKUP_TOKEN.fullmatch(before, start):
            break
        before = before[:start].rstrip()
    return before == "" or before[-1] in ".!?¡¿:"


def _cased(form: str, sentence_start: bool) -> str:
    if sentence_start and form[:1].islower():
        return form[:1].upper() + form[1:]
    return form
