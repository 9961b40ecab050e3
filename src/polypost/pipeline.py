"""The stages in order, with one lock per data folder.

`run()` is what the nightly job calls: ingest what changed, translate what the memory
lacks, check it, publish what changed. Each stage is also callable alone; the CLI only
parses options and calls these functions. This is the one module that runs one stage after
another (a review import is: the memory, then translate, then publish).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from polypost import cluster
from polypost.errors import LockedError, NoSuchPost, UsageError
from polypost.config import Config
from polypost.glossary import Glossary
from polypost.glossary.names import keeps_names
from polypost.languages import language_of
from polypost.postedit import post_editor, rules_for
from polypost.postedit.engine import PostEditing
from polypost.publish.stage import publish_store
from polypost.publish.pairing import HUMAN, human_translation, pair_translations
from polypost.records import REMOVED, Post
from polypost.slugs import unique_slug
from polypost.review.importing import ImportReport
from polypost.review.stage import check_review_file, remember_review
from polypost.sources.stage import IngestOptions, IngestReport, ingest
from polypost.store import Store
from polypost.translate.base import Engine, available_engines, get_engine
from polypost.translate.qa import learned_thresholds
from polypost.translate.paired import paired_entries
from polypost.translate.stage import TranslateOptions, TranslateReport, translate_posts

log = logging.getLogger(__name__)


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


def load_glossary(config: Config) -> Glossary:
    paths = config.glossary_paths()
    if not paths and config.use_glossary:
        log.warning("no glossary found: translating without one (give --glossary FILE, or --no-glossary to mean it)")
    if paths:
        return Glossary.load(paths, target_lang=config.target_lang)
    return Glossary.empty(target_lang=config.target_lang)


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


def open_engine(config: Config, name: str | None = None) -> Engine:
    name = name or config.engine
    if name == "auto":
        # Resolve first, so that the chosen engine gets its own options.
        found = available_engines(config.source_lang, language_of(config.target_lang))
        name = found[0] if found else "auto"
    # The language part chooses the engine: "es-419" is translated by an en->es engine.
    engine = get_engine(
        name, source_lang=config.source_lang, target_lang=language_of(config.target_lang), **engine_options(config, name)
    )
    editor = post_editor(config.target_lang, config.formality, config.postedit_files()) if config.postedit else None
    if editor is not None:  # the variant's rules ride with the engine: its version names them
        engine = PostEditing(engine, editor)
    log.info("engine: %s %s", engine.name, engine.version)
    return engine


def translate_options(store: Store, config: Config, **changes: Any) -> TranslateOptions:
    """The translate stage's options from the settings; length bounds learned from this site's
    translations unless configured."""
    learned = learned_thresholds(store.length_ratios(config.source_lang, language_of(config.target_lang)))
    thresholds = replace(learned, min_length_ratio=config.min_length_ratio or learned.min_length_ratio,
                         max_length_ratio=config.max_length_ratio or learned.max_length_ratio)
    return TranslateOptions(source_lang=config.source_lang, target_lang=config.target_lang,
                            strict=config.glossary_strict, hold_back=tuple(config.hold_back),
                            thresholds=thresholds, slugs=config.translation_slugs,
                            keep_names=keeps_names(config.keep_names), **changes)


def translate_stage(store: Store, config: Config, run_id: int | None = None, post_ids: Sequence[str] | None = None,
                    dry_run: bool = False, engine: Engine | None = None, force: bool = False) -> TranslateReport:
    human = store_human_translations(store, config)
    if post_ids is not None:
        post_ids = [post_id for post_id in _on_the_site(store, post_ids) if post_id not in human]
    elif human:  # a post with its blogger's own translation is never given to the engine
        post_ids = [post.id for post in store.iter_posts("lang = ?", [config.source_lang], bodies=False)
                    if post.id not in human]
    glossary = load_glossary(config)
    if config.scheduler and engine is None:
        return _translate_on_cluster(store, config, glossary, run_id, post_ids, dry_run=dry_run, force=force)
    own_engine = engine is None
    engine = engine or open_engine(config)
    try:
        return translate_posts(store, engine, glossary, translate_options(store, config, dry_run=dry_run, force=force),
                               post_ids=post_ids, run_id=run_id)
    finally:
        if own_engine:
            engine.close()


def _translate_on_cluster(store: Store, config: Config, glossary: Glossary, run_id: int | None,
                          post_ids: Sequence[str] | None, **changes: Any) -> TranslateReport:
    """The same stage with the Dask workers behind `config.scheduler` doing each chunk's work;
    this process keeps the store, the lock and the memory."""
    options = {name: engine_options(config, name) for name in ("argos", "apertium")}
    # Workers translate with the language's engine and apply the variant's rules, as open_engine does here.
    rules = rules_for(config.target_lang, config.formality, config.postedit_files()) if config.postedit else None
    with cluster.connect(config.scheduler, engine=config.engine, source_lang=config.source_lang,
                         target_lang=language_of(config.target_lang), glossary=glossary, engine_options=options,
                         postedit_rules=rules) as runner:
        total = len(post_ids) if post_ids is not None else store.count_posts()
        chunk = runner.chunk_size(total)
        return translate_posts(store, None, glossary,
                               translate_options(store, config, posts_per_engine_call=chunk, **changes),
                               post_ids=post_ids, run_id=run_id, runner=runner)


def store_human_translations(store: Store, config: Config) -> dict[str, Post]:
    """The translations the blogger already has (`publish/pairing.py`) stored as their originals'
    translations, status reviewed, engine "human": every stage then sees them (share kits, status,
    the site). Returns original id -> the post that translates it."""
    posts = {post.id: post for post in store.iter_posts("lang in (?, ?)", [config.source_lang, config.target_lang],
                                                        bodies=False)}
    pairs = pair_translations([p for p in posts.values() if p.lang == config.source_lang],
                              [p for p in posts.values() if p.lang == config.target_lang],
                              config.target_lang, config.source_lang)
    for original_id, human in pairs.items():
        wanted = human_translation(posts[original_id], human, config.target_lang)
        existing = store.get_translation(original_id, config.target_lang)
        if existing is not None and existing.engine == HUMAN and existing.source_hash == wanted.source_hash:
            continue
        # Its own post's slug is the same page; any other translation's is another page.
        taken = store.taken_translation_slugs(config.target_lang, original_id, wanted.slug) - {human.slug}
        wanted.slug = wanted.slug if wanted.slug not in taken else unique_slug(wanted.slug, taken)
        wanted.html = str(human.html)
        store.save_translation(wanted)
        learned = paired_entries(replace(posts[original_id], html=str(posts[original_id].html)),
                                 replace(human, html=wanted.html), config.source_lang, config.target_lang)
        store.memory().put(learned)
        log.info("post %s: the translation %s (%s) is published as its %s version%s", original_id, human.id,
                 human.origin, config.target_lang,
                 f"; its {len(learned)} segments are in the memory" if learned else
                 " (cut into other segments than the original: nothing learned for the memory)")
    return pairs


def _on_the_site(store: Store, post_ids: Sequence[str]) -> list[str]:
    """The posts of `post_ids` that are not taken off the site (those are never translated)."""
    states = store.post_states()
    kept = []
    for post_id in post_ids:
        post = store.get_post(post_id)
        if post is None:
            raise NoSuchPost(f"no post with id or slug {post_id!r}")
        if post.id in states:
            log.warning("post %s is %s (%s): not translated", post.id, states[post.id]["state"], states[post.id]["reason"])
            continue
        kept.append(post_id)
    return kept


def take_down(store: Store, config: Config, post_id: str, state: str, undo: bool = False,
              run_id: int | None = None) -> dict[str, Any]:
    """`polypost remove` / `exclude` (and `--undo`): record why the post is off the site, then
    republish, which takes its pair off the disk, the homes, the feeds and the sitemap."""
    post = store.get_post(post_id)
    if post is None:
        raise NoSuchPost(f"no post with id or slug {post_id!r}")
    before = store.post_states().get(post.id)
    if undo:
        changed = bool(store.clear_post_state([post.id], states=[state]))
    else:
        reason = "taken down by `polypost remove`" if state == REMOVED else "excluded by `polypost exclude`"
        changed = before is None or before["state"] != state
        store.set_post_state([post.id], state, reason)
    published = publish_stage(store, config, run_id=run_id)
    return {"post": post.id, "slug": post.slug, "title": post.title, "state": None if undo else state,
            "was": before["state"] if before else None, "changed": changed, "published": published["published"],
            "removed": published["removed"], "out": published["out"], "failed": published["failed"]}


def publish_stage(store: Store, config: Config, run_id: int | None = None) -> dict[str, Any]:
    return publish_store(store, config, run_id=run_id)


def ingest_stage(store: Store, config: Config, sources: Sequence[str], options: IngestOptions,
                 run_id: int | None = None) -> IngestReport:
    options = replace(options, candidates=(config.source_lang, config.target_lang), **config.ingest_settings())
    return ingest(store, sources, options, run_id=run_id)


def import_review(store: Store, config: Config, path: Path, engine: Engine | None = None,
                  run_id: int | None = None) -> ImportReport:
    """A reviewed XLIFF or PO file into the memory, then every post it touches rebuilt and the
    site republished. `engine` (opened from the config when None) keys the human entries."""
    report, accepted = check_review_file(store, config, path)
    if not accepted:
        return report
    own_engine = engine is None
    engine = engine or open_engine(config)
    try:
        remember_review(store, config, load_glossary(config), engine, accepted, report)
        if not report.posts_rebuilt:
            return report
        rebuilt = translate_stage(store, config, run_id=run_id, post_ids=report.posts_rebuilt, engine=engine,
                                  force=True)
    finally:
        if own_engine:
            engine.close()
    report.posts_rebuilt = list(rebuilt.post_ids)
    report.failed += rebuilt.failed
    published = publish_stage(store, config, run_id=run_id)
    report.failed += published["failed"]
    not_published = {f["post"] for f in published["failed"]}
    for post_id in report.posts_rebuilt:
        translation = store.get_translation(post_id, config.target_lang)
        if "(site)" in not_published or post_id in not_published:
            continue  # the site could not be written (or this page): its old page still stands
        if translation is not None and translation.published_path:
            report.posts_republished.append(post_id)
    return report


@dataclass
class RunOptions:
    sources: Sequence[str] = ()
    ingest: IngestOptions = field(default_factory=IngestOptions)
    since: str | None = None
    dry_run: bool = False


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
        store.backup_to(Path(folder) / "dry-run.db")
        scratch = Store.open(Path(folder) / "dry-run.db")
        try:
            yield scratch
        finally:
            scratch.close()


def _run_stages(store: Store, config: Config, options: RunOptions, started: float) -> dict[str, Any]:
    run_id = store.start_run("run")
    sources = list(options.sources) or list(config.sources)
    summary: dict[str, Any] = {"ingested": 0, "new": 0, "updated": 0, "unchanged": 0, "skipped": 0, "translated": 0,
                               "published": 0, "held_back": 0}
    failed: list[dict] = []
    if sources:
        ingested = ingest_stage(store, config, sources, options.ingest, run_id=run_id)
        # the same counts, and the same words, as `polypost ingest`
        summary.update(ingested=ingested.ingested, new=ingested.new, updated=ingested.updated,
                       unchanged=ingested.unchanged, skipped=len(ingested.skipped), gone=ingested.gone,
                       back=ingested.back)
        failed += ingested.failed
    post_ids = store.post_ids_since(options.since) if options.since else None
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
    if translated.workers:
        summary["workers"] = translated.workers
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
