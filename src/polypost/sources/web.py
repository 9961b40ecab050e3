"""Kind `url`: one web page per URL, fetched politely and read with `extract_page`."""

from __future__ import annotations

import re
from typing import Iterator, Sequence
from urllib.parse import urlparse

from polypost.sources.page.extract import ExtractError, extract_page
from polypost.sources.page.metadata import page_modified
from polypost.records import SourcePost, SourceProblem
from polypost.sources.http import FetchError, Fetcher, Unchanged
from polypost.hookspecs import hookimpl
from polypost.sources.registry import URLS, ReadSettings, SourceKind
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS, sanitize_html
from polypost.sources.words import DEFAULT_MAX_WORDS, words_problem

__all__ = ["fetch_page_post", "iter_url_posts"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "")


def iter_url_posts(urls: Sequence[str], fetcher: Fetcher, limit: int | None = None,
                   embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
                   max_words: int = DEFAULT_MAX_WORDS) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    """Each URL -> its post; a page the server says is unchanged (304) -> `Unchanged`."""
    posts = 0
    for url in urls:
        if limit is not None and posts >= limit:
            return
        item = fetch_page_post(url, fetcher, source="url", embed_hosts=embed_hosts, max_words=max_words)
        if isinstance(item, SourcePost):
            posts += 1
        yield item


def fetch_page_post(url: str, fetcher: Fetcher, source: str, found_in: str | None = None,
                    embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
                    max_words: int = DEFAULT_MAX_WORDS) -> SourcePost | SourceProblem | Unchanged:
    """Fetch one page (conditionally) and extract its post; every failure names the URL.

    `found_in`: the fetched document that linked to this page (see `Fetcher.fetch`). The body is
    someone else's markup: it passes the sanitiser (embeds only from `embed_hosts`). A page of
    more than `max_words` words is refused before it is parsed.
    """
    try:
        result = fetcher.fetch(url, conditional=True, found_in=found_in)
    except FetchError as err:
        return SourceProblem(origin=url, error=err.reason if err.url == url else str(err))
    if result.not_modified:
        return Unchanged(origin=url)
    media_type = result.content_type.split(";")[0].strip().lower()
    if media_type not in _HTML_TYPES:
        fetcher.forget(url)
        return SourceProblem(origin=url, error=f"{result.url}: not a web page (Content-Type {media_type})",
                             skipped=True)
    too_long = words_problem(result.text(), max_words)
    if too_long:
        fetcher.forget(url)
        return SourceProblem(origin=url, error=f"{result.url}: {too_long}")
    try:
        post = extract_page(result.text(), origin=url, url=result.url)
    except ExtractError as err:
        fetcher.forget(url)
        return SourceProblem(origin=url, error=str(err))
    post.source = source
    post.modified = post.modified or page_modified(result.text())
    post.html = sanitize_html(post.html, embed_hosts)
    post.url = post.url or result.url
    post.slug = post.slug or slug_from_url(post.url)
    if not post.title:
        post.title = post.slug or result.url
    return post


def slug_from_url(url: str | None) -> str | None:
    """The last path segment: "https://x.org/blog/my-post/" -> "my-post"."""
    if not url:
        return None
    segments = [s for s in urlparse(url).path.split("/") if s]
    return re.sub(r"\.(html?|php)$", "", segments[-1]) if segments else None


def _read_kind(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem]:
    return iter_url_posts(sources, settings.fetcher, limit=settings.limit, embed_hosts=settings.embed_hosts,
                          max_words=settings.max_words)


@hookimpl
def register_sources(register) -> None:
    register(SourceKind("url", _read_kind, inputs=URLS, fetches=True))
