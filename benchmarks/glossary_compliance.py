"""Glossary compliance and fluency, per engine and per protection strategy.

    .venv/bin/python benchmarks/glossary_compliance.py [--glossary FILE] [--sentences FILE]
                                                        [--engines apertium,copy] [--show N]

For each engine and strategy it translates the evaluation sentences through
Glossary.protect -> engine -> Glossary.restore and prints:
- compliance: occurrences whose target form is in the output / occurrences expected, for
  do-not-translate terms and for forced terms separately (the report of glossary_report);
- agreement errors: determiners and adjectives touching a forced term whose gender or number
  disagrees with the term's, judged by Apertium's own Spanish analyser (spa-eng.automorf.bin),
  which knows far more words than our fixer's lists, so the judge is not the fixer marking
  its own homework. Only meaningful for engines that write Spanish (not "copy").
"none" is the engine alone, without the glossary.

Engines: "apertium" (polypost.translate, the real pipeline); "copy": output == input, what the
tests' Argos copy model returns (with a real Argos package installed, add "argos");
"argos-copy", "argos-drop", "argos-shift", "argos-reorder": polypost's Argos engine over the
tests' hand-set models behind a tokenizer without byte fallback (tests/argos_models.py), built
here. For the models that write the source's words in order (copy, shift) the benchmark also
prints "rest": sentences whose every other word is the right one (the source, with each term's
target form), which is what decides between "aligned" and "prefix" on these models: they
write by position, not by what they already wrote, so a form longer or shorter than the term
shifts every word after it under prefix-constrained decoding. Agreement needs Spanish output:
it is judged for apertium only.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from polypost.glossary import Glossary
from polypost.glossary.protect import STRATEGIES, forced_forms

SPANISH_ANALYSER = Path("/usr/share/apertium/apertium-eng-spa/spa-eng.automorf.bin")


class CopyEngine:
    name = "copy"

    def translate(self, texts: list[str]) -> list[str]:
        return list(texts)

    def close(self) -> None:
        pass


def make_engine(name: str):
    if name == "copy":
        return CopyEngine()
    if name.startswith("argos-"):
        return test_model_engine(name.split("-", 1)[1])
    from polypost.translate import get_engine

    return get_engine(name)


_work: list[Path] = []  # owned by test_model_engine: one throwaway Argos home per process


def test_model_engine(variant: str):
    """polypost's Argos engine over a test model built now (tests/argos_fixture.py)."""
    import tempfile

    sys.path.insert(0, str(REPO / "tests"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from engine_throughput import isolate_argos

    if not _work:
        _work.append(Path(tempfile.mkdtemp(prefix="polypost-glossary-")))
        isolate_argos(_work[0])
    from argos_fixture import assemble_package
    from polypost.translate.argos import ArgosEngine
    from polypost.translate.argos_packages import find_installed, install_from_file

    version = f"9.{'copy drop shift reorder'.split().index(variant)}"
    install_from_file(assemble_package(_work[0] / variant, version=version, variant=variant,
                                       realistic_tokenizer=True))
    engine = ArgosEngine(package=find_installed("en", "es"))
    engine.name = f"argos-{variant}"  # the table's name; protection uses the strategy asked for
    return engine


def rest_right(glossary: Glossary, sentences: list[str], outputs: list[str]) -> int:
    """Sentences whose words, but for the terms, are the source's (for models that copy)."""
    def letters(text: str) -> str:
        return re.sub(r"\s+", "", text).casefold()

    right = 0
    for sentence, output in zip(sentences, outputs):
        out, last = [], 0
        for match in glossary.matches(sentence):
            out += [sentence[last:match.start], match.target_form]
            last = match.end
        right += letters("".join(out + [sentence[last:]])) == letters(output)
    return right


# -- the judge ---------------------------------------------------------------------------------
def analyse(words: set[str]) -> dict[str, list[tuple[str, set[str]]]]:
    """word -> readings as (part of speech, tags) from Apertium's Spanish analyser."""
    if not words or not SPANISH_ANALYSER.is_file():
        return {}
    ordered = sorted(words)
    out = subprocess.run(["lt-proc", str(SPANISH_ANALYSER)], input="\n".join(ordered),
                         capture_output=True, text=True, check=True).stdout
    result = {}
    for unit in re.findall(r"\^(.*?)\$", out):
        surface, *readings = unit.split("/")
        parsed = []
        for reading in readings:
            last = reading.split("+")[-1]  # "de<pr>+el<det><def><m><sg>": the determiner
            tags = re.findall(r"<([^>]+)>", last)
            if tags:
                parsed.append((tags[0], set(tags[1:])))
        result[surface] = parsed
    return result


def _agrees(tags: set[str], gender: str | None, number: str) -> bool:
    g_ok = gender is None or not ({"m", "f"} & tags) or gender in tags or "mf" in tags
    n_ok = not ({"sg", "pl"} & tags) or number in tags or "sp" in tags
    return g_ok and n_ok


def _disagrees(readings: list[tuple[str, set[str]]], gender, number, before: bool,
               strict: bool = False) -> bool | None:
    """True: an agreeing word that does not agree; False: agrees; None: not an agreeing word.

    Conservative (default): only words that can be nothing but a determiner/adjective (or a
    noun) count. Strict: any word with a determiner/adjective reading counts ("un solo X",
    "uno palabra clave"), which also counts a few adverbs and pronouns by mistake.
    """
    kinds = {pos for pos, _ in readings}
    agreeing = [(p, t) for p, t in readings if p in ("det", "adj") or (p == "vblex" and "pp" in t)]
    if not agreeing:
        return None
    if strict:
        return not any(_agrees(t, gender, number) for _, t in agreeing)
    if before and "det" not in kinds and kinds - {"adj", "n", "vblex"}:
        return None
    if not before and kinds - {"adj", "n", "vblex"}:
        return None
    if not before and any(p == "vblex" and "pp" not in t for p, t in readings):
        return None  # could be a finite verb: "la marca crece"
    return not any(_agrees(t, gender, number) for _, t in agreeing)


def agreement_errors(outputs: list[str], reports: list[list[dict]], terms_by_source: dict,
                     strict: bool = False):
    """(count, examples) of disagreeing words next to forced terms with a known gender."""
    sites = []
    for text, rows in zip(outputs, reports):
        for row in rows:
            term = terms_by_source[row["term"]]
            if term.gender is None:
                continue
            for a, b in re.findall(r"(\d+)-(\d+)", row["where"].split("target ")[-1]):
                a, b = int(a), int(b)
                form = text[a:b]
                number = "pl" if form.casefold() != term.target.casefold() and term.number != "pl" \
                    else (term.number or "sg")
                before = re.findall(r"(?:([^\W\d_]+) )?([^\W\d_]+) $", text[:a])
                before = [w for w in (before[0][::-1] if before else ()) if w][: 2 if strict else 1]
                after = re.findall(r"^ ([^\W\d_]+)", text[b:])
                sites.append((text, form, term.gender, number, before, after[:1]))
    words = {w.lower() for s in sites for w in s[4] + s[5]}
    table = analyse(words)
    count, examples = 0, []
    for text, form, gender, number, before, after in sites:
        for k, (word, is_before) in enumerate([(w, True) for w in before] + [(w, False) for w in after]):
            if is_before and k == 1 and _disagrees(table.get(before[0].lower(), []), gender, number,
                                                   True, True) is None:
                continue  # the word next to the term is not an agreeing word: look no further
            verdict = _disagrees(table.get(word.lower(), []), gender, number, is_before, strict)
            if verdict:
                count += 1
                phrase = f"{word} {form}" if is_before else f"{form} {word}"
                examples.append(f"{phrase!r} ({gender} {number}) in: {text}")
    return count, examples


# -- one run -----------------------------------------------------------------------------------
def run(glossary: Glossary, engine, strategy: str, sentences: list[str]):
    start = time.perf_counter()
    if strategy == "none":
        outputs = engine.translate(sentences)
    else:
        protected = [glossary.protect(s, strategy=strategy) for s in sentences]
        forms = [forced_forms(p) for p in protected] if getattr(engine, "accepts_forms", False) else []
        texts = [p.text for p in protected]
        raw = engine.translate(texts, forms=forms) if any(forms) else engine.translate(texts)
        outputs = [glossary.restore(p, r) for p, r in zip(protected, raw)]
    seconds = time.perf_counter() - start
    reports = [glossary.report(s, o) for s, o in zip(sentences, outputs)]
    tally = Counter()
    missed = []
    for sentence, output, rows in zip(sentences, outputs, reports):
        for row in rows:
            kind = "keep" if row["keep"] else "forced"
            tally[kind + "_expected"] += row["expected"]
            tally[kind + "_met"] += min(row["found"], row["expected"])
            if not row["met"]:
                missed.append(f"{row['term']!r} -> {row['target']!r}: {output}")
    return outputs, reports, tally, missed, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--glossary", type=Path, default=REPO / "glossaries" / "marketing.en-es.tsv")
    parser.add_argument("--sentences", type=Path, default=REPO / "tests" / "data" / "glossary_eval.en.txt")
    parser.add_argument("--engines", default="apertium,copy")
    parser.add_argument("--show", type=int, default=5, help="examples of misses and errors to print")
    parser.add_argument("--strategies", default="", help="comma-separated subset of strategies (default: all)")
    args = parser.parse_args(argv)

    glossary = Glossary.load([args.glossary])
    sentences = [line.strip() for line in args.sentences.read_text("utf-8").splitlines() if line.strip()]
    terms_by_source = {t.source: t for t in glossary.terms}
    occurrences = sum(len(glossary.matches(s)) for s in sentences)
    print(f"{len(sentences)} sentences, {occurrences} term occurrences, {len(glossary)} glossary entries")
    print("agreement errors around forced terms: c = conservative judge, s = strict judge")
    header = (f"{'engine':13} {'strategy':16} {'keep':>14} {'forced':>14} {'agreement (c/s)':>17} "
              f"{'rest':>9} {'time':>7}")
    print(header)
    print("-" * len(header))
    failures = []
    for engine_name in [e.strip() for e in args.engines.split(",") if e.strip()]:
        try:
            engine = make_engine(engine_name)
        except Exception as exc:  # noqa: BLE001 - an engine that is not installed here is reported, not fatal
            print(f"{engine_name:13} unavailable: {exc}")
            continue
        try:
            for strategy in [s for s in ("none", *STRATEGIES) if not args.strategies or s in args.strategies.split(",")]:
                outputs, reports, tally, missed, seconds = run(glossary, engine, strategy, sentences)
                keep = tally["keep_met"] / max(1, tally["keep_expected"])
                forced = tally["forced_met"] / max(1, tally["forced_expected"])
                rest = f"{rest_right(glossary, sentences, outputs)}/{len(sentences)}" \
                    if engine_name in ("copy", "argos-copy", "argos-shift") else "n/a"
                if engine_name == "copy" or engine_name.startswith("argos-"):
                    errors, examples, strict_errors = None, [], None
                else:
                    errors, examples = agreement_errors(outputs, reports, terms_by_source)
                    strict_errors, strict_examples = agreement_errors(outputs, reports, terms_by_source, True)
                    examples += [e for e in strict_examples if e not in examples]
                print(f"{engine_name:13} {strategy:16} "
                      f"{keep:7.1%} {tally['keep_met']:>3}/{tally['keep_expected']:<3}"
                      f"{forced:7.1%} {tally['forced_met']:>3}/{tally['forced_expected']:<3}"
                      f"{'n/a' if errors is None else f'{errors} / {strict_errors}':>17} {rest:>9} {seconds:6.2f}s")
                for line in missed[: args.show]:
                    print(f"    missed {line}")
                for line in examples[: args.show]:
                    print(f"    agreement {line}")
                from polypost.glossary.protect import strategy_for

                if strategy == strategy_for(engine_name.split("-")[0]) and (keep < 1.0 or forced < 0.98):
                    failures.append(f"{engine_name}/{strategy}: keep {keep:.1%}, forced {forced:.1%}")
        finally:
            engine.close()
    if failures:
        print("BELOW TARGET (keep 100%, forced 98%): " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
