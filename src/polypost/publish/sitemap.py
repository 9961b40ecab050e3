"""sitemap.xml with `xhtml:link` alternates for every language pair.

Google reads hreflang from the sitemap as well as from the pages; both must agree, so
the alternates here come from the same `PostEntry.alternates` the pages use. Past
`max_urls` (50,000 is the protocol's limit) the URLs are split into `sitemap-<n>.xml`
files and `sitemap.xml` becomes a sitemap index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from lxml import etree

from polypost.publish.records import PostEntry, PublishSettings

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
PROTOCOL_MAX_URLS = 50_000


@dataclass
class SitemapUrl:
    loc: str
    lastmod: datetime | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, absolute url)

    @classmethod
    def pair(cls, urls_by_lang: dict[str, str], x_default: str | None) -> list["SitemapUrl"]:
        """One <url> per language version, each listing every version (itself included)."""
        alternates = list(urls_by_lang.items())
        if x_default and len(alternates) > 1:
            alternates.append(("x-default", x_default))
        if len(alternates) < 2:
            alternates = []
        return [cls(loc=url, alternates=alternates) for url in urls_by_lang.values()]


def urls_for_entry(entry: PostEntry, settings: PublishSettings) -> list[SitemapUrl]:
    alternates = entry.alternates(settings)
    return [SitemapUrl(loc=v.url, lastmod=v.updated, alternates=alternates) for v in entry.versions.values()]


@lru_cache(maxsize=4096)  # the two versions of a post share their date
def _w3c_datetime(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# What XML 1.0 cannot hold at all (lxml refuses the same): control characters, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;",
                                    "\n": "&#10;", "\r": "&#13;"})


def _refuse_what_xml_cannot_hold(urls: list[SitemapUrl], text: str) -> None:
    """Checked once over the whole text (the markup around the strings holds no such character)."""
    if _NOT_XML.search(text):
        bad = next(value for item in urls for value in (item.loc, *(v for pair in item.alternates for v in pair))
                   if _NOT_XML.search(value))
        raise ValueError(f"{bad!r}: not a string XML can hold (control characters)")


def render_urlset(urls: list[SitemapUrl]) -> bytes:
    """The urlset as lxml would serialize it, byte for byte (a test holds them equal), written as
    text: a big site's sitemap is re-made whenever one post's lastmod moves, and building tens of
    thousands of elements took longer than the rest of such a publish."""
    opening = f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}"'
    if not urls:
        return f"<?xml version='1.0' encoding='UTF-8'?>\n{opening}/>\n".encode("utf-8")
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", opening + ">"]
    blocks: dict[int, str] = {}  # id of an alternates list (alive in `urls`) -> its lines
    for item in urls:
        lines.append("  <url>")
        lines.append(f"    <loc>{item.loc.translate(_TEXT_ESCAPES)}</loc>")
        if item.lastmod is not None:
            lines.append(f"    <lastmod>{_w3c_datetime(item.lastmod)}</lastmod>")
        if item.alternates:
            # The versions of a post share one list of alternates (SitemapUrl.pair): written once.
            block = blocks.get(id(item.alternates))
            if block is None:
                block = blocks[id(item.alternates)] = "\n".join(
                    f'    <xhtml:link rel="alternate" hreflang="{hreflang.translate(_ATTRIBUTE_ESCAPES)}" '
                    f'href="{href.translate(_ATTRIBUTE_ESCAPES)}"/>' for hreflang, href in item.alternates)
            lines.append(block)
        lines.append("  </url>")
    lines.append("</urlset>\n")
    text = "\n".join(lines)
    _refuse_what_xml_cannot_hold(urls, text)
    return text.encode("utf-8")


def render_index(sitemap_urls: list[tuple[str, datetime | None]]) -> bytes:
    index = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for loc, lastmod in sitemap_urls:
        entry = etree.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        etree.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = _w3c_datetime(lastmod)
    return _serialize(index)


def sitemap_names(count: int, max_urls: int = PROTOCOL_MAX_URLS) -> list[str]:
    """The files `render_sitemaps` makes for `count` URLs, without making them."""
    max_urls = max(1, min(max_urls, PROTOCOL_MAX_URLS))
    if count <= max_urls:
        return ["sitemap.xml"]
    return [f"sitemap-{number}.xml" for number in range(1, -(-count // max_urls) + 1)] + ["sitemap.xml"]


def render_sitemaps(urls: list[SitemapUrl], root_url: str, max_urls: int = PROTOCOL_MAX_URLS) -> dict[str, bytes]:
    """Files to write (path relative to the site root -> content): one urlset, or an index."""
    max_urls = max(1, min(max_urls, PROTOCOL_MAX_URLS))
    if len(urls) <= max_urls:
        return {"sitemap.xml": render_urlset(urls)}
    files: dict[str, bytes] = {}
    children: list[tuple[str, datetime | None]] = []
    for number, start in enumerate(range(0, len(urls), max_urls), start=1):
        chunk = urls[start : start + max_urls]
        name = f"sitemap-{number}.xml"
        files[name] = render_urlset(chunk)
        dates = [item.lastmod for item in chunk if item.lastmod is not None]
        children.append((root_url + name, max(dates) if dates else None))
    files["sitemap.xml"] = render_index(children)
    return files
