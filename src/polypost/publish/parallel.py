"""The pages a publish renders, shared with a second process when there are many.

Rendering a page is Python and holds the GIL, so a thread does not help: a first publish (and
the one after an upgrade or a template change, when every page is rendered again) rendered
10,000 pages on one core while the other one waited. With enough pages to render (and a fork
possible: `forking.py`), a forked child renders and writes every other page, with a writing
thread of its own, and sends back what this process must know of each: its record for the
manifest, whether the file changed, the version's summary (home pages and feeds show it), what
its body's references resolved to, and the files they named, to copy. This process renders the
others meanwhile. The site is byte for byte the one a single process writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from polypost.forking import Child, answer, send, why_not_fork
from polypost.publish.atomic import OutputWriter
from polypost.publish.incremental import write_rendered
from polypost.publish.records import PageVersion
from polypost.publish.references import LinkedBody, References

log = logging.getLogger(__name__)

MIN_PAGES = 200  # fewer than this are rendered here: a fork of a big process costs milliseconds


@dataclass
class PageJob:
    """A page to render: where it goes, what it is made from, and how."""

    relpath: str
    fingerprint: str
    version: PageVersion
    render: Callable[[], str | bytes]


def write_pages(jobs: list[PageJob], writer: OutputWriter) -> None:
    """Render every job and hand it to `writer`, half of them in a second process when it pays."""
    why_not = why_not_fork(len(jobs), MIN_PAGES)
    if why_not:
        log.debug("rendering %d pages in this process (%s)", len(jobs), why_not)
        for job in jobs:
            _write(job, writer)
        return
    log.debug("rendering %d pages in two processes", len(jobs))
    mine, theirs = jobs[0::2], jobs[1::2]  # every other page: big and small posts on both sides
    references = next((job.version.html.references for job in jobs if isinstance(job.version.html, LinkedBody)),
                      None)
    assets_before = set(references.assets) if references is not None else set()
    child = Child(lambda out: _render_in_child(theirs, writer, references, assets_before, out),
                  "the process that rendered half the pages")
    try:
        for job in mine:
            _write(job, writer)
        pages, assets = answer(child)
    finally:
        child.close()
    _adopt(pages, assets, theirs, writer, references)


def _write(job: PageJob, writer: OutputWriter) -> None:
    write_rendered(writer, job.relpath, job.fingerprint, job.version, job.render)


def _render_in_child(jobs: list[PageJob], writer: OutputWriter, references: References | None,
                     assets_before: set[str], out: BinaryIO) -> None:
    """In the forked child: render and write its pages, then send what the parent must know."""
    try:
        for job in jobs:
            _write(job, writer)
        writer.wait()
        written = set(writer.written)
        pages = [(job.relpath, writer.files[job.relpath], writer.pages.get(job.relpath), job.relpath in written,
                  job.version.summary,
                  job.version.html.recorded() if isinstance(job.version.html, LinkedBody) else None)
                 for job in jobs]
        assets = {relpath: asset for relpath, asset in references.assets.items()
                  if relpath not in assets_before} if references is not None else {}
    except Exception as error:  # noqa: BLE001 (raised again in the parent)
        send(out, "raise", error)
        return
    send(out, "done", (pages, assets))


def _adopt(pages: list, assets: dict, jobs: list[PageJob], writer: OutputWriter,
           references: References | None) -> None:
    by_path = {job.relpath: job for job in jobs}
    for relpath, digest, record, changed, summary, outcomes in pages:
        writer.adopt(relpath, digest, record, changed)
        version = by_path[relpath].version
        if version.summary is None:
            version.summary = summary
        if outcomes is not None and isinstance(version.html, LinkedBody):
            version.html.noted(outcomes)
    if references is not None:
        for relpath, asset in assets.items():
            references.assets.setdefault(relpath, asset)
