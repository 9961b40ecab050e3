"""The polite fetcher: every HTTP(S) request polypost makes goes through `Fetcher.fetch`.

Polite: a User-Agent naming polypost and its version, robots.txt obeyed (and its Crawl-delay,
bounded), one request at a time per host with a delay between them, retries with backoff on
429/5xx and network errors (Retry-After honoured, bounded). Safe: timeouts, a size limit that
aborts the download, a wall-clock deadline per fetch that holds across chunks, retries and
redirects, a bounded number of redirects (a loop is an error), http(s) only, and an address
guard (`sources.guard`) that keeps URLs found in fetched content off the user's own network.
Incremental: with a database, ETag/Last-Modified are kept per URL in the `http_cache` table and
sent back, so a nightly run downloads only what changed (a 304 comes back as `not_modified`).

urllib3 rather than requests/httpx: it is already installed as trafilatura's dependency (no new
package), and it gives exactly the control needed here — streamed reads (to stop at the size
limit and the deadline), redirects handled by hand (each hop checked against robots.txt and the
guard, and counted), separate connect/read timeouts, keep-alive pools, connection classes that
can be replaced (the guard checks the resolved address where the socket is opened).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3

from polypost import __version__
from polypost.sources.charset import decode_body, header_charset
from polypost.sources.guard import AddressGuard, AddressRefused, GuardedPoolManager, Resolver
from polypost.sources.responses import (LIMIT_HINT, FetchError, FetchResult, Unchanged, network_reason,
                                        reason_phrase, retry_after_seconds)
from polypost.sources.robots import RobotsRules

__all__ = ["FetchError", "FetchResult", "Fetcher", "Unchanged", "decode_body", "header_charset", "is_http_url",
           "user_agent"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is not worth a nightly run's hours
CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def user_agent() -> str:
    return f"polypost/{__version__} (+https://github.com/polypost/polypost; offline blog translator)"


def is_http_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


class _Deadline:
    """The wall-clock end of one fetch; polypost's own politeness waits push it back."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def extend(self, seconds: float) -> None:
        self.at += seconds

    def error(self, url: str) -> FetchError:
        return FetchError(url, f"not done within the deadline of {self.seconds:g} s; aborted", final=True)


