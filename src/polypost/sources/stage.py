"""The ingest stage: sources -> detected language -> the posts table.

A source that fails never stops the batch: it becomes a failure in the report (and in
the `failures` table), and everything already stored stays as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polypost.languages.detect import detect_post
from polypost.records import SourcePost, SourceProblem
from polypost.progress import progress
from polypost.store import Store

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
    """The kind of a source from its name, or, for a local XML file, from its first bytes."""
    if source.startswith(("http://", "https://")):
        lowered = source.lower().split("?")[0].split("#")[0]
        if "sitemap" in lowered and lowered.endswith((".xml", ".xml.gz")):
            return "sitemap"
        if lowered.endswith((".rss", ".atom", "/feed", "/feed/", "feed.xml", "rss.xml", "atom.xml", "index.xml",
                             "/rss", "/rss/", "/atom", "/atom/")):
            return "feed"
        return "url"
    path = Path(source)
    if path.is_file() and path.suffix.lower() in (".xml", ".rss", ".atom", ".rdf", ".gz"):
        return _sniff_xml(path)
    return "files"


# The namespaces and root elements that tell one kind of XML file from another.
_WXR_MARK = b"wordpress.org/export/"
_FEED_RE = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>]")
_SITEMAP_RE = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")


def _sniff_xml(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return "files"  # the files source says what is wrong with it
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    if _WXR_MARK in head:
        return "wxr"
    if _SITEMAP_RE.search(head):
        return "sitemap"
    if _FEED_RE.search(head) or path.suffix.lower() in (".rss", ".atom", ".rdf"):
        return "feed"
    return "files"


@dataclass
class SourceOptions:
    """What the web, feed and export sources need beyond their sources and limit."""

    status: Sequence[str] = ("publish",)  # WXR: which post statuses to read
    include: Sequence[str] = ()  # sitemap: URL patterns to keep (glob, or a substring)
    exclude: Sequence[str] = ()  # sitemap: URL patterns to leave out
    fetch_full: bool = False  # feed: fetch the linked page when an entry has only a summary
    fetcher: Any = None  # a sources.http.Fetcher; ingest makes one over the store when None
    max_bytes: int | None = None  # files and fetched pages: bigger ones are refused ([sources] max_bytes)
    sanitize_own: bool = False  # own files and WXR through the untrusted-markup allowlist too
    follow_symlinks: bool = False  # files: read symlinks that lead out of the source folder


def iter_source(kind: str, sources: Sequence[str], limit: int | None,
                options: SourceOptions | None = None) -> Iterator[Any]:
    """SourcePost, SourceProblem or Unchanged records from `sources` of one kind."""
    options = options or SourceOptions()
    if kind == "files":
        from polypost.sources.files import iter_file_posts

        _require_files(sources)
        yield from iter_file_posts(list(sources), limit=limit, sanitize=options.sanitize_own,
                                   follow_symlinks=options.follow_symlinks,
                                   **({"max_bytes": options.max_bytes} if options.max_bytes else {}))
    elif kind == "wxr":
        from polypost.sources.wxr import iter_wxr_posts

        _require_files(sources)
        folders = [s for s in sources if Path(s).is_dir()]
        if folders:
            raise SourceKindError(f"--kind wxr needs a WordPress export file, not a folder: {', '.join(folders)}")
        yield from iter_wxr_posts(list(sources), limit=limit, status=options.status, sanitize=options.sanitize_own)
    elif kind == "feed":
        from polypost.sources.feed import iter_feed_posts

        _require_files([s for s in sources if not _is_url(s)])
        yield from iter_feed_posts(list(sources), _fetcher(options), limit=limit, fetch_full=options.fetch_full)
    elif kind == "sitemap":
        from polypost.sources.sitemap import iter_sitemap_posts

        _require_files([s for s in sources if not _is_url(s)])
        yield from iter_sitemap_posts(list(sources), _fetcher(options), limit=limit,
                                      include=options.include, exclude=options.exclude)
    elif kind == "url":
        from polypost.sources.web import iter_url_posts

        not_urls = [s for s in sources if not _is_url(s)]
        if not_urls:
            raise SourceKindError(f"--kind url needs http(s) URLs, not: {', '.join(not_urls)}")
        yield from iter_url_posts(list(sources), _fetcher(options), limit=limit)
    else:
        raise SourceKindError(f"unknown source kind {kind!r} (choose from {', '.join(KINDS)})")


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _require_files(sources: Sequence[str]) -> None:
    missing = [s for s in sources if not Path(s).exists()]
    if missing:
        raise SourceKindError(f"no such file or folder: {', '.join(missing)}")


def _fetcher(options: SourceOptions) -> Any:
    if options.fetcher is None:
        from polypost.sources.http import Fetcher

        options.fetcher = Fetcher()
    return options.fetcher


def ingest(
    store: Store,
    sources: Sequence[str],
    kind: str = "auto",
    limit: int | None = None,
    candidates: Sequence[str] = ("en", "es"),
    run_id: int | None = None,
    *,
    status: Sequence[str] = ("publish",),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    fetch_full: bool = False,
    fetcher: Any = None,
    max_bytes: int | None = None,
    sanitize_own: bool = False,
    follow_symlinks: bool = False,
) -> IngestReport:
    """Read every source, detect each post's language, store what is new or changed.

    `status` (WXR), `include`/`exclude` (sitemap) and `fetch_full` (feed) are passed to the
    sources that use them. Web sources fetch through `fetcher` (a `sources.http.Fetcher`),
    by default one over this store's `http_cache`, so unchanged pages cost a 304 only.
    """
    if kind not in KINDS:
        raise SourceKindError(f"unknown source kind {kind!r} (choose from {', '.join(KINDS)})")
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(guess_kind(source) if kind == "auto" else kind, []).append(source)
    own_fetcher = fetcher is None and any(k in ("url", "sitemap", "feed") for k in groups)
    if own_fetcher:
        from polypost.sources.http import Fetcher

        fetcher = Fetcher(store.db, **({"max_bytes": max_bytes} if max_bytes else {}))
    options = SourceOptions(status=tuple(status), include=tuple(include), exclude=tuple(exclude),
                            fetch_full=fetch_full, fetcher=fetcher, max_bytes=max_bytes,
                            sanitize_own=sanitize_own, follow_symlinks=follow_symlinks)
    report = IngestReport()
    known = store.content_hashes()
    try:
        for group_kind, group in groups.items():
            for item in progress(_limited(iter_source(group_kind, group, limit, options), limit), "ingesting"):
                if isinstance(item, SourceProblem):
                    _record_problem(store, report, item, run_id, fetcher)
                elif isinstance(item, SourcePost):
                    _ingest_one(store, report, item, candidates, known, run_id, fetcher)
                else:  # Unchanged: the server said 304 for this URL
                    report.unchanged += _stored_from(store, item.origin, report)
    finally:
        if own_fetcher:
            fetcher.close()
    return report


def _stored_from(store: Store, origin: str, report: IngestReport) -> int:
    """How many stored posts came from `origin` (a page, or every entry of a feed): all unchanged."""
    rows = list(store.db.query("select id from posts where origin = ? or origin like ? escape '\\'",
                               [origin, origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                                + "#%"]))
    report.post_ids.extend(r["id"] for r in rows)
    return max(len(rows), 1)


def _limited(items: Iterable, limit: int | None) -> Iterator:
    posts = 0
    for item in items:
        if limit is not None and posts >= limit:
            return
        if isinstance(item, SourcePost):
            posts += 1
        yield item


def _record_problem(store: Store, report: IngestReport, problem: SourceProblem, run_id, fetcher=None) -> None:
    entry = {"post": problem.origin, "stage": "ingest", "error": problem.error}
    if problem.skipped:
        report.skipped.append({"origin": problem.origin, "reason": problem.error})
        log.info("skipped %s: %s", problem.origin, problem.error)
        return
    report.failed.append(entry)
    _forget(fetcher, problem.origin)
    log.error("%s: %s", problem.origin, problem.error)
    store.record_failure(run_id, problem.origin, "ingest", problem.error, origin=problem.origin)


def _forget(fetcher, origin: str) -> None:
    """A failed item from the web must be fetched in full next time, not answered with a 304."""
    if fetcher is not None and _is_url(origin):
        fetcher.forget(origin.split("#")[0])


def _ingest_one(store, report, source_post: SourcePost, candidates, known, run_id, fetcher=None) -> None:
    try:
        post_id = source_post.post_id()
        content_hash = source_post.content_hash()
        if known.get(post_id) == content_hash:
            report.unchanged += 1
            report.post_ids.append(post_id)
            return
        lang, confidence = detect_post(source_post, candidates)
        report.languages[lang] = report.languages.get(lang, 0) + 1
        post_id, state = store.upsert_post(source_post, lang, confidence, content_hash)
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
        _forget(fetcher, source_post.origin)
        log.error("%s: %s", source_post.origin, error)
        store.record_failure(run_id, source_post.origin, "ingest", error, origin=source_post.origin)
