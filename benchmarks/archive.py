"""The nightly job on a big archive: first run, no-change rerun, 1% edit rerun.

    .venv/bin/python benchmarks/archive.py --posts 5000 --engine apertium
    .venv/bin/python benchmarks/archive.py --posts 1000 --engine argos   # a base-sized copy model

Prints per-stage seconds, posts per second excluding the engine, engine tokens/s and peak
memory. Each measurement runs in a fresh process so that peak memory is that run's alone.
Goals on the 2-core machine (issue 18): first run of 5,000 posts >= 200 posts/s excluding the
engine; no-change rerun of 5,000 posts < 3 s with zero engine calls; a 1% edit rerun < 2x the
no-change rerun plus the engine time of the edited text; peak memory at 20,000 posts within 10%
of peak memory at 1,000 posts (`--posts 20000` against `--posts 1000`).
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
sys.path.insert(0, str(ROOT / "tests"))  # the Argos package builder lives with the tests

SUBJECTS = ["Our community manager", "The marketing team", "Every brand", "A small business",
            "The newsletter", "This landing page", "An influencer", "The sales team"]
VERBS = ["improves", "measures", "tracks", "grows", "reviews", "tests", "plans", "shares"]
OBJECTS = ["the engagement rate", "brand awareness", "the conversion rate", "qualified leads",
           "organic reach", "the call to action", "social media insights", "the content calendar",
           "customer loyalty", "the return on investment"]
TAILS = ["every week", "on Instagram", "with clear goals", "before the launch", "after each campaign",
         "for the whole year", "on LinkedIn", "without a big budget"]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def paragraph(rng: random.Random, post: int, number: int) -> str:
    words = [sentence(rng) for _ in range(rng.randint(3, 5))]
    # A unique marker keeps paragraphs distinct, as in a real archive (no free memory hits).
    words.append(f"Note {post}-{number}.")
    text = " ".join(words)
    style = number % 4
    if style == 1:
        text = text.replace("the engagement rate", "<strong>the engagement rate</strong>", 1)
    elif style == 2:
        text = text.replace("qualified leads", '<a href="https://example.com/leads">qualified leads</a>', 1)
    elif style == 3:
        text += ' <img src="/img/chart.png" alt="A chart of our reach">'
    return f"<p>{text}</p>"


def write_archive(folder: Path, posts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(posts):
        body = [paragraph(rng, index, n) for n in range(12)]
        body.insert(4, "<ul><li>Plan the content calendar.</li><li>Measure the reach.</li></ul>")
        body.insert(8, "<pre><code>utm_source=newsletter&amp;utm_medium=email</code></pre>")
        html = (f"<h1>Marketing note number {index}</h1>\n" + "\n".join(body))
        (folder / f"post-{index:05d}.html").write_text(html, encoding="utf-8")


def edit_one_percent(folder: Path) -> int:
    files = sorted(folder.glob("*.html"))
    edited = files[:: 100]
    for path in edited:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Note ", "Edited note ", 1), encoding="utf-8")
    return len(edited)


def measure(db: str, out: str, archive: str, engine_name: str, argos_home: str | None) -> dict:
    """One run of every stage, timed; called in a child process."""
    import os

    if argos_home:
        os.environ["ARGOS_PACKAGES_DIR"] = str(Path(argos_home) / "packages")
    from polypost.config import load_config
    from polypost.sources.stage import ingest
    from polypost.pipeline import load_glossary, open_engine, translate_options
    from polypost.publish.stage import publish_store
    from polypost.store import Store
    from polypost.translate.stage import translate_posts

    config = load_config(environ={}, db_path=db, out_dir=out, engine=engine_name)
    store = Store.open(db)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    report = ingest(store, [archive])
    timings["ingest"] = time.perf_counter() - started

    engine = TimedEngine(open_engine(config))
    glossary = load_glossary(config)
    started = time.perf_counter()
    # The options a real run takes from the settings (names kept, QA's hold-back, learned bounds).
    translated = translate_posts(store, engine, glossary, translate_options(store, config))
    timings["translate_total"] = time.perf_counter() - started
    timings["engine"] = engine.seconds
    timings["translate_without_engine"] = timings["translate_total"] - engine.seconds
    engine.close()

    started = time.perf_counter()
    published = publish_store(store, config)
    timings["publish"] = time.perf_counter() - started
    total_without_engine = timings["ingest"] + timings["translate_without_engine"] + timings["publish"]
    posts = report.ingested + report.unchanged
    return {
        "posts": posts,
        "ingested": report.ingested,
        "translated": translated.translated,
        "segments": translated.segments,
        "engine_calls": engine.calls,
        "engine_texts": engine.texts,
        "engine_tokens": engine.tokens,
        "engine_tokens_per_s": round(engine.tokens / engine.seconds) if engine.seconds else None,
        "published_written": published["written"],
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "seconds_total": round(sum(v for k, v in timings.items() if k not in ("engine", "translate_without_engine")), 2),
        "posts_per_s_without_engine": round(posts / total_without_engine, 1) if total_without_engine else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's own peak (VmHWM). ru_maxrss would also count the parent's pages that the
    fork copied before exec: the parent that built a base-sized model would show in every run."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class TimedEngine:
    def __init__(self, engine):
        self.engine, self.name, self.version = engine, engine.name, engine.version
        self.seconds, self.calls, self.texts, self.tokens = 0.0, 0, 0, 0

    def translate(self, texts):
        started = time.perf_counter()
        try:
            return self.engine.translate(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1
            self.texts += len(texts)
            self.tokens += sum(len(t.split()) for t in texts)

    def close(self):
        self.engine.close()

    def __getattr__(self, name):
        # What the stage asks an engine besides translate (the post-editor it carries, whether it
        # takes forced forms) is the wrapped engine's: without it the run would skip post-editing.
        return getattr(self.engine, name)


def run_child(*args: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                            capture_output=True, text=True)
    return json.loads(output.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--engine", default="apertium", choices=["apertium", "argos"])
    parser.add_argument("--child", nargs=5, metavar=("DB", "OUT", "ARCHIVE", "ENGINE", "ARGOS_HOME"))
    args = parser.parse_args()
    if args.child:
        db, out, archive, engine, argos_home = args.child
        print(json.dumps(measure(db, out, archive, engine, argos_home if argos_home != "-" else None)))
        return
    with tempfile.TemporaryDirectory(prefix="polypost-bench-") as tmp:
        tmp_path = Path(tmp)
        argos_home = "-"
        if args.engine == "argos":
            argos_home = str(tmp_path / "argos")
            install_base_model(Path(argos_home))
        archive = tmp_path / "archive"
        started = time.perf_counter()
        write_archive(archive, args.posts)
        print(f"generated {args.posts} posts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        common = [str(tmp_path / "p.db"), str(tmp_path / "site"), str(archive), args.engine, argos_home]
        results = {"first run": run_child(*common)}
        results["no-change rerun"] = run_child(*common)
        edited = edit_one_percent(archive)
        results[f"1% edit rerun ({edited} posts, 1 paragraph each)"] = run_child(*common)
        for name, result in results.items():
            print(f"== {name}")
            print(json.dumps(result, indent=2))


def install_base_model(argos_home: Path) -> None:
    """Build and install a base-sized copy model (6+6 layers, d_model 512, vocab 32k, int8)."""
    import os

    os.environ["ARGOS_PACKAGES_DIR"] = str(argos_home / "packages")
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = str(argos_home / name.lower())
    from argos_fixture import build_argos_package

    from polypost.translate.argos_packages import install_from_file

    package = build_argos_package(argos_home / "build", size="base")
    install_from_file(package)


if __name__ == "__main__":
    main()
