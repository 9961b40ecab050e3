"""The translate stage: posts -> segments -> memory, then one engine call -> translations.

Every segment of every post that needs work is looked up in the translation memory
first; only what the memory lacks goes to the engine, in one batch per chunk of posts
(the engine batches inside). A glossary change touches only the segments whose matched
terms changed (the memory key carries `terms_hash`). The only module of translation that
takes the store: the work of a chunk (translate/chunk.py) is plain values in and out, done
here or, given a `runner`, on a cluster's workers (polypost.cluster).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from polypost.languages import language_of
from polypost.errors import NoSuchPost
from polypost.glossary import Glossary
from polypost.progress import progress
from polypost.records import FLAGGED, HELD, Post, Translation
from polypost.slugs import slugify, unique_slug
from polypost.store import Store, now
from polypost.translate.base import Engine
from polypost.translate.chunk import (POSTS_PER_ENGINE_CALL, ChunkResult, ChunkRunner, Failure, chunk_size,
                                      PostResult, TranslateOptions)
from polypost.translate.keys import glossary_fingerprint, job_fingerprint
from polypost.translate.local import LocalChunks
from polypost.translate.qa import learned_thresholds

__all__ = ["POSTS_PER_ENGINE_CALL", "TranslateOptions", "TranslateReport", "translate_posts"]

log = logging.getLogger(__name__)


@dataclass
class TranslateReport:
    engine: str = ""
    translated: int = 0
    unchanged: int = 0
    held_back: int = 0
    flagged: int = 0
    engine_calls: int = 0
    failed: list[dict] = field(default_factory=list)
    segments: dict[str, int] = field(default_factory=lambda: {"from_memory": 0, "from_engine": 0, "kept": 0})
    glossary: dict[str, int] = field(default_factory=lambda: {"expected": 0, "met": 0, "missed": 0})
    post_ids: list[str] = field(default_factory=list)
    workers: dict[str, dict[str, int]] = field(default_factory=dict)  # cluster worker -> posts, segments

    def to_dict(self) -> dict[str, Any]:
        expected = self.glossary["expected"]
        data = {
            "engine": self.engine,
            "translated": self.translated,
            "unchanged": self.unchanged,
            "held_back": self.held_back,
            "flagged": self.flagged,
            "failed": self.failed,
            "segments": self.segments,
            "engine_calls": self.engine_calls,
            "glossary": {**self.glossary, "compliance": (self.glossary["met"] / expected) if expected else 1.0},
        }
        if self.workers:
            data["workers"] = self.workers
        return data


@dataclass
class _Run:
    """One stage run's fixed parts, handed to its steps together."""

    store: Store
    options: TranslateOptions
    report: TranslateReport
    run_id: int | None
    existing: dict[str, Translation | None] = field(default_factory=dict)  # post id -> translation it replaces
    # post id -> ("author", the slug its author gave) or ("source", the original's), posts in flight
    chosen_slugs: dict[str, tuple[str, str] | None] = field(default_factory=dict)


def translate_posts(store: Store, engine: Engine | None, glossary: Glossary,
                    options: TranslateOptions = TranslateOptions(), post_ids: Sequence[str] | None = None,
                    run_id: int | None = None, runner: ChunkRunner | None = None) -> TranslateReport:
    """Translate the posts that need it (all, or `post_ids`), here with `engine`, or on the
    cluster behind `runner` (whose engine, on the workers, then names the memory keys)."""
    thresholds = options.thresholds or learned_thresholds(
        store.length_ratios(options.source_lang, language_of(options.target_lang)))
    options = replace(options, thresholds=thresholds)
    if runner is None:
        assert engine is not None
        runner = LocalChunks(engine, glossary)
    run = _Run(store=store, options=options, report=TranslateReport(engine=f"{runner.name} {runner.version}"),
               run_id=run_id)
    run.report.workers = {worker: {"posts": 0, "segments": 0} for worker in getattr(runner, "workers", ())}
    memory = store.memory()
    glossary_hash = glossary_fingerprint(glossary)
    # "+tags": translations made before tags were translated are made again once (from the memory).
    gates = f"{options.strict}{tuple(options.hold_back)}+tags"
    pending: list[tuple[Post, str]] = []
    total = len(post_ids) if post_ids is not None else store.count_posts()
    submitted = 0
    for considered, post in enumerate(progress(_posts_to_consider(store, post_ids), "translating", total), start=1):
        if post.lang != options.source_lang:
            continue  # stored and labelled, never translated
        fingerprint = job_fingerprint(post, runner, glossary_hash, gates)
        made_from = store.translation_fingerprint(post.id, options.target_lang)  # not the whole row
        if made_from == (fingerprint,) and not options.force:
            run.report.unchanged += 1
            continue
        run.existing[post.id] = store.get_translation(post.id, options.target_lang) if made_from else None
        run.chosen_slugs[post.id] = chosen_slug(post, options)
        pending.append((post, fingerprint))
        if len(pending) >= chunk_size(options.posts_per_engine_call, submitted, len(pending), total - considered):
            runner.submit(pending, options, memory.lookup)
            submitted += 1
            pending = []
        for result in runner.completed(wait=False):
            _write(run, result)
    if pending:
        runner.submit(pending, options, memory.lookup)
    for result in runner.completed(wait=True):
        _write(run, result)
    return run.report


