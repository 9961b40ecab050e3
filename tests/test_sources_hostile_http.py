"""The fetcher against hostile servers and hostile content: robots.txt read as RFC 9309 says,
a trickling server cut at the deadline, and URLs found in content kept off private addresses.

Every connection goes to a real server on 127.0.0.1; names that "resolve" elsewhere do so
through a resolver the test controls, and are refused before any packet leaves.
"""

from __future__ import annotations

import socket
import time

import pytest

from http_server import Route
from polypost.sources.feed import iter_feed_posts
from polypost.sources.guard import is_public
from polypost.sources.http import FetchError, Fetcher
from polypost.records import SourcePost, SourceProblem
from polypost.sources.robots import RobotsRules
from polypost.sources.sitemap import iter_sitemap_posts

AGENT = "polypost/0.1.0 (+https://github.com/polypost/polypost)"


def fetcher(**options) -> Fetcher:
    settings = dict(delay=0.0, timeout=2.0, retries=2, backoff=0.01)
    settings.update(options)
    return Fetcher(**settings)


# ---------------------------------------------------------------- robots.txt (RFC 9309)

YOAST = """\
User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /*?s=
Disallow: /*.pdf$
Disallow: /tag/*/feed
Disallow: /private
Allow: /private/ok.html

User-agent: polypost
Disallow: /drafts/
Allow: /drafts/public$
"""


@pytest.mark.parametrize("path, allowed", [
    # RFC 9309 2.2.2: the most specific (longest) match wins, Allow on a tie
    ("/wp-admin/", True),  # the polypost group applies, not the * group
    ("/drafts/x", False),
    ("/drafts/public", True),
    ("/drafts/public/more", False),  # $ anchors the end
    ("/blog/post", True),
])
def test_robots_group_for_polypost_wins_over_the_star_group(path, allowed):
    assert RobotsRules(YOAST).allows("https://blog.example" + path, AGENT) is allowed


STAR_ONLY = YOAST.split("\n\n")[0]


@pytest.mark.parametrize("path, allowed", [
    ("/wp-admin/options.php", False),
    ("/wp-admin/admin-ajax.php", True),  # longer Allow beats the shorter Disallow
    ("/?s=term", False),  # * inside a path
    ("/page/2/?s=x", False),
    ("/files/report.pdf", False),  # $ ends the pattern
    ("/files/report.pdf?download=1", True),
    ("/tag/rust/feed", False),
    ("/tag/rust/", True),
    ("/private-notes", False),  # a rule is a prefix
    ("/private/ok.html", True),
    ("/blog/hello-world/", True),
])
def test_robots_wildcards_dollar_and_longest_match(path, allowed):
    # the standard library's parser got 5 of these wrong (first match, no * or $)
    assert RobotsRules(STAR_ONLY).allows("https://blog.example" + path, AGENT) is allowed


