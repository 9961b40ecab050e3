"""Publishing, before and after a change, on the same archive in the same run: a first publish
into an empty folder, and the publish after a 1% edit (benchmarks/archive.py's archive and edit).

    .venv/bin/python benchmarks/publish_incremental.py --posts 1000 --posts 2000 --before e69927e

The archive is ingested and translated once (Apertium) with this checkout's code; each side then
publishes copies of the same two databases (before and after the edit) in a process of its own,
with its own `src/` first on the path (`--before REV`: that revision's src/, taken with git
archive). Both sides' sites are compared file by file (the manifest aside) and the result printed.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from archive import edit_one_percent, write_archive  # noqa: E402

MANIFEST = ".polypost-manifest.json"


def prepare(db: str, archive: str) -> dict:
    """Ingest and translate `archive` into `db` (this checkout's code)."""
    from polypost.config import load_config
    from polypost.pipeline import load_glossary, open_engine
    from polypost.sources.stage import ingest
    from polypost.store import Store
    from polypost.translate.stage import translate_posts

    config = load_config(environ={}, db_path=db, out_dir=str(Path(db).parent / "unused"), engine="apertium")
    store = Store.open(db)
    ingest(store, [archive])
    engine = open_engine(config)
    translated = translate_posts(store, engine, load_glossary(config))
    engine.close()
    return {"translated": translated.translated}


def publish_twice(first_db: str, edited_db: str, out: str) -> dict:
    """Publish `first_db` into the empty `out`, then `edited_db` into the same `out`: seconds of each."""
    from polypost.config import load_config
    from polypost.publish.stage import publish_store
    from polypost.store import Store

    figures = {}
    for name, db in (("first", first_db), ("edit", edited_db)):
        config = load_config(environ={}, db_path=db, out_dir=out, engine="apertium")
        store = Store.open(db)
        started = time.perf_counter()
        result = publish_store(store, config)
        figures[name] = {"seconds": round(time.perf_counter() - started, 2), "written": result["written"],
                         "unchanged": result["unchanged"]}
    return figures


def child(src: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT / 'benchmarks'}"}
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True,
                          text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_tree(left: Path, right: Path) -> bool:
    names = {p.relative_to(left) for p in left.rglob("*") if p.is_file() and p.name != MANIFEST}
    if names != {p.relative_to(right) for p in right.rglob("*") if p.is_file() and p.name != MANIFEST}:
        return False
    return all(filecmp.cmp(left / name, right / name, shallow=False) for name in names)


def bench(posts: int, before_src: Path, tmp: Path) -> dict:
    archive, first_db = tmp / "archive", tmp / "first.db"
    write_archive(archive, posts)
    child(ROOT / "src", "prepare", str(first_db), str(archive))
    edited_db = tmp / "edited.db"
    shutil.copy(first_db, edited_db)
    edited = edit_one_percent(archive)
    child(ROOT / "src", "prepare", str(edited_db), str(archive))
    sides = {}
    for side, src in (("before", before_src), ("after", ROOT / "src")):
        dbs = [tmp / f"{side}-{name}.db" for name in ("first", "edited")]
        shutil.copy(first_db, dbs[0])
        shutil.copy(edited_db, dbs[1])
        sides[side] = child(src, "publish", str(dbs[0]), str(dbs[1]), str(tmp / f"site-{side}"))
    fresh_db = tmp / "fresh.db"
    shutil.copy(edited_db, fresh_db)  # the edited store into an empty folder: what the incremental site must equal
    child(ROOT / "src", "publish", str(fresh_db), str(fresh_db), str(tmp / "site-fresh"))
    return {"posts": posts, "edited": edited, **sides,
            "sites_identical": same_tree(tmp / "site-before", tmp / "site-after")
            and same_tree(tmp / "site-after", tmp / "site-fresh")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, action="append")
    parser.add_argument("--before", default="e69927e", help="the revision to compare with")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        print(json.dumps(prepare(*rest) if kind == "prepare" else publish_twice(*rest)))
        return
    with tempfile.TemporaryDirectory(prefix="polypost-publish-bench-") as tmp_name:
        tmp = Path(tmp_name)
        before_src = tmp / "before"
        before_src.mkdir()
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"], check=True,
                             capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before_src)], input=tar, check=True)
        for posts in args.posts or [1000]:
            folder = tmp / f"n{posts}"
            folder.mkdir()
            figures = bench(posts, before_src / "src", folder)
            print(f"== {posts} posts, 1% edit = {figures['edited']} posts; sites identical: {figures['sites_identical']}")
            for side in ("before", "after"):
                first, edit = figures[side]["first"], figures[side]["edit"]
                print(f"  {side:6}  first publish {first['seconds']:6.2f} s ({first['written']} files)   "
                      f"1% edit publish {edit['seconds']:6.2f} s ({edit['written']} written, "
                      f"{edit['unchanged']} unchanged)")


if __name__ == "__main__":
    main()
