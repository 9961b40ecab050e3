"""The translate stage: posts -> segments -> memory, then one engine call -> translations.

Every segment of every post that needs work is looked up in the translation memory
first; only what the memory lacks goes to the engine, in one batch per chunk of posts
(the engine batches inside). A glossary change touches only the segments whose matched
terms changed (the memory key carries `terms_hash`). The only module of translation that
takes the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from polypost.errors import NoSuchPost
from polypost.glossary import Glossary
from polypost.glossary.protect import forced_forms
from polypost.languages import language_of
from polypost.progress import progress, report_rate
from polypost.records import FLAGGED, HELD, MACHINE, REVIEWED, MemoryEntry, MemoryKey, Post, Translation
from polypost.segment.document import Document
from polypost.slugs import unique_slug
from polypost.store import Memory, Store, now
from polypost.translate.base import Engine, Translated, engine_flags
from polypost.translate.keys import glossary_fingerprint, is_kept, job_fingerprint, memory_key, post_documents
from polypost.translate.qa import Thresholds, check_segment, learned_thresholds, with_engine_flags

log = logging.getLogger(__name__)

# Posts are translated in chunks so that a 5,000-post archive never holds every segment
# of the archive in memory at once; each chunk is still one engine call.
POSTS_PER_ENGINE_CALL = 200


@dataclass(frozen=True)
class TranslateOptions:
    """What the translate stage does, besides which engine and glossary it uses."""

    source_lang: str = "en"
    target_lang: str = "es"
    strict: bool = False  # a missed glossary term holds the post back
    hold_back: tuple[str, ...] = ()  # QA checks that hold a post back
    thresholds: Thresholds | None = None  # None: learned from the memory
    posts_per_engine_call: int = POSTS_PER_ENGINE_CALL
    force: bool = False  # rebuild even when nothing a translation was made from changed
    dry_run: bool = False  # count what would be done; write nothing


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

    def to_dict(self) -> dict[str, Any]:
        expected = self.glossary["expected"]
        return {
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


@dataclass
class _Job:
    """One post's work: its segmented fields and, per segment, where its text comes from."""

    post: Post
    fingerprint: str
    docs: dict[str, Document]
    existing: Translation | None  # the stored translation this job replaces, if any
    keys: dict[tuple[str, int], MemoryKey | None] = field(default_factory=dict)  # None: kept as written
    protected: dict[tuple[str, int], Any] = field(default_factory=dict)


@dataclass
class _Run:
    """One stage run's fixed parts, handed to its steps together."""

    store: Store
    memory: Memory
    engine: Engine
    glossary: Glossary
    options: TranslateOptions
    thresholds: Thresholds
    report: TranslateReport
    run_id: int | None


def translate_posts(store: Store, engine: Engine, glossary: Glossary, options: TranslateOptions = TranslateOptions(),
                    post_ids: Sequence[str] | None = None, run_id: int | None = None) -> TranslateReport:
    """Translate the posts that need it (all, or `post_ids`)."""
    thresholds = options.thresholds or learned_thresholds(
        store.length_ratios(options.source_lang, language_of(options.target_lang)))
    run = _Run(store=store, memory=store.memory(), engine=engine, glossary=glossary, options=options,
               thresholds=thresholds, report=TranslateReport(engine=f"{engine.name} {engine.version}"), run_id=run_id)
    glossary_hash = glossary_fingerprint(glossary)
    gates = f"{options.strict}{tuple(options.hold_back)}"
    pending: list[_Job] = []
    total = len(post_ids) if post_ids is not None else store.count_posts()
    for post in progress(_posts_to_consider(store, post_ids), "translating", total):
        if post.lang != options.source_lang:
            continue  # stored and labelled, never translated
        fingerprint = job_fingerprint(post, engine, glossary_hash, gates)
        existing = store.get_translation(post.id, options.target_lang)
        if existing and existing.source_hash == fingerprint and not options.force:
            run.report.unchanged += 1
            continue
        try:
            pending.append(_prepare(run, post, fingerprint, existing))
        except Exception as exc:
            _fail(run, post, exc)
        if len(pending) >= options.posts_per_engine_call:
            _run_chunk(run, pending)
            pending = []
    if pending:
        _run_chunk(run, pending)
    return run.report


