"""The plan of pages and the whole-site write.

`publish_site` turns posts and their translations into a plan (one `PageVersion` per
post and language, with its path and absolute URL), hands the plan to the publisher
named by `settings.format`, and lets the `OutputWriter` remove what is no longer
published. Publishers are found by name (`registry.py`), so another generator is one
module with a `register_publishers` hook.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urljoin

from polypost.publish import summaries
from polypost.publish.atomic import OutputWriter
from polypost.publish.check import REFERENCES_NAME
from polypost.publish.dates import parse_datetime
from polypost.publish.heap import publishing, records_built
from polypost.publish.incremental import write_listing
from polypost.publish.references import LinkedBody, References
from polypost.publish.records import PageVersion, PostEntry, Publisher, PublishItem, PublishResult, PublishSettings, with_slash
from polypost.publish.registry import get_publisher
from polypost.publish.urls import check_slug
from polypost.progress import report_rate
from polypost.records import HIDDEN_STATUSES, ORIGINAL, Post

log = logging.getLogger(__name__)

def publish_site(items: Sequence[PublishItem], out_dir: Path, settings: PublishSettings) -> PublishResult:
    """Write the whole site for `items` into `out_dir`; files of posts no longer listed go."""
    with publishing():  # called alone too (tests, benchmarks): what it froze is given back
        return _publish_site(items, out_dir, settings)


def _publish_site(items: Sequence[PublishItem], out_dir: Path, settings: PublishSettings) -> PublishResult:
    settings.check()
    publisher = get_publisher(settings.format)
    result = PublishResult()
    with records_built():
        entries = plan_entries(items, settings, publisher, result.failed)
        out_dir.mkdir(parents=True, exist_ok=True)
        writer = OutputWriter(out_dir, site={"base_url": settings.base_url})
        summaries.reuse(entries, writer.previous_summaries)
        references = link_bodies(entries, settings, publisher)
    started = time.monotonic()
    try:
        publisher.write(entries, writer, settings)
        writer.summaries = summaries.kept_for_next(entries)
        _write_references(references, writer, result)
        result.removed = writer.finish()
    finally:
        writer.close()  # a failed publish's writing thread still ends, its files written
    pages = sum(len(entry.versions) for entry in entries)
    report_rate("publishing", pages, pages, time.monotonic() - started, "pages")
    log.info("publishing: %d files written, %d unchanged, %d removed", len(writer.written), len(writer.unchanged),
             len(result.removed))
    result.written = writer.written
    result.unchanged = writer.unchanged
    for entry in entries:
        for lang, version in entry.versions.items():
            result.urls[(entry.post.id, lang)] = version.url
            result.paths[(entry.post.id, lang)] = version.path
    return result


def link_bodies(entries: list[PostEntry], settings: PublishSettings, publisher: Publisher) -> References:
    """Every body's references made to work on the new site, as each page is rendered."""
    folder, url = publisher.media(settings) if publisher.media else ("", with_slash(settings.base_url))
    references = References(entries, settings, media_folder=folder, media_url=url)
    for entry in entries:
        for lang, version in entry.versions.items():
            version.html = LinkedBody(version.html, references, entry, lang)
    return references


def _write_references(references: References, writer: OutputWriter, result: PublishResult) -> None:
    """Copy the files bodies refer to, and list what the sources lack, for `polypost check`."""
    for relpath, asset in sorted(references.assets.items()):
        # The folder name already stands for the source's path, size and mtime; the fingerprint says so again.
        try:
            stat = asset.source.stat()
            write_listing(writer, relpath, f"asset\x1f{asset.source}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}",
                          asset.source.read_bytes)
        except OSError as error:
            log.warning("%s: cannot copy %s: %s", relpath, asset.source, error.strerror or error)
            continue
        result.assets += 1
    missing = references.missing_by_page()
    if missing:
        writer.write(REFERENCES_NAME, _missing_json(missing))
    for problem in references.problems():
        result.unresolved.append({"post": problem.post, "lang": problem.lang, "reference": problem.reference,
                                  "reason": problem.reason})
    posts = {problem["post"] for problem in result.unresolved}
    if posts:
        log.info("publishing: %d references in %d posts cannot be resolved (kept as written; see "
                 "`polypost check`)", len(result.unresolved), len(posts))


