"""What a Latin American reader trips over in polypost's Spanish, counted before and after the
variant's post-editing, on data/samples and the 21 corpus article pages (Apertium).

    .venv/bin/python benchmarks/spanish_quality.py [--corpus ../shared/corpus/pages/readability]

For target es-419 it counts: questions and exclamations without their opening mark, "vosotros"
forms (vosotros, vuestro, os, and verbs in the second person plural), forms of "coger", English
month names or "Marcha" next to a day or a year, and headings left in English title case; for
es-ES it checks that the "vosotros" forms stay. "before" is Apertium's text with the glossary's
terms put back, "after" is what polypost publishes. The goal for es-419 after: zero in every row.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from spanish_units import machine_units  # noqa: E402

from polypost.postedit.headings import is_title_case  # noqa: E402
from polypost.postedit.morphology import shared  # noqa: E402

_WORD = re.compile(r"[^\W\d_]+")
# A sentence: up to ? or ! (a run counts once), after a . ! ? … that a space follows ("3.14" is one number).
_QUESTION = re.compile(r"(?:[^.!?…]|[.!?…](?!\s))*?[?!]+(?=\s|$|[\"”»)])")
_ENGLISH_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
                   "Marcha")
_MONTH_DATE = re.compile(rf"\b(?:{_ENGLISH_MONTHS})\.?\s+(?:[0-3]?\d\b|(?:de\s+)?(?:1[89]|2\d)\d\d\b)"
                         rf"|\b[0-3]?\d\s+(?:de\s+)?(?:{_ENGLISH_MONTHS})\b")
_MINOR_ES = frozenset("a al con de del el en la las los o para por un una y e ni que se su sus".split())


def unopened(text: str) -> int:
    count = 0
    for match in _QUESTION.finditer(re.sub(r"⟦[^⟧]*⟧|https?://\S+", " ", text)):
        sentence = match.group(0)
        if not any(mark in sentence for mark in "¿¡"):
            count += 1
    return count


def vosotros_forms(text: str, readings) -> int:
    count = 0
    for word in _WORD.findall(text):
        found = readings.get(word, ())
        if not found:
            continue
        if any(r.lemma.lower() == "vuestro" for r in found):
            count += 1
        elif all("<p2><pl>" in r.text() or "<p2><mf><pl>" in r.text() for r in found):
            count += 1
    return count


def coger_forms(text: str, readings) -> int:
    return sum(1 for w in _WORD.findall(text) if any(r.lemma.lower() == "coger" for r in readings.get(w, ())))


def title_cased(source: str, target: str, readings) -> int:
    """A heading translated from English title case that still capitalises common words."""
    if not is_title_case(source):
        return 0
    words = _WORD.findall(target)[1:]
    capitals = [w for w in words if w[0].isupper() and not w.isupper() and w.lower() not in _MINOR_ES
                and readings.get(w) and not any(r.has("np") for r in readings[w])]
    return int(len(capitals) >= 1)


def count(units: list[dict], key: str, readings) -> dict[str, int]:
    return {
        "questions/exclamations without ¿/¡": sum(unopened(u[key]) for u in units),
        "vosotros/vuestro/os forms": sum(vosotros_forms(u[key], readings) for u in units),
        "coger forms": sum(coger_forms(u[key], readings) for u in units),
        "English months / Marcha dates": sum(len(_MONTH_DATE.findall(u[key])) for u in units),
        "headings in English title case": sum(title_cased(u["source"], u[key], readings) for u in units),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "pages" / "readability"))
    args = parser.parse_args()
    samples = sorted(str(p) for p in (ROOT / "data" / "samples").rglob("*") if p.suffix in (".md", ".html"))
    pages = sorted(str(p) for p in Path(args.corpus).glob("*/source.html"))
    print(f"{len(samples)} sample posts, {len(pages)} corpus pages")
    started = time.monotonic()
    units = machine_units(samples + pages, tags=("es-419", "es-ES"))
    print(f"{len(units)} machine-translated segments in {time.monotonic() - started:.1f} s (Apertium + both rule sets)")
    morphology = shared()
    readings = morphology.analyse({w for u in units for k in ("restored", "es-419", "es-ES") for w in _WORD.findall(u[k])})
    before, latin, spain = count(units, "restored", readings), count(units, "es-419", readings), \
        count(units, "es-ES", readings)
    print(f"\n{'':40} {'Apertium':>9} {'es-419':>8} {'es-ES':>7}")
    for name in before:
        print(f"{name:40} {before[name]:>9} {latin[name]:>8} {spain[name]:>7}")
    marks = sum(u["es-419"].count("¿") + u["es-419"].count("¡") for u in units)
    print(f"\nopening marks written (es-419): {marks}")
    print("es-419 goal (zero in every row):", "met" if not any(latin.values()) else "NOT met")
    kept = spain["vosotros/vuestro/os forms"] == before["vosotros/vuestro/os forms"]
    print("es-ES keeps every vosotros form:", "yes" if kept else "NO")


if __name__ == "__main__":
    main()
