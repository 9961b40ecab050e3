"""One chunk of posts' work, in plain values: each post's segments and memory keys, the engine
on what the memory lacks, QA, the translated fields and their reports.

The translate stage runs these functions in its own process (`translate/local.py`); a cluster
(polypost.cluster) runs the very same functions on its workers. Nothing here takes the store:
the caller looks the memory up (`lookup`) and writes what comes back (`ChunkResult`), so both
paths give the same translations by construction.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from polypost.glossary import Glossary
from polypost.glossary.protect import forced_forms
from polypost.progress import report_rate
from polypost.records import FLAGGED, HELD, MACHINE, REVIEWED, MemoryEntry, MemoryKey, Post
from polypost.segment.document import Document
from polypost.translate.base import Engine, Translated, engine_flags
from polypost.translate.keys import is_kept, memory_key, post_documents, post_glossary, tags_of
from polypost.translate.paired import PAIRED_ENGINE
from polypost.translate.qa import Thresholds, check_segment, with_engine_flags

log = logging.getLogger(__name__)

# Posts are translated in chunks so that a 5,000-post archive never holds every segment
# of the archive in memory at once; each chunk is still one engine call.
POSTS_PER_ENGINE_CALL = 200
# The first chunk is segmented before the engine has anything to do and the last is assembled
# after it is done: nothing overlaps them, so they are small (25 posts, doubling from the first,
# halving towards the last) and only the chunks between are full.
FIRST_CHUNK = 25


def chunk_size(full: int, submitted: int, pending: int, remaining: int) -> int:
    """The posts the next chunk takes, `submitted` chunks in, with `pending` posts gathered and
    at most `remaining` still to look at."""
    opening = FIRST_CHUNK << min(submitted, 16)
    closing = max(FIRST_CHUNK, -(-(pending + remaining) // 2))
    return max(1, min(full, opening, closing))

Lookup = Callable[[list[MemoryKey]], dict[MemoryKey, MemoryEntry]]


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
    slugs: str = "translated"  # a new translation's slug from its title, or "source": the original's
    keep_names: bool = False  # names a post uses kept as written (glossary.names); set where the analyser is


@dataclass
class Job:
    """One post's work: its segmented fields and, per segment, where its text comes from."""

    post: Post
    fingerprint: str
    docs: dict[str, Document]
    keys: dict[tuple[str, int], MemoryKey | None] = field(default_factory=dict)  # None: kept as written
    protected: dict[tuple[str, int], Any] = field(default_factory=dict)


@dataclass
class Failure:
    """A post that could not be translated; the error as text, so it crosses a process boundary."""

    post_id: str
    origin: str
    error: str

    @classmethod
    def of(cls, post: Post, exc: BaseException) -> Failure:
        return cls(post.id, post.origin, f"{type(exc).__name__}: {exc}")


@dataclass
class PostResult:
    """One post translated: its fields, status and reports, before the store gives it a slug."""

    post_id: str
    origin: str
    fingerprint: str
    fields: dict[str, str]
    status: str
    flags: list[dict]
    glossary_report: list[dict]
    segments: dict[str, int]  # kept / from_memory / from_engine
    glossary: dict[str, int]  # expected / met


