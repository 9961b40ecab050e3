"""The sitemap is written as text for speed: it must be what lxml would have serialized, byte for
byte, for any URL a site can hold, and refuse what XML cannot hold as lxml does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from polypost.publish.sitemap import SITEMAP_NS, XHTML_NS, SitemapUrl, _w3c_datetime, render_urlset


def lxml_urlset(urls: list[SitemapUrl]) -> bytes:
    """The urlset built as elements and serialized by lxml: the reference."""
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for item in urls:
        url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = item.loc
        if item.lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = _w3c_datetime(item.lastmod)
        for hreflang, href in item.alternates:
            etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=href)
    return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Every character XML 1.0 can hold, with the ones that need escaping made likely.
xml_text = st.text(st.one_of(st.sampled_from('&<>"\'\t\n\r %#?=/:'),
                             st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
                             .filter(lambda ch: ch in "\t\n\r" or (" " <= ch and ch not in "\ufffe\uffff"))),
                   max_size=30)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-4)),
                                                  timezone(timedelta(hours=5, minutes=30))]))
urls = st.builds(SitemapUrl, loc=xml_text, lastmod=st.none() | moments,
                 alternates=st.lists(st.tuples(xml_text, xml_text), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(urls, max_size=5))
def test_the_text_is_what_lxml_serializes(items):
    assert render_urlset(items) == lxml_urlset(items)


def test_a_real_pair_is_byte_identical():
    pair = SitemapUrl.pair({"en": "https://blog.example.com/en/social-media/",
                            "es": "https://blog.example.com/es/redes-sociales/?a=1&b=%C3%B1"},
                           "https://blog.example.com/en/social-media/")
    pair[0].lastmod = datetime(2024, 3, 9, 17, 5, 1, 999, tzinfo=timezone(timedelta(hours=-4)))
    text = render_urlset(pair)
    assert text == lxml_urlset(pair)
    assert b"<lastmod>2024-03-09T21:05:01Z</lastmod>" in text and b"?a=1&amp;b=%C3%B1" in text


@pytest.mark.parametrize("bad", ["\x01", "\x1f", "\ufffe", "\x00"])
def test_what_xml_cannot_hold_is_refused_as_lxml_refuses_it(bad):
    item = [SitemapUrl(loc=f"https://example.com/{bad}")]
    with pytest.raises(ValueError):
        lxml_urlset(item)
    with pytest.raises(ValueError):
        render_urlset(item)
