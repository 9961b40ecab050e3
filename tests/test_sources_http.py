"""The polite fetcher against a real local HTTP server: robots, retries, limits, redirects, 304."""

from __future__ import annotations

import time

import pytest

from http_server import Route
from polypost import __version__
from polypost.sources.http import FetchError, Fetcher, decode_body
from polypost.store import Store


def fetcher(**options) -> Fetcher:
    settings = dict(delay=0.0, timeout=2.0, retries=2, backoff=0.01)
    settings.update(options)
    return Fetcher(**settings)


def test_user_agent_names_polypost_and_its_version(server):
    server.routes["/page"] = Route(body="<p>hi</p>")
    result = fetcher().fetch(server.url("/page"))
    assert result.status == 200 and result.body == b"<p>hi</p>"
    agents = {r.headers["user-agent"] for r in server.requests}  # robots.txt and the page
    assert len(server.requests) == 2 and len(agents) == 1
    assert agents.pop().startswith(f"polypost/{__version__} ")


def test_robots_disallow_is_obeyed(server):
    server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/secret"] = Route(body="secret")
    server.routes["/public"] = Route(body="ok")
    web = fetcher()
    with pytest.raises(FetchError, match="robots.txt"):
        web.fetch(server.url("/private/secret"))
    assert web.fetch(server.url("/public")).body == b"ok"
    assert server.hits("/private/secret") == 0
    assert server.hits("/robots.txt") == 1  # read once per site


def test_redirect_to_a_disallowed_page_is_not_followed(server):
    server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/go"] = Route(302, headers={"Location": "/private/x"})
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher().fetch(server.url("/go"))
    assert server.hits("/private/x") == 0


def test_per_host_delay_spaces_requests(server):
    server.routes["/a"] = Route(body="a")
    web = fetcher(delay=0.3)
    started = time.monotonic()
    for _ in range(3):
        web.fetch(server.url("/a"))
    assert time.monotonic() - started >= 0.6  # three requests, two gaps (robots.txt came first)


def test_redirects_are_followed_and_a_loop_is_an_error(server):
    server.routes["/old"] = Route(301, headers={"Location": "/mid"})
    server.routes["/mid"] = Route(302, headers={"Location": server.url("/new")})
    server.routes["/new"] = Route(body="here")
    result = fetcher().fetch(server.url("/old"))
    assert result.url == server.url("/new") and result.body == b"here"
    server.routes["/loop-a"] = Route(302, headers={"Location": "/loop-b"})
    server.routes["/loop-b"] = Route(302, headers={"Location": "/loop-a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher().fetch(server.url("/loop-a"))
    for n in range(10):
        server.routes[f"/chain{n}"] = Route(302, headers={"Location": f"/chain{n + 1}"})
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetcher(max_redirects=3).fetch(server.url("/chain0"))
    assert server.hits("/chain4") == 0


def test_slow_response_times_out_with_a_clear_error(server):
    server.routes["/slow"] = Route(body="late", delay=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"/slow: timed out after 0.3 s"):
        fetcher(timeout=0.3, retries=1).fetch(server.url("/slow"))
    assert time.monotonic() - started < 3
    assert server.hits("/slow") == 2  # a network error is retried (once here), then reported


def test_429_and_500_are_retried_then_succeed(server):
    answers = iter([Route(429, headers={"Retry-After": "0"}), Route(500), Route(body="finally")])
    server.routes["/flaky"] = lambda _h: next(answers)
    assert fetcher(retries=3).fetch(server.url("/flaky")).body == b"finally"
    assert server.hits("/flaky") == 3


def test_retry_after_is_honoured_but_bounded(server):
    server.routes["/busy"] = Route(503, headers={"Retry-After": "3600"})
    waits: list[float] = []
    with pytest.raises(FetchError, match=r"/busy: HTTP 503 Service Unavailable, still after 3 attempts"):
        fetcher(retries=2, max_retry_after=0.05, sleep=waits.append).fetch(server.url("/busy"))
    assert waits == [0.05, 0.05]
    assert server.hits("/busy") == 3


def test_client_errors_are_not_retried(server):
    with pytest.raises(FetchError, match=r"/missing: HTTP 404 Not Found"):
        fetcher().fetch(server.url("/missing"))
    assert server.hits("/missing") == 1


def test_size_limit_aborts_the_download(server):
    server.routes["/huge"] = Route(body=b"x" * 300_000)
    with pytest.raises(FetchError, match="over the limit of 100,000"):
        fetcher(max_bytes=100_000).fetch(server.url("/huge"))

    # a server that does not say how much is coming: the stream is cut at the limit
    server.routes["/huge-stream"] = Route(body=b"y" * 3_000_000, no_length=True)
    with pytest.raises(FetchError, match="passed the limit of 100,000 bytes; download aborted"):
        fetcher(max_bytes=100_000).fetch(server.url("/huge-stream"))
    assert server.hits("/huge") == 1  # a size limit is not retried


def test_conditional_get_with_etag_and_last_modified(server, tmp_path):
    store = Store.open(tmp_path / "p.db")

    def page(handler) -> Route:
        if handler.headers.get("If-None-Match") == '"v1"':
            return Route(304)
        return Route(body="<p>v1</p>", headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"})

    server.routes["/p"] = page
    first = fetcher(cache=store.http_cache()).fetch(server.url("/p"), conditional=True)
    assert first.status == 200
    row = store.db["http_cache"].get(server.url("/p"))
    assert row["etag"] == '"v1"' and row["last_modified"].startswith("Wed, 01 May 2024")
    again = fetcher(cache=store.http_cache())
    second = again.fetch(server.url("/p"), conditional=True)
    assert second.not_modified and again.conditional_requests == 1
    sent = [r.headers for r in server.requests if r.path == "/p"][-1]
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Wed, 01 May 2024 10:00:00 GMT"
    again.forget(server.url("/p"))
    assert again.fetch(server.url("/p"), conditional=True).status == 200


def test_charset_from_header_then_meta_then_detection(server):
    latin = "<html><head><title>Año</title></head><body><p>Mañana café</p></body></html>".encode("latin-1")
    server.routes["/header"] = Route(body=latin, content_type="text/html; charset=ISO-8859-1")
    assert "Mañana café" in fetcher().fetch(server.url("/header")).text()
    meta = '<html><head><meta charset="latin-1"><title>x</title></head><body><p>Mañana</p></body></html>'
    server.routes["/meta"] = Route(body=meta.encode("latin-1"), content_type="text/html")
    assert "Mañana" in fetcher().fetch(server.url("/meta")).text()
    # no header charset, no meta, not UTF-8: detected rather than an error
    text = decode_body("<p>El niño comió piña y jalapeño en la montaña española</p>".encode("latin-1"), "text/html",
                       "x")
    assert "niño" in text and "piña" in text


def test_robots_unreachable_means_fetch_nothing(server):
    server.routes["/robots.txt"] = Route(500, body="oops", content_type="text/plain")
    server.routes["/page"] = Route(body="x")
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher(retries=0).fetch(server.url("/page"))
    assert server.hits("/page") == 0