def _posts_to_consider(store: Store, post_ids: Sequence[str] | None):
    if post_ids is None:
        yield from store.iter_posts()
        return
    for post_id in post_ids:
        post = store.get_post(post_id)
        if post is None:
            raise NoSuchPost(f"no post with id or slug {post_id!r}")
        yield post


def _prepare(run: _Run, post: Post, fingerprint: str, existing: Translation | None) -> _Job:
    options, engine = run.options, run.engine
    job = _Job(post=post, fingerprint=fingerprint, docs=post_documents(post), existing=existing)
    for name, doc in job.docs.items():
        for segment in doc.segments:
            slot = (name, segment.index)
            if is_kept(segment, options.source_lang, options.target_lang):
                job.keys[slot] = None
                continue
            job.protected[slot] = run.glossary.protect(segment.text, engine=engine.name)
            job.keys[slot] = memory_key(segment, run.glossary, engine.name, engine.version,
                                        options.source_lang, options.target_lang)
    return job


def _run_chunk(run: _Run, jobs: list[_Job]) -> None:
    report = run.report
    keys = {key for job in jobs for key in job.keys.values() if key is not None}
    known = run.memory.lookup(list(keys))
    # Texts the memory lacks, each once, with the protected form the engine must see.
    missing: dict[MemoryKey, tuple[str, Any]] = {}
    for job in jobs:
        for slot, key in job.keys.items():
            if key is not None and key not in known and key not in missing:
                missing[key] = (job.docs[slot[0]].segments[slot[1]].text, job.protected[slot])
    if run.options.dry_run:
        report.segments["from_engine"] += len(missing)
        report.segments["from_memory"] += len(keys) - len(missing)
        report.translated += len(jobs)
        return
    fresh = _call_engine(run.engine, run.glossary, missing) if missing else {}
    editor = getattr(run.engine, "post_editor", None)  # postedit.PostEditing carries the variant's rules
    if editor is not None:
        _post_edit(editor, missing, fresh)
    report.engine_calls += bool(missing)
    failed_keys = {key for key, value in fresh.items() if isinstance(value, Exception)}
    entries = [
        MemoryEntry(
            key=key,
            source_text=missing[key][0],
            target_text=value,
            qa_flags=with_engine_flags(
                check_segment(missing[key][0], value, key.source_lang, key.target_lang, run.thresholds,
                              terms=[m.target_form for m in missing[key][1].matches]), engine_flags(value)),
        )
        for key, value in fresh.items()
        if not isinstance(value, Exception)
    ]
    run.memory.put(entries)
    translations = {**known, **{entry.key: entry for entry in entries}}
    for job in jobs:
        broken = [key for key in job.keys.values() if key in failed_keys]
        if broken:
            _fail(run, job.post, fresh[broken[0]])
            continue
        try:
            _finish(run, job, translations, known)
        except Exception as exc:
            _fail(run, job.post, exc)


def _call_engine(engine, glossary, missing: dict[MemoryKey, tuple[str, Any]]) -> dict[MemoryKey, Any]:
    """Translate every missing text in one engine call; on failure, retry text by text so
    that one bad segment fails only its own post."""
    keys = list(missing)
    texts = [missing[key][1].text for key in keys]
    # An engine that writes forced terms itself (the glossary's "prefix" strategy) is told them.
    forms = [forced_forms(missing[key][1]) for key in keys] if getattr(engine, "accepts_forms", False) else []
    started = time.monotonic()
    try:
        outputs = engine.translate(texts, forms=forms) if any(forms) else engine.translate(texts)
        report_rate(f"engine {engine.name}", len(texts), len(texts), time.monotonic() - started, "segments",
                    words=sum(len(text.split()) for text in texts))
        if len(outputs) != len(texts):
            raise RuntimeError(f"engine returned {len(outputs)} texts for {len(texts)}")
    except Exception as exc:
        log.warning("engine batch of %d texts failed (%s); retrying one by one", len(texts), exc)
        outputs = []
        for text, form in zip(texts, forms or [{}] * len(texts)):
            try:
                outputs.append((engine.translate([text], forms=[form]) if form else engine.translate([text]))[0])
            except Exception as one_exc:
                outputs.append(one_exc)
    result: dict[MemoryKey, Any] = {}
    for key, output in zip(keys, outputs):
        if isinstance(output, Exception):
            result[key] = output
        else:  # what the engine noticed itself stays with the text the glossary gives back
            result[key] = Translated(glossary.restore(missing[key][1], output), engine_flags(output))
    return result


