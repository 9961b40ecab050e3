"""The review stage: what a person reviews (the segments of translated posts, the text each one
shows now, their QA flags and glossary terms), the review files out, and the reviewed files
back into the memory. The only module of review that takes the store and the config.

A unit's id names the post, the field, the segment index and the hash of the source text
(`Segment.key`), so an import finds the segment again, and sees when the English text changed
since the export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.errors import NoSuchPost
from polypost.glossary import Glossary
from polypost.glossary.names import keeps_names
from polypost.records import NEEDS_REVIEW_STATUSES, MemoryEntry, MemoryKey, Post, Translation
from polypost.review.errors import ExchangeError
from polypost.review.files import FORMATS, read_units, write_review_file
from polypost.review.importing import (
    Accepted,
    ImportReport,
    find_segment,
    human_entries,
    longest_pieces,
    mentions_any,
    rejection,
    short,
    units_by_post,
)
from polypost.review.units import FIELDS, EditedUnit, ReviewUnit, engine_of
from polypost.segment.document import Segment
from polypost.store import Store
from polypost.translate.base import Engine
from polypost.translate.keys import is_kept, memory_key, post_documents, post_glossary


def post_units(store: Store, post: Post, translation: Translation, glossary: Glossary,
               source_lang: str, target_lang: str, keep_names: bool = False) -> list[ReviewUnit]:
    """Every translated segment of a post, with the text its Spanish page shows now. Keyed as the
    translate stage keyed them: with the names the post uses when `keep_names`."""
    engine_name, engine_version = engine_of(translation)
    flags: dict[tuple[str, int], list[dict]] = {}
    for flag in translation.qa_report or []:
        if flag.get("field") in FIELDS and isinstance(flag.get("segment"), int):
            flags.setdefault((flag["field"], flag["segment"]), []).append(
                {"check": flag.get("check", ""), "evidence": flag.get("evidence", "")})
    terms: dict[tuple[str, int], list[dict]] = {}
    for row in translation.glossary_report or []:
        terms.setdefault((row.get("field"), row.get("segment")), []).append(
            {"term": row.get("term"), "target": row.get("target"), "met": bool(row.get("met"))})
    slots: list[tuple[str, Segment, MemoryKey]] = []
    docs = post_documents(post)
    glossary = post_glossary(docs, glossary, keep_names)
    for name, doc in docs.items():
        for segment in doc.segments:
            if not is_kept(segment, source_lang, target_lang):
                key = memory_key(segment, glossary, engine_name, engine_version, source_lang, target_lang)
                slots.append((name, segment, key))
    known = store.memory().lookup([key for _, _, key in slots])
    units = []
    for name, segment, key in slots:
        entry = known.get(key)
        target, origin = (entry.target_text, entry.origin) if entry else store.newest_memory_text(key)
        units.append(ReviewUnit(
            post_id=post.id, field=name, index=segment.index, source_hash=segment.key, source=segment.text,
            target=target, origin=origin,
            flags=flags.get((name, segment.index), []), terms=terms.get((name, segment.index), []),
        ))
    return units


def needs_review(translation: Translation) -> bool:
    return translation.status in NEEDS_REVIEW_STATUSES or bool(translation.qa_report)


def translated_posts(store: Store, config: Config, post_id: str | None = None,
                     flagged: bool = False) -> list[tuple[Post, Translation]]:
    """The translated posts to review or export: one (by id or slug), the flagged ones, or all."""
    if post_id is not None:
        post = store.get_post(post_id)
        if post is None:
            raise NoSuchPost(f"no post with id or slug {post_id!r}")
        translation = store.get_translation(post.id, config.target_lang)
        if translation is None:
            raise NoSuchPost(f"post {post_id!r} has no {config.target_lang} translation yet (run `polypost translate`)")
        return [(post, translation)]
    pairs = []
    for post in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(post.id, config.target_lang)
        if translation is not None and (not flagged or needs_review(translation)):
            pairs.append((post, translation))
    return pairs


def review_list(store: Store, config: Config, glossary: Glossary) -> dict[str, Any]:
    """The flagged posts, each flag with its field, segment, check, evidence, source and target."""
    posts = []
    for post, translation in translated_posts(store, config, flagged=True):
        units = {(u.field, u.index): u for u in post_units(
            store, post, translation, glossary, config.source_lang, config.target_lang, keeps_names(config.keep_names))}
        rows = []
        for flag in translation.qa_report or []:
            unit = units.get((flag.get("field"), flag.get("segment")))
            rows.append({
                "post": post.id,
                "field": flag.get("field"),
                "segment": flag.get("segment"),
                "check": flag.get("check", ""),
                "evidence": flag.get("evidence", ""),
                "source": unit.source if unit else None,
                "target": unit.target if unit else None,
                "unit": unit.unit_id if unit else None,
            })
        posts.append({"post": post.id, "slug": post.slug, "title": post.title, "status": translation.status,
                      "flags": rows})
    return {"posts": posts, "flagged_posts": len(posts), "flags": sum(len(p["flags"]) for p in posts)}


def export_review_file(store: Store, config: Config, glossary: Glossary, fmt: str, out: Path,
                       post_id: str | None = None, flagged: bool = False) -> dict[str, Any]:
    """Write the translated segments of one post, the flagged posts, or all, to `out`."""
    if fmt not in FORMATS:
        raise ExchangeError(f"unknown review file format {fmt!r}: use one of {', '.join(FORMATS)}")
    posts = []
    for post, translation in translated_posts(store, config, post_id=post_id, flagged=flagged):
        units = post_units(store, post, translation, glossary, config.source_lang, config.target_lang,
                           keeps_names(config.keep_names))
        posts.append((post, translation, units))
    units = [u for _, _, post_units_ in posts for u in post_units_]
    if units:  # an XLIFF file needs at least one <file>: with nothing to review, write nothing
        write_review_file(fmt, out, posts, config.source_lang, config.target_lang)
    return {
        "file": str(out) if units else None,
        "format": fmt,
        "posts": len(posts),
        "units": len(units),
        "marked_for_review": sum(1 for u in units if u.flags),
        "missing_target": sum(1 for u in units if u.target is None),
    }


def check_review_file(store: Store, config: Config, path: Path) -> tuple[ImportReport, list[Accepted]]:
    """Read a reviewed XLIFF or PO file and check each unit against the post as it is now: the
    report says what is stale or rejected; the accepted units may go into the memory."""
    fmt, units = read_units(path)
    report = ImportReport(file=str(path), format=fmt)
    return report, _check_units(store, config, units, report)


def remember_review(store: Store, config: Config, glossary: Glossary, engine: Engine, accepted: list[Accepted],
                    report: ImportReport) -> None:
    """The accepted units into the memory as human entries; `report.posts_rebuilt` then names the
    posts whose translations must be rebuilt from them (the pipeline rebuilds and republishes).

    `engine` must be the engine later runs use: the entries are keyed with its name and version,
    so those runs take them without a second-look flag."""
    report.engine = f"{engine.name} {engine.version}"
    glossaries = _post_glossaries(store, glossary, {a.post_id for a in accepted}, keeps_names(config.keep_names))
    keys = {id(a): memory_key(a.segment, glossaries[a.post_id], engine.name, engine.version, config.source_lang,
                              config.target_lang) for a in accepted}
    current = store.memory().lookup(list(set(keys.values())))
    entries = human_entries(accepted, keys, current, config.source_lang, config.target_lang, report)
    if entries:
        store.memory().put(entries)
        report.posts_rebuilt = _posts_using(store, config, {a.post_id for a in accepted}, entries)


def _post_glossaries(store: Store, glossary: Glossary, post_ids: set[str], keep_names: bool) -> dict[str, Glossary]:
    """Each post's glossary, names included, as the translate stage keys its segments."""
    found = {}
    for post_id in post_ids:
        post = store.get_post(post_id)
        found[post_id] = post_glossary(post_documents(post), glossary, keep_names) if post is not None else glossary
    return found


