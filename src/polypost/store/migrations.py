"""The schema, made only by migrations.

Migrations follow simonw/llm's pattern: each is a small named function appended to an
ordered list by `@migration`; `migrate(db)` applies those not yet recorded in
`_polypost_migrations`, each in its own transaction. A migration that has shipped is never
edited: add a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from polypost.records import body_hash
from polypost.store.clock import now

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []
MIGRATIONS_TABLE = "_polypost_migrations"


def migration(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    MIGRATIONS.append(fn)
    return fn


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


@migration
def m009_post_states(db: sqlite_utils.Database) -> None:
    # Posts taken off the site, and why: "gone" (the source no longer has it), "removed" (a person
    # took it down), "excluded" (a person said never to translate or publish it). The post row
    # itself stays: nothing stored is lost, and a post that comes back is published again.
    db["post_states"].create({"post_id": str, "state": str, "reason": str, "recorded_at": str}, pk="post_id")


@migration
def m010_post_slugs_per_language(db: sqlite_utils.Database) -> None:
    # A post's page lives in its language's folder: an English post and a Spanish one (its human
    # translation, say) may both be "reach". Unique per language, and still found by slug alone.
    for index in db["posts"].indexes:
        if index.unique and index.columns == ["slug"]:
            db.execute(f"drop index [{index.name}]")
    db["posts"].create_index(["lang", "slug"], unique=True, index_name="idx_posts_lang_slug")
    db["posts"].create_index(["slug"], index_name="idx_posts_slug_lookup")



@migration
def m011_posts_source_digest(db: sqlite_utils.Database) -> None:
    # A file's bytes and reading settings when its post was stored: a rerun passes the file over
    # without parsing it when they are the same (NULL: read it, as before).
    db["posts"].add_column("source_digest", str)
    db["posts"].create_index(["origin"], index_name="idx_posts_origin")



@migration
def m012_translation_tags(db: sqlite_utils.Database) -> None:
    # A translation's tags, translated like its title (JSON list): Spanish pages and share kits
    # show them instead of the English ones.
    db["translations"].add_column("tags", str)


@migration
def m013_translation_html_hash(db: sqlite_utils.Database) -> None:
    # The hash of a translation's body, saved with it: publishing tells an unchanged page from its
    # fingerprint without reading every body of the archive (the posts' content_hash covers theirs).
    db["translations"].add_column("html_hash", str)
    last = -1
    while True:  # a few hundred bodies at a time: a big archive's are never all in memory
        rows = db.execute("select rowid, html from translations where rowid > ? order by rowid limit 500",
                          [last]).fetchall()
        if not rows:
            break
        db.conn.executemany("update translations set html_hash = ? where rowid = ?",
                            [(body_hash(html or ""), rowid) for rowid, html in rows])
        last = rows[-1][0]


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
