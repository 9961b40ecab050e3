"""Engine throughput: polypost's batched Argos engine vs argostranslate, and Apertium.

Builds a base-sized copy model (6+6 layers, d_model 512, vocab 32k, int8) with a rule-based
MiniSBD splitter, translates the same paragraphs with `argostranslate.translate.translate()`
one paragraph at a time and with polypost's engine in one call, checks that the outputs are
identical, and prints tokens/s, the ratio, and where the engine's time goes. Then Apertium:
ms per segment through polypost's engine vs the raw null-flush pipeline vs one process per call.

    .venv/bin/python benchmarks/engine_throughput.py [--paragraphs 200] [--beam 2] [--sweep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def isolate_argos(work: Path) -> None:
    """argostranslate reads these at import: set them first, to throwaway folders."""
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        (work / var.lower()).mkdir()
        os.environ[var] = str(work / var.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    os.environ.pop("ARGOS_CHUNK_TYPE", None)


def argos_benchmark(work: Path, paragraphs: list[str], beam: int, sweep: bool) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from argos_fixture import assemble_package

    started = time.perf_counter()
    package = assemble_package(work / "build", size="base", splitter=True)
    print(f"built {package.name}: {package.stat().st_size / 1e6:.1f} MB in "
          f"{time.perf_counter() - started:.1f} s")

    from polypost.translate.argos_packages import install_from_file

    install_from_file(package)
    os.environ["ARGOS_BEAM_SIZE"] = str(beam)  # same beam for both sides
    import argostranslate.translate
    import sentencepiece

    from polypost.translate import get_engine

    engine = get_engine("argos", beam_size=beam)
    tokenizer = sentencepiece.SentencePieceProcessor(
        model_file=str(Path(engine.package.package_path) / "sentencepiece.model"))
    tokens = sum(len(tokenizer.encode(p)) for p in paragraphs)
    print(f"{len(paragraphs)} paragraphs, {tokens} tokens, beam {beam}, "
          f"{os.cpu_count()} cores")

    argostranslate.translate.translate(paragraphs[0], "en", "es")  # load the model first
    started = time.perf_counter()
    baseline = [argostranslate.translate.translate(p, "en", "es") for p in paragraphs]
    baseline_s = time.perf_counter() - started

    engine.translate(paragraphs[:1])
    engine.timings.seconds.clear()
    started = time.perf_counter()
    ours = engine.translate(paragraphs)
    ours_s = time.perf_counter() - started

    same = sum(a == b for a, b in zip(baseline, ours))
    print(f"identical outputs: {same}/{len(paragraphs)}")
    if same != len(paragraphs):
        bad = next(i for i, (a, b) in enumerate(zip(baseline, ours)) if a != b)
        print(f"  first difference, paragraph {bad}:\n  argos : {baseline[bad]!r}\n  ours  : {ours[bad]!r}")
    print(f"argostranslate.translate() per paragraph: {baseline_s:7.2f} s  {tokens / baseline_s:8.0f} tok/s")
    print(f"polypost argos engine, one call:          {ours_s:7.2f} s  {tokens / ours_s:8.0f} tok/s")
    print(f"ratio: {baseline_s / ours_s:.1f}x (goal >= 8x)")
    print("engine time by step:")
    for step, seconds in engine.timings.seconds.items():
        print(f"  {step:13s} {seconds * 1000:9.1f} ms  {100 * seconds / ours_s:5.1f} %")
    engine.close()

    if sweep:
        print("threads / max_batch_size sweep (tok/s):")
        for inter, intra in ((2, 1), (1, 2), (1, 1)):
            for max_batch in (512, 1024, 4096, 32768):
                candidate = get_engine("argos", beam_size=beam, inter_threads=inter,
                                       intra_threads=intra, max_batch_size=max_batch)
                started = time.perf_counter()
                candidate.translate(paragraphs)
                print(f"  inter {inter} intra {intra} max_batch_size {max_batch:5d}: "
                      f"{tokens / (time.perf_counter() - started):7.0f}")
                candidate.close()


def apertium_benchmark(paragraphs: list[str]) -> None:
    from polypost.translate import EngineUnavailable, get_engine
    from polypost.translate.apertium import _ESCAPE

    try:
        engine = get_engine("apertium")
    except EngineUnavailable as exc:
        print(f"apertium: skipped ({exc})")
        return
    segments = [s for p in paragraphs for s in p.split(". ") if s][:1000]
    engine.translate(segments[:1])
    started = time.perf_counter()
    ours = engine.translate(segments)
    ours_s = time.perf_counter() - started
    engine.close()

    # The raw pipeline: write, read up to NUL, nothing else.
    raw = subprocess.Popen(engine.command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    buffer = b""

    def raw_translate(text: str) -> str:
        nonlocal buffer
        raw.stdin.write((_ESCAPE.sub(r"\\\1", text) + "\n\0").encode())
        raw.stdin.flush()
        while b"\0" not in buffer:
            buffer += os.read(raw.stdout.fileno(), 65536)
        reply, buffer = buffer.split(b"\0", 1)
        return reply.decode()

    raw_translate("Warm up.")
    started = time.perf_counter()
    for segment in segments:
        raw_translate(segment)
    raw_s = time.perf_counter() - started
    raw.stdin.close()
    raw.wait()

    per_call = segments[:20]
    started = time.perf_counter()
    for segment in per_call:
        subprocess.run(
            ["apertium", "-u", "eng-spa"], input=segment.encode(), capture_output=True, check=False
        )
    per_call_s = time.perf_counter() - started
    words = sum(len(s.split()) for s in segments)
    print(f"apertium, {len(segments)} segments, {words} words:")
    print(f"  polypost engine (persistent):  {1000 * ours_s / len(segments):6.2f} ms/segment "
          f"({words / ours_s:.0f} words/s)")
    print(f"  raw null-flush pipeline:       {1000 * raw_s / len(segments):6.2f} ms/segment")
    print(f"  one `apertium` per segment:    {1000 * per_call_s / len(per_call):6.2f} ms/segment")
    print(f"  sample: {segments[0]!r} -> {ours[0]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--sweep", action="store_true", help="also compare thread settings")
    parser.add_argument("--skip-argos", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="polypost-bench-") as tmp:
        work = Path(tmp)
        isolate_argos(work)
        sys.path.insert(0, str(ROOT / "tests"))
        from argos_fixture import generated_paragraphs

        paragraphs = generated_paragraphs(args.paragraphs)
        if not args.skip_argos:
            argos_benchmark(work, paragraphs, args.beam, args.sweep)
        apertium_benchmark(paragraphs)


if __name__ == "__main__":
    main()
