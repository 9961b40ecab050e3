"""The ingest stage: sources -> detected language -> the posts table.

A source that fails never stops the batch: it becomes a failure in the report (and in
the `failures` table), and everything already stored stays as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .detect import detect_post
from .models import SourcePost, SourceProblem
from .store import Store

log = logging.getLogger(__name__)

KINDS = ("auto", "files", "url", "sitemap", "feed", "wxr")


class SourceKindError(ValueError):
    """A source kind polypost cannot read (yet): a usage error, not a failed post."""


@dataclass
class IngestReport:
    ingested: int = 0  # new or changed posts stored
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[dict] = field(default_factory=list)  # inputs that are not posts
    failed: list[dict] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)
    post_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ingested": self.ingested,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_inputs": self.skipped,
            "languages": self.languages,
            "failed": self.failed,
        }


def guess_kind(source: str) -> str:
    if source.startswith(("http://", "https://")):
        lowered = source.lower()
        if "sitemap" in lowered and lowered.endswith(".xml"):
            return "sitemap"
        if lowered.endswith((".rss", ".atom", "/feed", "/feed/", "feed.xml", "rss.xml", "atom.xml")):
            return "feed"
        return "url"
    return "files"


def iter_source(kind: str, sources: Sequence[str], limit: int | None) -> Iterator[SourcePost | SourceProblem]:
    if kind == "files":
        from .sources.files import iter_file_posts

        missing = [s for s in sources if not Path(s).exists()]
        if missing:
            raise SourceKindError(f"no such file or folder: {', '.join(missing)}")
        yield from iter_file_posts(list(sources), limit=limit)
        return
    # Scraping sites, feeds and WordPress exports is issue 9: say so plainly instead of
    # pretending, so a cron job fails loudly with a usage error.
    raise SourceKindError(
        f"source kind {kind!r} is not supported yet (only local files and folders): {', '.join(sources)}"
    )


def ingest(
    store: Store,
    sources: Sequence[str],
    kind: str = "auto",
    limit: int | None = None,
    candidates: Sequence[str] = ("en", "es"),
    run_id: int | None = None,
) -> IngestReport:
    """Read every source, detect each post's language, store what is new or changed."""
    if kind not in KINDS:
        raise SourceKindError(f"unknown source kind {kind!r} (choose from {', '.join(KINDS)})")
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(guess_kind(source) if kind == "auto" else kind, []).append(source)
    report = IngestReport()
    known = store.content_hashes()
    for group_kind, group in groups.items():
        for item in _limited(iter_source(group_kind, group, limit), limit):
            if isinstance(item, SourceProblem):
                _record_problem(store, report, item, run_id)
                continue
            _ingest_one(store, report, item, candidates, known, run_id)
    return report


def _limited(items: Iterable, limit: int | None) -> Iterator:
    posts = 0
    for item in items:
        if limit is not None and posts >= limit:
            return
        if isinstance(item, SourcePost):
            posts += 1
        yield item


def _record_problem(store: Store, report: IngestReport, problem: SourceProblem, run_id) -> None:
    entry = {"post": problem.origin, "stage": "ingest", "error": problem.error}
    if problem.skipped:
        report.skipped.append({"origin": problem.origin, "reason": problem.error})
        log.info("skipped %s: %s", problem.origin, problem.error)
        return
    report.failed.append(entry)
    log.error("%s: %s", problem.origin, problem.error)
    store.record_failure(run_id, problem.origin, "ingest", problem.error, origin=problem.origin)


def _ingest_one(store, report, source_post: SourcePost, candidates, known, run_id) -> None:
    try:
        post_id = source_post.post_id()
        if known.get(post_id) == source_post.content_hash():
            report.unchanged += 1
            report.post_ids.append(post_id)
            return
        lang, confidence = detect_post(source_post, candidates)
        report.languages[lang] = report.languages.get(lang, 0) + 1
        post_id, state = store.upsert_post(source_post, lang, confidence)
        report.post_ids.append(post_id)
        if state == "unchanged":
            report.unchanged += 1
            return
        report.ingested += 1
        setattr(report, state, getattr(report, state) + 1)
        log.info("%s %s (%s, %.2f): %s", state, source_post.origin, lang, confidence, source_post.title)
    except Exception as exc:  # one bad post must not stop the batch
        error = f"{type(exc).__name__}: {exc}"
        report.failed.append({"post": source_post.origin, "stage": "ingest", "error": error})
        log.error("%s: %s", source_post.origin, error)
        store.record_failure(run_id, source_post.origin, "ingest", error, origin=source_post.origin)
