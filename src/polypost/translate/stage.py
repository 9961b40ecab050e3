"""The translate stage: posts -> segments -> memory, then one engine call -> translations.

Every segment of every post that needs work is looked up in the translation memory
first; only what the memory lacks goes to the engine, in one batch for the whole run
(the engine batches inside). A glossary change touches only the segments whose matched
terms changed (the memory key carries `terms_hash`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from polypost.languages.detect import detect_language
from polypost.glossary.terms import Glossary
from polypost.records import Post, Translation
from polypost.progress import progress
from polypost.translate.qa import Thresholds, check_segment, learned_thresholds
from polypost.segment.document import Document, Segment, segment_html, segment_text
from polypost.slugs import unique_slug
from polypost.store import Store, now
from polypost.translate.memory import Memory, MemoryEntry, MemoryKey

log = logging.getLogger(__name__)

# Posts are translated in chunks so that a 5,000-post archive never holds every segment
# of the archive in memory at once; each chunk is still one engine call.
POSTS_PER_ENGINE_CALL = 200

# A block is only sent to language detection when it shows a Spanish sign: detection
# costs milliseconds per call, and an English archive has tens of thousands of blocks.
_SPANISH_SIGNS = ("á", "é", "í", "ó", "ú", "ñ", "¿", "¡", " que ", " los ", " las ", " del ", " para ", " una ")


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


def glossary_fingerprint(glossary: Glossary) -> str:
    rows = sorted(term.fingerprint() for term in glossary.terms)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def job_fingerprint(post: Post, engine, glossary_hash: str, gates: str) -> str:
    """What a translation was made from: if this is unchanged, the translation is too."""
    parts = [post.content_hash, engine.name, engine.version, glossary_hash, gates]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def looks_like_target_language(text: str, target_lang: str, candidates: Sequence[str]) -> bool:
    lowered = f" {text.lower()} "
    if target_lang != "es" or not any(sign in lowered for sign in _SPANISH_SIGNS):
        return False
    if len(text.split()) < 4:  # too short to judge; translating it is the safe side
        return False
    lang, confidence = detect_language(text, candidates)
    return lang == target_lang and confidence >= 0.8


def post_documents(post: Post) -> dict[str, Document]:
    """A post's translatable fields cut into segments (the review exchange cuts them the same way)."""
    docs = {"title": segment_text(post.title), "body": segment_html(post.html)}
    if post.description:
        docs["description"] = segment_text(post.description)
    return docs


def is_kept(segment: Segment, source_lang: str, target_lang: str) -> bool:
    """A block already in the target language (a quote, say) stays as written."""
    return segment.kind == "block" and looks_like_target_language(
        segment.text, target_lang, (source_lang, target_lang))


def memory_key(segment: Segment, glossary: Glossary, engine_name: str, engine_version: str,
               source_lang: str, target_lang: str) -> MemoryKey:
    """The memory key of a segment: its text, the languages, the engine and the terms it holds."""
    return MemoryKey(
        source_hash=segment.key,
        source_lang=source_lang,
        target_lang=target_lang,
        engine=engine_name,
        engine_version=engine_version,
        terms_hash=glossary.terms_hash(segment.text),
    )


def translate_posts(
    store: Store,
    engine,
    glossary: Glossary,
    source_lang: str = "en",
    target_lang: str = "es",
    post_ids: Sequence[str] | None = None,
    strict: bool = False,
    run_id: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    thresholds: Thresholds | None = None,
    hold_back: Sequence[str] = (),
) -> TranslateReport:
    """Translate the posts that need it (all, or `post_ids`); `force` rebuilds them even when
    nothing they were made from changed (after a human import, say)."""
    report = TranslateReport(engine=f"{engine.name} {engine.version}")
    memory = Memory(store.db)
    checks = _Checks(thresholds or learned_thresholds(store.db, source_lang, target_lang), tuple(hold_back))
    glossary_hash = glossary_fingerprint(glossary)
    pending: list[_Job] = []
    total = len(post_ids) if post_ids is not None else store.db["posts"].count
    for post in progress(_posts_to_consider(store, post_ids), "translating", total):
        if post.lang != source_lang:
            continue  # stored and labelled, never translated
        fingerprint = job_fingerprint(post, engine, glossary_hash, f"{strict}{checks.hold_back}")
        existing = store.get_translation(post.id, target_lang)
        if existing and existing.source_hash == fingerprint and not force:
            report.unchanged += 1
            continue
        try:
            pending.append(_prepare(post, fingerprint, existing, glossary, source_lang, target_lang, engine))
        except Exception as exc:
            _fail(store, report, run_id, post, exc, dry_run)
        if len(pending) >= POSTS_PER_ENGINE_CALL:
            _run_chunk(store, memory, engine, glossary, pending, report, strict, checks, target_lang, run_id, dry_run)
            pending = []
    if pending:
        _run_chunk(store, memory, engine, glossary, pending, report, strict, checks, target_lang, run_id, dry_run)
    return report


