"""The polite fetcher: every HTTP(S) request polypost makes goes through `Fetcher.fetch`.

Polite: a User-Agent naming polypost and its version, robots.txt obeyed (and its Crawl-delay,
bounded), one request at a time per host with a delay between them, retries with backoff on
429/5xx and network errors (Retry-After honoured, bounded). Safe: timeouts, a size limit that
aborts the download, a bounded number of redirects (a loop is an error), http(s) only.
Incremental: with a database, ETag/Last-Modified are kept per URL in the `http_cache` table and
sent back, so a nightly run downloads only what changed (a 304 comes back as `not_modified`).

urllib3 rather than requests/httpx: it is already installed as trafilatura's dependency (no new
package), and it gives exactly the control needed here — streamed reads (to stop at the size
limit), redirects handled by hand (each hop checked against robots.txt and counted), separate
connect/read timeouts, keep-alive pools — without a session layer that would hide them.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import logging
import re
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3

from polypost import __version__
from polypost.sources.page.extract import ExtractError, decode_html

__all__ = ["FetchError", "FetchResult", "Fetcher", "Unchanged", "decode_body", "is_http_url", "user_agent"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay above this is not worth a nightly run's hours
CHUNK = 64 * 1024


def user_agent() -> str:
    return f"polypost/{__version__} (+https://github.com/polypost/polypost; offline blog translator)"


def is_http_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


class FetchError(Exception):
    """A URL that could not be fetched; the message names the URL and says why."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass
class Unchanged:
    """A source item the server says has not changed since the last run (HTTP 304).

    Sources yield it instead of a post; ingest counts it as unchanged and stores nothing.
    `origin` is the URL; posts stored from it have that origin or `origin#...`.
    """

    origin: str


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    requested_url: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return decode_body(self.body, self.content_type, self.url)


