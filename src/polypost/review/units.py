"""The review unit: one translated segment as a person sees it, its id, and the checks an
edited target must pass before it comes back."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from polypost.records import Translation
from polypost.segment.placeholders import PLACEHOLDER_RE

FIELDS = ("title", "body", "description", "tags")


@dataclass
class ReviewUnit:
    post_id: str
    field: str  # title, body or description
    index: int  # the segment's position in its field
    source_hash: str  # Segment.key: sha256 of the source text
    source: str  # placeholder text (⟦n⟧...⟦/n⟧, ⟦n/⟧) as the engine saw it
    target: str | None  # the text the Spanish page shows now; None when the memory lacks it
    origin: str  # "machine", "human" or "missing"
    flags: list[dict] = field(default_factory=list)  # {"check", "evidence"}
    terms: list[dict] = field(default_factory=list)  # {"term", "target", "met"}

    @property
    def unit_id(self) -> str:
        return make_unit_id(self.post_id, self.field, self.index, self.source_hash)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit_id, **asdict(self)}


def make_unit_id(post_id: str, field_name: str, index: int, source_hash: str) -> str:
    return f"{post_id}:{field_name}:{index}:{source_hash}"


def parse_unit_id(unit_id: str) -> tuple[str, str, int, str]:
    """(post id, field, segment index, source hash); ValueError for an id polypost did not write."""
    # Split from the right: field, index and hash never hold a colon, a post id might.
    parts = unit_id.rsplit(":", 3)
    if len(parts) != 4 or parts[1] not in FIELDS or not parts[2].isdigit() or len(parts[3]) != 64:
        raise ValueError(f"{unit_id!r} is not a polypost unit id (post:field:segment:source-hash)")
    return parts[0], parts[1], int(parts[2]), parts[3]


def engine_of(translation: Translation) -> tuple[str, str]:
    """(name, version) from Translation.engine, which the translate stage writes as "name version"."""
    name, _, version = (translation.engine or "").partition(" ")
    return name, version


@dataclass
class EditedUnit:
    """One unit as read back from a review file."""

    unit_id: str
    source: str
    target: str  # placeholder text
    marked_for_review: bool  # still XLIFF needs-review-* / PO fuzzy
    # The file says a person approved the target: XLIFF approved="yes" or state="final" /
    # "signed-off"; PO: exported fuzzy (flagged) and sent back not fuzzy.
    approved: bool = False
    problem: str | None = None  # why the target cannot be read (an unknown inline code, ...)


def placeholder_problems(source: str, target: str) -> list[str]:
    """What is wrong with the target's placeholders: each of the source's exactly once, wraps
    opened before they close and properly nested, nothing the source lacks."""
    wanted, found = Counter(PLACEHOLDER_RE.findall(source)), Counter(PLACEHOLDER_RE.findall(target))
    problems = []
    missing = sorted((wanted - found).elements(), key=_order)
    if missing:
        problems.append("missing " + " ".join(missing))
    extra = found - wanted
    unknown = sorted((p for p in extra if p not in wanted), key=_order)
    repeated = sorted((p for p in extra if p in wanted), key=_order)
    if unknown:
        problems.append("not in the source: " + " ".join(unknown))
    if repeated:
        problems.append("repeated: " + " ".join(repeated))
    if not problems:
        problems += _nesting_problems(target)
    return problems


def _order(placeholder: str) -> tuple[int, bool]:
    # ⟦1⟧ ⟦/1⟧ ⟦2/⟧: by number, an opening before its closing.
    return int("".join(ch for ch in placeholder if ch.isdigit())), placeholder.startswith("⟦/")


def _nesting_problems(text: str) -> list[str]:
    stack: list[str] = []
    for match in PLACEHOLDER_RE.finditer(text):
        token = match.group()
        if token.endswith("/⟧"):
            continue
        if token.startswith("⟦/"):
            number = token[2:-1]
            if number not in stack:
                return [f"{token} comes before ⟦{number}⟧"]
            if stack[-1] != number:
                return [f"{token} closes inside ⟦{stack[-1]}⟧ (tags overlap)"]
            stack.pop()
        else:
            stack.append(token[1:-1])
    return [f"⟦{n}⟧ is never closed" for n in stack]
