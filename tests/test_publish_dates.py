"""Dates a reader and a search engine see: the post's own, never the night polypost ran.

Modification dates come from the source (front matter `lastmod`, WXR `post_modified_gmt`, a page's
`article:modified_time` or JSON-LD `dateModified`) and reach the sitemap, the feeds, the
`article:` meta tags and the JSON-LD `BlogPosting` that links the pair."""

from __future__ import annotations

import json
from dataclasses import replace

import feedparser
from lxml import etree
from lxml import html as lxml_html

from polypost.publish.dates import datetime_attribute, parse_datetime
from polypost.publish.records import PublishItem, PublishSettings
from polypost.publish.site import publish_site
from polypost.records import Post, Translation
from polypost.sources.files import read_file_post
from polypost.sources.wxr import read_wxr

SETTINGS = PublishSettings(base_url="https://blog.example.com/", site_title={"en": "Notes", "es": "Notas"})
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def stored(source, post_id: str) -> Post:
    return Post(id=post_id, source=source.source, origin=source.origin, title=source.title, html=source.html,
                slug=source.slug or post_id, content_hash=post_id, url=source.url, lang="en",
                published=source.published, modified=source.modified, author=source.author,
                updated_at="2026-12-02T03:00:00+00:00")  # the run's own time


def test_modification_dates_are_read_from_each_kind_of_source(tmp_path, corpus):
    md = tmp_path / "post.md"
    md.write_text("---\ntitle: T\ndate: 2021-04-01\nlastmod: 2023-02-03T10:00:00Z\n---\nBody.\n")
    assert read_file_post(str(md)).modified == "2023-02-03T10:00:00+00:00"
    jekyll = tmp_path / "2020-01-01-j.md"
    jekyll.write_text("---\ntitle: J\nlast_modified_at: 2020-06-01\n---\nBody.\n")
    assert read_file_post(str(jekyll)).modified == "2020-06-01"
    page = read_file_post(str(corpus / "pages" / "readability" / "medium-3" / "source.html"))
    assert page.modified == "2018-04-22T22:24:24.777000+00:00"  # JSON-LD dateModified
    assert read_file_post(str(corpus / "pages" / "readability" / "wordpress" / "source.html")).modified == \
        "2017-03-09T23:16:02+00:00"  # article:modified_time
    posts = [p for p in read_wxr(str(corpus / "wxr" / "theme-unit-test-data.xml")) if hasattr(p, "modified")]
    by_slug = {p.slug: p for p in posts}
    assert by_slug["wp-6-1-spacing-presets"].published == "2023-01-16T06:56:53+00:00"
    assert by_slug["wp-6-1-spacing-presets"].modified == "2023-01-16T07:16:57+00:00"  # post_modified_gmt
    assert by_slug["markup-html-tags-and-formatting"].modified is None  # the export does not say


def test_sitemap_feeds_and_pages_carry_the_source_dates_never_the_run_s(tmp_path):
    edited = Post(id="a", source="files", origin="a.md", title="Edited", html="<p>Hello.</p>", slug="edited",
                  content_hash="a", lang="en", published="2021-04-01", modified="2023-02-03T10:00:00.123456+00:00",
                  author="Ana", tags=["python"], updated_at="2026-12-02T03:00:00+00:00")
    dated = replace(edited, id="b", slug="dated", title="Dated", modified=None)
    undated = replace(edited, id="c", slug="undated", title="Undated", published=None, modified=None)
    es = Translation(post_id="a", lang="es", title="Editado", slug="editado", html="<p>Hola.</p>",
                     translated_at="2026-12-02T03:00:05+00:00")
    out = tmp_path / "site"
    publish_site([PublishItem(edited, es), PublishItem(dated, None), PublishItem(undated, None)], out, SETTINGS)
    sitemap = etree.parse(str(out / "sitemap.xml"))

    def lastmod(url):
        return sitemap.xpath(f'//s:url[s:loc="{url}"]/s:lastmod/text()', namespaces=NS)

    assert lastmod("https://blog.example.com/en/edited/") == lastmod("https://blog.example.com/es/editado/") == \
        ["2023-02-03T10:00:00Z"]
    assert lastmod("https://blog.example.com/en/dated/") == ["2021-04-01T00:00:00Z"]
    assert lastmod("https://blog.example.com/en/undated/") == ["2026-12-02T03:00:00Z"]  # nothing better known
    feed = feedparser.parse((out / "es" / "feed.xml").read_bytes())
    assert feed.entries[0].updated == "2023-02-03T10:00:00Z"
    assert feed.feed.updated == "2023-02-03T10:00:00Z"
    doc = lxml_html.fromstring((out / "es" / "editado" / "index.html").read_bytes())
    meta = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert meta["article:published_time"] == "2021-04-01"
    assert meta["article:modified_time"] == "2023-02-03T10:00:00.123+00:00"  # three digits at most
    ld = json.loads(doc.xpath('//script[@type="application/ld+json"]/text()')[0])
    assert ld["@type"] == "BlogPosting" and ld["inLanguage"] == "es" and ld["headline"] == "Editado"
    assert ld["dateModified"] == "2023-02-03T10:00:00.123+00:00" and ld["datePublished"] == "2021-04-01"
    assert ld["translationOfWork"] == {"@type": "BlogPosting", "@id": "https://blog.example.com/en/edited/",
                                       "url": "https://blog.example.com/en/edited/", "inLanguage": "en"}
    english = lxml_html.fromstring((out / "en" / "edited" / "index.html").read_bytes())
    ld_en = json.loads(english.xpath('//script[@type="application/ld+json"]/text()')[0])
    assert ld_en["workTranslation"] == [{"@type": "BlogPosting", "@id": "https://blog.example.com/es/editado/",
                                         "url": "https://blog.example.com/es/editado/", "inLanguage": "es"}]
    assert "translationOfWork" not in ld_en and ld_en["author"] == {"@type": "Person", "name": "Ana"}


def test_json_ld_cannot_end_its_script_element(tmp_path):
    post = Post(id="x", source="files", origin="x.md", title="</script><script>alert(1)</script>", html="<p>x</p>",
                slug="x", content_hash="x", lang="en", published="2024-01-01")
    publish_site([PublishItem(post, None)], tmp_path, SETTINGS)
    doc = lxml_html.fromstring((tmp_path / "en" / "x" / "index.html").read_bytes())
    scripts = doc.xpath("//script")
    assert len(scripts) == 1
    assert json.loads(scripts[0].text)["headline"] == "</script><script>alert(1)</script>"


def test_time_datetime_has_at_most_three_digits_of_a_second():
    moment, _ = parse_datetime("2015-12-11T14:28:34.438000+00:00")
    assert datetime_attribute(moment, False) == "2015-12-11T14:28:34.438+00:00"
    assert datetime_attribute(parse_datetime("2015-12-11T14:28:34+01:00")[0], False) == "2015-12-11T14:28:34+01:00"