def _missing_json(missing: dict[str, list[str]]) -> str:
    """{"missing": {page: [reference, ...]}}, a page to a line: json's C encoder serves no indent,
    and on an archive whose images are gone every page has a line."""
    lines = [f"{json.dumps(page, ensure_ascii=False)}:{json.dumps(references, ensure_ascii=False)}"
             for page, references in sorted(missing.items())]
    return '{"missing":{\n' + ",\n".join(lines) + "\n}}\n"


def plan_entries(
    items: Sequence[PublishItem], settings: PublishSettings, publisher: Publisher, failed: list[dict[str, str]]
) -> list[PostEntry]:
    """One entry per publishable post, newest first; problems go to `failed`, not up."""
    entries: list[PostEntry] = []
    claimed: dict[str, str] = {}  # path -> post id, to catch two posts on one URL
    for item in items:
        try:
            entry = _plan_entry(item, settings, publisher)
            for version in entry.versions.values():
                owner = claimed.get(version.path)
                if owner is not None:
                    raise ValueError(f"slug {version.slug!r} ({version.lang}) is already used by post {owner}")
            for version in entry.versions.values():
                claimed[version.path] = item.post.id
        except ValueError as error:
            failed.append({"post": item.post.id, "error": str(error)})
            continue
        entries.append(entry)
    entries.sort(key=_newest_first)
    return entries


def _newest_first(entry: PostEntry) -> tuple[int, float, str]:
    published = entry.versions[next(iter(entry.versions))].published
    if published is None:
        return (1, 0.0, entry.post.id)  # undated posts after dated ones
    return (0, -published.timestamp(), entry.post.id)


def _plan_entry(item: PublishItem, settings: PublishSettings, publisher: Publisher) -> PostEntry:
    post = item.post
    published, date_only = parse_datetime(post.published)
    image = _absolute_image(post, settings)
    # A post written in the target language is published in it, with no twin.
    written_in = settings.target_lang if post.lang == settings.target_lang else settings.source_lang
    original = PageVersion(
        post_id=post.id,
        lang=written_in,
        slug=check_slug(post.slug, post.id),
        title=post.title,
        description=post.description,
        html=post.html,
        author=post.author,
        published=published,
        date_only=date_only,
        updated=last_modified(post, published),
        image=image,
        tags=list(post.tags),
        comments=list(post.comments),
        status=ORIGINAL,
        body_key=f"post:{post.content_hash}",  # the post's hash covers its body: no need to read it
    )
    versions = {written_in: original}
    translation = item.translation
    if translation is not None and translation.status not in HIDDEN_STATUSES and written_in == settings.source_lang:
        if translation.lang != settings.target_lang:
            raise ValueError(f"translation is in {translation.lang!r}, the site's target is {settings.target_lang!r}")
        versions[settings.target_lang] = PageVersion(
            post_id=post.id,
            lang=translation.lang,
            slug=check_slug(translation.slug, post.id),
            title=translation.title,
            description=translation.description,
            html=translation.html,
            author=post.author,
            published=published,
            date_only=date_only,
            updated=original.updated,
            image=image,
            tags=list(translation.tags or post.tags),  # in its own words (a translation from before: the post's)
            comments=list(post.comments),
            status=translation.status,
            tags_lang="" if translation.tags or not post.tags else written_in,
            body_key=translation.html_hash or "",  # "": hashed from the body when a fingerprint needs it
        )
    for lang, version in versions.items():
        version.path, version.url = publisher.locate(post, lang, version.slug, settings)
    return PostEntry(post=post, versions=versions)


def last_modified(post: Post, published):
    """The source's modification date, else the publication date; the store's own time (when this
    run changed the row) only for a post that gives neither: a sitemap's lastmod and a feed's
    updated say when the post changed, not when polypost last ran."""
    modified = parse_datetime(post.modified)[0]
    if modified is not None and (published is None or modified >= published):
        return modified
    return published or parse_datetime(post.updated_at)[0]


def _absolute_image(post: Post, settings: PublishSettings) -> str | None:
    image = post.image or settings.default_image
    if not image:
        return None
    # A relative image belongs to the original site, not to ours.
    return urljoin(post.url or with_slash(settings.base_url), image)