def chosen_slug(post: Post, options: TranslateOptions) -> tuple[str, str] | None:
    """The translation's slug when it is not to come from its title: the one the post's author
    gave for the target language (`slug_es`), else, with `slugs = "source"`, the original's."""
    given = post.translation_slugs.get(options.target_lang.lower()) or post.translation_slugs.get(
        language_of(options.target_lang))
    if given and slugify(given):
        return ("author", given)
    return ("source", post.slug) if options.slugs == "source" else None


def _posts_to_consider(store: Store, post_ids: Sequence[str] | None):
    if post_ids is None:
        yield from store.iter_posts()
        return
    for post_id in post_ids:
        post = store.get_post(post_id)
        if post is None:
            raise NoSuchPost(f"no post with id or slug {post_id!r}")
        yield post


def _write(run: _Run, result: ChunkResult) -> None:
    """A chunk's results into the store and the report, the same wherever the chunk ran: the new
    memory entries, then every translation of the chunk in one transaction."""
    report = run.report
    for failure in result.failures:
        _fail(run, failure)
    report.engine_calls += result.engine_calls
    if run.options.dry_run:
        for name, count in result.dry_run_segments.items():
            report.segments[name] += count
        report.translated += result.dry_run_posts
        return
    run.store.memory().put(result.entries)
    if result.worker:
        did = report.workers.setdefault(result.worker, {"posts": 0, "segments": 0})
        did["posts"] += len(result.posts)
        did["segments"] += result.segment_count()
    made: list[tuple[PostResult, Translation]] = []
    given: set[str] = set()  # slugs given to this chunk's posts, not yet in the store
    for done in result.posts:
        try:
            made.append((done, _translation(run, done, given)))
        except Exception as exc:
            _fail(run, Failure(done.post_id, done.origin, f"{type(exc).__name__}: {exc}"))
    try:
        run.store.save_translations([translation for _, translation in made])
    except Exception:  # one post's row spoils the transaction: save them one by one to name it
        saved = []
        for done, translation in made:
            try:
                run.store.save_translation(translation)
                saved.append((done, translation))
            except Exception as exc:
                _fail(run, Failure(done.post_id, done.origin, f"{type(exc).__name__}: {exc}"))
        made = saved
    for done, _ in made:
        _count(run, done)


def _translation(run: _Run, done: PostResult, given: set[str]) -> Translation:
    fields, options = done.fields, run.options
    existing = run.existing.pop(done.post_id, None)
    chosen = run.chosen_slugs.pop(done.post_id, None)  # (who chose it, the slug) or None
    if existing and not (chosen and chosen[0] == "author" and slugify(chosen[1]) != existing.slug):
        slug = existing.slug  # a published address changes only when the post's author gives another
    else:
        wanted = chosen[1] if chosen else fields["title"]
        taken = run.store.taken_translation_slugs(options.target_lang, done.post_id, wanted) | given
        slug = unique_slug(wanted, taken)
    given.add(slug)
    return Translation(
        post_id=done.post_id,
        lang=options.target_lang,
        title=fields["title"],
        slug=slug,
        html=fields["body"],
        description=fields.get("description"),
        tags=json.loads(fields["tags"]) if "tags" in fields else [],
        status=done.status,
        engine=run.report.engine,
        source_hash=done.fingerprint,
        glossary_report=done.glossary_report,
        qa_report=done.flags,
        published_path=existing.published_path if existing else None,
        translated_at=now(precise=True),  # publishing tells translations apart by it
    )


def _count(run: _Run, done: PostResult) -> None:
    report = run.report
    for name, count in done.segments.items():
        report.segments[name] += count
    report.glossary["expected"] += done.glossary["expected"]
    report.glossary["met"] += done.glossary["met"]
    report.glossary["missed"] = report.glossary["expected"] - report.glossary["met"]
    report.translated += 1
    report.post_ids.append(done.post_id)
    report.flagged += done.status == FLAGGED
    report.held_back += done.status == HELD
    log.info("translated %s (%s): %s", done.post_id, done.status, done.fields["title"])


def _fail(run: _Run, failure: Failure) -> None:
    run.existing.pop(failure.post_id, None)
    run.chosen_slugs.pop(failure.post_id, None)
    run.report.failed.append({"post": failure.post_id, "stage": "translate", "error": failure.error})
    if not run.options.dry_run:  # recorded first: a record that fails (full disk) ends the batch alone
        run.store.record_failure(run.run_id, failure.post_id, "translate", failure.error, origin=failure.origin)
    log.error("translate %s (%s): %s", failure.post_id, failure.origin, failure.error)
