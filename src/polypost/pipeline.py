"""The stages in order, with one lock per data folder.

`run()` is what the nightly job calls: ingest what changed, translate what the memory
lacks, check it, publish what changed. Each stage is also callable alone; the CLI only
parses options and calls these functions.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.store import Store

log = logging.getLogger(__name__)


class LockedError(Exception):
    """Another polypost process holds this data folder (exit code 3)."""


@contextlib.contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """An advisory lock on DATA/polypost.lock.

    flock is released by the kernel when the holder dies, even by SIGKILL, so a killed
    run never leaves a stuck lock behind.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "polypost.lock"
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(f"{data_dir} is in use by {holder}; try again when it finishes") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def recorded_stage(store: Store, config: Config, command: str, work: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """One stage run alone: under the data folder's lock, recorded in `runs` with its summary."""
    with data_lock(config.data_dir()):
        run_id = store.start_run(command)
        summary = work(run_id)
        store.finish_run(run_id, summary)
    return summary


def load_glossary(config: Config):
    from polypost.glossary.terms import Glossary

    paths = config.glossary_paths()
    return Glossary.load(paths) if paths else Glossary.empty()


def engine_options(config: Config, name: str) -> dict[str, Any]:
    """The configured options that engine `name` understands."""
    if name != "argos":
        return {}
    options: dict[str, Any] = {"beam_size": config.beam_size}
    if config.threads:
        options["inter_threads"] = config.threads
    if config.device != "auto":
        options["device"] = config.device
    return options


def open_engine(config: Config, name: str | None = None):
    from polypost.translate import available_engines, get_engine

    name = name or config.engine
    if name == "auto":
        # Resolve first, so that the chosen engine gets its own options.
        found = available_engines(config.source_lang, config.target_lang)
        name = found[0] if found else "auto"
    engine = get_engine(
        name, source_lang=config.source_lang, target_lang=config.target_lang, **engine_options(config, name)
    )
    log.info("engine: %s %s", engine.name, engine.version)
    return engine


def translate_stage(store: Store, config: Config, run_id: int | None = None, post_ids=None, dry_run=False):
    from polypost.translate.stage import translate_posts

    glossary = load_glossary(config)
    engine = open_engine(config)
    try:
        return translate_posts(
            store,
            engine,
            glossary,
            source_lang=config.source_lang,
            target_lang=config.target_lang,
            post_ids=post_ids,
            strict=config.glossary_strict,
            run_id=run_id,
            dry_run=dry_run,
            thresholds=qa_thresholds(store, config),
            hold_back=config.hold_back,
        )
    finally:
        engine.close()


def qa_thresholds(store: Store, config: Config):
    """Length bounds learned from this site's translations, unless configured."""
    from dataclasses import replace

    from polypost.translate.qa import learned_thresholds

    learned = learned_thresholds(store.db, config.source_lang, config.target_lang)
    return replace(
        learned,
        min_length_ratio=config.min_length_ratio or learned.min_length_ratio,
        max_length_ratio=config.max_length_ratio or learned.max_length_ratio,
    )


def publish_stage(store: Store, config: Config, run_id: int | None = None) -> dict[str, Any]:
    from polypost.publish.stage import publish_store

    return publish_store(store, config, run_id=run_id)


@dataclass
class RunOptions:
    sources: Sequence[str] = ()
    kind: str = "auto"
    limit: int | None = None
    since: str | None = None
    dry_run: bool = False
    source_settings: dict[str, Any] = field(default_factory=dict)  # status, include, exclude, fetch_full


def run(store: Store, config: Config, options: RunOptions) -> dict[str, Any]:
    """Every stage in order; returns the summary that `run --json` prints."""
    started = time.monotonic()
    if options.dry_run:
        with _scratch_copy(store) as scratch:
            return _run_stages(scratch, config, options, started)
    return _run_stages(store, config, options, started)


@contextlib.contextmanager
def _scratch_copy(store: Store) -> Iterator[Store]:
    """A throwaway copy of the database: a dry run does every stage's bookkeeping on it, so
    it can say exactly what a real run would do while the real database stays untouched."""
    with tempfile.TemporaryDirectory(prefix="polypost-dry-run-") as folder:
        copy = sqlite3.connect(Path(folder) / "dry-run.db")
        store.db.conn.backup(copy)
        copy.close()
        scratch = Store.open(Path(folder) / "dry-run.db")
        try:
            yield scratch
        finally:
            scratch.db.conn.close()


def _run_stages(store: Store, config: Config, options: RunOptions, started: float) -> dict[str, Any]:
    from polypost.sources.stage import ingest

    run_id = store.start_run("run")
    sources = list(options.sources) or list(config.sources)
    summary: dict[str, Any] = {"ingested": 0, "skipped": 0, "translated": 0, "published": 0, "held_back": 0}
    failed: list[dict] = []
    if sources:
        ingested = ingest(
            store,
            sources,
            kind=options.kind,
            limit=options.limit,
            candidates=(config.source_lang, config.target_lang),
            run_id=run_id,
            **options.source_settings,
            **config.ingest_settings(),
        )
        summary["ingested"] = ingested.ingested
        summary["skipped"] = len(ingested.skipped) + ingested.unchanged
        failed += ingested.failed
    post_ids = _posts_since(store, options.since) if options.since else None
    translated = translate_stage(store, config, run_id=run_id, post_ids=post_ids, dry_run=options.dry_run)
    summary.update(
        translated=translated.translated,
        held_back=translated.held_back,
        engine=translated.engine,
        segments=translated.segments,
        engine_calls=translated.engine_calls,
        glossary=translated.to_dict()["glossary"],
        flagged=translated.flagged,
    )
    failed += translated.failed
    if not options.dry_run:
        published = publish_stage(store, config, run_id=run_id)
        summary["published"] = published["published"]
        summary["out"] = published["out"]
        failed += published["failed"]
    summary["failed"] = failed
    summary["dry_run"] = options.dry_run
    summary["seconds"] = round(time.monotonic() - started, 2)
    store.finish_run(run_id, summary)
    return summary


def _posts_since(store: Store, since: str) -> list[str]:
    return [
        row["id"]
        for row in store.db.query("select id from posts where published >= ? or updated_at >= ?", [since, since])
    ]
