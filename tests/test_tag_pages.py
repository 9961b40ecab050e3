"""Tag pages: one per tag per language, paired with the twin their posts agree on."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from polypost.publish.check import check_site
from polypost.publish.records import PageVersion, PostEntry, PublishItem, PublishSettings
from polypost.publish.site import publish_site
from polypost.publish.tags import tag_pages, tag_url
from polypost.records import Post, Translation

SETTINGS = PublishSettings(base_url="https://blog.example.com/")


def entry(post_id: str, en_tags: list[str], es_tags: list[str] | None) -> PostEntry:
    post = Post(id=post_id, source="files", origin=f"{post_id}.md", title=post_id, html="", slug=post_id,
                content_hash="h", tags=en_tags)

    def version(lang: str, tags: list[str]) -> PageVersion:
        return PageVersion(post_id=post_id, lang=lang, slug=post_id, title=post_id, description=None, html="",
                           author=None, published=None, date_only=False, updated=None, image=None, tags=tags,
                           comments=[], status="original", url=f"https://blog.example.com/{lang}/{post_id}/")

    versions = {"en": version("en", en_tags)}
    if es_tags is not None:
        versions["es"] = version("es", es_tags)
    return PostEntry(post=post, versions=versions)


def by_key(pages):
    return {(page.lang, page.slug): page for page in pages}


def test_tags_agreed_both_ways_are_twins_and_others_stand_alone():
    pages = by_key(tag_pages([
        entry("a", ["social media", "growth"], ["redes sociales", "crecimiento"]),
        entry("b", ["Social Media", "brand"], ["redes sociales", "marca"]),
        entry("c", ["brand"], ["imagen"]),  # "brand" is translated two ways: no twin
        entry("d", ["growth"], None),  # no translation: on the English page only
    ], SETTINGS))
    assert sorted(pages) == [("en", "brand"), ("en", "growth"), ("en", "social-media"),
                             ("es", "crecimiento"), ("es", "imagen"), ("es", "marca"), ("es", "redes-sociales")]
    social = pages[("en", "social-media")]
    assert social.name == "social media" and [v.post_id for v in social.versions] == ["a", "b"]
    assert social.alternates == [("en", "https://blog.example.com/en/tags/social-media/"),
                                 ("es", "https://blog.example.com/es/tags/redes-sociales/"),
                                 ("x-default", "https://blog.example.com/en/tags/social-media/")]
    assert pages[("es", "redes-sociales")].alternates == social.alternates
    assert pages[("en", "brand")].alternates == [] and pages[("es", "marca")].alternates == []
    assert [v.post_id for v in pages[("en", "growth")].versions] == ["a", "d"]
    assert pages[("en", "growth")].alternates[1] == ("es", "https://blog.example.com/es/tags/crecimiento/")


def test_two_tags_translated_alike_have_no_twin_and_a_tag_without_letters_no_page():
    pages = by_key(tag_pages([
        entry("a", ["metrics", "🔥"], ["métricas", "🔥"]),
        entry("b", ["measurement"], ["métricas"]),
    ], SETTINGS))
    assert ("en", "") not in pages and ("es", "") not in pages
    assert pages[("en", "metrics")].alternates == [] and pages[("es", "metricas")].alternates == []
    assert [v.post_id for v in pages[("es", "metricas")].versions] == ["a", "b"]
    assert tag_url("es", "redes sociales", SETTINGS) == "https://blog.example.com/es/tags/redes-sociales/"
    assert tag_url("en", "🔥", SETTINGS) is None


def tagged_archive(second_tags: list[str]) -> list[PublishItem]:
    def item(n: int, en_tags: list[str], es_tags: list[str]) -> PublishItem:
        post = Post(id=f"id-{n}", source="files", origin=f"post-{n}.md", title=f"Post {n}", slug=f"post-{n}",
                    html=f"<p>The body of post {n}.</p>", content_hash=f"h{n}", lang="en", tags=en_tags,
                    published=f"2024-05-0{n}")
        return PublishItem(post=post, translation=Translation(
            post_id=post.id, lang="es", title=f"Entrada {n}", slug=f"entrada-{n}", tags=es_tags,
            html=f"<p>El cuerpo de la entrada {n}.</p>", translated_at="2024-06-01T00:00:00+00:00"))

    return [item(1, ["Social Media", "growth"], ["redes sociales", "crecimiento"]),
            item(2, second_tags, ["redes sociales"] if second_tags else [])]


def test_published_site_has_tag_pages_that_post_pages_link_and_the_sitemap_lists(tmp_path):
    out = tmp_path / "site"
    publish_site(tagged_archive(["social media"]), out, SETTINGS)
    page = lxml_html.fromstring((out / "es/entrada-1/index.html").read_bytes())
    links = page.xpath('//ul[@class="tags"]//a')
    assert [(a.text, a.get("href"), a.get("rel")) for a in links] == [
        ("redes sociales", "https://blog.example.com/es/tags/redes-sociales/", "tag"),
        ("crecimiento", "https://blog.example.com/es/tags/crecimiento/", "tag")]
    assert not page.xpath('//ul[@class="tags"]/@lang')  # the tags are in the page's language
    tag = lxml_html.fromstring((out / "es/tags/redes-sociales/index.html").read_bytes())
    assert tag.xpath("string(//h1)") == "Entradas con la etiqueta «redes sociales»"
    assert tag.xpath("//ol/li//a/@href") == ["https://blog.example.com/es/entrada-2/",
                                             "https://blog.example.com/es/entrada-1/"]  # newest first
    assert sorted(tag.xpath('//link[@rel="alternate"][@hreflang]/@hreflang')) == ["en", "es", "x-default"]
    assert tag.xpath('//nav[@class="switcher"]//a/@href') == ["https://blog.example.com/en/tags/social-media/"]
    english = lxml_html.fromstring((out / "en/tags/social-media/index.html").read_bytes())
    assert english.xpath("string(//h1)") == "Posts tagged “social media”"  # as the newest post writes it
    sitemap = etree.parse(str(out / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert {"https://blog.example.com/en/tags/social-media/", "https://blog.example.com/es/tags/redes-sociales/",
            "https://blog.example.com/en/tags/growth/"} <= set(locs)
    report = check_site(out, {"https://blog.example.com/": ""})
    assert report.broken == [] and report.references > 0


def test_a_tag_no_post_carries_any_more_loses_its_page_and_the_others_are_kept(tmp_path):
    out = tmp_path / "site"
    publish_site(tagged_archive(["social media", "brand"]), out, SETTINGS)
    assert (out / "en/tags/brand/index.html").is_file()
    kept = (out / "en/tags/growth/index.html").stat().st_mtime_ns
    publish_site(tagged_archive(["social media"]), out, SETTINGS)
    assert not (out / "en/tags/brand").exists()
    assert (out / "en/tags/growth/index.html").stat().st_mtime_ns == kept  # what it lists did not change
    fresh = tmp_path / "fresh"
    publish_site(tagged_archive(["social media"]), fresh, SETTINGS)
    assert (out / "en/tags/social-media/index.html").read_bytes() == \
        (fresh / "en/tags/social-media/index.html").read_bytes()


def test_spanish_page_of_a_translation_without_translated_tags_marks_them_english(tmp_path):
    out = tmp_path / "site"
    items = tagged_archive(["social media"])
    items[0].translation.tags = []  # translated before tags were
    publish_site(items, out, SETTINGS)
    page = lxml_html.fromstring((out / "es/entrada-1/index.html").read_bytes())
    assert page.xpath('//ul[@class="tags"]/@lang') == ["en"]
    assert page.xpath('//ul[@class="tags"]//a/@href')[0] == "https://blog.example.com/es/tags/social-media/"
