"""Metadata of a full web page: meta tags, JSON-LD, author, date, tags, base URL, title."""

from __future__ import annotations

import json
import re
from datetime import datetime
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urljoin, urlparse

from dateutil import parser as dateparser
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

TITLE_SEPARATOR_RE = re.compile(r"\s+(?:\||-|–|—|·|»|::|/|\\)\s+")



def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """name/property -> content for every <meta>, first one winning, names lowercased."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv") or "")
        content = tag.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def json_ld(soup: BeautifulSoup) -> dict[str, str]:
    """The article fields of the page's JSON-LD (schema.org Article/BlogPosting), flattened."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        for node in _ld_nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ("Article" in k or "Posting" in k) for k in kinds):
                return {
                    "headline": _ld_text(node.get("headline") or node.get("name")),
                    "author": _ld_text(node.get("author")),
                    "published": _ld_text(node.get("datePublished")),
                    "image": _ld_text(node.get("image")),
                    "description": _ld_text(node.get("description")),
                    "keywords": node.get("keywords") or "",
                    "site": _ld_text(node.get("publisher")),
                }
    return {}


def _ld_nodes(data: object) -> Iterable[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_nodes(data.get("@graph", []))


def _ld_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_text(v) for v in value)))
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("url") or "")
    return str(value).strip() if value else ""


def select_by_priority(soup: BeautifulSoup, selectors: Sequence[str]) -> Iterator[list[Tag]]:
    """Per selector, in the order given, the elements it matches (document order). The tree is
    walked once for all of them: each walk costs seconds on a big page."""
    found = soup.select(", ".join(selectors))
    for selector in selectors:
        yield [tag for tag in found if tag.css.match(selector)]


_AUTHOR_SELECTORS = ("a[rel=author]", "[itemprop=author] [itemprop=name]", ".byline .author", ".author .fn")


def page_author(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, str], guessed: str | None) -> str:
    for value in (meta.get("author"), meta.get("article:author"), ld.get("author"), meta.get("dc.creator")):
        if value and not value.startswith("http"):
            return value
    for matching in select_by_priority(soup, _AUTHOR_SELECTORS):
        for tag in matching:
            if tag_text(tag):
                return re.sub(r"^by\s+", "", tag_text(tag), flags=re.I)
    # trafilatura's guess, then a social handle: better than nothing
    return guessed or meta.get("twitter:creator") or ""


def page_published(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, str]) -> str | None:
    for key in ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
                "dc.date.issued", "pubdate", "publish_date", "sailthru.date", "parsely-pub-date"):
        if meta.get(key):
            return iso_date(meta[key])
    if ld.get("published"):
        return iso_date(ld["published"])
    time_tag = soup.select_one("article time[datetime], time[pubdate], time[itemprop=datePublished]")
    return iso_date(tag_attr(time_tag, "datetime")) if time_tag else None


_MODIFIED_META = re.compile(
    r"""<meta\b(?=[^>]*\b(?:property|name|itemprop)\s*=\s*["']?(?:article:modified_time|og:updated_time|"""
    r"""datemodified|last-modified)["'\s>])[^>]*\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_MODIFIED_LD = re.compile(r'"dateModified"\s*:\s*"([^"]+)"')


def page_modified(text: str) -> str | None:
    """When the page says its article last changed: article:modified_time, og:updated_time,
    JSON-LD dateModified. Read from the page's text with two patterns, not a second parse of a
    page that may be megabytes long."""
    match = _MODIFIED_META.search(text)
    value = (match.group(1) or match.group(2)) if match else None
    if not value:
        found = _MODIFIED_LD.search(text)
        value = found.group(1) if found else None
    return iso_date(value) if value else None


def iso_date(value: str | None) -> str | None:
    """Any common date spelling -> ISO 8601 (date only when no time was given), else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.date().isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else parsed.isoformat()
    except ValueError:
        pass
    try:
        parsed = dateparser.parse(value, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def page_tags(meta: dict[str, str], ld: dict[str, str], soup: BeautifulSoup) -> list[str]:
    tags = [t.get("content", "").strip() for t in soup.find_all("meta", property="article:tag")]
    if not any(tags):
        raw = meta.get("keywords") or meta.get("news_keywords") or ld.get("keywords") or ""
        tags = list(raw) if isinstance(raw, list) else raw.split(",")
    seen: list[str] = []
    for tag in (t.strip() for t in tags):
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def base_url(soup: BeautifulSoup, url: str | None) -> str | None:
    """The absolute URL relative links resolve against: <base href> over the page URL."""
    href = tag_attr(soup.find("base", href=True), "href")
    if href:
        href = urljoin(url, href) if url else href
        if urlparse(href).scheme:
            return href
    return url if url and urlparse(url).scheme else None


def clean_title(raw: str, site_names: Iterable[str] = (), headings: Iterable[str] = (),
                author: str | None = None) -> str:
    """A page title without the site name: "Post | site.com", "Post - Blog", "Site: Post" -> "Post"."""
    title = norm(raw)
    if not title:
        return ""
    heads = [norm(h) for h in headings if norm(h)]
    if title in heads:
        return title
    parts = TITLE_SEPARATOR_RE.split(title)
    # A heading on the page that is one leading run of the title's parts is the post's own title.
    for end in range(len(parts) - 1, 0, -1):
        candidate = _join_prefix(title, parts, end)
        if candidate in heads:
            return candidate
    # Drop known suffixes (site name, then author) as often as they appear at the end.
    drops = {norm(s).lower() for s in site_names if s} | ({norm(author).lower()} if author else set())
    while len(parts) > 1 and parts[-1].lower() in drops:
        parts.pop()
        title = _join_prefix(title, parts, len(parts))
    for name in sorted(drops, key=len, reverse=True):  # "Site: Post", "Site | Post"
        prefix = re.match(re.escape(name) + r"\s*(?::|\||-|–|—|·|»)\s+(?=\S)", title, re.I) if name else None
        if prefix:
            title = title[prefix.end():]
            parts = TITLE_SEPARATOR_RE.split(title)
            break
    bracket = re.fullmatch(r"(.+?)\s*\[([^\]]+)\]", title)
    if bracket and bracket.group(2).lower() in drops | {"blog"} or (bracket and "." in bracket.group(2)):
        return bracket.group(1)
    # An unknown short last part ("- Blog", "| example.com") after a title of some length goes too.
    if len(parts) > 1:
        head = _join_prefix(title, parts, len(parts) - 1)
        last = parts[-1]
        if len(last.split()) <= 3 and len(head.split()) >= 3 and len(head) > len(last):
            return head
    return title


def _join_prefix(title: str, parts: list[str], count: int) -> str:
    """The original text of the first `count` parts, separators as written."""
    pieces = TITLE_SEPARATOR_RE.split(title)
    seps = TITLE_SEPARATOR_RE.findall(title)
    out = pieces[0]
    for i in range(1, count):
        out += seps[i - 1] + pieces[i]
    return out.strip()


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def tag_text(tag: Tag | NavigableString | None) -> str:
    return norm(tag.get_text(" ")) if tag is not None else ""


def tag_attr(tag: Tag | None, name: str) -> str:
    value = tag.get(name) if tag is not None else None
    return value.strip() if isinstance(value, str) else ""
