"""What a fetch gives back: a result, an Unchanged marker for a 304, or a FetchError; and the
words that explain a failed request (status phrases, network errors, Retry-After)."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus

import urllib3

from polypost.sources.charset import decode_body

__all__ = ["FetchError", "FetchResult", "Unchanged", "network_reason", "reason_phrase", "retry_after_seconds"]

LIMIT_HINT = "raise [sources] max_bytes to allow more"


class FetchError(Exception):
    """A URL that could not be fetched; the message names the URL and says why.

    `final` marks failures a retry cannot help (the deadline passed, the address was refused).
    """

    def __init__(self, url: str, reason: str, status: int | None = None, *, final: bool = False,
                 refused: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.final = final or refused
        self.refused = refused


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


def retry_after_seconds(value: str | None) -> float | None:
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


def reason_phrase(status: int) -> str:
    try:
        return f" {HTTPStatus(status).phrase}"
    except ValueError:
        return ""


def network_reason(err: Exception, timeout: float) -> str:
    if isinstance(err, urllib3.exceptions.MaxRetryError) and err.reason is not None:
        err = err.reason
    # NewConnectionError is a subclass of ConnectTimeoutError: it must be asked about first, or
    # a refused connection (nothing listens on that port) reads as a timeout.
    if isinstance(err, urllib3.exceptions.NewConnectionError):
        cause = err.__cause__ or err.__context__
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(err).lower():
            return "connection refused (nothing listens at that address and port)"
        return f"cannot connect ({str(err).split(': ', 1)[-1]})"
    if isinstance(err, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError)):
        return f"timed out after {timeout:g} s"
    return f"network error: {err}"
