"""Which kind of source a path or URL is, when the user did not say (`--kind auto`).

Only polypost's own kinds are guessed; a plugin's kind is asked for by name.
"""

from __future__ import annotations

import re
from pathlib import Path


def guess_kind(source: str) -> str:
    """The kind of a source from its name, or, for a local XML file, from its first bytes."""
    if source.startswith(("http://", "https://")):
        lowered = source.lower().split("?")[0].split("#")[0]
        if "sitemap" in lowered and lowered.endswith((".xml", ".xml.gz")):
            return "sitemap"
        if lowered.endswith((".rss", ".atom", "/feed", "/feed/", "feed.xml", "rss.xml", "atom.xml", "index.xml",
                             "/rss", "/rss/", "/atom", "/atom/")):
            return "feed"
        return "url"
    path = Path(source)
    if path.is_file() and path.suffix.lower() in (".xml", ".rss", ".atom", ".rdf", ".gz"):
        return _sniff_xml(path)
    return "files"


# The namespaces and root elements that tell one kind of XML file from another.
_WXR_MARK = b"wordpress.org/export/"
_FEED_RE = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>]")
_SITEMAP_RE = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")


def _sniff_xml(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return "files"  # the files source says what is wrong with it
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    if _WXR_MARK in head:
        return "wxr"
    if _SITEMAP_RE.search(head):
        return "sitemap"
    if _FEED_RE.search(head) or path.suffix.lower() in (".rss", ".atom", ".rdf"):
        return "feed"
    return "files"