class Fetcher:
    """Fetches URLs politely; one instance per run (it holds robots.txt and per-host timing)."""

    def __init__(
        self,
        cache: Any = None,  # validators per URL for conditional GET: get(url), put(...), forget(url)
        *,
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 120.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        obey_robots: bool = True,
        agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.cache = cache
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        self.agent = agent or user_agent()
        self._sleep = sleep
        self._pool = urllib3.PoolManager(retries=False, headers={"User-Agent": self.agent})
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self.requests = 0  # every request sent, robots.txt included: what tests and reports count
        self.conditional_requests = 0

    # ------------------------------------------------------------ public
    def fetch(self, url: str, *, conditional: bool = False) -> FetchResult:
        """GET `url` (following redirects); raise FetchError with the reason when it fails.

        With `conditional` and a database, the validators stored for `url` are sent and a 304
        comes back as a result whose `not_modified` is true; a 200 stores the new validators.
        """
        if not is_http_url(url):
            raise FetchError(url, "not an http(s) URL")
        url = _strip_fragment(url)
        cached = self._cached(url) if conditional else None
        current = url
        seen = {current}
        for _hop in range(self.max_redirects + 1):
            self._check_robots(current)
            headers = _validators(cached) if cached and current == url else {}
            result = self._get_with_retries(current, headers)
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
                raise FetchError(current, f"HTTP {result.status}{_reason(result.status)}", result.status)
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
        rules = self._robots_for(url)
        return rules is None or rules.can_fetch(self.agent, url)

    def _check_robots(self, url: str) -> None:
        if not self.allowed(url):
            raise FetchError(url, "disallowed by robots.txt (polypost obeys it)")

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site in self._robots:
            return self._robots[site]
        rules = urllib.robotparser.RobotFileParser(site + "/robots.txt")
        try:
            result = self._get_with_retries(site + "/robots.txt", {}, retries=1)
            status = result.status
        except FetchError as err:
            status, result = None, None
            log.warning("robots.txt: %s; fetching nothing from %s", err, site)
        if status == 200 and result is not None:
            rules.parse(result.body.decode("utf-8", "replace").splitlines())
        elif status is not None and 400 <= status < 500:
            rules.allow_all = True  # RFC 9309: no robots.txt (4xx) means no restrictions
        else:
            rules.disallow_all = True  # RFC 9309: unreachable (5xx, network) means assume complete disallow
        self._robots[site] = rules
        return rules

    def _host_delay(self, url: str) -> float:
        rules = self._robots.get(_site(url))
        crawl_delay = rules.crawl_delay(self.agent) if rules is not None and self.obey_robots else None
        return max(self.delay, min(float(crawl_delay or 0), MAX_CRAWL_DELAY))

    # ------------------------------------------------------------ one request
    def _get_with_retries(self, url: str, headers: dict[str, str], retries: int | None = None) -> FetchResult:
        retries = self.retries if retries is None else retries
        attempt = 0
        while True:
            try:
                result = self._get_once(url, headers)
            except FetchError as err:
                if err.status is not None or attempt >= retries:  # size limit etc.: retrying cannot help
                    raise
                wait = self.backoff * 2 ** attempt
                log.info("%s; retrying in %.1f s", err, wait)
            else:
                if result.status not in RETRY_STATUSES:
                    return result
                if attempt >= retries:
                    raise FetchError(url, f"HTTP {result.status}{_reason(result.status)}, still after "
                                          f"{retries + 1} attempts", result.status)
                wait = self._retry_wait(result, attempt)
                log.info("%s: HTTP %s; retrying in %.1f s", url, result.status, wait)
            attempt += 1
            self._sleep(wait)

    def _retry_wait(self, result: FetchResult, attempt: int) -> float:
        after = _retry_after_seconds(result.headers.get("retry-after"))
        wait = after if after is not None else self.backoff * 2 ** attempt
        return max(0.0, min(wait, self.max_retry_after))

    def _get_once(self, url: str, headers: dict[str, str]) -> FetchResult:
        self._wait_for_host(url)
        self.requests += 1
        if headers:
            self.conditional_requests += 1
        timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        deadline = time.monotonic() + self.timeout * 3  # a trickle of bytes must not hold a run forever
        try:
            response = self._pool.request("GET", url, headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate",
                                                            **headers},
                                          redirect=False, preload_content=False, timeout=timeout)
        except urllib3.exceptions.HTTPError as err:
            raise FetchError(url, _network_reason(err, self.timeout)) from None
        complete = False
        try:
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status in REDIRECT_STATUSES or response.status == 304 or response.status >= 400:
                return FetchResult(url=url, status=response.status, headers=response_headers)
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, f"response is {int(declared):,} bytes, over the limit of "
                                      f"{self.max_bytes:,}", response.status)
            body = bytearray()
            for chunk in response.stream(CHUNK, decode_content=True):
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(url, f"response passed the limit of {self.max_bytes:,} bytes; "
                                          "download aborted", response.status)
                if time.monotonic() > deadline:
                    raise FetchError(url, f"download took longer than {self.timeout * 3:.0f} s; aborted")
            complete = True
            return FetchResult(url=url, status=response.status, body=bytes(body), headers=response_headers)
        except urllib3.exceptions.HTTPError as err:
            raise FetchError(url, _network_reason(err, self.timeout)) from None
        finally:
            # only a fully read connection may go back to the pool; any other is closed
            response.release_conn() if complete else response.close()
            self._last_request[_site(url)] = time.monotonic()

    def _wait_for_host(self, url: str) -> None:
        last = self._last_request.get(_site(url))
        if last is None:
            return
        wait = last + self._host_delay(url) - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    # ------------------------------------------------------------ http_cache
    def _cached(self, url: str) -> dict[str, Any] | None:
        return self.cache.get(url) if self.cache is not None else None

    def _remember(self, url: str, result: FetchResult) -> None:
        if self.cache is not None:
            self.cache.put(url, result.headers.get("etag"), result.headers.get("last-modified"), result.status,
                           hashlib.sha256(result.body).hexdigest())


# ---------------------------------------------------------------- decoding

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def header_charset(content_type: str) -> str | None:
    match = _CHARSET_RE.search(content_type or "")
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def decode_body(data: bytes, content_type: str, origin: str) -> str:
    """An HTML response's text: BOM, then the header's charset, then <meta charset>, then detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_html(data, origin)
    declared = header_charset(content_type)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            log.warning("%s: declared charset %s does not fit the bytes; trying the page's own", origin, declared)
    try:
        return decode_html(data, origin)
    except ExtractError:
        pass
    try:
        # Undeclared and not UTF-8: the HTML standard's fallback for English-locale pages.
        text = data.decode("windows-1252")
        log.warning("%s: no charset declared and not UTF-8; read as windows-1252", origin)
        return text
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only for pages that say nothing true about themselves

        best = from_bytes(data).best()
        if best is None:
            raise ExtractError(f"{origin}: cannot tell the page's charset (not UTF-8, none declared)") from None
        log.warning("%s: charset detected as %s", origin, best.encoding)
        return str(best)


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


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


def _network_reason(err: Exception, timeout: float) -> str:
    if isinstance(err, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)):
        return f"timed out after {timeout:g} s"
    if isinstance(err, urllib3.exceptions.MaxRetryError) and err.reason is not None:
        err = err.reason
        if isinstance(err, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)):
            return f"timed out after {timeout:g} s"
    if isinstance(err, urllib3.exceptions.NewConnectionError):
        return f"cannot connect ({str(err).split(': ', 1)[-1]})"
    return f"network error: {err}"
