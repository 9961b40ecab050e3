"""The store: migrations, idempotent upserts, failures, on real SQLite files."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from polypost.records import Comment, SourcePost
from polypost.store import MIGRATIONS, MIGRATIONS_TABLE, Store, StoreError, migrate, open_db


def make_post(**changes) -> SourcePost:
    values = dict(
        origin="posts/hello.md",
        title="Hello social media",
        html="<p>Community managers love engagement.</p>",
        author="Ana",
        published="2024-05-01",
        tags=["social media"],
        comments=[Comment(author="Lucía", html="<p>¡Gracias por el artículo!</p>", lang="es")],
    )
    values.update(changes)
    return SourcePost(**values)


def test_fresh_database_gets_every_migration_once(tmp_path):
    db = open_db(tmp_path / "p.db")
    names = [row["name"] for row in db[MIGRATIONS_TABLE].rows]
    assert names == [fn.__name__ for fn in MIGRATIONS]
    assert migrate(db) == []  # a second open applies nothing
    assert {"posts", "translations", "memory", "runs", "failures"} <= set(db.table_names())


def test_older_schema_is_migrated_forward_keeping_data(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db[MIGRATIONS_TABLE].create({"name": str, "applied_at": str}, pk="name")
    # A database left by a version that only had the first migration.
    MIGRATIONS[0](db)
    db[MIGRATIONS_TABLE].insert({"name": MIGRATIONS[0].__name__, "applied_at": "2024-01-01"})
    db["posts"].insert({"id": "abc", "slug": "kept", "title": "Kept", "html": "<p>x</p>",
                        "source": "files", "origin": "x.md", "content_hash": "h"})
    db.conn.close()
    store = Store.open(path)
    assert store.get_post("abc").title == "Kept"
    assert "memory" in store.db.table_names()


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_db(path)


def test_upsert_is_idempotent_and_detects_changes(tmp_path):
    store = Store.open(tmp_path / "p.db")
    post_id, state = store.upsert_post(make_post(), "en", 0.99)
    assert state == "new"
    assert store.upsert_post(make_post(), "en", 0.99) == (post_id, "unchanged")
    changed = make_post(html="<p>Community managers love reach.</p>")
    assert store.upsert_post(changed, "en", 0.99) == (post_id, "updated")
    post = store.get_post(post_id)
    assert post.html == changed.html
    assert post.comments[0].author == "Lucía"
    assert post.slug == "hello-social-media"
    assert store.get_post("hello-social-media").id == post_id


def test_slugs_stay_unique_across_posts(tmp_path):
    store = Store.open(tmp_path / "p.db")
    first, _ = store.upsert_post(make_post(origin="a.md"), "en", 1.0)
    second, _ = store.upsert_post(make_post(origin="b.md"), "en", 1.0)
    assert store.get_post(first).slug != store.get_post(second).slug


def test_runs_and_failures_are_recorded(tmp_path):
    store = Store.open(tmp_path / "p.db")
    run_id = store.start_run("ingest")
    store.record_failure(run_id, "bad.md", "ingest", "malformed front matter", origin="bad.md")
    store.finish_run(run_id, {"ingested": 0})
    run = store.last_run()
    assert run["summary"] == {"ingested": 0}
    assert run["failures"][0]["error"] == "malformed front matter"


def test_wal_mode(tmp_path):
    db = open_db(tmp_path / "p.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert isinstance(db.conn, sqlite3.Connection)


def test_detected_comment_languages_do_not_change_the_content_hash():
    post = make_post()
    before = post.content_hash()
    post.comments[0].lang, post.comments[0].lang_confidence = "es", 0.99
    assert post.content_hash() == before
    post.comments[0].html = "<p>¡Gracias, de verdad!</p>"
    assert post.content_hash() != before


def test_reingesting_a_page_with_comments_skips_detection(tmp_path, samples, monkeypatch):
    import polypost.sources.stage as ingest_module

    store = Store.open(tmp_path / "p.db")
    page = samples / "social-media-is-a-conversation.html"
    assert ingest_module.ingest(store, [str(page)]).ingested == 1
    calls = []
    monkeypatch.setattr(ingest_module, "detect_post", lambda *a: calls.append(a) or ("en", 1.0))
    again = ingest_module.ingest(store, [str(page)])
    assert again.unchanged == 1 and calls == []
