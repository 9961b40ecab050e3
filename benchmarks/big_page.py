"""One web page just under the size limit ([sources] max_bytes, 20 MiB): ingest, then translate and
publish it. Prints seconds and peak memory (ru_maxrss) of each, each in a fresh process.

    .venv/bin/python benchmarks/big_page.py                      # a fake engine: polypost's own cost
    .venv/bin/python benchmarks/big_page.py --engine apertium    # the real engine too (slow: 3M words)
    .venv/bin/python benchmarks/big_page.py --profile ingest     # cProfile's top functions of a stage

The fake engine returns each text reversed word by word, placeholders kept: it costs nothing, so the
figures are segmenting, memory, QA, reassembly and publishing. Goal: under 20 s and 400 MB each.

What a post costs grows with its words: `--prose 1` makes a page of text only. At the default size
it is refused by ingest ([sources] max_words, 400,000 words); `--prose 1 --size 2700000` is one
just under that limit (about 380,000 words), the most a post may ask of the translate stage.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 20 * 1024 * 1024  # the default [sources] max_bytes

WORDS = ("community manager engagement rate brand awareness conversion leads organic reach call to action "
         "social media insights content calendar customer loyalty return on investment newsletter campaign "
         "the a of and every week with clear goals before after launch").split()


def paragraph(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 70))]
    words[3] = f"<strong>{words[3]}</strong>"
    words[9] = f'<a href="/notes/{number}">{words[9]}</a>'
    return f"<p>Note {number}: {' '.join(words)}.</p>"


def heavy_parts(rng: random.Random, number: int) -> str:
    """What makes real pages big: inline images as data: URIs, inline SVG, script state, tables."""
    kind = number % 4
    if kind == 0:
        data = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                       for _ in range(2048)) * 100
        return f'<figure><img src="data:image/png;base64,{data}" alt="Chart {number}"><figcaption>Chart {number}</figcaption></figure>'
    if kind == 1:
        path = " ".join(f"L{rng.randint(0, 999)} {rng.randint(0, 999)}" for _ in range(20000))
        return f'<svg viewBox="0 0 1000 1000"><path d="M0 0 {path}"/></svg>'
    if kind == 2:
        state = json.dumps([{"id": i, "title": f"Item {i}", "score": rng.random()} for i in range(4000)])
        return f"<script>window.__STATE_{number}__ = {state};</script>"
    rows = "".join(f"<tr><td>{i}</td><td>{rng.randint(0, 10**6)}</td><td>{rng.random():.4f}</td></tr>"
                   for i in range(3000))
    return f"<table><tr><th>Week</th><th>Reach</th><th>Rate</th></tr>{rows}</table>"


def write_page(path: Path, size: int = LIMIT - 64 * 1024, prose: float = 0.1, seed: int = 7) -> int:
    """A full page (head, navigation, sidebar, footer) whose article fills it to `size` bytes:
    `prose` of it paragraphs of text, the rest what makes real pages big (`heavy_parts`)."""
    rng = random.Random(seed)
    head = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The big archive page | Blog'
            '</title><meta name="description" content="Every note in one page."></head><body>'
            '<header><nav class="menu"><a href="/">Home</a> <a href="/about">About</a></nav></header>'
            '<main><article><h1>The big archive page</h1>')
    tail = ('</article></main><aside class="sidebar"><h3>Related</h3><ul><li><a href="/x">X</a></li></ul>'
            '</aside><footer>© Blog</footer></body></html>')
    parts, total, text, number, heavy = [head], len(head) + len(tail), 0, 0, 0
    while True:
        if text < prose * total or total > size - 300_000:
            block = paragraph(rng, number)
            if number % 25 == 0:
                block = f"<h2>Section {number // 25}</h2>" + block
            if number % 40 == 7:
                block += '<ul><li>Plan the content calendar.</li><li>Measure the reach.</li></ul>'
            text += len(block)
            number += 1
        else:
            block = heavy_parts(rng, heavy)
            heavy += 1
        if total + len(block) > size:
            break
        parts.append(block)
        total += len(block)
    parts.append(tail)
    path.write_text("".join(parts), encoding="utf-8")
    return path.stat().st_size


class FakeEngine:
    """Words in reverse order, placeholders and all: a different text, at no cost."""

    name, version = "fake", "1"

    def translate(self, texts: list[str]) -> list[str]:
        return [" ".join(reversed(text.split(" "))) for text in texts]

    def close(self) -> None:
        pass


def stage(name: str, db: str, page: str, out: str, engine: str) -> dict:
    """One stage, in this (child) process."""
    sys.path.insert(0, str(ROOT / "src"))
    from polypost import pipeline
    from polypost.config import load_config
    from polypost.sources.stage import IngestOptions
    from polypost.store import Store

    config = load_config(None, db_path=db, out_dir=out, engine=None if engine == "fake" else engine)
    store = Store.open(db)
    started = time.perf_counter()
    if name == "ingest":
        result = pipeline.ingest_stage(store, config, [page], IngestOptions()).to_dict()
        summary = {"ingested": result["ingested"], "failed": result["failed"]}
    else:
        chosen = FakeEngine() if engine == "fake" else None
        translated = pipeline.translate_stage(store, config, engine=chosen)
        published = pipeline.publish_stage(store, config)
        summary = {"translated": translated.translated, "segments": translated.segments,
                   "published": published["published"], "failed": translated.failed + published["failed"]}
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    return {"stage": name, "seconds": round(seconds, 2), "peak_mb": round(peak_mb), **summary}


def in_child(name: str, db: str, page: str, out: str, engine: str, profile: bool) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import big_page; "
            f"print(json.dumps(big_page.stage({name!r}, {db!r}, {page!r}, {out!r}, {engine!r})))")
    if profile:
        code = ("import cProfile, pstats; cProfile.run(" + repr(code) + ", '/tmp/big_page.prof'); "
                "pstats.Stats('/tmp/big_page.prof', stream=sys.stderr).sort_stats('cumulative').print_stats(30)")
        code = "import sys; " + code
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    if profile:
        print(done.stderr, file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="fake", help="fake (default), apertium or argos")
    parser.add_argument("--size", type=int, default=LIMIT - 64 * 1024, help="page bytes (default: 64 KiB under the limit)")
    parser.add_argument("--prose", type=float, default=0.1,
                        help="share of the page that is paragraphs of text (default 0.1; 1: text only)")
    parser.add_argument("--profile", choices=["ingest", "translate"], help="print cProfile's top functions of this stage")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polypost-big-page-") as folder:
        page, db, out = Path(folder) / "big.html", str(Path(folder) / "p.db"), str(Path(folder) / "site")
        size = write_page(page, args.size, args.prose)
        print(f"page: {size / 1024 / 1024:.1f} MiB, {args.prose:.0%} prose, engine: {args.engine}")
        for name in ("ingest", "translate"):
            result = in_child(name, db, str(page), out, args.engine, args.profile == name)
            label = "ingest" if name == "ingest" else "translate + publish"
            failed = f", {len(result['failed'])} failed: {result['failed'][:1]}" if result["failed"] else ""
            print(f"{label:20s} {result['seconds']:7.1f} s  peak {result['peak_mb']:5d} MB{failed}")
            print("  " + json.dumps({k: v for k, v in result.items() if k not in ("stage", "failed")}))


if __name__ == "__main__":
    main()
