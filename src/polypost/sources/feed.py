"""Kind `feed`: RSS 0.9x/1.0/2.0 and Atom, from a URL or a file, read with feedparser.

feedparser is the well-kept parser for the real web's feeds: it copes with every RSS dialect,
encodings declared wrongly, and resolves relative URLs in content against xml:base and the
feed's own address, and sanitises the HTML it hands back (no scripts, no event handlers).
The body is the entry's full content (`content:encoded`, Atom `content`); when a feed carries
only a summary, that is the body, unless `fetch_full` asks for the linked page instead.
A feed that is not well-formed is still read as far as feedparser can, and reported: a
SourceProblem names the file (and line) and says what was wrong, beside the posts it gave.
"""

from __future__ import annotations

import html as html_lib
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import feedparser
from bs4 import BeautifulSoup

from polypost.records import SourcePost, SourceProblem
from polypost.sources.charset import undeclared_xml_charset
from polypost.sources.http import FetchError, Fetcher, Unchanged, is_http_url
from polypost.sources.responses import LIMIT_HINT
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS, sanitize_html
from polypost.sources.words import DEFAULT_MAX_WORDS
from polypost.sources.web import fetch_page_post, slug_from_url
from polypost.hookspecs import hookimpl
from polypost.sources.registry import FILES_OR_URLS, ReadSettings, SourceKind

__all__ = ["iter_feed_posts", "parse_feed"]

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def iter_feed_posts(sources: Sequence[str], fetcher: Fetcher | None = None, limit: int | None = None,
                    fetch_full: bool = False, embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
                    max_words: int = DEFAULT_MAX_WORDS) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    """Every entry of every feed (URL or file) as a post; `limit` counts posts over all feeds."""
    posts = 0
    for source in sources:
        for item in _one_feed(source, fetcher, fetch_full, embed_hosts, max_words):
            if isinstance(item, SourcePost):
                if limit is not None and posts >= limit:
                    return
                posts += 1
            yield item


def _one_feed(source: str, fetcher: Fetcher | None, fetch_full: bool,
              embed_hosts: Sequence[str], max_words: int) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    if is_http_url(source):
        if fetcher is None:
            raise ValueError("a Fetcher is needed to read a feed from a URL")
        try:
            result = fetcher.fetch(source, conditional=True)
        except FetchError as err:
            yield SourceProblem(origin=source, error=str(err))
            return
        if result.not_modified:
            yield Unchanged(origin=source)  # nothing in the feed changed since the last run
            return
        data, headers = result.body, {"content-type": result.content_type, "content-location": result.url}
    else:
        try:
            data = _read_file(source, fetcher.max_bytes if fetcher else 10 * 1024 * 1024)
        except (OSError, ValueError) as err:
            yield SourceProblem(origin=source, error=str(err))
            return
        headers = {}
    # links in a feed fetched from the web are chosen by its author; those in a file, by the user
    yield from parse_feed(data, source, headers=headers, fetcher=fetcher, fetch_full=fetch_full,
                          fetched=is_http_url(source), embed_hosts=embed_hosts, max_words=max_words)


def parse_feed(data: bytes, origin: str, headers: dict[str, str] | None = None, fetcher: Fetcher | None = None,
               fetch_full: bool = False, fetched: bool = True,
               embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
               max_words: int = DEFAULT_MAX_WORDS) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    """One feed document -> its posts, then a SourceProblem if it was not well-formed.

    `fetched`: the document came from the web, so the pages it links to are fetched as URLs
    found in content (kept off private addresses), not as URLs the user named.
    """
    headers = dict(headers or {})
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    detected = undeclared_xml_charset(data, content_type)
    if detected:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        headers["content-type"] = f"application/xml; charset={detected}"
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.entries and not parsed.get("version"):
        yield SourceProblem(origin=origin, error=f"not an RSS or Atom feed{_bozo_reason(parsed)}")
        return
    feed_lang = parsed.feed.get("language")
    for number, entry in enumerate(parsed.entries, start=1):
        entry_origin = f"{origin}#item-{number}"
        try:
            yield from _entry_post(entry, entry_origin, feed_lang, fetcher, fetch_full,
                                   origin if fetched else None, embed_hosts, max_words)
        except Exception as err:  # one odd entry must not lose the rest of the feed
            yield SourceProblem(origin=entry_origin, error=f"cannot read entry: {err}")
    if detected:
        yield SourceProblem(origin=origin, error=f"malformed feed (no encoding declared and the bytes "
                                                 f"are not UTF-8): read as {detected}, which detection "
                                                 f"chose; declare it in <?xml ... encoding=...?>")
    if parsed.get("bozo"):
        yield SourceProblem(origin=origin, error=f"malformed feed{_bozo_reason(parsed)}; read "
                                                 f"{len(parsed.entries)} entries as far as it could be parsed")


