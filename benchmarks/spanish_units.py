"""Machine Spanish unit by unit, as the translate stage makes it: glossary protection, Apertium
(its reply with unknown-word marks kept), the glossary's terms back, then the variant's
post-editing. Used by spanish_quality.py and to rebuild tests/data/qa/units.json for labelling.

    .venv/bin/python benchmarks/spanish_units.py data/samples/social-media-is-a-conversation.html \
        tests/data/qa/stop-posting-start-talking.md > /tmp/units.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from polypost.config import load_config
from polypost.pipeline import load_glossary
from polypost.postedit import post_editor
from polypost.store import Store
from polypost.translate.apertium import ApertiumEngine, unknown_words
from polypost.translate.keys import is_kept, post_documents


def ingest(paths: list[str], db: Path) -> Store:
    subprocess.run([sys.executable, "-m", "polypost", "--db", str(db), "-q", "ingest", *paths], check=True,
                   stdout=subprocess.DEVNULL)
    return Store.open(db)


def machine_units(paths: list[str], tags: tuple[str, ...] = ("es-419",)) -> list[dict]:
    """One dict per translated segment: post, field, index, source, marked (Apertium's reply),
    restored (the engine's text with the glossary's terms), terms, and per tag its post-edited text."""
    with tempfile.TemporaryDirectory() as folder:
        store = ingest(paths, Path(folder) / "u.db")
        glossary = load_glossary(load_config(None, db_path=str(Path(folder) / "u.db")))
        slots = []
        for post in store.iter_posts():
            if post.lang != "en":
                continue
            for name, doc in post_documents(post).items():
                for segment in doc.segments:
                    if not is_kept(segment, "en", "es"):
                        slots.append((post, name, segment, glossary.protect(segment.text, engine="apertium")))
    engine = ApertiumEngine("en", "es")
    try:
        cores = [(i, p.text.strip()) for i, (_, _, _, p) in enumerate(slots) if p.text.strip()]
        marked = engine._translate_pipelined(cores)  # the raw replies, marks and all
    finally:
        engine.close()
    units = []
    for i, (post, name, segment, protected) in enumerate(slots):
        reply = marked.get(i, "")
        restored = glossary.restore(protected, _clean(reply, protected.text))
        units.append({"post": Path(post.origin).name if post.origin else post.id, "field": name, "index": segment.index,
                      "source": segment.text, "marked": reply, "restored": restored,
                      "terms": [m.target_form for m in protected.matches]})
    for tag in tags:
        editor = post_editor(tag)
        edited = editor.edit([(u["source"], u["restored"]) for u in units], keep=[u["terms"] for u in units])
        for unit, result in zip(units, edited):
            unit[tag] = result.text
    return units


def _clean(reply: str, source: str) -> str:
    # What ApertiumEngine.translate does to a reply: marks removed, spacing tidied.
    from polypost.translate.apertium import _remove_marks, _tidy  # noqa: PLC0415 (a benchmark's helper)

    return _tidy(_remove_marks(reply, source), source).strip()


def engine_flags_of(unit: dict) -> list[dict]:
    return unknown_words(unit["marked"], unit["source"])


if __name__ == "__main__":
    json.dump(machine_units(sys.argv[1:]), sys.stdout, ensure_ascii=False, indent=1)
