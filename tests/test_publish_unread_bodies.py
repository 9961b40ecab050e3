"""A rerun's publish tells unchanged pages from the store's hashes without reading their bodies;
the hash of a translation's body is saved with it (and computed for a database from before), and
the records a publish builds are kept out of Python's cyclic collector only while it runs."""

from __future__ import annotations

import gc
import json

import sqlite_utils

from polypost.config import load_config
from polypost.publish import heap
from polypost.publish.atomic import MANIFEST_NAME
from polypost.publish.stage import publish_store
from polypost.records import SourcePost, Translation, body_hash
from polypost.store import MIGRATIONS, MIGRATIONS_TABLE, Store
from polypost.store.database import StoredText

POSTS = 30


def archive(tmp_path):
    config = load_config(environ={}, db_path=str(tmp_path / "p.db"), out_dir=str(tmp_path / "site"))
    config.page_size, config.feed_size = 5, 5
    store = Store.open(config.db_path)
    ids = []
    for n in range(POSTS):
        post_id, _ = store.upsert_post(SourcePost(
            origin=f"https://old.example.com/post-{n}/", url=f"https://old.example.com/post-{n}/",
            title=f"Post {n}", html=f"<p>The body of post {n}, with words to summarize.</p>", slug=f"post-{n}",
            published=f"2024-01-{n + 1:02d}"), "en", 0.99)
        ids.append(post_id)
    store.save_translations([spanish(post_id, n, "El cuerpo") for n, post_id in enumerate(ids)])
    return config, store, ids


def spanish(post_id: str, n: int, words: str) -> Translation:
    # The same second for every save: the body's hash, not the time, says the text changed.
    return Translation(post_id=post_id, lang="es", title=f"Entrada {n}", slug=f"entrada-{n}",
                       html=f"<p>{words} de la entrada {n}.</p>", translated_at="2024-06-01T00:00:00+00:00")


def test_a_changed_translation_is_published_and_unchanged_bodies_are_not_read(tmp_path, monkeypatch):
    config, store, ids = archive(tmp_path)
    assert publish_store(store, config)["written"] > 2 * POSTS
    # The oldest post: on the last home pages and in no feed.
    store.save_translations([spanish(ids[0], 0, "El texto nuevo")])
    reads = []
    real_text = StoredText.text
    monkeypatch.setattr(StoredText, "text", lambda self: reads.append(self._params) or real_text(self))
    result = publish_store(store, config)
    page = (tmp_path / "site/es/entrada-0/index.html").read_text(encoding="utf-8")
    assert "El texto nuevo de la entrada 0." in page
    assert result["failed"] == []
    # The edited body (its page, its home's summary) and the four others that home lists, not
    # the sixty bodies of the site; each read is a new query, so they are counted one by one.
    assert 1 <= len(reads) <= 12, reads
    assert {tuple(params)[0] for params in reads} <= set(ids[:5])


def test_saving_a_translation_stores_the_hash_of_its_body(tmp_path):
    _, store, ids = archive(tmp_path)
    stored = {t.post_id: t for t in store.iter_translations("es", reports=False)}
    assert stored[ids[3]].html_hash == body_hash("<p>El cuerpo de la entrada 3.</p>")


def test_a_database_from_before_gets_the_hashes_of_its_bodies(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db[MIGRATIONS_TABLE].create({"name": str, "applied_at": str}, pk="name")
    before = [fn for fn in MIGRATIONS if fn.__name__ < "m013"]
    for fn in before:
        fn(db)
        db[MIGRATIONS_TABLE].insert({"name": fn.__name__, "applied_at": "2026-01-01"})
    # More than one batch of the migration's.
    db["translations"].insert_all({"post_id": f"p{n}", "lang": "es", "title": "T", "slug": f"t{n}",
                                   "html": f"<p>¡Hola, mundo {n}!</p>", "status": "machine"} for n in range(1201))
    db.conn.close()
    store = Store.open(path)
    translations = {t.post_id: t for t in store.iter_translations("es", reports=False)}
    assert len(translations) == 1201
    for n in (0, 499, 500, 1200):
        assert translations[f"p{n}"].html_hash == body_hash(f"<p>¡Hola, mundo {n}!</p>")
        assert str(translations[f"p{n}"].html) == f"<p>¡Hola, mundo {n}!</p>"
    assert all(t.html_hash for t in translations.values())


def test_records_are_frozen_while_a_publish_runs_and_given_back_after_it():
    assert gc.get_freeze_count() == 0
    records = [{"page": n} for n in range(1000)]
    with heap.publishing():
        with heap.records_built():
            assert not gc.isenabled()
            more = [{"page": n} for n in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(records) + len(more)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_publish_that_fails_gives_the_records_back_too(tmp_path):
    config, store, _ = archive(tmp_path)
    config.base_url = "not a url"
    result = publish_store(store, config)
    assert result["failed"] and "base_url" in result["failed"][0]["error"]
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_site_published_without_the_stage_gives_the_records_back(tmp_path):
    from polypost.publish.records import PublishItem, PublishSettings
    from polypost.publish.site import publish_site
    from polypost.records import Post

    post = Post(id="p1", source="url", origin="https://old.example.com/a/", title="A", html="<p>Words.</p>",
                slug="a", content_hash="h1", url="https://old.example.com/a/", lang="en")
    result = publish_site([PublishItem(post=post, translation=None)], tmp_path, PublishSettings())
    assert result.paths[("p1", "en")] == "en/a/index.html"
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_a_rerun_takes_the_summaries_of_unchanged_bodies_from_the_last_publish(tmp_path, monkeypatch):
    config, store, ids = archive(tmp_path)
    publish_store(store, config)
    store.save_translations([spanish(ids[0], 0, "El texto nuevo")])
    reads = []
    real_text = StoredText.text
    monkeypatch.setattr(StoredText, "text", lambda self: reads.append(self._params) or real_text(self))
    publish_store(store, config)
    # The edited body alone: its page and its home's summary; the four others that home lists
    # are summarised from the manifest.
    assert {tuple(params)[0] for params in reads} == {ids[0]}
    monkeypatch.setattr(StoredText, "text", real_text)
    # The right answer: the same site published from scratch, where every summary is made anew.
    fresh = load_config(environ={}, db_path=config.db_path, out_dir=str(tmp_path / "fresh"))
    fresh.page_size, fresh.feed_size = 5, 5
    publish_store(store, fresh)
    for page in ("es/index.html", "es/page/6/index.html", "en/page/6/index.html", "es/entrada-0/index.html"):
        assert (tmp_path / "site" / page).read_bytes() == (tmp_path / "fresh" / page).read_bytes(), page


def test_summaries_kept_by_another_version_are_made_again(tmp_path, monkeypatch):
    from polypost.publish import summaries

    config, store, ids = archive(tmp_path)
    publish_store(store, config)
    manifest_path = tmp_path / "site" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    kept = manifest["summaries"]
    assert kept["made_by"] == summaries.MADE_BY and len(kept["by_body"]) == 2 * POSTS
    # What another version made of these bodies must not be shown.
    kept["made_by"] = "0.0.1/160"
    kept["by_body"] = {key: "Not this summary." for key in kept["by_body"]}
    manifest_path.write_text(json.dumps(manifest))
    store.save_translations([spanish(ids[0], 0, "El texto nuevo")])
    publish_store(store, config)
    home = (tmp_path / "site/es/page/6/index.html").read_text(encoding="utf-8")
    assert "Not this summary." not in home and "El cuerpo de la entrada 1." in home