def _post_edit(editor, missing: dict[MemoryKey, tuple[str, Any]], fresh: dict[MemoryKey, Any]) -> None:
    """The variant's rules on what the engine wrote (never on the memory's or a person's text),
    before QA reads it; the engine's own flags stay with the text."""
    keys = [key for key, value in fresh.items() if not isinstance(value, Exception)]
    edited = editor.edit([(missing[key][0], fresh[key]) for key in keys],
                         keep=[[m.target_form for m in missing[key][1].matches] for key in keys])
    for key, result in zip(keys, edited):
        fresh[key] = Translated(result.text, engine_flags(fresh[key]))


def _finish(run: _Run, job: _Job, translations: dict, known: dict) -> None:
    store, glossary, report, options = run.store, run.glossary, run.report, run.options
    post = job.post
    fields: dict[str, str] = {}
    flags: list[dict] = []
    glossary_report: list[dict] = []
    machine_segments = 0
    for name, doc in job.docs.items():
        targets = []
        for segment in doc.segments:
            key = job.keys[(name, segment.index)]
            if key is None:
                targets.append(segment.text)
                report.segments["kept"] += 1
                continue
            entry = translations[key]
            targets.append(entry.target_text)
            report.segments["from_memory" if key in known else "from_engine"] += 1
            flags.extend({**flag, "field": name, "segment": segment.index} for flag in entry.qa_flags or [])
            if entry.origin != "human":
                machine_segments += 1
            elif _without_rules(entry.key) != _without_rules(key):  # post-editing never touches a person's text
                # A person's fix always wins, but it was made against another engine, model or
                # glossary: ask for a second look rather than overwrite it.
                flags.append({"check": "second-look", "field": name, "segment": segment.index,
                              "evidence": f"human translation from {entry.key.engine} {entry.key.engine_version}"})
            for row in glossary.report(segment.text, entry.target_text):
                glossary_report.append({**row, "field": name, "segment": segment.index})
        assembled = doc.reassemble(targets)
        fields[name] = assembled.html
        flags.extend({**flag, "field": name} for flag in assembled.flags)
    missed = [row for row in glossary_report if not row["met"]]
    for row in glossary_report:
        report.glossary["expected"] += row["expected"]
        report.glossary["met"] += min(row["found"], row["expected"])
    report.glossary["missed"] = report.glossary["expected"] - report.glossary["met"]
    translated_by_someone = any(key is not None for key in job.keys.values())
    status = FLAGGED if flags else (REVIEWED if translated_by_someone and machine_segments == 0 else MACHINE)
    if missed:
        flags.append({"check": "glossary", "evidence": ", ".join(sorted({r["term"] for r in missed}))})
        status = FLAGGED
    if (options.strict and missed) or any(flag["check"] in options.hold_back for flag in flags):
        status = HELD
    existing = job.existing
    if existing:
        slug = existing.slug  # a published address never changes by itself
    else:
        slug = unique_slug(fields["title"], store.taken_translation_slugs(options.target_lang, post.id, fields["title"]))
    store.save_translation(
        Translation(
            post_id=post.id,
            lang=options.target_lang,
            title=fields["title"],
            slug=slug,
            html=fields["body"],
            description=fields.get("description"),
            status=status,
            engine=report.engine,
            source_hash=job.fingerprint,
            glossary_report=glossary_report,
            qa_report=flags,
            published_path=existing.published_path if existing else None,
            translated_at=now(precise=True),  # publishing tells translations apart by it
        )
    )
    report.translated += 1
    report.post_ids.append(post.id)
    report.flagged += status == FLAGGED
    report.held_back += status == HELD
    log.info("translated %s (%s): %s", post.id, status, fields["title"])


def _without_rules(key: MemoryKey) -> MemoryKey:
    """The key without the post-editing rules' part of the engine version ("+pe-es-419-...")."""
    return replace(key, engine_version=key.engine_version.split("+pe-", 1)[0])


def _fail(run: _Run, post: Post, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"
    run.report.failed.append({"post": post.id, "stage": "translate", "error": error})
    if not run.options.dry_run:  # recorded first: a record that fails (full disk) ends the batch alone
        run.store.record_failure(run.run_id, post.id, "translate", error, origin=post.origin)
    log.error("translate %s (%s): %s", post.id, post.origin, error)
