"""Regression: with more than one page of posts (sqlite-utils reads 200 at a time... and so did we),
writing a translation while `iter_posts` still had a cursor open failed one post every run with
"database table is locked" (sqlite-utils' schema query `supports_on_conflict` ran under the open
cursor). The store now reads posts a page at a time with no cursor left open between posts."""

from __future__ import annotations

from polypost.glossary import Glossary
from polypost.records import SourcePost
from polypost.store import Store
from polypost.translate.stage import TranslateOptions, translate_posts

POSTS = 450  # more than two pages of the store's reads


class EchoEngine:
    name = "echo"
    version = "1"

    def translate(self, texts):
        return [f"es {text}" for text in texts]

    def close(self):
        pass


def test_translating_more_than_a_page_of_posts_fails_none(tmp_path):
    store = Store.open(tmp_path / "p.db")
    for number in range(POSTS):
        post = SourcePost(origin=f"posts/{number}.html", title=f"Post number {number}",
                          html=f"<p>The body of post number {number}, about social media.</p>")
        store.upsert_post(post, "en", 0.99)
    store.close()
    store = Store.open(tmp_path / "p.db")  # a later `polypost translate`: a fresh connection
    report = translate_posts(store, EchoEngine(), Glossary.empty(), TranslateOptions(posts_per_engine_call=50))
    assert report.failed == []
    assert report.translated == POSTS
    assert sum(1 for _ in store.iter_translations("es")) == POSTS


def test_iter_posts_keeps_its_order_across_pages_and_sees_no_deleted_post(tmp_path):
    store = Store.open(tmp_path / "p.db")
    for number in range(POSTS):
        store.upsert_post(SourcePost(origin=f"posts/{number}.html", title=f"Post {number}", html="<p>x</p>",
                                     published=f"2024-01-01T00:{number // 60:02d}:{number % 60:02d}"), "en", 0.99)
    seen = []
    for post in store.iter_posts():
        seen.append(post.published)
        if len(seen) == 1:
            store.db.execute("delete from posts where origin = 'posts/0.html'")  # the oldest, read last
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == POSTS - 1
