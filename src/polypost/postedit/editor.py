"""The post-editor: machine Spanish made into the variant's Spanish, one batch at a time.

`PostEditor.edit(pairs)` takes (English source, engine output) pairs and returns the edited
outputs with what changed. The order matters: words and register first (the generator needs the
engine's words), then dates, then headings' capitals, then opening marks (a rewritten word may
start a question), then spacing. Placeholders, URLs and code are masked throughout.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from polypost.languages import language
from polypost.postedit import headings, marks, spacing
from polypost.postedit.dates import DateRules
from polypost.postedit.masking import mask, unmask
from polypost.postedit.morphology import Morphology, shared
from polypost.postedit.register import WORD, Change, plan_words, with_case
from polypost.postedit.rules import Rules

log = logging.getLogger(__name__)


@dataclass
class Edited:
    text: str
    changes: Counter = field(default_factory=Counter)  # rule name -> how many times it fired


class PostEditor:
    """The rules of one target variant, with the Spanish morphology they need."""

    def __init__(self, rules: Rules, morphology: Morphology | None = None) -> None:
        self.rules = rules
        self.morphology = morphology or shared()
        if not self.morphology.available:
            log.warning("Spanish morphology (lt-proc, apertium-eng-spa) not found: post-editing skips "
                        "register, word and heading rules")
        self.dates = DateRules(rules.table("dates"))
        self.phrases = {k: v for k, v in rules.table("phrases").items()}
        self._phrase_re = (re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(self.phrases, key=len, reverse=True))
                                      + r")\b") if self.phrases else None)
        self.abbreviations = language(rules.tag).abbreviations

    @property
    def version(self) -> str:
        """What goes into the engine version of memory keys: the variant and its rules."""
        return f"pe-{self.rules.tag}-{self.rules.fingerprint}"

    def edit(self, pairs: Sequence[tuple[str, str]], keep: Sequence[Iterable[str]] | None = None) -> list[Edited]:
        """`keep[i]`: the glossary targets in text i, whose capitals a heading keeps."""
        keeps = [tuple(k) for k in keep] if keep is not None else [()] * len(pairs)
        masked = []
        for _source, target in pairs:
            text, spans = mask(target)
            if self._phrase_re is not None:
                text = self._phrase_re.sub(lambda m: self.phrases[m.group(1)], text)
            masked.append((text, spans))
        words = {w for text, _ in masked for w in WORD.findall(text)}
        # Lower-cased forms too: QA looks both up next, and finds them here in one request.
        readings = self.morphology.analyse(words | {w.lower() for w in words}) if self.morphology.available else {}
        memo: dict = {}  # one batch, one set of readings and rules: a word's plan is made once
        plans = [plan_words(text, readings, source, self.rules, memo) if readings else []
                 for (source, _), (text, _) in zip(pairs, masked)]
        forms = self.morphology.generate({c.analysis for plan in plans for c in plan if c.analysis}) \
            if readings else {}
        out = []
        for (source, target), (text, spans), plan, kept in zip(pairs, masked, plans, keeps):
            try:
                out.append(self._finish(source, target, text, spans, plan, forms, readings, kept))
            except Exception as exc:  # a rule's bug never costs a translation: keep the engine's text
                log.warning("post-editing failed on %r (%s); kept the engine's text", target[:60], exc)
                out.append(Edited(target))
        if readings:  # the words the rules wrote, for QA's look-ups
            new = {w for e in out for w in WORD.findall(e.text)}
            self.morphology.analyse(new | {w.lower() for w in new})
        return out

    def _finish(self, source, target, text, spans, plan: list[Change], forms, readings, kept) -> Edited:
        changes: Counter = Counter()
        pieces, position = [], 0
        for change in plan:
            word = text[change.start:change.end]
            form = change.literal if change.literal is not None else forms.get(change.analysis or "")
            if not form:
                continue
            pieces.extend((text[position:change.start], with_case(form, word)))
            position = change.end
            changes[change.rule] += 1
        text = "".join(pieces) + text[position:]
        dated = self.dates.apply(text)
        changes["dates"] += dated != text
        text = dated
        if self.rules.table("headings").get("sentence_case", True) and headings.is_title_case(source) \
                and self.morphology.available:
            new_words = set(WORD.findall(text)) - set(readings)  # "Vuestra" became "Su"
            known = {**readings, **self.morphology.analyse(new_words)} if new_words else readings
            if self.morphology.english_available:
                kept = [*kept, *headings.source_names(source, self.morphology.analyse_english)]
            cased = headings.sentence_case(text, known, kept)
            changes["sentence-case"] += cased != text
            text = cased
        if self.rules.table("marks").get("opening", True):
            opened = marks.add_opening_marks(text, self.abbreviations)
            changes["opening-marks"] += len(opened) - len(text)
            text = opened
        if self.rules.table("spacing").get("tidy", True):
            text = spacing.tidy(text)
        restored = unmask(text, spans)
        if restored is None:
            return Edited(target)
        return Edited(restored, +changes)
