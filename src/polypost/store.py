"""The SQLite database: one file per data folder, schema made only by migrations.

Migrations follow simonw/llm's pattern: each is a small named function appended to an
ordered list by `@migration`; `migrate(db)` applies those not yet recorded in
`_polypost_migrations`. A migration that has shipped is never edited: add a new one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from polypost.records import Post, SourcePost, Translation

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []
MIGRATIONS_TABLE = "_polypost_migrations"


def migration(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    MIGRATIONS.append(fn)
    return fn


def now(precise: bool = False) -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds" if precise else "seconds")


@migration
def m001_posts(db: sqlite_utils.Database) -> None:
    db["posts"].create(
        {
            "id": str,
            "source": str,
            "origin": str,
            "url": str,
            "slug": str,
            "lang": str,
            "lang_confidence": float,
            "title": str,
            "author": str,
            "published": str,
            "html": str,
            "meta": str,  # json: description, image, tags
            "comments": str,  # json list of Comment
            "content_hash": str,
            "ingested_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db["posts"].create_index(["slug"], unique=True)


@migration
def m002_translations(db: sqlite_utils.Database) -> None:
    db["translations"].create(
        {
            "post_id": str,
            "lang": str,
            "title": str,
            "slug": str,
            "html": str,
            "description": str,
            "status": str,
            "engine": str,
            "source_hash": str,
            "glossary_report": str,
            "qa_report": str,
            "published_path": str,
            "translated_at": str,
        },
        pk=("post_id", "lang"),
        foreign_keys=[("post_id", "posts", "id")],
    )
    db["translations"].create_index(["lang", "slug"], unique=True)


@migration
def m003_memory(db: sqlite_utils.Database) -> None:
    db["memory"].create(
        {
            "source_hash": str,
            "source_lang": str,
            "target_lang": str,
            "engine": str,
            "engine_version": str,
            "terms_hash": str,
            "source_text": str,
            "target_text": str,
            "origin": str,
            "qa_flags": str,
            "created_at": str,
        },
        pk=("source_hash", "source_lang", "target_lang", "engine", "engine_version", "terms_hash"),
    )
    db["memory"].create_index(["source_hash", "source_lang", "target_lang", "origin"])


@migration
def m004_runs_and_failures(db: sqlite_utils.Database) -> None:
    db["runs"].create(
        {"id": int, "command": str, "started_at": str, "finished_at": str, "summary": str},
        pk="id",
    )
    db["failures"].create(
        {
            "id": int,
            "run_id": int,
            "post": str,  # a post id, or the origin when no post was made
            "origin": str,
            "stage": str,
            "error": str,
            "created_at": str,
        },
        pk="id",
    )
    db["failures"].create_index(["run_id"])


@migration
def m005_http_cache(db: sqlite_utils.Database) -> None:
    # Conditional GET per URL, so a nightly run fetches only what changed.
    db["http_cache"].create(
        {
            "url": str,
            "etag": str,
            "last_modified": str,
            "status": int,
            "content_hash": str,
            "fetched_at": str,
        },
        pk="url",
    )


@migration
def m006_shares(db: sqlite_utils.Database) -> None:
    # What `polypost share --new` has already handed out.
    db["shares"].create({"post_id": str, "lang": str, "shared_at": str}, pk=("post_id", "lang"))


@migration
def m007_publish_state(db: sqlite_utils.Database) -> None:
    # What the last publish into each folder was made from, so an unchanged site is not rebuilt.
    db["publish_state"].create(
        {"out_dir": str, "fingerprint": str, "pages": int, "published_at": str}, pk="out_dir"
    )


@migration
def m008_shares_slug(db: sqlite_utils.Database) -> None:
    # The address a share was made for: a page that moves to a new slug is new to share again.
    db["shares"].add_column("slug", str)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied."""
    if not db[MIGRATIONS_TABLE].exists():
        db[MIGRATIONS_TABLE].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db[MIGRATIONS_TABLE].rows}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db.conn:
            fn(db)
            db[MIGRATIONS_TABLE].insert({"name": fn.__name__, "applied_at": now()})
        applied.append(fn.__name__)
    return applied


class StoreError(Exception):
    pass


