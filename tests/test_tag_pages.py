"""Tag pages: one per tag per language, paired with the twin their posts agree on."""

from __future__ import annotations

from polypost.publish.records import PageVersion, PostEntry, PublishSettings
from polypost.publish.tags import tag_pages, tag_url
from polypost.records import Post

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