def _entry_post(entry: Any, origin: str, feed_lang: str | None, fetcher: Fetcher | None,
                fetch_full: bool, found_in: str | None, embed_hosts: Sequence[str],
                max_words: int = DEFAULT_MAX_WORDS) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    body, full, content_lang = _body(entry)
    link = entry.get("link") or None
    guid = entry.get("id") or ""
    url = link or (guid if is_http_url(guid) else None)
    title = _text(entry.get("title_detail") or {}, entry.get("title", ""))
    summary = entry.get("summary", "")
    if fetch_full and not full and url and is_http_url(url) and fetcher is not None:
        page = fetch_page_post(url, fetcher, source="feed", found_in=found_in, embed_hosts=embed_hosts,
                               max_words=max_words)
        if isinstance(page, SourcePost):
            page.title = title or page.title
            page.published = page.published or _date(entry)
            page.tags = page.tags or _tags(entry)
            page.description = page.description or _plain(summary) or None
        yield page
        return
    if not title and not body:
        yield SourceProblem(origin=origin, error="entry has neither title nor content", skipped=True)
        return
    yield SourcePost(
        origin=origin,
        title=title or _first_words(body),
        html=sanitize_html(body, embed_hosts),  # a feed is someone else's markup, whatever feedparser kept
        source="feed",
        url=url,
        slug=slug_from_url(url) if url else None,
        author=entry.get("author") or None,
        published=_date(entry),
        modified=_updated(entry),
        description=(_plain(summary) or None) if full else None,
        image=_image(entry),
        tags=_tags(entry),
        lang_hint=content_lang or feed_lang,
    )


def _body(entry: Any) -> tuple[str, bool, str | None]:
    """(HTML body, whether it is the full content, its declared language)."""
    contents = entry.get("content") or []
    best = next((c for c in contents if c.get("type") in _HTML_TYPES), contents[0] if contents else None)
    if best is not None and (best.get("value") or "").strip():
        return _as_html(best.get("value", ""), best.get("type")), True, best.get("language")
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary", "")
    return _as_html(summary, detail.get("type")), False, detail.get("language")


def _as_html(value: str, media_type: str | None) -> str:
    if media_type == "text/plain":
        paragraphs = [p.strip() for p in value.split("\n\n") if p.strip()]
        return "\n".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return value.strip()


def _text(detail: dict, value: str) -> str:
    if detail.get("type") in _HTML_TYPES:
        return _plain(value)
    return " ".join(value.split())


def _plain(html: str) -> str:
    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


def _first_words(html: str, words: int = 10) -> str:
    return " ".join(_plain(html).split()[:words])


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=timezone.utc).isoformat()
    return entry.get("published") or entry.get("updated") or None


def _updated(entry: Any) -> str | None:
    """Atom's <updated> (RSS has none): only where the entry also says when it was published."""
    value = entry.get("updated_parsed")
    if not value or not entry.get("published_parsed"):
        return None
    return datetime(*value[:6], tzinfo=timezone.utc).isoformat()


def _tags(entry: Any) -> list[str]:
    tags: list[str] = []
    for tag in entry.get("tags") or []:
        name = (tag.get("label") or tag.get("term") or "").strip()
        if name and name not in tags:
            tags.append(name)
    return tags


def _image(entry: Any) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            if media.get("url") and (key == "media_thumbnail" or str(media.get("medium", "image")) == "image"):
                return media["url"]
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return link.get("href")
    return None


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return ""
    line = getattr(exc, "getLineNumber", None)
    where = f" on line {line()}" if callable(line) and line() else ""
    return f" ({type(exc).__name__}{where}: {getattr(exc, 'getMessage', lambda: str(exc))()})"


def _read_file(source: str, max_bytes: int) -> bytes:
    path = Path(source)
    if not path.is_file():
        raise ValueError(f"{source}: no such file")
    if path.stat().st_size > max_bytes:
        raise ValueError(f"{source}: file is {path.stat().st_size:,} bytes, over the limit of {max_bytes:,} ({LIMIT_HINT})")
    return path.read_bytes()


def _read_kind(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem]:
    return iter_feed_posts(sources, settings.fetcher, limit=settings.limit, fetch_full=settings.fetch_full,
                           embed_hosts=settings.embed_hosts, max_words=settings.max_words)


@hookimpl
def register_sources(register) -> None:
    register(SourceKind("feed", _read_kind, inputs=FILES_OR_URLS, fetches=True))
