"""`polypost import`, the checks and entries: reviewed targets become human translation-memory
entries. (The stage, review/stage.py, reads the file, looks the posts up and writes the memory.)

Each unit is checked against the post as it is now: its source hash must still be one of the
post's segments in that field (else it is stale: the English changed since the export, and
nothing is done for it), its placeholders must be the source's. A changed target becomes a human
entry; a target left as exported becomes one only when the file marks it approved (XLIFF
approved="yes" or state="final"/"signed-off"; PO: exported fuzzy, sent back not fuzzy). A target
that merely came back unchanged is untouched: nobody said it is right.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from polypost.records import Post
from polypost.records import MemoryEntry, MemoryKey
from polypost.review.units import EditedUnit, parse_unit_id, placeholder_problems
from polypost.segment.document import Segment
from polypost.segment.placeholders import PLACEHOLDER_RE, normalise_space
from polypost.translate.keys import is_kept
from polypost.translate.qa import check_segment


@dataclass
class ImportReport:
    file: str
    format: str = ""
    engine: str = ""
    imported: list[str] = field(default_factory=list)  # unit ids with a new human text
    approved: list[str] = field(default_factory=list)  # unchanged targets the file marks approved
    pending: list[str] = field(default_factory=list)  # unchanged and still marked for review: left as is
    untouched: list[str] = field(default_factory=list)  # unchanged, neither approved nor marked: left as is
    rejected: list[dict] = field(default_factory=list)  # {"unit", "reason"}
    stale: list[dict] = field(default_factory=list)  # {"unit", "reason"}: the English changed
    warnings: list[dict] = field(default_factory=list)  # {"unit", "check", "evidence"}: QA on the new text
    posts_rebuilt: list[str] = field(default_factory=list)
    posts_republished: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # rebuild or publish failures

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = {"changed": len(self.imported), "approved": len(self.approved),
                          "untouched": len(self.untouched) + len(self.pending)}
        return data


@dataclass
class Accepted:
    unit: EditedUnit
    post_id: str
    segment: Segment


def units_by_post(units: list[EditedUnit], report: ImportReport) -> dict[str, list[tuple[EditedUnit, str, int, str]]]:
    """The units grouped by post, with their parsed ids; an id polypost did not write is rejected."""
    by_post: dict[str, list[tuple[EditedUnit, str, int, str]]] = defaultdict(list)
    for unit in units:
        try:
            post_id, field_name, index, source_hash = parse_unit_id(unit.unit_id)
        except ValueError as exc:
            report.rejected.append({"unit": unit.unit_id, "reason": str(exc)})
            continue
        by_post[post_id].append((unit, field_name, index, source_hash))
    return by_post


def find_segment(doc, index: int, source_hash: str) -> Segment | None:
    if doc is None:
        return None
    if index < len(doc.segments) and doc.segments[index].key == source_hash:
        return doc.segments[index]
    # The segment moved (a paragraph added above it): the same text is the same unit.
    return next((s for s in doc.segments if s.key == source_hash), None)


def rejection(unit: EditedUnit, segment: Segment, source_lang: str, target_lang: str) -> str | None:
    where = f"unit {unit.unit_id}"
    if unit.problem:
        return f"{where}: {unit.problem}"
    if not unit.target.strip():
        return f"{where}: the target is empty"
    problems = placeholder_problems(segment.text, unit.target)
    if problems:
        return f"{where}: placeholders do not match the source {short(segment.text)!r}: {'; '.join(problems)}"
    if is_kept(segment, source_lang, target_lang):
        return f"{where}: this segment is already in {target_lang} and is published as written"
    return None


def human_entries(accepted: list[Accepted], keys: dict[int, MemoryKey], current: dict[MemoryKey, MemoryEntry],
                  source_lang: str, target_lang: str, report: ImportReport) -> list[MemoryEntry]:
    """The memory entries a reviewed file makes: a person's text, or an approval of the machine's.
    `keys`: id(accepted item) -> its memory key; `current`: what the memory holds for those keys."""
    entries: dict[MemoryKey, MemoryEntry] = {}
    for item in accepted:
        key, unit = keys[id(item)], item.unit
        now_shown = current.get(key)
        unchanged = now_shown is not None and same(now_shown.target_text, unit.target)
        if unchanged and unit.marked_for_review and now_shown.origin != "human":
            # Exported for review and sent back untouched: nobody has looked at it yet.
            report.pending.append(unit.unit_id)
            continue
        if unchanged and not unit.approved:
            report.untouched.append(unit.unit_id)  # coming back is not an approval
            continue
        if unchanged:
            report.approved.append(unit.unit_id)
            target = now_shown.target_text
        else:
            report.imported.append(unit.unit_id)
            target = unit.target
            for flag in check_segment(item.segment.text, target, source_lang, target_lang):
                report.warnings.append({"unit": unit.unit_id, **flag})
        # A person's text carries no QA flags: it is what they chose, checks and all (the
        # checks still show in the report's warnings).
        entries[key] = MemoryEntry(key=key, source_text=item.segment.text, target_text=target, origin="human")
    return list(entries.values())


def same(machine: str, edited: str) -> bool:
    # Tools rewrap and trim: whitespace runs are not an edit.
    return normalise_space(machine).strip(" ") == normalise_space(edited).strip(" ")


def longest_pieces(entries: list[MemoryEntry]) -> set[str]:
    """Each entry's longest run of text between placeholders: a cheap test for which posts may
    hold one of these segments (segmenting every post of a large archive costs seconds)."""
    pieces = {max(PLACEHOLDER_RE.split(e.source_text), key=len).strip(" ") for e in entries}
    pieces.discard("")
    return pieces


def mentions_any(post: Post, pieces: set[str]) -> bool:
    text = normalise_space(html.unescape(f"{post.title} {post.html} {post.description or ''}"))
    return any(piece in text for piece in pieces)


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
