"""Markup through an Argos model without byte fallback: figures per test-model variant.

For each variant (copy, drop, shift, reorder; the right answers are tests/test_argos_markup.py's),
sends every block segment of the 21 corpus pages (when ../shared is present) and of the
bundled samples through polypost's Argos engine and prints: inline elements on their right
words, segments with markup held back, placeholder characters or leftover digits on the page.
Then the throughput of the alignment transport against the placeholder transport on the
base-sized copy model (tokens/s, a fixed subset of the same segments, best of alternating
rounds: a bounded run of about two minutes on two busy cores, most of it building the model).

    .venv/bin/python benchmarks/markup_alignment.py [--base-segments 40] [--rounds 2] [--skip-variants]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_throughput import isolate_argos  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-segments", type=int, default=40,
                        help="Segments for the throughput run: a fixed subset, every k-th of them (0: all).")
    parser.add_argument("--rounds", type=int, default=2, help="Timed rounds per transport (best one counts).")
    parser.add_argument("--skip-variants", action="store_true", help="Only the throughput run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        isolate_argos(work)
        import test_argos_markup as markup
        from argos_fixture import assemble_package
        from polypost.translate.argos import ArgosEngine
        from polypost.translate.argos_packages import find_installed, install_from_file

        texts = markup._segments(markup._sample_bodies())
        if markup.PAGES:
            texts += markup._segments([page.read_text(encoding="utf-8") for page in markup.PAGES])
        print(f"{len(texts)} block segments ({'samples and 21 corpus pages' if markup.PAGES else 'samples only'})")
        for number, variant in enumerate(() if args.skip_variants else ("copy", "drop", "shift", "reorder")):
            install_from_file(assemble_package(work / f"build-{variant}", version=f"7.{number}", variant=variant,
                                               realistic_tokenizer=True))
            engine = ArgosEngine(package=find_installed("en", "es"))
            started = time.perf_counter()
            elements, right, _wrong = markup._variant_score(variant, engine, texts)
            seconds = time.perf_counter() - started
            outputs = engine.translate(texts)
            held = sum(any(f["check"] in ("placeholders", "cut-off") for f in out.flags) for out in outputs)
            loose = sum(any(f["check"] == "markup" for f in out.flags) for out in outputs)
            leftovers = sum(bool(re.search(r"[⟦⟧]", markup._ANY_PLACEHOLDER.sub("", out))) for out in outputs)
            print(f"{variant:8} elements on their words {right}/{elements} = {right / elements:.2%}; "
                  f"segments held back {held}, placed loosely {loose}; leftovers on the page {leftovers}; "
                  f"{seconds:.1f} s")
            if variant == "reorder":  # elements right only by being held back: no span can be right
                interleaved = sum(value is None for text in texts
                                  for value in markup.reorder_expectation(engine, text)[1].values())
                print(f"{'':8} of which {interleaved} interleave with a sibling (right when held back)")
            engine.close()

        install_from_file(assemble_package(work / "build-base", size="base", version="8.0", byte_fallback=True))
        package = find_installed("en", "es")
        step = max(1, len(texts) // args.base_segments) if args.base_segments else 1
        batch = texts[::step][:args.base_segments or None]
        engines = {transport: ArgosEngine(package=package, transport=transport)
                   for transport in ("placeholders", "alignment")}
        for engine in engines.values():
            engine.translate(batch[:2])  # load the model outside the timing
        tokens = sum(len(engines["alignment"].tokenizer.encode(re.sub(r"⟦[^⟧]*⟧", "", t))) for t in batch)
        best: dict[str, float] = {}
        for _round in range(args.rounds):  # alternating, best of each: other load on the machine moves figures
            for transport, engine in engines.items():
                engine.timings.seconds.clear()
                started = time.perf_counter()
                engine.translate(batch)
                seconds = time.perf_counter() - started
                if seconds < best.get(transport, float("inf")):
                    best[transport] = seconds
                    steps = ", ".join(f"{step} {s:.2f}" for step, s in sorted(engine.timings.seconds.items()))
                    best[transport + " steps"] = steps  # type: ignore[assignment]
        for transport in engines:
            print(f"base model, {transport:12} {tokens / best[transport]:8.0f} tokens/s "
                  f"({best[transport]:.1f} s, {len(batch)} segments, {tokens} tokens; s per step: "
                  f"{best[transport + ' steps']})")
        print(f"alignment / placeholders time: {best['alignment'] / best['placeholders']:.2f}")
        for engine in engines.values():
            engine.close()

if __name__ == "__main__":
    main()
