"""A whole `polypost run` against the raw engine on exactly the text of that run.

    .venv/bin/python benchmarks/ceiling.py --engine apertium --posts 600
    .venv/bin/python benchmarks/ceiling.py --engine argos --paragraphs 120   # base-sized copy model

Side one: `polypost run ARCHIVE --out SITE --engine E` in a fresh process, timed from before
polypost is imported to its exit (every stage: ingest, translate, publish), while the texts the
engine is handed are recorded (for Argos: the token lists `translate_batch` is given).
Side two, in another fresh process: the raw engine on those texts alone: one `apertium eng-spa`
process streaming every paragraph (blank line between them), or one CTranslate2 `translate_batch`
over every recorded sentence with the engine's model, beam and threads (model load included, no
attention asked). Prints both and the ratio. Goals on the 2-core machine (issue 18): Argos
<= 1.1x, Apertium <= 1.3x. Compare the two sides only within one run: under load they move apart.
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
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # the Argos package builder lives with the tests


def whole_run(db: str, out: str, archive: str, engine: str, record: str) -> None:
    """The child of side one: polypost's own CLI in this process, the engine's input recorded."""
    started = time.perf_counter()
    recorded: list = []
    _record_engine_input(engine, recorded)
    from polypost.cli import cli

    try:
        cli(["--db", db, "--quiet", "run", archive, "--out", out, "--engine", engine], prog_name="polypost",
            standalone_mode=False)
    finally:
        seconds = time.perf_counter() - started
        Path(record).write_text(json.dumps({"seconds": seconds, "inputs": recorded}), encoding="utf-8")


def _record_engine_input(engine: str, recorded: list) -> None:
    if engine == "apertium":
        from polypost.translate.apertium import ApertiumEngine

        original = ApertiumEngine._translate_pipelined

        def pipelined(self, cores):
            recorded.extend(core for _index, core in cores)
            return original(self, cores)

        ApertiumEngine._translate_pipelined = pipelined
        return
    from polypost.translate.argos import ArgosEngine

    original_run = ArgosEngine._run_model

    def run_model(self, tokens, attention, prefixes=None):
        recorded.extend(list(t) for t in tokens)
        recorded_options.update(self.options, translator=self._translator_options, model=str(self._model_dir),
                                target_prefix=self.target_prefix)
        return original_run(self, tokens, attention, prefixes)

    recorded_options: dict = {}
    recorded.append(recorded_options)  # the first item: how the engine ran
    ArgosEngine._run_model = run_model


def raw_apertium(record: str) -> float:
    texts = json.loads(Path(record).read_text(encoding="utf-8"))["inputs"]
    # Apertium reads a blank line as a paragraph break: one text per paragraph, one process.
    payload = "\n\n".join(" ".join(text.split()) for text in texts).encode("utf-8")
    started = time.perf_counter()
    subprocess.run(["apertium", "eng-spa"], input=payload, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def raw_argos(record: str) -> float:
    started = time.perf_counter()
    import ctranslate2

    inputs = json.loads(Path(record).read_text(encoding="utf-8"))["inputs"]
    options, tokens = inputs[0], inputs[1:]
    translator = ctranslate2.Translator(options["model"], **options["translator"])
    prefix = [[options["target_prefix"]]] * len(tokens) if options["target_prefix"] else None
    translator.translate_batch(tokens, target_prefix=prefix, batch_type="tokens",
                               max_batch_size=options["max_batch_size"], beam_size=options["beam_size"],
                               max_decoding_length=options["max_decoding_length"], length_penalty=0.2)
    return time.perf_counter() - started


def write_paragraph_archive(folder: Path, paragraphs: int, per_post: int = 4) -> int:
    """The Argos side's archive: `paragraphs` generated paragraphs, `per_post` to a post."""
    from argos_fixture import generated_paragraphs

    folder.mkdir(parents=True)
    texts = generated_paragraphs(paragraphs)
    posts = 0
    for start in range(0, len(texts), per_post):
        body = "\n".join(f"<p>{text}</p>" for text in texts[start:start + per_post])
        (folder / f"post-{posts:04d}.html").write_text(f"<h1>Paragraphs from {start}</h1>\n{body}\n",
                                                       encoding="utf-8")
        posts += 1
    return posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["apertium", "argos"], default="apertium")
    parser.add_argument("--posts", type=int, default=600, help="Apertium side: posts of benchmarks/archive.py")
    parser.add_argument("--paragraphs", type=int, default=120, help="Argos side: generated paragraphs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "run":
            whole_run(*rest)
        else:
            print(json.dumps(raw_apertium(rest[0]) if kind == "raw-apertium" else raw_argos(rest[0])))
        return
    with tempfile.TemporaryDirectory(prefix="polypost-ceiling-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        if args.engine == "argos":
            from engine_throughput import isolate_argos

            isolate_argos(work)
            env = dict(os.environ)
            from argos_fixture import assemble_package

            from polypost.translate.argos_packages import install_from_file

            install_from_file(assemble_package(work / "build", size="base", splitter=True))
            described = f"{write_paragraph_archive(work / 'archive', args.paragraphs)} posts, {args.paragraphs} paragraphs"
        else:
            from archive import write_archive

            write_archive(work / "archive", args.posts)
            described = f"{args.posts} posts"
        record = str(work / "record.json")
        subprocess.run([sys.executable, __file__, "--child", "run", str(work / "p.db"), str(work / "site"),
                        str(work / "archive"), args.engine, record], check=True, env=env)
        whole = json.loads(Path(record).read_text(encoding="utf-8"))
        texts = len(whole["inputs"]) - (args.engine == "argos")
        raw = json.loads(subprocess.run([sys.executable, __file__, "--child", f"raw-{args.engine}", record],
                                        check=True, env=env, capture_output=True, text=True).stdout)
        unit = "sentences" if args.engine == "argos" else "paragraphs"
        print(f"{args.engine}, {described}, {texts} {unit} sent to the engine, {os.cpu_count()} cores")
        print(f"whole polypost run: {whole['seconds']:.2f} s")
        print(f"raw engine:         {raw:.2f} s")
        print(f"ratio:              {whole['seconds'] / raw:.2f}x")


if __name__ == "__main__":
    main()