def test_fetcher_obeys_a_wildcard_rule(server):
    server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /*.pdf$\n", content_type="text/plain")
    server.routes["/a.pdf"] = Route(body="pdf")
    server.routes["/a.html"] = Route(body="html")
    web = fetcher()
    with pytest.raises(FetchError, match="robots.txt"):
        web.fetch(server.url("/a.pdf"))
    assert web.fetch(server.url("/a.html")).body == b"html"
    assert server.hits("/a.pdf") == 0


# ---------------------------------------------------------------- the deadline

def test_a_trickling_server_is_cut_at_the_deadline_and_not_retried(server):
    # 50 KB at 500 B/s: each read is quick, so no read timeout fires; only the deadline can stop it
    server.routes["/drip"] = Route(body=b"x" * 50_000, rate=500)
    web = fetcher(timeout=1.0, deadline=2.0, retries=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline of 2 s"):
        web.fetch(server.url("/drip"))
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, elapsed
    assert server.hits("/drip") == 1  # no retry after a deadline


def test_no_retry_that_would_end_after_the_deadline(server):
    server.routes["/busy"] = Route(503, headers={"Retry-After": "30"})
    started = time.monotonic()
    with pytest.raises(FetchError, match="no retry"):
        fetcher(deadline=5.0, retries=3).fetch(server.url("/busy"))
    assert time.monotonic() - started < 2.0
    assert server.hits("/busy") == 1


def test_the_deadline_holds_across_retries(server):
    # each attempt times out at 0.6 s; without a deadline 4 attempts would take 2.4 s and more
    server.routes["/slow"] = Route(body="late", delay=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError):
        fetcher(timeout=0.6, deadline=1.0, retries=3, backoff=0.05).fetch(server.url("/slow"))
    assert time.monotonic() - started < 1.6
    assert server.hits("/slow") <= 2


# ---------------------------------------------------------------- the address guard (SSRF)

def fake_resolver(names: dict[str, str]):
    """Names the test decides; anything else resolves as usual (only 127.0.0.1 is used)."""
    def resolve(host: str, port: int):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]
        return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    return resolve


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "100.64.0.1",
                                     "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "240.0.0.1"])
def test_non_public_addresses(address):
    assert not is_public(address)


def test_public_addresses():
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")


def test_a_link_found_in_content_may_not_reach_a_private_address(server):
    server.routes["/admin"] = Route(body="secret")
    # "intranet.test" is a name whose address is loopback: found inside a feed, it is refused
    web = fetcher(resolver=fake_resolver({"intranet.test": "127.0.0.1"}))
    target = f"http://intranet.test:{server.server_address[1]}/admin"
    with pytest.raises(FetchError, match=r"refused to connect to intranet.test \(127.0.0.1\): loopback"):
        web.fetch(target, found_in="http://feeds.example/feed.xml")
    assert server.hits("/admin") == 0 and server.requests == []  # not even robots.txt went out
    # the same URL named by the user is fetched
    assert web.fetch(target).body == b"secret"


def test_the_address_is_checked_at_connect_time_not_before(server):
    # DNS rebinding: the name looks public on a first lookup and is loopback when connecting
    answers = iter(["93.184.216.34"] + ["127.0.0.1"] * 10)

    def rebinding(host, port):
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)

    rebinding("rebind.test", 80)  # someone checked the name beforehand: it was public then
    server.routes["/x"] = Route(body="secret")
    with pytest.raises(FetchError, match="loopback"):
        fetcher(resolver=rebinding).fetch(f"http://rebind.test:{server.server_address[1]}/x",
                                          found_in="http://feeds.example/feed.xml")
    assert server.requests == []


def test_a_redirect_from_a_named_site_to_a_private_address_is_refused(server):
    port = server.server_address[1]
    server.routes["/go"] = Route(302, headers={"Location": f"http://metadata.test:{port}/latest/meta-data/"})
    server.routes["/latest/meta-data/"] = Route(body="credentials")
    web = fetcher(resolver=fake_resolver({"metadata.test": "127.0.0.1"}))
    with pytest.raises(FetchError, match="metadata.test"):
        web.fetch(server.url("/go"))
    assert server.hits("/latest/meta-data/") == 0


def test_a_named_local_site_opens_only_its_own_port(server):
    web = fetcher()
    server.routes["/a"] = Route(body="a")
    assert web.fetch(server.url("/a")).body == b"a"  # the user named 127.0.0.1:port
    with socket.socket() as other:  # another local service, e.g. a database's port
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(FetchError, match="loopback"):
            web.fetch(f"http://127.0.0.1:{other.getsockname()[1]}/", found_in=server.url("/feed.xml"))


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title><link>{base}/</link>
<item><title>Inside</title><link>http://metadata.test:{port}/latest/meta-data/</link><description>s</description></item>
<item><title>Own</title><link>{base}/own</link><description>s</description></item>
</channel></rss>"""

PAGE = "<html><head><title>{0}</title></head><body><article><h1>{0}</h1><p>{1}</p></article></body></html>"


def test_fetch_full_does_not_follow_an_entry_link_to_a_private_address(server):
    port = server.server_address[1]
    server.routes["/feed.xml"] = Route(body=FEED.format(base=server.base, port=port),
                                       content_type="application/rss+xml")
    server.routes["/latest/meta-data/"] = Route(body=PAGE.format("Metadata", "iam credentials " * 30))
    server.routes["/own"] = Route(body=PAGE.format("Own", "A post on the blog the user named. " * 20))
    web = fetcher(resolver=fake_resolver({"metadata.test": "127.0.0.1"}))
    items = list(iter_feed_posts([server.url("/feed.xml")], web, fetch_full=True))
    posts = [i for i in items if isinstance(i, SourcePost)]
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert [p.title for p in posts] == ["Own"]  # a link to the named site itself is fine
    assert len(problems) == 1 and "refused" in problems[0].error and "loopback" in problems[0].error
    assert server.hits("/latest/meta-data/") == 0


def test_a_remote_sitemap_index_cannot_make_polypost_read_a_local_file(server, tmp_path):
    secret = tmp_path / "hostname"
    secret.write_text("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>"
                      f"{server.url('/leak')}</loc></url></urlset>")
    server.routes["/sitemap_index.xml"] = Route(
        body=f"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>{secret}</loc>"
             "</sitemap><sitemap><loc>file:///etc/hostname</loc></sitemap></sitemapindex>",
        content_type="application/xml")
    items = list(iter_sitemap_posts([server.url("/sitemap_index.xml")], fetcher()))
    assert server.hits("/leak") == 0  # the local file was never read
    errors = [i.error for i in items if isinstance(i, SourceProblem)]
    assert len(errors) == 2 and all("not an http(s) URL" in e for e in errors), errors
