"""Review files: translated segments out to translation tools (XLIFF 1.2, PO) and back.

Why XLIFF 1.2 and not 2.x: the tools reviewers use (Translate Toolkit and so Weblate and Pootle,
OmegaT, Okapi, Poedit, memoQ, Trados) read 1.2; Translate Toolkit, the library polypost reads
these files with, has no 2.x storage at all. Inline markup travels as 1.2's inline codes:
⟦n⟧...⟦/n⟧ becomes <g id="n">...</g> and ⟦n/⟧ becomes <x id="n"/>, which those tools protect.
PO carries the placeholders as written (⟦1⟧...⟦/1⟧); Poedit and Weblate show them as text.

A unit's id is `post:field:segment:source-hash` (polypost.review.make_unit_id). A unit a person
should look at (QA flags) is marked for review: XLIFF state="needs-review-translation", PO
"fuzzy". On import, a target left unchanged AND still so marked is not taken as approval.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.segment.placeholders import PLACEHOLDER_RE
from polypost.store import Store

FORMATS = ("xliff", "po")
_EXTENSIONS = {".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".po": "po", ".pot": "po"}


class ExchangeError(ValueError):
    """A file that is not a review file polypost can read (names the file)."""


@dataclass
class EditedUnit:
    """One unit as read back from a review file."""

    unit_id: str
    source: str
    target: str  # placeholder text
    marked_for_review: bool  # still XLIFF needs-review-* / PO fuzzy
    problem: str | None = None  # why the target cannot be read (an unknown inline code, ...)


def detect_format(path: Path) -> str:
    """"xliff" or "po", by extension, else by content."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError as exc:
        raise ExchangeError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if "<xliff" in head:
        return "xliff"
    if "msgid" in head:
        return "po"
    raise ExchangeError(f"{path} is neither XLIFF nor PO (no <xliff> element, no msgid)")


def read_units(path: Path) -> tuple[str, list[EditedUnit]]:
    """(format, units) of a review file."""
    from polypost.review import po, xliff

    if not path.is_file():
        raise ExchangeError(f"no such file: {path}")
    fmt = detect_format(path)
    reader = xliff.read_xliff if fmt == "xliff" else po.read_po
    return fmt, reader(path)


def export_review_file(store: Store, config: Config, fmt: str, out: Path, post_id: str | None = None,
                       flagged: bool = False) -> dict[str, Any]:
    """Write the translated segments of one post, the flagged posts, or all, to `out`."""
    from polypost.pipeline import load_glossary
    from polypost.review.stage import post_units, translated_posts
    from polypost.review import po, xliff

    if fmt not in FORMATS:
        raise ExchangeError(f"unknown review file format {fmt!r}: use one of {', '.join(FORMATS)}")
    glossary = load_glossary(config)
    posts = []
    for post, translation in translated_posts(store, config, post_id=post_id, flagged=flagged):
        units = post_units(store, post, translation, glossary, config.source_lang, config.target_lang)
        posts.append((post, translation, units))
    units = [u for _, _, post_units_ in posts for u in post_units_]
    if units:  # an XLIFF file needs at least one <file>: with nothing to review, write nothing
        writer = xliff.write_xliff if fmt == "xliff" else po.write_po
        out.parent.mkdir(parents=True, exist_ok=True)
        writer(out, posts, config.source_lang, config.target_lang)
    return {
        "file": str(out) if units else None,
        "format": fmt,
        "posts": len(posts),
        "units": len(units),
        "marked_for_review": sum(1 for u in units if u.flags),
        "missing_target": sum(1 for u in units if u.target is None),
    }


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
