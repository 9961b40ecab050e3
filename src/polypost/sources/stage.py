"""The ingest stage: sources -> detected language -> the posts table.

A source that fails never stops the batch: it becomes a failure in the report (and in
the `failures` table), and everything already stored stays as it was. The only module of
the sources that takes the store; the readers below it take plain values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polypost.errors import UsageError
from polypost.languages.detect import detect_post
from polypost.progress import progress
from polypost.records import GONE, UNCHANGED, SourcePost, SourceProblem
from polypost.sources.http import Fetcher
from polypost.sources.kinds import guess_kind
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS
from polypost.sources.words import DEFAULT_MAX_WORDS, words_problem
from polypost.sources.registry import FILES, URLS, ReadSettings, SourceKind, source_kinds
from polypost.store import Store

log = logging.getLogger(__name__)


COMPLETE_KINDS = ("files", "wxr")  # kinds whose read lists every post of the source


class SourceKindError(UsageError, ValueError):
    """A source kind polypost cannot read, or sources that kind cannot take: a usage error."""


@dataclass
class IngestOptions:
    """What the ingest stage reads, and how."""

    kind: str = "auto"  # a registered source kind, or "auto": guessed per source
    limit: int | None = None  # posts to read at most, per kind
    candidates: Sequence[str] = ("en", "es")  # languages detection chooses among, source first
    status: Sequence[str] = ("publish",)  # WXR: which post statuses to read
    include: Sequence[str] = ()  # sitemap: URL patterns to keep (glob, or a substring)
    exclude: Sequence[str] = ()  # sitemap: URL patterns to leave out
    fetch_full: bool = False  # feed: fetch the linked page when an entry has only a summary
    fetcher: Any = None  # a sources.http.Fetcher; ingest makes one over the store when None
    max_bytes: int | None = None  # files and fetched pages: bigger ones are refused ([sources] max_bytes)
    max_words: int = DEFAULT_MAX_WORDS  # a page or post with more words of text is refused ([sources] max_words)
    sanitize_own: bool = False  # own files and WXR through the untrusted-markup allowlist too
    follow_symlinks: bool = False  # files: read symlinks that lead out of the source folder
    embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS  # iframes untrusted markup may keep ([sources] embed_hosts)


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
    gone: list[dict] = field(default_factory=list)  # {"post", "origin"}: its source no longer has it
    back: list[str] = field(default_factory=list)  # posts gone before, found again

    def to_dict(self) -> dict:
        return {
            "ingested": self.ingested,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_inputs": self.skipped,
            "languages": self.languages,
            "gone": self.gone,
            "back": self.back,
            "failed": self.failed,
        }


def kind_names() -> list[str]:
    return ["auto", *sorted(source_kinds())]


def iter_source(kind: str, sources: Sequence[str], settings: ReadSettings) -> Iterator[Any]:
    """SourcePost, SourceProblem or Unchanged records from `sources` of one kind."""
    spec = _kind(kind)
    _check_inputs(spec, sources)
    yield from spec.read(list(sources), settings)


def _kind(name: str) -> SourceKind:
    kinds = source_kinds()
    if name not in kinds:
        raise SourceKindError(f"unknown source kind {name!r} (choose from {', '.join(kind_names())})")
    return kinds[name]


def _check_inputs(spec: SourceKind, sources: Sequence[str]) -> None:
    if spec.inputs == URLS:
        not_urls = [s for s in sources if not _is_url(s)]
        if not_urls:
            raise SourceKindError(f"--kind {spec.name} needs http(s) URLs, not: {', '.join(not_urls)}")
        return
    local = list(sources) if spec.inputs == FILES else [s for s in sources if not _is_url(s)]
    missing = [s for s in local if not Path(s).exists()]
    if missing:
        raise SourceKindError(f"no such file or folder: {', '.join(missing)}")
    folders = [s for s in local if Path(s).is_dir()]
    if folders and not spec.folders:
        raise SourceKindError(f"--kind {spec.name} needs {spec.file_is}, not a folder: {', '.join(folders)}")


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def ingest(store: Store, sources: Sequence[str], options: IngestOptions | None = None,
           run_id: int | None = None) -> IngestReport:
    """Read every source, detect each post's language, store what is new or changed.

    Web sources fetch through `options.fetcher`, by default one over this store's HTTP cache,
    so unchanged pages cost a 304 only."""
    options = options or IngestOptions()
    if options.kind != "auto":
        _kind(options.kind)
    groups: dict[str, list[str]] = {}
    for source in sources:
        groups.setdefault(guess_kind(source) if options.kind == "auto" else options.kind, []).append(source)
    fetcher = options.fetcher
    own_fetcher = fetcher is None and any(_kind(kind).fetches for kind in groups)
    if own_fetcher:
        fetcher = Fetcher(store.http_cache(), **({"max_bytes": options.max_bytes} if options.max_bytes else {}))
    settings = ReadSettings(limit=options.limit, status=tuple(options.status), include=tuple(options.include),
                            exclude=tuple(options.exclude), fetch_full=options.fetch_full, fetcher=fetcher,
                            max_bytes=options.max_bytes, max_words=options.max_words,
                            sanitize_own=options.sanitize_own,
                            follow_symlinks=options.follow_symlinks, embed_hosts=tuple(options.embed_hosts),
                            known_digest=lambda origin: (store.source_digest_of(origin) or (None,))[0])
    report = IngestReport()
    try:
        for group_kind, group in groups.items():
            items = _limited(iter_source(group_kind, group, settings), options.limit)
            for item in progress(items, f"ingesting ({group_kind})", options.limit):
                if isinstance(item, SourceProblem):
                    _record_problem(store, report, item, run_id, fetcher)
                elif isinstance(item, SourcePost) and (too_long := words_problem(item.html, options.max_words)):
                    # Every kind's posts (a WXR item, a feed entry): pages were counted before their parse.
                    _record_problem(store, report, SourceProblem(origin=item.origin, error=too_long), run_id, fetcher)
                elif isinstance(item, SourcePost):
                    _ingest_one(store, report, item, options.candidates, run_id, fetcher)
                elif group_kind == "files" and (read := store.source_digest_of(item.origin)):
                    report.unchanged += 1  # Unchanged: a file's bytes are those of its stored post
                    report.post_ids.append(read[1])
                else:  # Unchanged: the server said 304 for this URL
                    report.unchanged += _stored_from(store, item.origin, report)
            if options.limit is None:
                _find_gone(store, group_kind, group, report)
        report.back = store.clear_post_state(sorted(set(report.post_ids)), states=[GONE])
        for post_id in report.back:
            log.info("post %s is back at its source: published again", post_id)
    finally:
        if own_fetcher:
            fetcher.close()
    return report


def _find_gone(store: Store, kind: str, sources: Sequence[str], report: IngestReport) -> None:
    """Posts read before from a folder or a WordPress export that this complete read did not
    yield (the file deleted, the item now a draft, trashed or deleted): their source is gone.

    Only sources read whole can say so: a feed lists its newest entries, a sitemap may be cut,
    a --limit stops early. A source that failed as a whole (a damaged export) says nothing, and
    a file that failed to read keeps its post."""
    if kind not in COMPLETE_KINDS:
        return
    failed = {f["post"] for f in report.failed}
    seen = set(report.post_ids)
    for origin in failed:
        seen.update(store.post_ids_from(origin))
    states = store.post_states()
    for source in sources:
        if source in failed:
            continue
        previous = store.post_ids_under(source) if Path(source).is_dir() else store.post_ids_from(source)
        gone = [post_id for post_id in previous if post_id not in seen and post_id not in states]
        for post_id in gone:
            post = store.get_post(post_id)
            origin = post.origin if post else source
            report.gone.append({"post": post_id, "origin": origin})
            log.warning("%s: no longer in %s; post %s is taken off the site", origin, source, post_id)
        if gone:
            store.set_post_state(gone, GONE, f"no longer in {source}")


def _stored_from(store: Store, origin: str, report: IngestReport) -> int:
    """How many stored posts came from `origin` (a page, or every entry of a feed): all unchanged."""
    post_ids = store.post_ids_from(origin)
    report.post_ids.extend(post_ids)
    return max(len(post_ids), 1)


def _limited(items: Iterable, limit: int | None) -> Iterator:
    posts = 0
    for item in items:
        if limit is not None and posts >= limit:
            return
        if isinstance(item, SourcePost):
            posts += 1
        yield item


def _record_problem(store: Store, report: IngestReport, problem: SourceProblem, run_id: int | None, fetcher: Any) -> None:
    entry = {"post": problem.origin, "stage": "ingest", "error": problem.error}
    if problem.skipped:
        report.skipped.append({"origin": problem.origin, "reason": problem.error})
        log.info("skipped %s: %s", problem.origin, problem.error)
        return
    report.failed.append(entry)
    _forget(fetcher, problem.origin)
    # Recorded before it is logged: when even the record fails (a full disk) the batch ends with
    # that StorageError alone.
    store.record_failure(run_id, problem.origin, "ingest", problem.error, origin=problem.origin)
    log.error("%s: %s", problem.origin, problem.error)


def _forget(fetcher, origin: str) -> None:
    """A failed item from the web must be fetched in full next time, not answered with a 304."""
    if fetcher is not None and _is_url(origin):
        fetcher.forget(origin.split("#")[0])


def _keep_digest(store: Store, post_id: str, source_post: SourcePost) -> None:
    """An unchanged post read from a file whose digest is new (polypost upgraded, a setting
    changed, the bytes changed but not the post): the next run passes the file over unread."""
    if source_post.source_digest:
        store.set_source_digest(post_id, source_post.source_digest)


def _ingest_one(store: Store, report: IngestReport, source_post: SourcePost, candidates: Sequence[str],
                run_id: int | None, fetcher: Any) -> None:
    try:
        post_id = source_post.post_id()
        content_hash = source_post.content_hash()
        if store.content_hash_of(post_id) == content_hash:
            report.unchanged += 1
            report.post_ids.append(post_id)
            _keep_digest(store, post_id, source_post)
            return
        lang, confidence = detect_post(source_post, candidates)
        report.languages[lang] = report.languages.get(lang, 0) + 1
        post_id, state = store.upsert_post(source_post, lang, confidence, content_hash)
        report.post_ids.append(post_id)
        if state == UNCHANGED:
            report.unchanged += 1
            _keep_digest(store, post_id, source_post)
            return
        report.ingested += 1
        setattr(report, state, getattr(report, state) + 1)
        log.info("%s %s (%s, %.2f): %s", state, source_post.origin, lang, confidence, source_post.title)
        if lang not in candidates:
            # Stored, but neither translated nor published: said once, as a failure of this run.
            error = (f"detected as {lang!r} ({confidence:.2f}), not {' or '.join(candidates)}: stored, not translated "
                     "nor published (give the post a `lang` in its front matter, or `polypost exclude` it)")
            report.failed.append({"post": post_id, "stage": "detect", "error": error})
            store.record_failure(run_id, post_id, "detect", error, origin=source_post.origin)
            log.warning("%s: %s", source_post.origin, error)
    except Exception as exc:  # one bad post must not stop the batch
        error = f"{type(exc).__name__}: {exc}"
        report.failed.append({"post": source_post.origin, "stage": "ingest", "error": error})
        _forget(fetcher, source_post.origin)
        store.record_failure(run_id, source_post.origin, "ingest", error, origin=source_post.origin)
        log.error("%s: %s", source_post.origin, error)
