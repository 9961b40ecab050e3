"""Review files: translated segments out to translation tools (XLIFF 1.2, PO) and back.

Why XLIFF 1.2 and not 2.x: the tools reviewers use (Translate Toolkit and so Weblate and Pootle,
OmegaT, Okapi, Poedit, memoQ, Trados) read 1.2; Translate Toolkit, the library polypost reads
these files with, has no 2.x storage at all. Inline markup travels as 1.2's inline codes:
⟦n⟧...⟦/n⟧ becomes <g id="n">...</g> and ⟦n/⟧ becomes <x id="n"/>, which those tools protect.
PO carries the placeholders as written (⟦1⟧...⟦/1⟧); Poedit and Weblate show them as text.

A unit's id is `post:field:segment:source-hash` (polypost.review.units.make_unit_id). A unit a person
should look at (QA flags) is marked for review: XLIFF state="needs-review-translation", PO
"fuzzy". On import, a target left unchanged AND still so marked is not taken as approval.
"""

from __future__ import annotations

from pathlib import Path

from polypost.review import po, xliff
from polypost.review.errors import ExchangeError
from polypost.review.units import EditedUnit

FORMATS = ("xliff", "po")
_EXTENSIONS = {".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".po": "po", ".pot": "po"}


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
    if not path.is_file():
        raise ExchangeError(f"no such file: {path}")
    fmt = detect_format(path)
    reader = xliff.read_xliff if fmt == "xliff" else po.read_po
    return fmt, reader(path)


def write_review_file(fmt: str, out: Path, posts: list, source_lang: str, target_lang: str) -> None:
    """Write (post, translation, units) triples to `out` as XLIFF 1.2 or PO."""
    if fmt not in FORMATS:
        raise ExchangeError(f"unknown review file format {fmt!r}: use one of {', '.join(FORMATS)}")
    writer = xliff.write_xliff if fmt == "xliff" else po.write_po
    out.parent.mkdir(parents=True, exist_ok=True)
    writer(out, posts, source_lang, target_lang)
