"""Agreement next to forced glossary terms when the glossary has no gender column, with the
gender inferred by the Spanish analyser or not, against Apertium alone (no glossary).

    .venv/bin/python benchmarks/glossary_agreement.py

On tests/data/agreement (12 English sentences with my own Spanish references, a glossary of
six terms without gender or number columns) prints, per way: agreement errors the Spanish
analyser finds (article, adjective and verb next to a noun), BLEU and chrF (sacrebleu) against
the references, and the outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from polypost.glossary import Glossary
from polypost.glossary.files import parse_file
from polypost.postedit.morphology import shared
from polypost.translate.apertium import ApertiumEngine
from polypost.translate.qa_text import agreement_errors

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "agreement"


def pairs() -> list[tuple[str, str]]:
    lines = (DATA / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip()]


def translate(glossary: Glossary | None, sources: list[str], engine: ApertiumEngine) -> list[str]:
    if glossary is None:
        return engine.translate(sources)
    protected = [glossary.protect(s, engine="apertium") for s in sources]
    return [glossary.restore(p, out) for p, out in zip(protected, engine.translate([p.text for p in protected]))]


def ways() -> dict[str, Glossary | None]:
    terms, _ = parse_file(DATA / "terms.en-es.tsv")
    return {"Apertium alone": None, "glossary, no gender": Glossary(terms),
            "glossary, gender inferred": Glossary.load([DATA / "terms.en-es.tsv"])}


def measure() -> dict[str, dict]:
    import sacrebleu  # a benchmark's and a test's dependency only

    data = pairs()
    sources, references = [s for s, _ in data], [r for _, r in data]
    engine = ApertiumEngine("en", "es")
    results = {}
    try:
        for name, glossary in ways().items():
            outputs = translate(glossary, sources, engine)
            errors = [agreement_errors(o) for o in outputs]
            results[name] = {
                "outputs": outputs, "errors": errors, "error_count": sum(len(e) for e in errors),
                "bleu": sacrebleu.corpus_bleu(outputs, [references]).score,
                "chrf": sacrebleu.corpus_chrf(outputs, [references]).score,
            }
    finally:
        engine.close()
    return results


def main() -> None:
    if not shared().available:
        sys.exit("the Spanish analyser (lt-proc, apertium-eng-spa) is not installed")
    results = measure()
    print(f"{'':28} {'agreement errors':>17} {'BLEU':>6} {'chrF':>6}")
    for name, r in results.items():
        print(f"{name:28} {r['error_count']:>17} {r['bleu']:>6.1f} {r['chrf']:>6.1f}")
    for i, (source, reference) in enumerate(pairs()):
        print(f"\n{source}\n  ref: {reference}")
        for name, r in results.items():
            print(f"  {name[:18]:18}: {r['outputs'][i]}  {r['errors'][i] or ''}")


if __name__ == "__main__":
    main()
