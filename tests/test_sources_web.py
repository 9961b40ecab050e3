"""Kinds `url` and `sitemap` through `ingest`, against a real local HTTP server."""

from __future__ import annotations

import pytest

from http_server import Route
from polypost.sources.kinds import guess_kind
from polypost.sources.stage import IngestOptions, SourceKindError, ingest
from polypost.sources.http import Fetcher
from polypost.store import Store

ARTICLE = """<!doctype html><html lang="en"><head><title>{title} | Blog</title>
<base href="{base}/assets/"></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{title}</h1>
<p>This is the first paragraph of a post about {title}, with enough words to look like an article body to the
extractor: gardening, bicycles, and the long history of maps in the city library.</p>
<p>A second paragraph links <a href="other.html">another post</a> and shows <img src="pic.png" alt="a picture">
an image, then goes on about the weather, the harbour and the trains for a few more lines of honest prose.</p>
<p>A third paragraph closes the post with a few more words about {title} and what comes next.</p>
</article><footer>Copyright</footer></body></html>"""


def page(title: str, base: str, **options) -> Route:
    return Route(body=ARTICLE.format(title=title, base=base), **options)


def fetcher(store: Store) -> Fetcher:
    return Fetcher(store.http_cache(), delay=0.0, timeout=2.0, retries=1, backoff=0.01)


@pytest.fixture
def store(tmp_path):
    return Store.open(tmp_path / "p.db")


def sitemap(*urls: str) -> Route:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return Route(body=f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
                      "</urlset>", content_type="application/xml")


def test_one_page_with_relative_urls_resolved_against_base_href(server, store):
    server.routes["/blog/maps"] = page("Maps", server.base)
    report = ingest(store, [server.url("/blog/maps")], IngestOptions(fetcher=fetcher(store)))
    assert report.ingested == 1 and not report.failed
    post = next(store.iter_posts())
    assert post.source == "url" and post.url == server.url("/blog/maps") and post.title == "Maps"
    assert f'href="{server.base}/assets/other.html"' in post.html
    assert f'src="{server.base}/assets/pic.png"' in post.html
    assert "Home" not in post.html  # navigation is not the body


def test_latin1_page_declared_in_meta(server, store):
    html = ARTICLE.format(title="Mañana", base=server.base).replace("<head>", '<head><meta charset="iso-8859-1">')
    server.routes["/latin"] = Route(body=html.encode("latin-1"), content_type="text/html")
    report = ingest(store, [server.url("/latin")], IngestOptions(fetcher=fetcher(store)))
    assert report.ingested == 1
    assert next(store.iter_posts()).title == "Mañana"


def test_rerun_of_an_unchanged_site_makes_only_conditional_requests_and_changes_nothing(server, store):
    def etagged(title: str):
        def route(handler) -> Route:
            if handler.headers.get("If-None-Match") == f'"{title}"':
                return Route(304)
            return page(title, server.base, headers={"ETag": f'"{title}"'})
        return route

    for name in ("one", "two", "three"):
        server.routes[f"/posts/{name}"] = etagged(name.title())
    server.routes["/sitemap.xml"] = sitemap(*(server.url(f"/posts/{n}") for n in ("one", "two", "three")))
    first = ingest(store, [server.url("/sitemap.xml")], IngestOptions(fetcher=fetcher(store)))
    assert (first.ingested, first.unchanged, first.failed) == (3, 0, [])
    before = list(store.db.query("select id, content_hash, updated_at from posts order by id"))
    server.requests.clear()
    again = fetcher(store)
    second = ingest(store, [server.url("/sitemap.xml")], IngestOptions(fetcher=again))
    assert (second.ingested, second.unchanged, second.failed) == (0, 3, [])
    page_requests = [r for r in server.requests if r.path.startswith("/posts/")]
    assert len(page_requests) == 3 and all("if-none-match" in r.headers for r in page_requests)
    assert list(store.db.query("select id, content_hash, updated_at from posts order by id")) == before


def test_sitemap_index_include_exclude_and_limit(server, store):
    posts = [server.url(f"/2024/post-{n}") for n in range(1, 5)]
    for n, url in enumerate(posts, start=1):
        server.routes[url.removeprefix(server.base)] = page(f"Post {n}", server.base)
    server.routes["/tag/maps"] = page("Tag page", server.base)
    server.routes["/sitemap-posts.xml"] = sitemap(*posts)
    server.routes["/sitemap-tags.xml"] = sitemap(server.url("/tag/maps"))
    server.routes["/sitemap_index.xml"] = Route(
        body='<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f'<sitemap><loc>{server.url("/sitemap-posts.xml")}</loc></sitemap>'
             f'<sitemap><loc>{server.url("/sitemap-tags.xml")}</loc></sitemap></sitemapindex>',
        content_type="application/xml")
    report = ingest(store, [server.url("/sitemap_index.xml")], IngestOptions(
        kind="sitemap", limit=3, include=["*/2024/*"], exclude=["post-2"], fetcher=fetcher(store)))
    assert report.ingested == 3 and not report.failed
    titles = sorted(p.title for p in store.iter_posts())
    assert titles == ["Post 1", "Post 3", "Post 4"]
    assert {p.source for p in store.iter_posts()} == {"sitemap"}
    assert server.hits("/tag/maps") == 0 and server.hits("/2024/post-2") == 0


def test_failures_name_the_url_and_the_batch_goes_on(server, store):
    server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private\n", content_type="text/plain")
    server.routes["/ok"] = page("Fine", server.base)
    server.routes["/gone"] = Route(410, body="gone")
    server.routes["/loop"] = Route(302, headers={"Location": "/loop2"})
    server.routes["/loop2"] = Route(302, headers={"Location": "/loop"})
    server.routes["/sitemap.xml"] = sitemap(*(server.url(p) for p in ("/private/x", "/gone", "/loop", "/ok")))
    report = ingest(store, [server.url("/sitemap.xml")], IngestOptions(fetcher=fetcher(store)))
    assert report.ingested == 1
    errors = {f["post"]: f["error"] for f in report.failed}
    assert "robots.txt" in errors[server.url("/private/x")]
    assert "HTTP 410 Gone" in errors[server.url("/gone")]
    assert "redirect loop" in errors[server.url("/loop")]
    rows = list(store.db.query("select origin from failures"))
    assert len(rows) == 3


def test_a_failed_page_is_fetched_in_full_next_time(server, store):
    server.routes["/x"] = page("X", server.base, headers={"ETag": '"x"'})
    web = fetcher(store)
    ingest(store, [server.url("/x")], IngestOptions(fetcher=web))
    web.forget(server.url("/x"))  # what ingest does when storing a post from /x fails
    server.requests.clear()
    ingest(store, [server.url("/x")], IngestOptions(fetcher=fetcher(store)))
    assert "if-none-match" not in server.requests[-1].headers


def test_guess_kind_and_usage_errors(tmp_path, store):
    assert guess_kind("https://example.org/sitemap.xml") == "sitemap"
    assert guess_kind("https://example.org/feed/") == "feed"
    assert guess_kind("https://example.org/2024/a-post/") == "url"
    with pytest.raises(SourceKindError, match="needs http"):
        ingest(store, [str(tmp_path)], IngestOptions(kind="url"))
