"""One Atom (RFC 4287) feed per language, with each post's full content.

Atom rather than RSS 2.0 because it has `xml:lang` and `xml:base`: readers learn the
feed's language, and relative links inside a body resolve against the post's own page.
Every timestamp comes from the posts, never from the clock, so an unchanged site gives a
byte-identical feed and nothing is rewritten.
"""

from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from polypost.publish.records import PageVersion, PublishSettings

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def render_feed(lang: str, versions: list[PageVersion], settings: PublishSettings) -> bytes:
    """The feed for `lang`: `versions` are that language's posts, newest first."""
    home = settings.lang_base(lang)
    feed_url = home + "feed.xml"
    kept = versions[: settings.feed_size] if settings.feed_size > 0 else versions
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    feed.set(f"{{{XML_NS}}}lang", lang)
    _add(feed, "id", feed_url)
    _add(feed, "title", settings.site_title.get(lang) or home)
    stamps = [_stamp(version) for version in kept]
    _add(feed, "updated", _rfc3339(max(stamps, default=EPOCH)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", hreflang=lang, href=home)
    for other in settings.langs():
        if other != lang:
            _add(feed, "link", rel="alternate", type="application/atom+xml", hreflang=other,
                 href=settings.lang_base(other) + "feed.xml")
    _add(feed, "generator", "polypost")
    for version, stamp in zip(kept, stamps, strict=True):
        feed.append(_entry(version, stamp, lang))
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _stamp(version: PageVersion) -> datetime:
    return version.updated or version.published or EPOCH


def _entry(version: PageVersion, stamp: datetime, lang: str) -> etree._Element:
    entry = etree.Element(f"{{{ATOM_NS}}}entry")
    _add(entry, "id", version.url)
    _add(entry, "title", version.title)
    _add(entry, "updated", _rfc3339(stamp))
    if version.published is not None:
        _add(entry, "published", _rfc3339(version.published))
    author = _add(entry, "author")
    _add(author, "name", version.author or "—")  # Atom requires an author name
    _add(entry, "link", rel="alternate", type="text/html", hreflang=lang, href=version.url)
    for tag in version.tags:
        _add(entry, "category", term=tag)
    if version.description:
        _add(entry, "summary", version.description)
    content = _add(entry, "content", str(version.html), type="html")
    content.set(f"{{{XML_NS}}}base", version.url)
    return entry