def _check_units(store: Store, config: Config, units: list[EditedUnit], report: ImportReport) -> list[Accepted]:
    """The units that may go into the memory; the others land in the report with a reason."""
    by_post = units_by_post(units, report)
    accepted = []
    for post_id, post_units in by_post.items():
        post = store.get_post(post_id)
        docs = post_documents(post) if post is not None else {}
        for unit, field_name, index, source_hash in post_units:
            if post is None:
                report.stale.append({"unit": unit.unit_id, "reason": f"post {post_id} is no longer in the store"})
                continue
            segment = find_segment(docs.get(field_name), index, source_hash)
            if segment is None:
                report.stale.append({"unit": unit.unit_id, "reason": (
                    f"the English {field_name} of post {post_id} changed since the export: "
                    f"segment {index} ({short(unit.source)!r}) is no longer in it; nothing imported for it")})
                continue
            reason = rejection(unit, segment, config.source_lang, config.target_lang)
            if reason:
                report.rejected.append({"unit": unit.unit_id, "reason": reason})
                continue
            accepted.append(Accepted(unit, post_id, segment))
    return accepted


def _posts_using(store: Store, config: Config, named: set[str], entries: list[MemoryEntry]) -> list[str]:
    """The posts in the file, and every other post with one of these segments (the memory is
    shared: a fixed sentence is fixed wherever it appears)."""
    found = set(named)
    hashes = {e.key.source_hash for e in entries}
    # Segmenting every post of a large archive costs seconds: only posts whose text holds a
    # piece of one of the sources (its longest run between placeholders) are segmented.
    pieces = longest_pieces(entries)
    for post in store.iter_posts("lang = ?", [config.source_lang]):
        if post.id in found or not pieces:
            continue
        if not mentions_any(post, pieces):
            continue
        if store.get_translation(post.id, config.target_lang) is None:
            continue
        if any(s.key in hashes for doc in post_documents(post).values() for s in doc.segments):
            found.add(post.id)
    return sorted(found)