def _posts_to_consider(store: Store, post_ids: Sequence[str] | None):
    if post_ids is None:
        yield from store.iter_posts()
        return
    for post_id in post_ids:
        post = store.get_post(post_id)
        if post is None:
            raise LookupError(f"no post with id or slug {post_id!r}")
        yield post


def _prepare(post: Post, fingerprint, existing, glossary, source_lang, target_lang, engine) -> _Job:
    job = _Job(post=post, fingerprint=fingerprint, docs=post_documents(post), existing=existing)
    for name, doc in job.docs.items():
        for segment in doc.segments:
            slot = (name, segment.index)
            if is_kept(segment, source_lang, target_lang):
                job.keys[slot] = None
                continue
            job.protected[slot] = glossary.protect(segment.text, engine=engine.name)
            job.keys[slot] = memory_key(segment, glossary, engine.name, engine.version, source_lang, target_lang)
    return job


@dataclass(frozen=True)
class _Checks:
    thresholds: Thresholds
    hold_back: tuple[str, ...]


def _run_chunk(store, memory, engine, glossary, jobs, report, strict, checks, target_lang, run_id, dry_run) -> None:
    keys = {key for job in jobs for key in job.keys.values() if key is not None}
    known = memory.lookup(list(keys))
    # Texts the memory lacks, each once, with the protected form the engine must see.
    missing: dict[MemoryKey, tuple[str, Any]] = {}
    for job in jobs:
        for slot, key in job.keys.items():
            if key is not None and key not in known and key not in missing:
                missing[key] = (job.docs[slot[0]].segments[slot[1]].text, job.protected[slot])
    if dry_run:
        report.segments["from_engine"] += len(missing)
        report.segments["from_memory"] += len(keys) - len(missing)
        report.translated += len(jobs)
        return
    fresh = _call_engine(engine, glossary, missing) if missing else {}
    report.engine_calls += bool(missing)
    failed_keys = {key for key, value in fresh.items() if isinstance(value, Exception)}
    entries = [
        MemoryEntry(
            key=key,
            source_text=missing[key][0],
            target_text=value,
            qa_flags=check_segment(missing[key][0], value, key.source_lang, key.target_lang, checks.thresholds),
        )
        for key, value in fresh.items()
        if not isinstance(value, Exception)
    ]
    memory.put(entries)
    translations = {**known, **{entry.key: entry for entry in entries}}
    for job in jobs:
        broken = [key for key in job.keys.values() if key in failed_keys]
        if broken:
            _fail(store, report, run_id, job.post, fresh[broken[0]], dry_run)
            continue
        try:
            _finish(store, glossary, job, translations, known, report, strict, checks, target_lang)
        except Exception as exc:
            _fail(store, report, run_id, job.post, exc, dry_run)


def _call_engine(engine, glossary, missing: dict[MemoryKey, tuple[str, Any]]) -> dict[MemoryKey, Any]:
    """Translate every missing text in one engine call; on failure, retry text by text so
    that one bad segment fails only its own post."""
    keys = list(missing)
    texts = [missing[key][1].text for key in keys]
    try:
        outputs = engine.translate(texts)
        if len(outputs) != len(texts):
            raise RuntimeError(f"engine returned {len(outputs)} texts for {len(texts)}")
    except Exception as exc:
        log.warning("engine batch of %d texts failed (%s); retrying one by one", len(texts), exc)
        outputs = []
        for text in texts:
            try:
                outputs.append(engine.translate([text])[0])
            except Exception as one_exc:
                outputs.append(one_exc)
    result: dict[MemoryKey, Any] = {}
    for key, output in zip(keys, outputs):
        result[key] = output if isinstance(output, Exception) else glossary.restore(missing[key][1], output)
    return result


def _finish(store, glossary, job: _Job, translations, known, report, strict, checks, target_lang) -> None:
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
            elif entry.key != key:
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
    status = "flagged" if flags else ("reviewed" if translated_by_someone and machine_segments == 0 else "machine")
    if missed:
        flags.append({"check": "glossary", "evidence": ", ".join(sorted({r["term"] for r in missed}))})
        status = "flagged"
    if (strict and missed) or any(flag["check"] in checks.hold_back for flag in flags):
        status = "held"
    existing = job.existing
    if existing:
        slug = existing.slug  # a published address never changes by itself
    else:
        slug = unique_slug(fields["title"], store.taken_translation_slugs(target_lang, post.id, fields["title"]))
    store.save_translation(
        Translation(
            post_id=post.id,
            lang=target_lang,
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
    report.flagged += status == "flagged"
    report.held_back += status == "held"
    log.info("translated %s (%s): %s", post.id, status, fields["title"])


def _fail(store, report, run_id, post: Post, exc: BaseException, dry_run: bool) -> None:
    error = f"{type(exc).__name__}: {exc}"
    report.failed.append({"post": post.id, "stage": "translate", "error": error})
    log.error("translate %s (%s): %s", post.id, post.origin, error)
    if not dry_run:
        store.record_failure(run_id, post.id, "translate", error, origin=post.origin)
