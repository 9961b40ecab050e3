"""The pages a publish renders, shared with a second process when there are many.

Rendering a page is Python and holds the GIL, so a thread does not help: a first publish (and
the one after an upgrade or a template change, when every page is rendered again) rendered
10,000 pages on one core while the other one waited. With enough pages to render, a second core,
and one thread in this process (a fork copies only the thread that calls it: a lock another
thread held would stay held in the child), a forked child renders and writes every other page,
with a writing thread of its own, and sends back what this process must know of each: its
record for the manifest, whether the file changed, the version's summary (home pages and feeds
show it), what its body's references resolved to, and the files they named, to copy. This
process renders the others meanwhile. The site is byte for byte the one a single process writes.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

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
    why_not = _why_not_fork(len(jobs))
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
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # what is buffered would be written twice
        stream.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _render_in_child(theirs, writer, references, assets_before, write_end)
    os.close(write_end)
    try:
        for job in mine:
            _write(job, writer)
    except BaseException:
        _stop(pid, read_end)
        raise
    _adopt(_receive(pid, read_end), theirs, writer, references)


def _why_not_fork(pages: int) -> str:
    if pages < MIN_PAGES:
        return f"fewer than {MIN_PAGES}"
    if not hasattr(os, "fork"):
        return "no fork on this system"
    if threading.active_count() > 1:
        return f"{threading.active_count()} threads run"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return "" if cores > 1 else "one core"


def _write(job: PageJob, writer: OutputWriter) -> None:
    write_rendered(writer, job.relpath, job.fingerprint, job.version, job.render)


def _render_in_child(jobs: list[PageJob], writer: OutputWriter, references: References | None,
                     assets_before: set[str], fd: int) -> None:
    """The forked child's whole life: render, write, answer, exit (never back into the caller)."""
    status = 0
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
        answer = pickle.dumps(("done", pages, assets))
    except BaseException as error:  # noqa: BLE001 (raised again in the parent)
        status = 1
        try:
            answer = pickle.dumps(("failed", error))
        except Exception:  # noqa: BLE001 (an error that cannot be pickled is sent in words)
            answer = pickle.dumps(("failed", RuntimeError(f"{type(error).__name__}: {error}")))
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(answer)
    finally:
        os._exit(status)  # no atexit handlers, no finalizers of what the parent owns (the store)


def _receive(pid: int, fd: int) -> tuple:
    with os.fdopen(fd, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise OSError(f"the process that rendered half the pages ended without an answer "
                      f"({_how_it_ended(status)})")
    return pickle.loads(data)  # noqa: S301 (our own child's answer)


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"


def _stop(pid: int, fd: int) -> None:
    """The parent failed: the child's pages are not wanted any more."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.close(fd)
    os.waitpid(pid, 0)


def _adopt(answer: tuple, jobs: list[PageJob], writer: OutputWriter, references: References | None) -> None:
    if answer[0] == "failed":
        raise answer[1]
    _, pages, assets = answer
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
