"""Kind `sitemap`: every page a sitemap (or a sitemap index, followed) lists, fetched politely.

Include/exclude patterns pick the post pages among what a sitemap lists (home, tag and
category pages are usually there too): a pattern with `*`, `?` or `[` is a glob matched
against the whole URL (`*/blog/*`), any other pattern matches when the URL contains it.
The XML is read with entity expansion, DTDs and the network off.
"""

from __future__ import annotations

import fnmatch
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from lxml import etree

from polypost.records import SourcePost, SourceProblem
from polypost.sources.http import FetchError, Fetcher, Unchanged, is_http_url
from polypost.sources.responses import LIMIT_HINT
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS
from polypost.sources.words import DEFAULT_MAX_WORDS
from polypost.sources.web import fetch_page_post
from polypost.hookspecs import hookimpl
from polypost.sources.registry import FILES_OR_URLS, ReadSettings, SourceKind

__all__ = ["SitemapError", "iter_sitemap_posts", "matches", "parse_sitemap", "safe_xml_parser"]

MAX_SITEMAPS = 1000  # an index of indexes is followed this far at most
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SitemapError(ValueError):
    pass


@dataclass
class SitemapEntries:
    pages: list[str]
    sitemaps: list[str]  # nested sitemaps of an index


def safe_xml_parser(recover: bool = False) -> etree.XMLParser:
    """No entity expansion, no DTD, no network, no huge trees: an XML bomb stays a small file."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, recover=recover, remove_blank_text=False)


def parse_sitemap(data: bytes, origin: str, max_bytes: int = 50 * 1024 * 1024) -> SitemapEntries:
    """A <urlset> or a <sitemapindex> (gzipped or not) -> the URLs it lists."""
    if data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            data = unzipped.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise SitemapError(f"{origin}: unzipped sitemap passes the limit of {max_bytes:,} bytes")
    try:
        root = etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as err:
        raise SitemapError(f"{origin}: not well-formed XML: {err}") from None
    local = etree.QName(root).localname
    if local not in ("urlset", "sitemapindex"):
        raise SitemapError(f"{origin}: not a sitemap (root element <{local}>, expected <urlset> or <sitemapindex>)")
    child = "url" if local == "urlset" else "sitemap"
    locs = []
    for entry in root:
        if isinstance(entry.tag, str) and etree.QName(entry).localname == child:
            loc = next((c for c in entry if isinstance(c.tag, str) and etree.QName(c).localname == "loc"), None)
            if loc is not None and (loc.text or "").strip():
                locs.append(loc.text.strip())
    return SitemapEntries(pages=locs, sitemaps=[]) if child == "url" else SitemapEntries(pages=[], sitemaps=locs)


def matches(url: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> bool:
    def hit(pattern: str) -> bool:
        if any(ch in pattern for ch in "*?["):
            return fnmatch.fnmatchcase(url, pattern)
        return pattern in url

    if include and not any(hit(p) for p in include):
        return False
    return not any(hit(p) for p in exclude)


def iter_sitemap_posts(sources: Sequence[str], fetcher: Fetcher, limit: int | None = None,
                       include: Sequence[str] = (), exclude: Sequence[str] = (),
                       embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
                       max_words: int = DEFAULT_MAX_WORDS) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    """The posts of every page the sitemaps list, in sitemap order, each page fetched once."""
    posts = 0
    seen_pages: set[str] = set()
    for found in _page_urls(sources, fetcher):
        if isinstance(found, SourceProblem):
            yield found
            continue
        page_url, found_in = found
        if page_url in seen_pages or not matches(page_url, include, exclude):
            continue
        if limit is not None and posts >= limit:
            return
        seen_pages.add(page_url)
        item = fetch_page_post(page_url, fetcher, source="sitemap", found_in=found_in, embed_hosts=embed_hosts,
                               max_words=max_words)
        if isinstance(item, SourcePost):
            posts += 1
        yield item


def _page_urls(sources: Sequence[str], fetcher: Fetcher) -> Iterator[tuple[str, str | None] | SourceProblem]:
    """(page URL, the fetched sitemap that listed it or None), depth-first through indexes, lazily:
    the first pages are fetched before the last sitemap.

    What a sitemap from the web lists was chosen by its author: only http(s) URLs, fetched as
    found in content (never a local path, never a private address). A local sitemap file is the
    user's own, and what it lists counts as named by the user.
    """
    pending: list[tuple[str, str | None]] = [(s, None) for s in reversed(sources)]
    visited: set[str] = set()
    while pending:
        sitemap, parent = pending.pop()
        if sitemap in visited:
            continue
        if len(visited) >= MAX_SITEMAPS:
            yield SourceProblem(origin=sitemap, error=f"more than {MAX_SITEMAPS} sitemaps; not followed")
            return
        visited.add(sitemap)
        try:
            entries = parse_sitemap(_read(sitemap, fetcher, parent), sitemap)
        except (FetchError, SitemapError, OSError) as err:
            yield SourceProblem(origin=sitemap, error=_message(err, sitemap))
            continue
        found_in = sitemap if is_http_url(sitemap) else parent
        pending.extend((child, found_in) for child in reversed(entries.sitemaps))
        yield from ((page, found_in) for page in entries.pages)


def _read(source: str, fetcher: Fetcher, found_in: str | None) -> bytes:
    if is_http_url(source) or found_in is not None:
        # Never conditional: a sitemap that did not change still lists pages that may have.
        return fetcher.fetch(source, found_in=found_in).body
    path = Path(source)
    if path.stat().st_size > fetcher.max_bytes:
        raise SitemapError(f"{source}: file passes the limit of {fetcher.max_bytes:,} bytes ({LIMIT_HINT})")
    return path.read_bytes()


def _message(err: Exception, origin: str) -> str:
    if isinstance(err, OSError):
        return f"{origin}: cannot read: {err.strerror or err}"
    return str(err)


def _read_kind(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem]:
    return iter_sitemap_posts(sources, settings.fetcher, limit=settings.limit, include=settings.include,
                              exclude=settings.exclude, embed_hosts=settings.embed_hosts,
                              max_words=settings.max_words)


@hookimpl
def register_sources(register) -> None:
    register(SourceKind("sitemap", _read_kind, inputs=FILES_OR_URLS, fetches=True))
