"""QA against a hand-labelled set: the units of the seed-like sample post
(data/samples/social-media-is-a-conversation.html) and of a post in the seed's informal marketing
style (tests/data/qa/stop-posting-start-talking.md), as Apertium and the es-419 rules wrote them,
each labelled by reading the Spanish: "needs-human" (a community manager would not share it as
is) or "fine". QA should flag the first and leave the second; precision and recall are printed.

The file keeps Apertium's raw reply (unknown-word marks and all) and the post-edited target, so
the measurement does not move with the engine; `benchmarks/spanish_units.py` rebuilds them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polypost.postedit.morphology import Morphology
from polypost.translate.apertium import unknown_words
from polypost.translate.qa import check_segment, with_engine_flags

LABELLED = Path(__file__).parent / "data" / "qa" / "labelled-es-419.json"
pytestmark = pytest.mark.skipif(not Morphology().available, reason="lt-proc and apertium-eng-spa are not installed")


def flags_of(unit: dict) -> list[dict]:
    """As the translate stage computes them: QA on the post-edited text, then the engine's marks."""
    return with_engine_flags(check_segment(unit["source"], unit["target"], "en", "es-419", terms=unit["terms"]),
                             unknown_words(unit["apertium"], unit["source"]))


def test_qa_precision_and_recall_on_the_hand_labelled_units(capsys):
    units = json.loads(LABELLED.read_text(encoding="utf-8"))
    assert len(units) == 31 and {u["label"] for u in units} == {"needs-human", "fine"}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    missed, false_alarms = [], []
    for unit in units:
        flagged = bool(flags_of(unit))
        needs = unit["label"] == "needs-human"
        counts[{(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}[flagged, needs]] += 1
        if needs and not flagged:
            missed.append(unit["why"])
        if flagged and not needs:
            false_alarms.append(unit["target"])
    precision = counts["tp"] / (counts["tp"] + counts["fp"])
    recall = counts["tp"] / (counts["tp"] + counts["fn"])
    with capsys.disabled():
        print(f"\nQA on {len(units)} hand-labelled es-419 units: precision {precision:.2f}, recall {recall:.2f} "
              f"({counts}); false alarms: {false_alarms}; missed: {len(missed)}")
    # What this QA reaches today (measured: precision 0.94, recall 0.59: 16 of 27, one false alarm on
    # "versus", which the analyser does not know); a change that loses
    # either fails here.
    assert precision >= 0.9
    assert recall >= 0.55


def test_the_old_checks_alone_saw_almost_nothing():
    """The baseline the issue reports (0 of 15 flagged on the seed-like post): the checks polypost
    had before this set (numbers, repetition, untranslated, length, truncation) on the same units."""
    from polypost.translate.qa import Thresholds, check_length, check_numbers, check_repetition, \
        check_truncation, check_untranslated, plain

    units = json.loads(LABELLED.read_text(encoding="utf-8"))
    old = 0
    for unit in units:
        source, target = plain(unit["source"]), plain(unit["target"])
        old += bool(check_length(source, target, Thresholds()) + check_numbers(source, target)
                    + check_repetition(source, target, Thresholds())
                    + check_untranslated(source, target, "en", "es", Thresholds()) + check_truncation(source, target))
    assert old <= 1


def test_translate_toolkits_pofilter_checks_on_the_same_units(capsys):
    """pofilter's StandardChecker (the checks polypost's doublewords, sentencecount, urls and
    untranslated match) on the same units: what a generic checker sees of Apertium's Spanish."""
    # Translate Toolkit's checks cost ~0.2 s to import; only this comparison needs them.
    from translate.filters import checks
    from translate.storage import pypo

    units = json.loads(LABELLED.read_text(encoding="utf-8"))
    checker = checks.StandardChecker(checks.CheckerConfig(targetlanguage="es"))
    seen = needs = both = 0
    for unit in units:
        po = pypo.pounit(unit["source"])
        po.target = unit["target"]
        flagged = bool(checker.run_filters(po))
        seen += flagged
        needs += unit["label"] == "needs-human"
        both += flagged and unit["label"] == "needs-human"
    ours = sum(bool(flags_of(u)) and u["label"] == "needs-human" for u in units)
    with capsys.disabled():
        print(f"\npofilter flags {seen} of {len(units)} units, {both} of the {needs} that need a person; "
              f"polypost's QA finds {ours}")
    assert ours > 3 * both
