"""Hugo content output: one content file per post and language, as a stock Hugo reads them.

Two layouts, as Hugo has: page bundles with a file per language (`content/posts/<slug>/index.html`
and `index.es.html`: Hugo pairs translations by file name), or a content folder per language
(`content/en/posts/<slug>/index.html`, `content/es/posts/<slug>/index.html`, with `contentDir`
set per language). `translationKey` pairs them in either, even if a user moves one.

Bodies are the pipeline's HTML. In `.html` content files (the default) Hugo renders them as they
are, with its default configuration; in `.md` files (`hugo_content_ext = "md"`) Hugo's Markdown
renderer omits raw HTML unless `markup.goldmark.renderer.unsafe = true`. What the static site puts
around a body, the translation note and the reader comments, goes into the front matter
(`translation_note`, `comments`) for the site's templates.
"""

from __future__ import annotations

from datetime import datetime

import yaml

from polypost.hookspecs import hookimpl
from polypost.publish.atomic import OutputWriter
from polypost.publish.dates import parse_datetime
from polypost.publish.html import clean_comment
from polypost.publish import incremental
from polypost.publish.parallel import write_pages
from polypost.publish.records import PageVersion, PostEntry, Publisher, PublishSettings, with_slash
from polypost.publish.urls import url_path_segment
from polypost.records import ORIGINAL, REVIEWED, Post

CONTENT = "content"
SECTION = "posts"


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
    if settings.hugo_layout == "folders":
        path = f"{CONTENT}/{lang}/{SECTION}/{post.slug}/index.{ext}"
    else:
        name = f"index.{ext}" if lang == settings.source_lang else f"index.{lang}.{ext}"
        path = f"{CONTENT}/{SECTION}/{post.slug}/{name}"
    if lang == settings.source_lang:
        base = settings.lang_base_urls.get(lang) or settings.base_url
    else:
        base = settings.lang_base(lang)
    return path, f"{with_slash(base)}{SECTION}/{url_path_segment(slug)}/"


def front_matter(version: PageVersion, entry: PostEntry, settings: PublishSettings) -> dict[str, object]:
    post = entry.post
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
        original = entry.versions.get(settings.source_lang)
        wording = settings.note(version.lang, reviewed=version.status == REVIEWED)
        if wording and original is not None:
            label = settings.text(version.lang)["original"]
            matter["translation_note"] = wording.replace("{original}", label) if "{original}" in wording \
                else f"{wording} {label}"
            matter["original_url"] = original.url
    if version.comments:
        matter["comments"] = [_comment(c) for c in version.comments]
    return matter


def _comment(comment) -> dict[str, object]:
    moment = parse_datetime(comment.published)[0]
    found: dict[str, object] = {"author": comment.author, "html": clean_comment(comment.html or "")}
    if moment is not None:
        found["date"] = moment
    if comment.lang:
        found["lang"] = comment.lang
    if comment.parent is not None:
        found["parent"] = comment.parent
    return found


def render_content(version: PageVersion, entry: PostEntry, settings: PublishSettings) -> str:
    matter = yaml.dump(
        front_matter(version, entry, settings), Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
        width=1000,
    )
    return f"---\n{matter}---\n\n{str(version.html).strip()}\n"


def write_hugo_site(entries: list[PostEntry], writer: OutputWriter, settings: PublishSettings) -> None:
    if settings.hugo_content_ext not in ("md", "html"):
        raise ValueError(f"hugo_content_ext {settings.hugo_content_ext!r}: use 'html' or 'md'")
    if settings.hugo_layout not in ("bundles", "folders"):
        raise ValueError(f"hugo_layout {settings.hugo_layout!r}: use 'bundles' or 'folders'")
    site = incremental.settings_fingerprint(settings)
    # The same fingerprints as the HTML site's pages: a content file is rendered only when its entry,
    # its body or what the body's links resolve to changed.
    write_pages(entries, writer, site, "hugo", lambda entry, lang, version: render_content(version, entry, settings))


@hookimpl
def register_publishers(register) -> None:
    # Hugo serves static/ at the site root.
    register(Publisher(name="hugo", locate=hugo_locate, write=write_hugo_site,
                       media=lambda settings: ("static/", with_slash(settings.base_url))))
