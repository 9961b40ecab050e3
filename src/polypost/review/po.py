"""PO review files (Poedit, Weblate), written and read with Translate Toolkit's PO storage.

msgctxt is the polypost unit id, msgid the English segment, msgstr the Spanish text the page
shows now; placeholders stay as written (⟦1⟧...⟦/1⟧, ⟦2/⟧). QA flags and glossary terms are
extracted comments (#.); a flagged unit is "fuzzy" ("needs work" in Poedit).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from polypost.records import Post, Translation
from polypost.publish.atomic import atomic_write
from polypost.review.errors import ExchangeError
from polypost.review.units import EditedUnit, ReviewUnit


def write_po(path: Path, posts: Sequence[tuple[Post, Translation, list[ReviewUnit]]],
             source_lang: str, target_lang: str) -> None:
    # Translate Toolkit costs ~0.1 s to import; only export and import need it, not every command.
    from translate.storage import pypo

    store = pypo.pofile()
    store.updateheader(add=True, Project_Id_Version="polypost review", Language=target_lang,
                       X_Source_Language=source_lang)
    for post, translation, units in posts:
        for unit in units:
            entry = store.addsourceunit(unit.source)
            entry.setcontext(unit.unit_id)
            entry.target = unit.target or ""
            entry.addlocation(f"{post.slug}/{unit.field}/{unit.index}")
            notes = [f"post: {post.title} ({translation.status})"]
            notes += [f"qa {flag['check']}: {flag['evidence']}" for flag in unit.flags]
            notes += [f"glossary: {t['term']} -> {t['target']} ({'met' if t['met'] else 'MISSED'})" for t in unit.terms]
            if unit.origin == "human":
                notes.append("human translation")
            entry.addnote("\n".join(notes), origin="developer")
            entry.markfuzzy(bool(unit.flags))
    atomic_write(path, bytes(store))


def read_po(path: Path) -> list[EditedUnit]:
    from translate.storage import pypo  # lazily, as in write_po

    try:
        store = pypo.pofile.parsestring(path.read_bytes())
    except Exception as exc:  # the toolkit raises ValueError and friends for malformed files
        raise ExchangeError(f"{path} is not a readable PO file: {exc}") from exc
    units = []
    for entry in store.units:
        if entry.isheader() or entry.isobsolete():
            continue
        # PO has no "approved": a unit exported fuzzy (it carries polypost's QA notes) whose
        # reviewer cleared the flag is the one explicit approval the format can say.
        exported_fuzzy = any(line.startswith("qa ") for line in (entry.getnotes("developer") or "").splitlines())
        units.append(EditedUnit(unit_id=entry.getcontext() or "", source=entry.source or "",
                                target=entry.target or "", marked_for_review=entry.isfuzzy(),
                                approved=exported_fuzzy and not entry.isfuzzy()))
    return units
