"""Kind `feed`: RSS and Atom from the corpus (counts read by hand) and from a local HTTP server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from http_server import Route
from polypost.cli import cli
from polypost.sources.kinds import guess_kind
from polypost.sources.stage import IngestOptions, ingest
from polypost.records import SourcePost, SourceProblem
from polypost.sources.feed import iter_feed_posts
from polypost.sources.http import Fetcher
from polypost.store import Store


def read(path) -> tuple[list[SourcePost], list[SourceProblem]]:
    items = list(iter_feed_posts([str(path)]))
    return [i for i in items if isinstance(i, SourcePost)], [i for i in items if isinstance(i, SourceProblem)]


# <item>/<entry> elements counted in the files, and the first title as written there.
HAND_COUNTED = {
    "rss-parser__gulp-atom.atom": (10, "v3.9.0"),
    "rss-parser__heise.atom": (15, None),
    "rss-parser__guardian.rss": (55, None),
    "rss-parser__narro.rss": (1, "FAQ for Narro"),
    "rss-parser__content-encoded.rss": (7, None),
    "feedparser__wellformed__rss__item_content_encoded.xml": (1, "Example content"),
    "feedparser__wellformed__namespace__rss1.0withModules.xml": (1, "Test Item - RSS 1.0"),
}


@pytest.mark.parametrize("name", sorted(HAND_COUNTED))
def test_well_formed_feeds(corpus, name):
    posts, problems = read(corpus / "feeds" / name)
    count, first_title = HAND_COUNTED[name]
    assert len(posts) == count and problems == []
    if first_title:
        assert posts[0].title == first_title
    assert all(p.source == "feed" and p.origin == f"{corpus / 'feeds' / name}#item-{n}"
               for n, p in enumerate(posts, start=1))


def test_every_corpus_feed_reads_without_a_crash(corpus):
    for path in sorted((corpus / "feeds").iterdir()):
        assert guess_kind(str(path)) == "feed", path.name
        for item in iter_feed_posts([str(path)]):
            assert isinstance(item, (SourcePost, SourceProblem))


@pytest.mark.parametrize("name", ["feedparser__illformed__rss_incomplete_cdata.xml",
                                  "feedparser__illformed__undeclared_namespace.xml",
                                  "feedparser__illformed__rss_item_link_corrupted_ampersands.xml",
                                  "feedparser__illformed__chardet__koi8r.xml",
                                  "feedparser__encoding__bozo_invalid-bytes-with-bom.xml"])
def test_illformed_feeds_give_a_clear_error(corpus, name):
    path = corpus / "feeds" / name
    _posts, problems = read(path)
    errors = [p for p in problems if not p.skipped and p.origin == str(path)]
    assert len(errors) == 1 and errors[0].error.startswith("malformed feed (")


def test_full_content_is_preferred_and_relative_urls_resolved(corpus):
    posts, _ = read(corpus / "feeds" / "rss-parser__content-encoded.rss")
    assert all(len(p.html) > 200 for p in posts)  # content:encoded, not the short description
    posts, _ = read(corpus / "feeds" / "feedparser__wellformed__base__entry_content_xml_base_inherit_2.xml")
    assert 'href="http://example.com/test/test.html"' in posts[0].html  # xml:base on the entry and content


def feed_xml(base: str, items: int, summary_only: bool = False) -> str:
    entries = []
    for n in range(1, items + 1):
        body = (f"<description>Short {n}</description>" if summary_only else
                f"<description>Short {n}</description><content:encoded><![CDATA[<p>Full text of post {n}, "
                f'with <a href="/rel/{n}">a relative link</a>.</p>]]></content:encoded>')
        entries.append(f"<item><title>Post {n}</title><link>{base}/posts/{n}</link>"
                       f"<pubDate>Mon, 0{n} Jan 2024 10:00:00 GMT</pubDate><category>maps</category>{body}</item>")
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Blog</title><link>{base}/</link>{''.join(entries)}</channel></rss>")


def fetcher(store: Store) -> Fetcher:
    return Fetcher(store.http_cache(), delay=0.0, timeout=2.0, retries=1, backoff=0.01)


def test_feed_over_http_then_unchanged_rerun_is_one_conditional_request(server, tmp_path):
    store = Store.open(tmp_path / "p.db")

    def route(handler) -> Route:
        if handler.headers.get("If-Modified-Since") == "Mon, 01 Jan 2024 00:00:00 GMT":
            return Route(304)
        return Route(body=feed_xml(server.base, 3), content_type="application/rss+xml; charset=utf-8",
                     headers={"Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    server.routes["/feed/"] = route
    first = ingest(store, [server.url("/feed/")], IngestOptions(fetcher=fetcher(store)))
    assert (first.ingested, first.failed) == (3, [])
    post = next(p for p in store.iter_posts() if p.title == "Post 2")
    assert post.url == server.url("/posts/2") and post.tags == ["maps"]
    assert f'href="{server.base}/rel/2"' in post.html  # resolved against the feed's address
    assert post.published == "2024-01-02T10:00:00+00:00"
    before = list(store.db.query("select * from posts order by id"))
    server.requests.clear()
    second = ingest(store, [server.url("/feed/")], IngestOptions(fetcher=fetcher(store)))
    assert (second.ingested, second.unchanged, second.failed) == (0, 3, [])
    assert [r.path for r in server.requests] == ["/robots.txt", "/feed/"]
    assert list(store.db.query("select * from posts order by id")) == before


def test_summary_only_feed_fetches_the_full_page_when_asked(server, tmp_path):
    store = Store.open(tmp_path / "p.db")
    server.routes["/feed.xml"] = Route(body=feed_xml(server.base, 2, summary_only=True),
                                       content_type="application/rss+xml")
    for n in (1, 2):
        server.routes[f"/posts/{n}"] = Route(body=(
            f"<html><head><title>Post {n}</title></head><body><article><h1>Post {n}</h1>"
            + "".join(f"<p>Paragraph {k} of the full text of post {n}, long enough to be the article body of "
                      "this page, about maps and harbours and trains.</p>" for k in range(4))
            + "</article></body></html>"))
    summary = ingest(store, [server.url("/feed.xml")], IngestOptions(fetcher=fetcher(store)))
    assert summary.ingested == 2 and "Short 1" in store.get_post(next(iter(summary.post_ids))).html
    full_store = Store.open(tmp_path / "full.db")
    full = ingest(full_store, [server.url("/feed.xml")], IngestOptions(fetch_full=True, fetcher=fetcher(full_store)))
    assert full.ingested == 2 and not full.failed
    post = next(p for p in full_store.iter_posts() if p.title == "Post 1")
    assert "Paragraph 3 of the full text of post 1" in post.html and post.source == "feed"
    assert post.published == "2024-01-01T10:00:00+00:00"


def test_cli_ingests_a_feed_file(corpus, tmp_path):
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(cli, ["--db", db, "ingest", str(corpus / "feeds" / "rss-parser__gulp-atom.atom"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ingested"] == 10 and data["failed"] == []
    assert "v3.9.0" in {p.title for p in Store.open(db).iter_posts()}


def test_a_feed_in_an_undeclared_encoding_is_read_right(corpus):
    # KOI8-R bytes with no encoding declared: character detection reads the Russian title.
    posts, problems = read(corpus / "feeds" / "feedparser__illformed__chardet__koi8r.xml")
    assert [p.title for p in posts] == ["Как пережить новогоднюю ночь"]
    assert problems  # and it is still reported as malformed
