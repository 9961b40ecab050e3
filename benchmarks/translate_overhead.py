"""The translate stage's own work beside the engine's, per part, for two code trees in one run.

    .venv/bin/python benchmarks/translate_overhead.py --posts 1000
    .venv/bin/python benchmarks/translate_overhead.py --posts 1000 --before main --target es-419

Writes benchmarks/archive.py's archive, then in a fresh process per code tree (PYTHONPATH set to
`--before`, then to this checkout's src) ingests it and runs `translate_posts` with Apertium,
the target variant's post-editing included. The engine is timed inside the post-editing
wrapper, so everything else the stage does counts as its own: segmenting, glossary protect and
restore, memory keys, post-editing, QA, the glossary report, reassembling, the store. Prints
the stage's and the engine's wall seconds, each part's CPU seconds (of its entry point, nested
parts not subtracted), and the ratio of the stage's non-engine wall time to the engine's. Goal: at most a third of the engine's.
Both trees read the same archive; run them in one invocation, the machine's load moves figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (label, module, attribute): each part's entry point as the translate stage reaches it.
PARTS = [
    ("prepare", "polypost.translate.chunk", "_prepare"),
    ("  segment", "polypost.translate.chunk", "post_documents"),
    ("  names", "polypost.translate.chunk", "post_glossary"),
    ("  glossary protect", "polypost.glossary.terms", "Glossary.protect"),
    ("  memory key", "polypost.translate.chunk", "memory_key"),
    ("glossary restore", "polypost.glossary.terms", "Glossary.restore"),
    ("post-edit", "polypost.postedit.editor", "PostEditor.edit"),
    ("QA check_segment", "polypost.translate.chunk", "check_segment"),
    ("finish_job", "polypost.translate.chunk", "finish_job"),
    ("  glossary report", "polypost.glossary.terms", "Glossary.report"),
    ("  reassemble", "polypost.segment.document", "Document.reassemble"),
]


class Timed:
    """A stand-in for one entry point that adds up its CPU time (the calling thread's: steadier
    than wall time on a shared machine, and blind to a stage that overlaps parts with the engine
    on other threads); re-entry counts once."""

    def __init__(self, fn):
        self.fn, self.seconds, self.calls, self.depth = fn, 0.0, 0, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        self.depth += 1
        started = time.thread_time()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.depth -= 1
            if not self.depth:
                self.seconds += time.thread_time() - started

    def method(self):
        timed = self

        def call(*args, **kwargs):
            return timed(*args, **kwargs)
        return call


class TimedEngine:
    def __init__(self, engine):
        self.engine, self.name, self.version = engine, engine.name, engine.version
        self.seconds, self.cpu, self.texts = 0.0, 0.0, 0

    def translate(self, texts, **options):
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.engine.translate(texts, **options)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu += time.thread_time() - cpu
            self.texts += len(texts)

    def close(self):
        self.engine.close()

    def __getattr__(self, name):
        return getattr(self.engine, name)


def install_timers() -> dict[str, Timed]:
    import importlib

    timers = {}
    for label, module_name, attribute in PARTS:
        module = importlib.import_module(module_name)
        owner, name = module, attribute
        if "." in attribute:
            owner_name, name = attribute.split(".")
            owner = getattr(module, owner_name)
        fn = getattr(owner, name, None)
        if fn is None:
            continue
        timed = Timed(fn)
        setattr(owner, name, timed.method() if owner is not module else timed)
        timers[label] = timed
    return timers


def run_translation(db: str, sources: list[str], target: str, glossary_file: str | None, dump: str | None,
                    timers: bool = True) -> dict:
    """Ingest `sources`, translate with Apertium; the figures, and with `dump` the stored results."""
    from polypost.config import load_config
    from polypost.pipeline import load_glossary, open_engine
    from polypost.sources.stage import ingest
    from polypost.store import Store
    from polypost.translate.stage import translate_posts

    parts = install_timers() if timers else {}
    overrides = {"glossaries": [glossary_file]} if glossary_file else {"use_glossary": False}
    target, _, formality = target.partition(":")  # "es-ES:formal"
    if formality:
        overrides["formality"] = formality
    config = load_config(environ={}, db_path=db, out_dir=str(Path(db).parent / "site"), engine="apertium",
                         target_lang=target, **overrides)
    store = Store.open(db)
    ingest(store, sources)
    engine = open_engine(config)
    timed = TimedEngine(engine.inner if hasattr(engine, "inner") else engine)
    if hasattr(engine, "inner"):
        engine.inner = timed
    else:
        engine = timed
    glossary = load_glossary(config)
    started, cpu = time.perf_counter(), time.process_time()
    report = translate_posts(store, engine, glossary)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.close()
    store.close()
    if dump:
        write_dump(db, dump)
    return {"translate": total, "engine": timed.seconds, "non-engine CPU": cpu - timed.cpu, "texts": timed.texts, "translated": report.translated,
            "parts": {label: t.seconds for label, t in parts.items()}}


def write_dump(db: str, path: str) -> None:
    """Every stored result the stage is answerable for, in a stable order, as JSON."""
    import sqlite3

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    data = {
        "posts": [dict(r) for r in conn.execute("SELECT id, lang, lang_confidence FROM posts ORDER BY id")],
        "translations": [dict(r) for r in conn.execute(
            "SELECT post_id, lang, title, slug, html, description, status, engine, glossary_report, qa_report "
            "FROM translations ORDER BY post_id, lang")],
        "memory": [dict(r) for r in conn.execute(
            "SELECT source_hash, source_lang, target_lang, engine, engine_version, terms_hash, source_text, "
            "target_text, origin, qa_flags FROM memory ORDER BY source_hash, target_lang, engine_version, terms_hash")],
    }
    conn.close()
    Path(path).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def child(src: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": src}
    output = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env,
                            cwd=str(ROOT))
    if output.returncode:
        raise SystemExit(f"{src}: the child failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def code_tree(before: str, tmp: Path) -> str:
    """`before` as a src folder: itself, or a git ref's src written out under `tmp`."""
    if Path(before).is_dir():
        return before
    folder = tmp / "before-code"
    folder.mkdir()
    archive = subprocess.run(["git", "archive", before, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return str(folder / "src")


def write_archive(folder: Path, posts: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import archive

    archive.write_archive(folder, posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--before", default="main", help="the other code: a src folder, or a git ref")
    parser.add_argument("--after", default=str(ROOT / "src"))
    parser.add_argument("--target", default="es")
    parser.add_argument("--glossary", default=str(ROOT / "glossaries" / "marketing.en-es.tsv"))
    parser.add_argument("--child", nargs=5, metavar=("DB", "SOURCES", "TARGET", "GLOSSARY", "DUMP"))
    args = parser.parse_args()
    if args.child:
        db, sources, target, glossary, dump = args.child
        print(json.dumps(run_translation(db, sources.split(os.pathsep), target,
                                         glossary if glossary != "-" else None, dump if dump != "-" else None)))
        return
    with tempfile.TemporaryDirectory(prefix="polypost-overhead-") as tmp:
        archive = Path(tmp) / "archive"
        write_archive(archive, args.posts)
        results = {}
        before = code_tree(args.before, Path(tmp))
        for name, src in (("before", before), ("after", args.after)):
            results[name] = child(src, str(Path(tmp) / f"{name}.db"), str(archive), args.target, args.glossary, "-")
    labels = [label for label, _, _ in PARTS]
    print(f"{args.posts} posts, target {args.target}, Apertium; wall seconds, parts in CPU seconds")
    print(f"{'':24}{'before':>10}{'after':>10}")
    rows = [("translate stage", "translate"), ("engine", "engine")]
    for label, key in rows:
        print(f"{label:24}{results['before'][key]:10.2f}{results['after'][key]:10.2f}")
    for side in results.values():
        side["non-engine"] = side["translate"] - side["engine"]
        side["ratio"] = side["non-engine"] / side["engine"] if side["engine"] else float("nan")
    print(f"{'non-engine':24}{results['before']['non-engine']:10.2f}{results['after']['non-engine']:10.2f}")
    print(f"{'non-engine CPU':24}{results['before']['non-engine CPU']:10.2f}"
          f"{results['after']['non-engine CPU']:10.2f}   (this process, all threads, less the engine calls' own thread)")
    for label in labels:
        before, after = (results[s]["parts"].get(label, float("nan")) for s in ("before", "after"))
        print(f"{label:24}{before:10.2f}{after:10.2f}")
    print(f"{'non-engine / engine':24}{results['before']['ratio']:10.2f}{results['after']['ratio']:10.2f}"
          "   (goal <= 0.33)")


if __name__ == "__main__":
    main()
