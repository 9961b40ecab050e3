"""Hugo content output: page bundles with one file per language.

`content/posts/<slug>/index.md` (source language) and `index.es.md` in the same folder:
Hugo pairs translations by file name within a bundle, and `translationKey` pairs them
even if a user moves one. Bodies stay HTML (the pipeline's output, links and all), which
Hugo renders when `markup.goldmark.renderer.unsafe = true`; for a site that keeps that
off, `hugo_content_ext = "html"` writes `index.html` / `index.es.html`, which Hugo
renders as HTML content without the setting.
"""

from __future__ import annotations

from datetime import datetime

import yaml

from polypost.hookspecs import hookimpl
from polypost.publish.atomic import OutputWriter
from polypost.publish.records import PageVersion, PostEntry, Publisher, PublishSettings, with_slash
from polypost.publish.urls import url_path_segment
from polypost.records import ORIGINAL, Post

CONTENT_SECTION = "content/posts"


class _FrontMatterDumper(yaml.SafeDumper):
    """Dates as plain YAML timestamps (`2025-02-14T07:30:00+01:00`), as Hugo sites write them."""


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_FrontMatterDumper.add_representer(datetime, _represent_datetime)


def hugo_locate(post: Post, lang: str, slug: str, settings: PublishSettings) -> tuple[str, str]:
    """Path of the content file, and the URL Hugo gives it with its default settings.

    Hugo serves the default language at the site root and the others under /<lang>/
    (or at their own baseURL when the user configured one).
    """
    ext = settings.hugo_content_ext
    name = f"index.{ext}" if lang == settings.source_lang else f"index.{lang}.{ext}"
    if lang == settings.source_lang:
        base = settings.lang_base_urls.get(lang) or settings.base_url
    else:
        base = settings.lang_base(lang)
    base = base if base.endswith("/") else base + "/"
    return f"{CONTENT_SECTION}/{post.slug}/{name}", f"{base}posts/{url_path_segment(slug)}/"


def front_matter(version: PageVersion, post: Post) -> dict[str, object]:
    matter: dict[str, object] = {"title": version.title}
    if version.published is not None:
        matter["date"] = version.published.date() if version.date_only else version.published
    if version.updated is not None and version.published is not None and version.updated > version.published:
        matter["lastmod"] = version.updated  # Hugo's own key: its sitemap and .Lastmod read it
    matter["slug"] = version.slug
    if version.description:
        matter["description"] = version.description
    matter["translationKey"] = post.id
    if version.author:
        matter["author"] = version.author
    if version.tags:
        matter["tags"] = list(version.tags)
    if version.status != ORIGINAL:
        matter["translation"] = version.status  # machine, flagged or reviewed: for a template's note
    return matter


def render_content(version: PageVersion, post: Post) -> str:
    matter = yaml.dump(
        front_matter(version, post), Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return f"---\n{matter}---\n\n{str(version.html).strip()}\n"


def write_hugo_site(entries: list[PostEntry], writer: OutputWriter, settings: PublishSettings) -> None:
    if settings.hugo_content_ext not in ("md", "html"):
        raise ValueError(f"hugo_content_ext {settings.hugo_content_ext!r}: use 'md' or 'html'")
    for entry in entries:
        for version in entry.versions.values():
            writer.write(version.path, render_content(version, entry.post))


@hookimpl
def register_publishers(register) -> None:
    # Hugo serves static/ at the site root.
    register(Publisher(name="hugo", locate=hugo_locate, write=write_hugo_site,
                       media=lambda settings: ("static/", with_slash(settings.base_url))))
