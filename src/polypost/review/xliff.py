"""XLIFF 1.2 review files: written with lxml, read back with Translate Toolkit's XLIFF storage.

One <file> per post (original = the post id); one <trans-unit> per segment, its id the polypost
unit id. Placeholders become inline codes: ⟦n⟧...⟦/n⟧ -> <g id="n">...</g>, ⟦n/⟧ -> <x id="n"/>.
A machine target that broke its placeholders (a QA flag) keeps the unpaired ones as text, so the
reviewer sees them and the file stays well formed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from polypost.records import Post, Translation
from polypost.segment.placeholders import PLACEHOLDER_RE
from polypost.publish.atomic import atomic_write
from polypost.review.errors import ExchangeError
from polypost.review.units import EditedUnit, ReviewUnit

NS = "urn:oasis:names:tc:xliff:document:1.2"
_Q = f"{{{NS}}}"
# Tools add <mrk> (segmentation, comments) around text: it carries no markup of the page.
_TRANSPARENT = {"mrk"}
_NEEDS_REVIEW_STATES = ("needs-review-translation", "needs-review-l10n", "needs-review-adaptation")
_APPROVED_STATES = ("final", "signed-off")  # a person confirmed the target (XLIFF 1.2 state values)
_TOKEN = re.compile(r"⟦(/?)(\d+)(/?)⟧")


def write_xliff(path: Path, posts: Sequence[tuple[Post, Translation, list[ReviewUnit]]],
                source_lang: str, target_lang: str) -> None:
    root = etree.Element(_Q + "xliff", nsmap={None: NS}, version="1.2")
    for post, translation, units in posts:
        file_el = etree.SubElement(root, _Q + "file", {
            "original": post.id, "source-language": source_lang, "target-language": target_lang,
            "datatype": "html", "product-name": "polypost"})
        header = etree.SubElement(file_el, _Q + "header")
        _note(header, "polypost", f"{post.title} | {post.url or post.origin} | status {translation.status}")
        body = etree.SubElement(file_el, _Q + "body")
        for unit in units:
            _trans_unit(body, post, unit)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    atomic_write(path, data)


def _trans_unit(body: etree._Element, post: Post, unit: ReviewUnit) -> None:
    attrs = {"id": unit.unit_id, "resname": f"{post.slug}/{unit.field}/{unit.index}"}
    if unit.origin == "human" and not unit.flags:
        attrs["approved"] = "yes"
    element = etree.SubElement(body, _Q + "trans-unit", attrs)
    _inline(etree.SubElement(element, _Q + "source"), unit.source)
    if unit.target is not None:
        target = etree.SubElement(element, _Q + "target")
        if unit.flags:
            target.set("state", "needs-review-translation")
        elif unit.origin == "human":
            target.set("state", "final")
        else:
            target.set("state", "translated")
        if unit.origin == "machine":
            target.set("state-qualifier", "mt-suggestion")
        _inline(target, unit.target)
    for flag in unit.flags:
        _note(element, "polypost-qa", f"{flag['check']}: {flag['evidence']}", priority="1")
    for term in unit.terms:
        met = "met" if term["met"] else "MISSED"
        _note(element, "polypost-glossary", f"glossary: {term['term']} -> {term['target']} ({met})", priority="3")


def _note(parent: etree._Element, origin: str, text: str, priority: str | None = None) -> None:
    note = etree.SubElement(parent, _Q + "note", {"from": origin})
    if priority:
        note.set("priority", priority)
    note.text = text


def _inline(element: etree._Element, text: str) -> None:
    """Fill `element` with `text`, placeholders as <g>/<x/> inline codes."""
    paired = _paired_wraps(text)
    stack = [element]
    last: etree._Element | None = None  # where the next text goes: .tail of `last`, else .text of stack top
    position = 0

    def add_text(chunk: str) -> None:
        if not chunk:
            return
        if last is not None:
            last.tail = (last.tail or "") + chunk
        else:
            stack[-1].text = (stack[-1].text or "") + chunk

    for match in PLACEHOLDER_RE.finditer(text):
        add_text(text[position:match.start()])
        position = match.end()
        closing, number, atomic = _TOKEN.fullmatch(match.group()).groups()
        if atomic:
            last = etree.SubElement(stack[-1], _Q + "x", id=number)
        elif match.start() not in paired:
            add_text(match.group())  # a placeholder the engine broke: shown as text
        elif not closing:
            stack.append(etree.SubElement(stack[-1], _Q + "g", id=number))
            last = None
        else:
            last = stack.pop()
    add_text(text[position:])


def _paired_wraps(text: str) -> set[int]:
    """Start offsets of the ⟦n⟧ and ⟦/n⟧ that pair up properly nested."""
    paired: set[int] = set()
    stack: list[tuple[str, int]] = []
    for match in PLACEHOLDER_RE.finditer(text):
        closing, number, atomic = _TOKEN.fullmatch(match.group()).groups()
        if atomic:
            continue
        if not closing:
            stack.append((number, match.start()))
        elif stack and stack[-1][0] == number:
            paired.update((stack.pop()[1], match.start()))
    return paired


def read_xliff(path: Path) -> list[EditedUnit]:
    # Translate Toolkit costs ~0.1 s to import; only `polypost import` needs it.
    from translate.storage import xliff as tt_xliff

    try:
        store = tt_xliff.xlifffile.parsestring(path.read_bytes())
    except Exception as exc:  # lxml's XMLSyntaxError, or the toolkit's own complaints
        raise ExchangeError(f"{path} is not a readable XLIFF 1.2 file: {exc}") from exc
    units = []
    for unit in store.getunits():
        element = unit.xmlelement
        source_el, target_el = element.find(_Q + "source"), element.find(_Q + "target")
        source, _ = _placeholder_text(source_el) if source_el is not None else ("", None)
        target, problem = _placeholder_text(target_el) if target_el is not None else ("", None)
        state = target_el.get("state", "") if target_el is not None else ""
        approved = element.get("approved") == "yes" or state in _APPROVED_STATES
        marked = state in _NEEDS_REVIEW_STATES and not approved
        units.append(EditedUnit(unit_id=element.get("id") or "", source=source, target=target,
                                marked_for_review=marked, approved=approved, problem=problem))
    return units


def _placeholder_text(element: etree._Element) -> tuple[str, str | None]:
    """The element's content with inline codes as placeholders, and the first problem met."""
    parts = [element.text or ""]
    problem = None
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        code = child.get("id", "")
        if name in ("g", "x") and not code.isdigit():
            problem = problem or f"inline code <{name} id={code!r}> is not one polypost wrote"
        if name == "g":
            inner, inner_problem = _placeholder_text(child)
            problem = problem or inner_problem
            parts.append(f"⟦{code}⟧{inner}⟦/{code}⟧")
        elif name == "x":
            parts.append(f"⟦{code}/⟧")
        elif name in _TRANSPARENT:
            inner, inner_problem = _placeholder_text(child)
            problem = problem or inner_problem
            parts.append(inner)
        elif name:
            problem = problem or f"inline code <{name}> is not one polypost wrote (only <g> and <x/>)"
        parts.append(child.tail or "")
    return "".join(parts), problem
