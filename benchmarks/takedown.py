"""One source post deleted from a big archive: the rerun that takes its pair off the site.

    .venv/bin/python benchmarks/takedown.py --posts 5000

Builds the archive of benchmarks/archive.py (HTML files in one folder), ingests it, gives every
post a stored Spanish twin (the engine is not what is measured here), publishes, then deletes one
file and times the rerun: ingest (every other post unchanged, the deleted one found gone) and
publish (the pair's two pages removed, homes, feeds and sitemap rewritten). Prints seconds per
stage and what changed on disk; checks that exactly that pair left the site.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import peak_rss_mb, write_archive  # noqa: E402

from polypost.config import load_config  # noqa: E402
from polypost.publish.stage import publish_store  # noqa: E402
from polypost.records import Translation  # noqa: E402
from polypost.sources.stage import ingest  # noqa: E402
from polypost.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polypost-takedown-") as tmp:
        tmp_path = Path(tmp)
        archive, db, out = tmp_path / "archive", tmp_path / "p.db", tmp_path / "site"
        write_archive(archive, args.posts)
        config = load_config(environ={}, db_path=str(db), out_dir=str(out), base_url="https://blog.example.com/")
        store = Store.open(db)
        started = time.perf_counter()
        ingest(store, [str(archive)])
        first_ingest = time.perf_counter() - started
        for post in store.iter_posts(bodies=True):
            store.save_translation(Translation(post_id=post.id, lang="es", title=post.title + " (es)",
                                               slug=post.slug + "-es", html=post.html, source_hash=post.content_hash,
                                               translated_at="2025-01-01T00:00:00+00:00"))
        started = time.perf_counter()
        first = publish_store(store, config)
        first_publish = time.perf_counter() - started
        victim = sorted(archive.glob("*.html"))[len(list(archive.glob("*.html"))) // 2]
        slug = victim.stem
        victim.unlink()
        started = time.perf_counter()
        report = ingest(store, [str(archive)])
        rerun_ingest = time.perf_counter() - started
        started = time.perf_counter()
        second = publish_store(store, config)
        rerun_publish = time.perf_counter() - started
        left = [p for p in out.rglob("*") if p.is_file() and slug.encode() in p.read_bytes()]
        result = {
            "posts": args.posts,
            "first run": {"ingest_s": round(first_ingest, 2), "publish_s": round(first_publish, 2),
                          "pages": first["published"]},
            "rerun after deleting one file": {
                "ingest_s": round(rerun_ingest, 2), "publish_s": round(rerun_publish, 2),
                "total_s": round(rerun_ingest + rerun_publish, 2), "gone": len(report.gone),
                "pages": second["published"], "files_written": second["written"], "files_removed": second["removed"],
                "files_still_naming_it": len(left)},
            "peak_rss_mb": peak_rss_mb(),
        }
        print(json.dumps(result, indent=2))
        assert report.gone and len(report.gone) == 1 and second["removed"] == 2 and not left, result
        store.close()


if __name__ == "__main__":
    main()