class Fetcher:
    """Fetches URLs politely; one instance per run (it holds robots.txt and per-host timing).

    `deadline` bounds one `fetch` in wall-clock seconds, whatever the server does (a trickle of
    bytes, retries, redirects); `timeout` bounds each connect and each read. `resolver` replaces
    name resolution (a getaddrinfo-like function) for the address guard.
    """

    def __init__(
        self,
        cache: Any = None,  # validators per URL for conditional GET: get(url), put(...), forget(url)
        *,
        delay: float = 1.0,
        timeout: float = 20.0,
        deadline: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 120.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        obey_robots: bool = True,
        agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        resolver: Resolver | None = None,
    ):
        self.cache = cache
        self.delay = delay
        self.timeout = timeout
        self.deadline = deadline
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        self.agent = agent or user_agent()
        self._sleep = sleep
        self.guard = AddressGuard(resolver)
        self._pool = GuardedPoolManager(self.guard, retries=False, headers={"User-Agent": self.agent})
        self._robots: dict[str, RobotsRules] = {}
        self._last_request: dict[str, float] = {}
        self.requests = 0  # every request sent, robots.txt included: what tests and reports count
        self.conditional_requests = 0

    # ------------------------------------------------------------ public
    def fetch(self, url: str, *, conditional: bool = False, found_in: str | None = None) -> FetchResult:
        """GET `url` (following redirects); raise FetchError with the reason when it fails.

        `found_in` is the document a URL was found in (a feed, a sitemap): such a URL was chosen
        by whoever wrote that document, so it may not reach a private address unless its host is
        one the user named. A URL without `found_in` is one the user named.
        With `conditional` and a database, the validators stored for `url` are sent and a 304
        comes back as a result whose `not_modified` is true; a 200 stores the new validators.
        """
        if not is_http_url(url):
            where = f" (found in {found_in})" if found_in else ""
            raise FetchError(url, f"not an http(s) URL{where}; only web addresses are fetched", final=True)
        url = _strip_fragment(url)
        if found_in is None:
            parts = urlsplit(url)
            self.guard.name_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        deadline = _Deadline(self.deadline)
        cached = self._cached(url) if conditional else None
        current = url
        seen = {current}
        for _hop in range(self.max_redirects + 1):
            self._check_robots(current)
            headers = _validators(cached) if cached and current == url else {}
            result = self._get_with_retries(current, headers, deadline)
            if result.status in REDIRECT_STATUSES:
                target = result.headers.get("location")
                if not target:
                    raise FetchError(current, f"HTTP {result.status} redirect without a Location header",
                                     result.status)
                target = _strip_fragment(urljoin(current, target))
                if target in seen:
                    raise FetchError(url, f"redirect loop ({current} -> {target})", result.status)
                if not is_http_url(target):
                    raise FetchError(url, f"redirect to a non-http URL {target}", result.status)
                seen.add(target)
                current = target
                continue
            result.requested_url = url
            if result.status == 304:
                if cached is None:
                    raise FetchError(url, "HTTP 304 Not Modified to a request that was not conditional", 304)
                return result
            if result.status >= 400:
                raise FetchError(current, f"HTTP {result.status}{reason_phrase(result.status)}", result.status)
            if conditional:
                self._remember(url, result)
            return result
        raise FetchError(url, f"more than {self.max_redirects} redirects (last: {current})")

    def forget(self, url: str) -> None:
        """Drop the stored validators of `url`, so the next run fetches it in full again.

        Ingest calls this when a post from `url` could not be stored: a 304 next time must not
        hide a post that never made it into the store.
        """
        if self.cache is not None:
            self.cache.forget(_strip_fragment(url))

    def close(self) -> None:
        self._pool.clear()

    # ------------------------------------------------------------ robots.txt
    def allowed(self, url: str) -> bool:
        if not self.obey_robots:
            return True
        return self._robots_for(url).allows(url, self.agent)

    def _check_robots(self, url: str) -> None:
        if not self.allowed(url):
            raise FetchError(url, "disallowed by robots.txt (polypost obeys it)")

    def _robots_for(self, url: str) -> RobotsRules:
        site = _site(url)
        if site in self._robots:
            return self._robots[site]
        try:
            result = self._get_with_retries(site + "/robots.txt", {}, _Deadline(self.deadline), retries=1)
            status = result.status
        except FetchError as err:
            if err.refused:
                raise FetchError(url, err.reason, refused=True) from None  # the page's own refusal
            status, result = None, None
            log.warning("robots.txt: %s; fetching nothing from %s", err, site)
        if status == 200 and result is not None:
            rules = RobotsRules(result.body.decode("utf-8", "replace"))
        elif status is not None and 400 <= status < 500:
            rules = RobotsRules.everything_allowed()  # RFC 9309: no robots.txt (4xx) means no restrictions
        else:
            rules = RobotsRules.nothing_allowed()  # RFC 9309: unreachable (5xx, network) means complete disallow
        self._robots[site] = rules
        return rules

    def _host_delay(self, url: str) -> float:
        rules = self._robots.get(_site(url))
        crawl_delay = rules.crawl_delay(self.agent) if rules is not None and self.obey_robots else None
        return max(self.delay, min(float(crawl_delay or 0), MAX_CRAWL_DELAY))

    # ------------------------------------------------------------ one request
    def _get_with_retries(self, url: str, headers: dict[str, str], deadline: _Deadline,
                          retries: int | None = None) -> FetchResult:
        retries = self.retries if retries is None else retries
        attempt = 0
        while True:
            try:
                result = self._get_once(url, headers, deadline)
            except FetchError as err:
                # size limit, deadline, refused address: retrying cannot help
                if err.status is not None or err.final or attempt >= retries:
                    raise
                wait, why = self.backoff * 2 ** attempt, err.reason
                log.info("%s; retrying in %.1f s", err, wait)
            else:
                if result.status not in RETRY_STATUSES:
                    return result
                if attempt >= retries:
                    raise FetchError(url, f"HTTP {result.status}{reason_phrase(result.status)}, still after "
                                          f"{retries + 1} attempts", result.status)
                wait, why = self._retry_wait(result, attempt), f"HTTP {result.status}{reason_phrase(result.status)}"
                log.info("%s: HTTP %s; retrying in %.1f s", url, result.status, wait)
            if wait >= deadline.remaining():
                raise FetchError(url, f"{why}; no retry: the deadline of {deadline.seconds:g} s would pass",
                                 final=True)
            attempt += 1
            self._sleep(wait)

    def _retry_wait(self, result: FetchResult, attempt: int) -> float:
        after = retry_after_seconds(result.headers.get("retry-after"))
        wait = after if after is not None else self.backoff * 2 ** attempt
        return max(0.0, min(wait, self.max_retry_after))

    def _get_once(self, url: str, headers: dict[str, str], deadline: _Deadline) -> FetchResult:
        deadline.extend(self._wait_for_host(url))  # our own politeness is not the server's time
        remaining = deadline.remaining()
        if remaining <= 0:
            raise deadline.error(url)
        self.requests += 1
        if headers:
            self.conditional_requests += 1
        per_read = min(self.timeout, remaining)
        timeout = urllib3.Timeout(connect=per_read, read=per_read)
        try:
            response = self._pool.request("GET", url, headers={"User-Agent": self.agent,
                                                               "Accept-Encoding": "gzip, deflate", **headers},
                                          redirect=False, preload_content=False, timeout=timeout)
        except AddressRefused as err:
            raise FetchError(url, str(err), refused=True) from None
        except urllib3.exceptions.HTTPError as err:
            raise self._network_error(url, err, deadline) from None
        complete = False
        try:
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status in REDIRECT_STATUSES or response.status == 304 or response.status >= 400:
                return FetchResult(url=url, status=response.status, headers=response_headers)
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, f"response is {int(declared):,} bytes, over the limit of "
                                      f"{self.max_bytes:,} ({LIMIT_HINT})", response.status)
            body = self._read_body(url, response, deadline)
            complete = True
            return FetchResult(url=url, status=response.status, body=body, headers=response_headers)
        except urllib3.exceptions.HTTPError as err:
            raise self._network_error(url, err, deadline) from None
        finally:
            # only a fully read connection may go back to the pool; any other is closed
            response.release_conn() if complete else response.close()
            self._last_request[_site(url)] = time.monotonic()

    def _read_body(self, url: str, response: Any, deadline: _Deadline) -> bytes:
        """The body, read as it arrives: every read waits at most until the deadline.

        read1 returns what one receive brought (a buffered read of 64 KiB would wait for all of
        it), and the socket's timeout is cut to the time left before each read, so a server that
        trickles bytes is stopped at the deadline, not at the next full chunk.
        """
        sock = getattr(getattr(response, "connection", None), "sock", None)
        body = bytearray()
        while True:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise deadline.error(url)
            if sock is not None:
                sock.settimeout(min(self.timeout, remaining))
            chunk = response.read1(CHUNK, decode_content=True)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchError(url, f"response passed the limit of {self.max_bytes:,} bytes; "
                                      f"download aborted ({LIMIT_HINT})", response.status)

    def _network_error(self, url: str, err: Exception, deadline: _Deadline) -> FetchError:
        if deadline.remaining() <= 0.05:  # the timeout was the deadline's, cut short
            return deadline.error(url)
        return FetchError(url, network_reason(err, self.timeout))

    def _wait_for_host(self, url: str) -> float:
        last = self._last_request.get(_site(url))
        if last is None:
            return 0.0
        wait = last + self._host_delay(url) - time.monotonic()
        if wait > 0:
            self._sleep(wait)
            return wait
        return 0.0

    # ------------------------------------------------------------ http_cache
    def _cached(self, url: str) -> dict[str, Any] | None:
        return self.cache.get(url) if self.cache is not None else None

    def _remember(self, url: str, result: FetchResult) -> None:
        if self.cache is not None:
            self.cache.put(url, result.headers.get("etag"), result.headers.get("last-modified"), result.status,
                           hashlib.sha256(result.body).hexdigest())


# ---------------------------------------------------------------- small helpers

def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _validators(cached: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if cached.get("etag"):
        headers["If-None-Match"] = cached["etag"]
    if cached.get("last_modified"):
        headers["If-Modified-Since"] = cached["last_modified"]
    return headers
