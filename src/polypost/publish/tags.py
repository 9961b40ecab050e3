"""A page per tag per language: `OUT/<lang>/tags/<tag-slug>/index.html`, listing that language's
posts with the tag, newest first, and paired with its twin in the other language.

A tag's twin is the tag its posts' translations carry in its place: "social media" on English
pages, "redes sociales" on their Spanish versions. Tags are paired only where the posts agree
both ways (every post tagged "social media" has "redes sociales" in its place, and the other way
round); a tag translated two ways, or two tags translated alike, gets a page of its own with no
alternate, which is true of it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from jinja2 import Environment

from polypost.publish import incremental
from polypost.publish.atomic import OutputWriter
from polypost.publish.dates import datetime_attribute, format_day
from polypost.publish.records import PageVersion, PostEntry, PublishSettings
from polypost.publish.sitemap import SitemapUrl
from polypost.publish.urls import url_path_segment
from polypost.slugs import slugify

TAGS_FOLDER = "tags"


@dataclass
class TagPage:
    lang: str
    slug: str
    name: str  # the tag as its first post wrote it
    versions: list[PageVersion] = field(default_factory=list)  # newest first, as the entries are
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, url), x-default last

    def path(self) -> str:
        return tag_location(self.lang, self.slug)[0]


def tag_location(lang: str, slug: str, settings: PublishSettings | None = None) -> tuple[str, str]:
    """(path in the output folder, absolute URL; "" without settings) of a tag's page."""
    url = f"{settings.lang_base(lang)}{TAGS_FOLDER}/{url_path_segment(slug)}/" if settings else ""
    return f"{lang}/{TAGS_FOLDER}/{slug}/index.html", url


def tag_url(lang: str, tag: str, settings: PublishSettings) -> str | None:
    """The page of `tag` in `lang`; None for a tag with nothing a URL can hold ("#", emoji)."""
    slug = slugify(tag)
    return tag_location(lang, slug, settings)[1] if slug else None


@dataclass(frozen=True)
class TagLink:
    name: str
    url: str | None

    def __str__(self) -> str:  # a user's post.html from before tag pages prints `{{ tag }}`
        return self.name


def tag_links(version: PageVersion, settings: PublishSettings) -> list[TagLink]:
    """A post page's tags, each with the page of its tag in the version's language."""
    return [TagLink(name=tag, url=tag_url(version.lang, tag, settings)) for tag in version.tags]


def tag_pages(entries: list[PostEntry], settings: PublishSettings) -> list[TagPage]:
    """Every tag page of the site, in a stable order (language, then slug)."""
    pages: dict[tuple[str, str], TagPage] = {}
    for entry in entries:
        for lang, version in entry.versions.items():
            for tag in dict.fromkeys(slugify(t) for t in version.tags):
                if not tag:
                    continue
                name = next(t for t in version.tags if slugify(t) == tag)
                page = pages.setdefault((lang, tag), TagPage(lang=lang, slug=tag, name=name))
                page.versions.append(version)
    _pair(pages, _twins(entries, settings), settings)
    return [pages[key] for key in sorted(pages)]


def _twins(entries: list[PostEntry], settings: PublishSettings) -> dict[str, str]:
    """Source tag slug -> target tag slug, where every post agrees both ways."""
    source, target = settings.source_lang, settings.target_lang
    seen: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        versions = entry.versions
        if source in versions and target in versions and len(versions[source].tags) == len(versions[target].tags):
            seen.update((slugify(a), slugify(b)) for a, b in zip(versions[source].tags, versions[target].tags))
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    for (a, b), _count in seen.items():
        if a and b:
            forward.setdefault(a, set()).add(b)
            backward.setdefault(b, set()).add(a)
    return {a: next(iter(bs)) for a, bs in forward.items() if len(bs) == 1 and len(backward[next(iter(bs))]) == 1}


def _pair(pages: dict[tuple[str, str], TagPage], twins: dict[str, str], settings: PublishSettings) -> None:
    source, target = settings.source_lang, settings.target_lang
    for a, b in twins.items():
        first, second = pages.get((source, a)), pages.get((target, b))
        if first is None or second is None:
            continue
        urls = [(source, tag_location(source, a, settings)[1]), (target, tag_location(target, b, settings)[1])]
        fallback = dict(urls).get(settings.x_default, urls[0][1])
        first.alternates = second.alternates = urls + [("x-default", fallback)]


def write_tag_pages(env: Environment, writer: OutputWriter, entries: list[PostEntry], settings: PublishSettings,
                    site: str, page_context: Callable[..., Any]) -> list[SitemapUrl]:
    """Write every tag page (unrendered where what it lists did not change); their sitemap URLs."""
    urls: list[SitemapUrl] = []
    for tag in tag_pages(entries, settings):
        path, url = tag_location(tag.lang, tag.slug, settings)
        listing = [incremental.listed(version, with_body=False) for version in tag.versions]
        incremental.write_listing(
            writer, path, incremental.page_fingerprint(site, "tag", tag.lang, tag.slug, tag.name, tag.alternates,
                                                       listing),
            lambda: _render(env, tag, url, settings, page_context))
        lastmod = max((v.updated for v in tag.versions if v.updated is not None), default=None)
        urls.append(SitemapUrl(loc=url, lastmod=lastmod, alternates=tag.alternates))
    return urls


def _render(env: Environment, tag: TagPage, url: str, settings: PublishSettings,
            page_context: Callable[..., Any]) -> str:
    heading = settings.text(tag.lang)["tagged"].format(tag=tag.name)
    switcher = [{"url": other, "label": settings.text(code)["switch_to"], "lang": code}
                for code, other in tag.alternates if code not in (tag.lang, "x-default")]
    page = page_context(tag.lang, heading, url, heading, tag.alternates, switcher, settings)
    items = [
        {
            "title": version.title,
            "url": version.url,
            "date": format_day(version.published, tag.lang) if version.published else None,
            "datetime": datetime_attribute(version.published, version.date_only) if version.published else None,
        }
        for version in tag.versions
    ]
    return env.get_template("tag.html").render(page=page, heading=heading, items=items)