@dataclass
class ChunkResult:
    """What one chunk gives back to the process that holds the store."""

    entries: list[MemoryEntry] = field(default_factory=list)  # new memory entries, QA flags set
    posts: list[PostResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    engine_calls: int = 0
    dry_run_segments: dict[str, int] = field(default_factory=dict)  # a dry run's counts, no posts
    dry_run_posts: int = 0
    worker: str = ""  # the cluster worker that did it; "" in-process

    def segment_count(self) -> int:
        return sum(sum(p.segments.values()) for p in self.posts) + sum(self.dry_run_segments.values())


class ChunkRunner(Protocol):
    """Where chunks are worked out: here (`LocalChunks`) or on a cluster. `completed` yields
    results in the order the chunks were submitted, so that slugs are given out in the same
    order wherever the work was done."""

    name: str  # the engine's, for memory keys and fingerprints
    version: str

    def submit(self, items: list[tuple[Post, str]], options: TranslateOptions, lookup: Lookup) -> None: ...

    def completed(self, wait: bool) -> Iterator[ChunkResult]: ...


def prepare_jobs(items: Sequence[tuple[Post, str]], glossary: Glossary, engine_name: str, engine_version: str,
                 options: TranslateOptions) -> tuple[list[Job], list[Failure]]:
    """Segments, protected texts and memory keys of each (post, fingerprint)."""
    jobs: list[Job] = []
    failures: list[Failure] = []
    for post, fingerprint in items:
        try:
            jobs.append(_prepare(post, fingerprint, glossary, engine_name, engine_version, options))
        except Exception as exc:
            failures.append(Failure.of(post, exc))
    return jobs, failures


def _prepare(post: Post, fingerprint: str, glossary: Glossary, engine_name: str, engine_version: str,
             options: TranslateOptions) -> Job:
    job = Job(post=post, fingerprint=fingerprint, docs=post_documents(post))
    glossary = post_glossary(job.docs, glossary, options.keep_names)
    for name, doc in job.docs.items():
        for segment in doc.segments:
            slot = (name, segment.index)
            if is_kept(segment, options.source_lang, options.target_lang):
                job.keys[slot] = None
                continue
            job.protected[slot] = glossary.protect(segment.text, engine=engine_name)
            job.keys[slot] = memory_key(segment, glossary, engine_name, engine_version,
                                        options.source_lang, options.target_lang)
    return job


def chunk_keys(jobs: Sequence[Job]) -> set[MemoryKey]:
    return {key for job in jobs for key in job.keys.values() if key is not None}


def translate_chunk(jobs: Sequence[Job], known: dict[MemoryKey, MemoryEntry], engine: Engine | None,
                    glossary: Glossary, options: TranslateOptions) -> ChunkResult:
    """The engine on every text `known` (the memory's answer) lacks, each once, then each post
    assembled. `options.thresholds` must be set."""
    missing = missing_texts(jobs, known)
    if options.dry_run:
        result = ChunkResult()
        result.dry_run_segments = {"from_engine": len(missing), "from_memory": len(chunk_keys(jobs)) - len(missing)}
        result.dry_run_posts = len(jobs)
        return result
    assert engine is not None
    fresh = call_engine(engine, glossary, missing) if missing else {}
    return assemble_chunk(jobs, known, missing, fresh, engine, glossary, options)


def missing_texts(jobs: Sequence[Job], known: dict[MemoryKey, MemoryEntry] | set[MemoryKey]
                  ) -> dict[MemoryKey, tuple[str, Any]]:
    """Texts `known` lacks, each once, with the protected form the engine must see."""
    missing: dict[MemoryKey, tuple[str, Any]] = {}
    for job in jobs:
        for slot, key in job.keys.items():
            if key is not None and key not in known and key not in missing:
                missing[key] = (job.docs[slot[0]].segments[slot[1]].text, job.protected[slot])
    return missing


def assemble_chunk(jobs: Sequence[Job], known: dict[MemoryKey, MemoryEntry], missing: dict[MemoryKey, tuple[str, Any]],
                   fresh: dict[MemoryKey, Any], engine: Engine, glossary: Glossary, options: TranslateOptions,
                   failed_before: dict[MemoryKey, Exception] | None = None) -> ChunkResult:
    """What the engine gave for `missing` (`fresh`, from `call_engine`) post-edited and checked
    into memory entries, then every post put back together. `failed_before`: texts of these posts
    that the engine failed on in an earlier chunk, which fail their posts here too."""
    assert options.thresholds is not None
    result = ChunkResult()
    editor = getattr(engine, "post_editor", None)  # postedit.PostEditing carries the variant's rules
    if editor is not None:
        _post_edit(editor, missing, fresh)
    result.engine_calls = int(bool(missing))
    failed = {key: value for key, value in fresh.items() if isinstance(value, Exception)}
    failed.update(failed_before or {})
    result.entries = [
        MemoryEntry(
            key=key,
            source_text=missing[key][0],
            target_text=value,
            qa_flags=with_engine_flags(
                check_segment(missing[key][0], value, key.source_lang, key.target_lang, options.thresholds,
                              terms=[m.target_form for m in missing[key][1].matches]), engine_flags(value)),
        )
        for key, value in fresh.items()
        if not isinstance(value, Exception)
    ]
    translations = {**known, **{entry.key: entry for entry in result.entries}}
    for job in jobs:
        broken = [key for key in job.keys.values() if key in failed]
        if broken:
            result.failures.append(Failure.of(job.post, failed[broken[0]]))
            continue
        try:
            result.posts.append(finish_job(job, translations, known, glossary, options))
        except Exception as exc:
            result.failures.append(Failure.of(job.post, exc))
    return result


def call_engine(engine: Engine, glossary: Glossary, missing: dict[MemoryKey, tuple[str, Any]]) -> dict[MemoryKey, Any]:
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
    for key, edit in zip(keys, edited):
        fresh[key] = Translated(edit.text, engine_flags(fresh[key]))


def _without_rules(key: MemoryKey) -> MemoryKey:
    """The key without the post-editing rules' part of the engine version ("+pe-es-419-...")."""
    return replace(key, engine_version=key.engine_version.split("+pe-", 1)[0])


def finish_job(job: Job, translations: dict[MemoryKey, MemoryEntry], known: dict[MemoryKey, MemoryEntry],
               glossary: Glossary, options: TranslateOptions) -> PostResult:
    """One post's fields put back together from its segments' translations, with its status."""
    fields: dict[str, str] = {}
    flags: list[dict] = []
    glossary_report: list[dict] = []
    segments = {"from_memory": 0, "from_engine": 0, "kept": 0}
    machine_segments = 0
    for name, doc in job.docs.items():
        targets = []
        for segment in doc.segments:
            key = job.keys[(name, segment.index)]
            if key is None:
                targets.append(segment.text)
                segments["kept"] += 1
                continue
            entry = translations[key]
            targets.append(entry.target_text)
            segments["from_memory" if key in known else "from_engine"] += 1
            flags.extend({**flag, "field": name, "segment": segment.index} for flag in entry.qa_flags or [])
            if entry.origin != "human":
                machine_segments += 1
            elif entry.key.engine != PAIRED_ENGINE and _without_rules(entry.key) != _without_rules(key):
                # (post-editing never touches a person's text; a translation the blogger wrote of
                # this very text, learned from a pair of posts, was made against no engine)
                # A person's fix always wins, but it was made against another engine, model or
                # glossary: ask for a second look rather than overwrite it.
                flags.append({"check": "second-look", "field": name, "segment": segment.index,
                              "evidence": f"human translation from {entry.key.engine} {entry.key.engine_version}"})
            for row in glossary.report_matches(job.protected[(name, segment.index)].matches, entry.target_text):
                glossary_report.append({**row, "field": name, "segment": segment.index})
        assembled = doc.reassemble(targets)
        # The tags field travels as a JSON list (a field is a string wherever the chunk ran).
        fields[name] = json.dumps(tags_of(assembled.html, job.post.tags)) if name == "tags" else assembled.html
        flags.extend({**flag, "field": name} for flag in assembled.flags)
    missed = [row for row in glossary_report if not row["met"]]
    counts = {"expected": sum(row["expected"] for row in glossary_report),
              "met": sum(min(row["found"], row["expected"]) for row in glossary_report)}
    translated_by_someone = any(key is not None for key in job.keys.values())
    status = FLAGGED if flags else (REVIEWED if translated_by_someone and machine_segments == 0 else MACHINE)
    if missed:
        flags.append({"check": "glossary", "evidence": ", ".join(sorted({r["term"] for r in missed}))})
        status = FLAGGED
    if (options.strict and missed) or any(flag["check"] in options.hold_back for flag in flags):
        status = HELD
    return PostResult(post_id=job.post.id, origin=job.post.origin, fingerprint=job.fingerprint, fields=fields,
                      status=status, flags=flags, glossary_report=glossary_report, segments=segments, glossary=counts)
