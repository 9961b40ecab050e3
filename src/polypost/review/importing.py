"""`polypost import`: reviewed targets become human translation-memory entries.

Each unit is checked against the post as it is now: its source hash must still be one of the
post's segments in that field (else it is stale: the English changed since the export, and
nothing is done for it), its placeholders must be the source's. A target left as exported is
an approval (a human entry with the machine text), unless the file still marks it for review.
The entries are keyed exactly as the translate stage keys the segment with the configured
engine and glossary, then every post that uses one of those segments is rebuilt and the site
republished.
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.segment.placeholders import PLACEHOLDER_RE, normalise_space
from polypost.translate.qa import check_segment
from polypost.review.stage import parse_unit_id
from polypost.translate.stage import is_kept, memory_key, post_documents
from polypost.segment.document import Segment
from polypost.store import Store
from polypost.translate.memory import Memory, MemoryEntry, MemoryKey
from polypost.review.files import EditedUnit, placeholder_problems, read_units

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    file: str
    format: str = ""
    engine: str = ""
    imported: list[str] = field(default_factory=list)  # unit ids with a new human text
    approved: list[str] = field(default_factory=list)  # unchanged targets: the machine text, approved
    pending: list[str] = field(default_factory=list)  # unchanged and still marked for review: left as is
    rejected: list[dict] = field(default_factory=list)  # {"unit", "reason"}
    stale: list[dict] = field(default_factory=list)  # {"unit", "reason"}: the English changed
    warnings: list[dict] = field(default_factory=list)  # {"unit", "check", "evidence"}: QA on the new text
    posts_rebuilt: list[str] = field(default_factory=list)
    posts_republished: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # rebuild or publish failures

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Accepted:
    unit: EditedUnit
    post_id: str
    segment: Segment


def import_review_file(store: Store, config: Config, path: Path, engine=None,
                       run_id: int | None = None) -> ImportReport:
    """Read a reviewed XLIFF or PO file into the memory, rebuild and republish what it touches.

    `engine` (opened from the config when None) must be the engine later runs use: the human
    entries are keyed with its name and version, so those runs take them without a second-look flag.
    """
    from polypost.pipeline import load_glossary, open_engine, publish_stage
    from polypost.translate.stage import translate_posts

    fmt, units = read_units(path)
    report = ImportReport(file=str(path), format=fmt)
    glossary = load_glossary(config)
    accepted = _check_units(store, config, units, report)
    own_engine = engine is None and bool(accepted)
    if own_engine:
        engine = open_engine(config)
    try:
        if not accepted:
            return report
        report.engine = f"{engine.name} {engine.version}"
        entries = _entries(store, config, glossary, engine, accepted, report)
        if not entries:
            return report
        Memory(store.db).put(entries)
        post_ids = _posts_using(store, config, {a.post_id for a in accepted}, entries)
        rebuilt = translate_posts(store, engine, glossary, source_lang=config.source_lang,
                                  target_lang=config.target_lang, post_ids=post_ids,
                                  strict=config.glossary_strict, run_id=run_id, force=True)
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


def _check_units(store: Store, config: Config, units: list[EditedUnit], report: ImportReport) -> list[_Accepted]:
    """The units that may go into the memory; the others land in the report with a reason."""
    by_post: dict[str, list[tuple[EditedUnit, str, int, str]]] = defaultdict(list)
    for unit in units:
        try:
            post_id, field_name, index, source_hash = parse_unit_id(unit.unit_id)
        except ValueError as exc:
            report.rejected.append({"unit": unit.unit_id, "reason": str(exc)})
            continue
        by_post[post_id].append((unit, field_name, index, source_hash))
    accepted = []
    for post_id, post_units in by_post.items():
        post = store.get_post(post_id)
        docs = post_documents(post) if post is not None else {}
        for unit, field_name, index, source_hash in post_units:
            if post is None:
                report.stale.append({"unit": unit.unit_id, "reason": f"post {post_id} is no longer in the store"})
                continue
            segment = _find_segment(docs.get(field_name), index, source_hash)
            if segment is None:
                report.stale.append({"unit": unit.unit_id, "reason": (
                    f"the English {field_name} of post {post_id} changed since the export: "
                    f"segment {index} ({_short(unit.source)!r}) is no longer in it; nothing imported for it")})
                continue
            reason = _rejection(unit, segment, config)
            if reason:
                report.rejected.append({"unit": unit.unit_id, "reason": reason})
                continue
            accepted.append(_Accepted(unit, post_id, segment))
    return accepted


def _find_segment(doc, index: int, source_hash: str) -> Segment | None:
    if doc is None:
        return None
    if index < len(doc.segments) and doc.segments[index].key == source_hash:
        return doc.segments[index]
    # The segment moved (a paragraph added above it): the same text is the same unit.
    return next((s for s in doc.segments if s.key == source_hash), None)


def _rejection(unit: EditedUnit, segment: Segment, config: Config) -> str | None:
    where = f"unit {unit.unit_id}"
    if unit.problem:
        return f"{where}: {unit.problem}"
    if not unit.target.strip():
        return f"{where}: the target is empty"
    problems = placeholder_problems(segment.text, unit.target)
    if problems:
        return f"{where}: placeholders do not match the source {_short(segment.text)!r}: {'; '.join(problems)}"
    if is_kept(segment, config.source_lang, config.target_lang):
        return f"{where}: this segment is already in {config.target_lang} and is published as written"
    return None


def _entries(store: Store, config: Config, glossary, engine, accepted: list[_Accepted],
             report: ImportReport) -> list[MemoryEntry]:
    keys = {id(a): memory_key(a.segment, glossary, engine.name, engine.version,
                              config.source_lang, config.target_lang) for a in accepted}
    current = Memory(store.db).lookup(list(set(keys.values())))
    entries: dict[MemoryKey, MemoryEntry] = {}
    for item in accepted:
        key, unit = keys[id(item)], item.unit
        now_shown = current.get(key)
        unchanged = now_shown is not None and _same(now_shown.target_text, unit.target)
        if unchanged and unit.marked_for_review and now_shown.origin != "human":
            # Exported for review and sent back untouched: nobody has looked at it yet.
            report.pending.append(unit.unit_id)
            continue
        if unchanged:
            report.approved.append(unit.unit_id)
            target = now_shown.target_text
        else:
            report.imported.append(unit.unit_id)
            target = unit.target
            for flag in check_segment(item.segment.text, target, config.source_lang, config.target_lang):
                report.warnings.append({"unit": unit.unit_id, **flag})
        # A person's text carries no QA flags: it is what they chose, checks and all (the
        # checks still show in the report's warnings).
        entries[key] = MemoryEntry(key=key, source_text=item.segment.text, target_text=target, origin="human")
    return list(entries.values())


def _same(machine: str, edited: str) -> bool:
    # Tools rewrap and trim: whitespace runs are not an edit.
    return normalise_space(machine).strip(" ") == normalise_space(edited).strip(" ")


def _posts_using(store: Store, config: Config, named: set[str], entries: list[MemoryEntry]) -> list[str]:
    """The posts in the file, and every other post with one of these segments (the memory is
    shared: a fixed sentence is fixed wherever it appears)."""
    found = set(named)
    hashes = {e.key.source_hash for e in entries}
    # Segmenting every post of a large archive costs seconds: only posts whose text holds a
    # piece of one of the sources (its longest run between placeholders) are segmented.
    pieces = {max(PLACEHOLDER_RE.split(e.source_text), key=len).strip(" ") for e in entries}
    pieces.discard("")
    for post in store.iter_posts("lang = ?", [config.source_lang]):
        if post.id in found or not pieces:
            continue
        text = normalise_space(html.unescape(f"{post.title} {post.html} {post.description or ''}"))
        if not any(piece in text for piece in pieces):
            continue
        if store.get_translation(post.id, config.target_lang) is None:
            continue
        if any(s.key in hashes for doc in post_documents(post).values() for s in doc.segments):
            found.add(post.id)
    return sorted(found)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