class StoredText:
    """A long text column read from the database each time it is used, never kept.

    Publishing walks every post of an archive but needs each body only while it renders
    that post's page: holding them all would make memory grow with the archive."""

    def __init__(self, db: sqlite_utils.Database, table: str, column: str, where: str, params: Sequence[Any]):
        self._db, self._sql, self._params = db, f"select [{column}] from [{table}] where {where}", list(params)

    def __str__(self) -> str:
        row = self._db.execute(self._sql, self._params).fetchone()
        return (row[0] or "") if row else ""

    def __html__(self) -> str:  # Jinja2/markupsafe: stored bodies are trusted HTML
        return str(self)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        # WAL lets a reader (status) look while a run writes, and survives a kill -9 mid-write.
        db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database and loses nothing when a process is
        # killed; only a power cut may drop the last commits, which the next run redoes. FULL
        # would fsync once per post.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except Exception as exc:  # sqlite3.DatabaseError for a file that is not a database, OSError, ...
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    return db


class Store:
    """The plain API over the database that the stages use."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> "Store":
        return cls(open_db(path))

    # posts -------------------------------------------------------------
    def get_post(self, post_id: str) -> Post | None:
        rows = list(self.db["posts"].rows_where("id = ? or slug = ?", [post_id, post_id]))
        return Post.from_row(rows[0]) if rows else None

    def iter_posts(self, where: str | None = None, params: Sequence[Any] = (), bodies: bool = True) -> Iterator[Post]:
        """Posts newest first; with bodies=False each html is a StoredText, read when used."""
        columns = [c for c in self.db["posts"].columns_dict if bodies or c != "html"]
        select = ", ".join(f"[{c}]" for c in columns)
        for row in self.db["posts"].rows_where(where, params, order_by="published desc, id", select=select):
            if not bodies:
                row["html"] = StoredText(self.db, "posts", "html", "id = ?", [row["id"]])
            yield Post.from_row(row)

    def content_hashes(self) -> dict[str, str]:
        return {r["id"]: r["content_hash"] for r in self.db.query("select id, content_hash from posts")}

    def _free_slug(self, wanted: str, post_id: str) -> str:
        from polypost.slugs import unique_slug

        return unique_slug(wanted, self._slugs_like("posts", "id", wanted, post_id))

    def _slugs_like(self, table: str, id_column: str, wanted: str, except_id: str, lang: str | None = None) -> set[str]:
        """The slugs `unique_slug(wanted, ...)` could collide with: those sharing its first
        characters. An index range, not the whole table: an archive ingests thousands of posts."""
        from polypost.slugs import slugify

        prefix = (slugify(wanted) or "post")[:60].rstrip("-")
        where = f"slug >= ? and slug < ? and {id_column} != ?" + (" and lang = ?" if lang else "")
        params = [prefix, prefix + "\uffff", except_id] + ([lang] if lang else [])
        return {r["slug"] for r in self.db.query(f"select slug from [{table}] where {where}", params)}

    def upsert_post(self, source_post: SourcePost, lang: str, lang_confidence: float,
                    content_hash: str | None = None) -> tuple[str, str]:
        """Store a post; return (post id, "new" | "updated" | "unchanged"). `content_hash`:
        the post's, when the caller has already computed it."""
        from polypost.slugs import slugify

        post_id = source_post.post_id()
        content_hash = content_hash or source_post.content_hash()
        existing = self.db["posts"].get(post_id) if self._has_post(post_id) else None
        if existing and existing["content_hash"] == content_hash:
            return post_id, "unchanged"
        stamp = now()
        wanted = slugify(source_post.slug or source_post.title) or post_id
        slug = existing["slug"] if existing else self._free_slug(wanted, post_id)
        row = {
            "id": post_id,
            "source": source_post.source,
            "origin": source_post.origin,
            "url": source_post.url,
            "slug": slug,
            "lang": lang,
            "lang_confidence": lang_confidence,
            "title": source_post.title,
            "author": source_post.author,
            "published": source_post.published,
            "html": source_post.html,
            "meta": json.dumps(
                {
                    "description": source_post.description,
                    "image": source_post.image,
                    "tags": source_post.tags,
                },
                ensure_ascii=False,
            ),
            "comments": json.dumps([c.to_dict() for c in source_post.comments], ensure_ascii=False),
            "content_hash": content_hash,
            "ingested_at": existing["ingested_at"] if existing else stamp,
            "updated_at": stamp,
        }
        with self.db.conn:
            self.db["posts"].upsert(row, pk="id")
        return post_id, ("updated" if existing else "new")

    def _has_post(self, post_id: str) -> bool:
        return bool(self.db.execute("select 1 from posts where id = ?", [post_id]).fetchone())

    # translations --------------------------------------------------------
    def get_translation(self, post_id: str, lang: str) -> Translation | None:
        rows = list(self.db["translations"].rows_where("post_id = ? and lang = ?", [post_id, lang]))
        return Translation.from_row(rows[0]) if rows else None

    def iter_translations(self, lang: str, reports: bool = True) -> Iterator[Translation]:
        """Every translation into `lang`. With reports=False (publishing) the glossary and QA
        reports are left out and each html is a StoredText, read when used."""
        select = "*" if reports else (
            "post_id, lang, title, slug, description, status, engine, source_hash, "
            "published_path, translated_at")
        for row in self.db["translations"].rows_where("lang = ?", [lang], select=select):
            if not reports:
                row["html"] = StoredText(self.db, "translations", "html", "post_id = ? and lang = ?",
                                         [row["post_id"], lang])
            yield Translation.from_row(row)

    def taken_translation_slugs(self, lang: str, except_post: str, wanted: str) -> set[str]:
        """Slugs of other translations into `lang` that a slug made from `wanted` could take."""
        return self._slugs_like("translations", "post_id", wanted, except_post, lang)

    def save_translation(self, translation: Translation) -> None:
        row = {
            "post_id": translation.post_id,
            "lang": translation.lang,
            "title": translation.title,
            "slug": translation.slug,
            "html": translation.html,
            "description": translation.description,
            "status": translation.status,
            "engine": translation.engine,
            "source_hash": translation.source_hash,
            "glossary_report": json.dumps(translation.glossary_report, ensure_ascii=False),
            "qa_report": json.dumps(translation.qa_report, ensure_ascii=False),
            "published_path": translation.published_path,
            "translated_at": translation.translated_at or now(),
        }
        with self.db.conn:
            self.db["translations"].upsert(row, pk=("post_id", "lang"))

    def set_published_paths(self, lang: str, paths: dict[str, str | None]) -> None:
        """post id -> published path (None: not published), in one transaction."""
        with self.db.conn:
            self.db.conn.executemany(
                "update translations set published_path = ? where post_id = ? and lang = ? "
                "and published_path is not ?",
                [(path, post_id, lang, path) for post_id, path in paths.items()],
            )

    def publish_state(self, out_dir: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from publish_state where out_dir = ?", [out_dir]))
        return rows[0] if rows else None

    def save_publish_state(self, out_dir: str, fingerprint: str | None, pages: int) -> None:
        with self.db.conn:
            self.db["publish_state"].upsert(
                {"out_dir": out_dir, "fingerprint": fingerprint, "pages": pages, "published_at": now()},
                pk="out_dir",
            )

    # runs and failures ---------------------------------------------------
    def start_run(self, command: str) -> int:
        with self.db.conn:
            return self.db["runs"].insert({"command": command, "started_at": now()}).last_pk

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.db.conn:
            self.db["runs"].update(
                run_id, {"finished_at": now(), "summary": json.dumps(summary, ensure_ascii=False)}
            )

    def record_failure(self, run_id: int | None, post: str, stage: str, error: str, origin: str = "") -> None:
        with self.db.conn:
            self.db["failures"].insert(
                {
                    "run_id": run_id,
                    "post": post,
                    "origin": origin,
                    "stage": stage,
                    "error": error,
                    "created_at": now(),
                }
            )

    def last_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from runs order by id desc limit 1"))
        if not rows:
            return None
        run = dict(rows[0])
        run["summary"] = json.loads(run["summary"]) if run.get("summary") else None
        run["failures"] = list(
            self.db.query(
                "select post, origin, stage, error from failures where run_id = ? order by id", [run["id"]]
            )
        )
        return run
