"""The post pages of a publish, shared with a second process when there are many.

Each page is kept when its inputs did not change (`incremental.kept`: its fingerprint, its
file's stat, its references replayed) and rendered otherwise; both are Python and hold the GIL,
so a thread does not help: a first publish (and the one after an upgrade or a template change,
when every page is rendered again) rendered 10,000 pages on one core while the other waited, and
a rerun looked at every kept page on one core too. With enough pages (and a fork possible:
`forking.py`), a forked child takes every other post, decides, renders and writes its pages with
a writing thread of its own, and sends back what this process must know of each page: its record
for the manifest, whether the file changed, the version's hashes and summary (home pages and
feeds list them), what its body's references resolved to, and the files they named, to copy.
This process does the other posts meanwhile. The site is byte for byte the one a single process
writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from polypost.forking import Child, answer, send, why_not_fork
from polypost.publish.atomic import OutputWriter
from polypost.publish.incremental import entry_fingerprint, kept, page_fingerprint, write_rendered
from polypost.publish.records import PageVersion, PostEntry
from polypost.publish.references import LinkedBody, References

log = logging.getLogger(__name__)

MIN_PAGES = 200  # fewer than this stay here: a fork of a big process costs milliseconds


@dataclass
class PageJob:
    """A page: where it goes, what it is made from, and how it is rendered."""

    relpath: str
    fingerprint: str
    version: PageVersion
    render: Callable[[], str | bytes]


Render = Callable[[PostEntry, str, PageVersion], "str | bytes"]  # (entry, lang, version) -> the page


def write_pages(entries: list[PostEntry], writer: OutputWriter, site: str, kind: str, render: Render) -> None:
    """Keep or render each version's page of every entry (its fingerprint: `site`, the settings'
    fingerprint, `kind`, the publisher's name for its pages, and the entry's), and hand the
    rendered ones to `writer`; every other entry in a second process when it pays."""
    pages_of = partial(_pages_of, site=site, kind=kind, render=render)
    count = sum(len(entry.versions) for entry in entries)
    why_not = why_not_fork(count, MIN_PAGES)
    if why_not:
        log.debug("%d post pages in this process (%s)", count, why_not)
        for entry in entries:
            _keep_or_write(pages_of(entry), writer)
        return
    log.debug("%d post pages in two processes", count)
    mine, theirs = entries[0::2], entries[1::2]  # big and small posts, new and old, on both sides
    references = next((version.html.references for entry in entries for version in entry.versions.values()
                       if isinstance(version.html, LinkedBody)), None)
    assets_before = set(references.assets) if references is not None else set()
    child = Child(lambda out: _pages_in_child(theirs, pages_of, writer, references, assets_before, out),
                  "the process that published half the posts")
    try:
        for entry in mine:
            _keep_or_write(pages_of(entry), writer)
        pages, assets = answer(child)
    finally:
        child.close()
    _adopt(pages, assets, theirs, writer, references)


def _pages_of(entry: PostEntry, site: str, kind: str, render: Render) -> list[PageJob]:
    entry_key = entry_fingerprint(entry)
    return [PageJob(version.path, page_fingerprint(site, kind, lang, entry_key), version,
                    partial(render, entry, lang, version)) for lang, version in entry.versions.items()]


def _keep_or_write(jobs: list[PageJob], writer: OutputWriter) -> None:
    for job in jobs:
        if not kept(writer, job.relpath, job.fingerprint, job.version):
            write_rendered(writer, job.relpath, job.fingerprint, job.version, job.render)


def _pages_in_child(entries: list[PostEntry], pages_of: Callable[[PostEntry], list[PageJob]], writer: OutputWriter,
                    references: References | None, assets_before: set[str], out: BinaryIO) -> None:
    """In the forked child: keep or render its posts' pages, then send what the parent must know."""
    try:
        jobs = []
        for entry in entries:
            entry_jobs = pages_of(entry)
            _keep_or_write(entry_jobs, writer)
            jobs += entry_jobs
        writer.wait()
        written = set(writer.written)
        pages = [(job.relpath, writer.files[job.relpath], writer.pages.get(job.relpath), job.relpath in written,
                  (job.version.post_id, job.version.lang), job.version.shown_key, job.version.body_key,
                  job.version.summary,
                  job.version.html.recorded() if isinstance(job.version.html, LinkedBody) else None)
                 for job in jobs]
        assets = {relpath: asset for relpath, asset in references.assets.items()
                  if relpath not in assets_before} if references is not None else {}
    except Exception as error:  # noqa: BLE001 (raised again in the parent)
        send(out, "raise", error)
        return
    send(out, "done", (pages, assets))


def _adopt(pages: list, assets: dict, entries: list[PostEntry], writer: OutputWriter,
           references: References | None) -> None:
    versions = {(version.post_id, version.lang): version for entry in entries for version in entry.versions.values()}
    for relpath, digest, record, changed, key, shown_key, body_key, summary, outcomes in pages:
        writer.adopt(relpath, digest, record, changed)
        version = versions[key]
        version.shown_key = version.shown_key or shown_key  # worked out there: the homes list them here
        version.body_key = version.body_key or body_key
        if version.summary is None:
            version.summary = summary
        if outcomes is not None and isinstance(version.html, LinkedBody):
            version.html.noted(outcomes)
    if references is not None:
        for relpath, asset in assets.items():
            references.assets.setdefault(relpath, asset)
