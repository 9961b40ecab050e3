"""HTML <-> translatable segments, with inline markup as placeholders.

`segment_html` cuts an HTML body fragment into segments: each run of inline content of a block
(text and inline elements, up to the next block element) is one segment, and so is each
translatable attribute value. Inline elements become `⟦n⟧...⟦/n⟧`, atomic things (images, inline
code, URLs, @handles) become `⟦n/⟧`. `Document.reassemble` puts a translation of every segment back:
the original tags, with all their attributes, go back around the translated words; a placeholder
the engine broke is repaired or replaced by a safe form and flagged, never silently lost.

Parser: Python's html.parser (through BeautifulSoup) round-trips best for fragments: it adds no
<html>/<body> wrapper, keeps the nesting as written (lxml moves or drops elements per libxml2's
rules), and keeps <pre> text byte for byte, CR LF included (lxml turns CR LF into LF).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from collections.abc import Sequence

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.dammit import EntitySubstitution
from bs4.element import PreformattedString
from bs4.formatter import HTMLFormatter

from polypost.segment.placeholders import (
    PLACEHOLDER_RE,
    Atom,
    Close,
    Open,
    Run,
    Text,
    Token,
    encode,
    has_letters,
    normalise_space,
    protect,
)
from polypost.segment.decode import decode
from polypost.segment.inert import set_aside

__all__ = ["PLACEHOLDER_RE", "Document", "Reassembled", "Segment", "segment_html", "segment_text"]

# Elements that start a segment of their own: a run of inline content never crosses them.
# (After Translate Toolkit's translate/storage/html.py, plus the HTML5 sectioning elements.)
BLOCK_ELEMENTS = frozenset(
    """address article aside blockquote body button caption center col colgroup dd details dialog
    dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header
    hgroup hr html label legend li main menu nav noscript ol optgroup option p pre search section
    select summary table tbody td tfoot th thead title tr ul""".split()
)

# Inline elements that wrap translatable words (⟦n⟧...⟦/n⟧). Unknown elements are treated the
# same way, as browsers display them inline; an inline element holding a block is a container.
INLINE_ELEMENTS = frozenset(
    """a abbr acronym b bdi bdo big blink cite data del dfn em font i ins mark nobr q rb rp rt rtc
    ruby s small span strike strong sub sup time tt u""".split()
)

# Inline elements with no translatable text of their own: restored verbatim (⟦n/⟧).
ATOMIC_ELEMENTS = frozenset(
    """applet area audio br canvas embed iframe img input map meter object picture progress source
    track video wbr""".split()
)

# Never translated, nor their subtrees (inline ones become ⟦n/⟧, block ones are left alone).
NEVER_TRANSLATED = frozenset("code kbd math pre samp script style svg template textarea var head".split())

# Attribute values that are user-visible text.
TRANSLATABLE_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


@dataclass
class Segment:
    index: int  # position in the document's segment list
    text: str  # what the engine sees: whitespace normalised, inline markup as placeholders
    kind: str  # "block", "attr" or "text"
    key: str  # sha256 hex of text: the translation memory key


@dataclass
class Reassembled:
    html: str  # the translated document (plain text for segment_text documents)
    flags: list[dict] = field(default_factory=list)  # {"segment", "check", "evidence"} per problem


@dataclass
class _BlockSlot:
    nodes: list[PageElement]  # the run's nodes, consecutive children of one parent
    run: Run


@dataclass
class _AttrSlot:
    tag: Tag
    name: str
    run: Run


class Document:
    """A segmented source; `reassemble` may be called any number of times."""

    def __init__(self, source: str, is_html: bool) -> None:
        self._source = source
        self._is_html = is_html
        self._aside = set_aside(source) if is_html else None
        # The first reassembly reuses this parse: on a big page the parse and walk cost as much
        # as everything else of translating it, and most documents are reassembled once.
        self._unused: tuple[BeautifulSoup | None, list] | None = self._slots()
        slots = self._unused[1]
        self.segments: list[Segment] = []
        for index, slot in enumerate(slots):
            text = slot.text if isinstance(slot, Run) else slot.run.text
            self.segments.append(Segment(index, text, _kind(slot, is_html), _key(text)))

    def __getstate__(self) -> dict:
        # A pickled tree does not keep the slots pointing into it (bs4 copies on pickling), so a
        # document sent to another process parses again there.
        return {**self.__dict__, "_unused": None}

    def _slots(self) -> tuple[BeautifulSoup | None, list[_BlockSlot | _AttrSlot | Run]]:
        # Each reassembly works on a fresh parse, so the slots point into a tree of its own.
        if self._is_html:
            soup = BeautifulSoup(self._aside.html, "html.parser")
            return soup, _Walker().walk(soup)
        run = encode(protect(self._source))
        return None, [run] if run.translatable else []

    def reassemble(self, translations: Sequence[str]) -> Reassembled:
        """Put one translation per segment (same order as `segments`) back into the document."""
        if len(translations) != len(self.segments):
            raise ValueError(
                f"reassemble: {len(translations)} translations for {len(self.segments)} segments"
            )
        soup, slots = self._unused or self._slots()
        self._unused = None
        flags: list[dict] = []
        if soup is None:
            if not slots:
                return Reassembled(self._source, flags)
            run = slots[0]
            assert isinstance(run, Run)
            decoded = decode(run, translations[0])
            _flag(flags, 0, decoded.problems, translations[0])
            return Reassembled(_as_text(decoded.tokens), flags)
        for index, (slot, translation) in enumerate(zip(slots, translations)):
            if isinstance(slot, _AttrSlot):
                decoded = decode(slot.run, translation)
                slot.tag[slot.name] = _as_text(decoded.tokens)
            else:
                assert isinstance(slot, _BlockSlot)
                decoded = decode(slot.run, translation)
                _replace(slot.nodes, decoded.tokens)
            _flag(flags, index, decoded.problems, translation)
        return Reassembled(self._aside.put_back(soup.decode(formatter=FORMATTER)), flags)


def segment_html(html: str) -> Document:
    """Segments of an HTML body fragment (what SourcePost.html holds)."""
    return Document(html, is_html=True)


def segment_text(text: str) -> Document:
    """One "text" segment for a plain-text field (title, meta description), if it has words."""
    return Document(text, is_html=False)


class _Walker:
    """Finds the runs of inline content and the translatable attributes, in document order."""

    def __init__(self) -> None:
        self.slots: list[_BlockSlot | _AttrSlot | Run] = []

    def walk(self, soup: BeautifulSoup) -> list[_BlockSlot | _AttrSlot | Run]:
        self._container(soup)
        return self.slots

    def _container(self, element: Tag) -> None:
        run: list[PageElement] = []
        for child in list(element.children):
            if _is_inline(child):
                run.append(child)
                continue
            self._flush(run)
            run = []
            if isinstance(child, Tag) and not _never_translated(child):
                self._attributes(child)
                self._container(child)
        self._flush(run)

    def _flush(self, nodes: list[PageElement]) -> None:
        if not nodes:
            return
        if all(type(node) is NavigableString and not has_letters(node) for node in nodes):
            return  # whitespace between blocks, a table cell of figures: nothing to translate
        tokens: list[Token] = []
        for node in nodes:
            tokens.extend(_tokens(node))
        run = encode(tokens)
        if run.translatable:
            self.slots.append(_BlockSlot(list(nodes), run))
        for node in nodes:
            self._inline_attributes(node)

    def _inline_attributes(self, node: PageElement) -> None:
        if isinstance(node, Tag) and not _never_translated(node):
            self._attributes(node)
            for child in node.children:
                self._inline_attributes(child)

    def _attributes(self, tag: Tag) -> None:
        for name in TRANSLATABLE_ATTRIBUTES:
            value = tag.attrs.get(name)
            if isinstance(value, str) and value:
                run = encode(protect(value))
                if run.translatable:
                    self.slots.append(_AttrSlot(tag, name, run))


def _never_translated(tag: Tag) -> bool:
    if tag.name in NEVER_TRANSLATED:
        return True
    if str(tag.attrs.get("translate", "")).strip().lower() == "no":
        return True
    classes = tag.attrs.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    return "notranslate" in classes


def _is_inline(node: PageElement) -> bool:
    if not isinstance(node, Tag):
        return True  # text, and comments etc. (which become atomic items)
    if node.name in BLOCK_ELEMENTS:
        return False
    if _never_translated(node):
        return True
    return not any(isinstance(d, Tag) and d.name in BLOCK_ELEMENTS for d in node.descendants)


def _tokens(node: PageElement) -> list[Token]:
    if isinstance(node, PreformattedString):  # comment, CDATA, doctype, processing instruction
        return [Atom(node)]
    if isinstance(node, NavigableString):
        return protect(str(node))
    assert isinstance(node, Tag)
    if node.name in ATOMIC_ELEMENTS or _never_translated(node) or not _has_words(node):
        return [Atom(node)]
    tokens: list[Token] = [Open(node)]
    for child in node.children:
        tokens.extend(_tokens(child))
    tokens.append(Close(node))
    return tokens


def _has_words(tag: Tag) -> bool:
    """Whether an inline element has translatable text (a lone URL or number does not)."""
    for child in tag.children:
        if type(child) is NavigableString:
            if any(isinstance(t, Text) and has_letters(t.value) for t in protect(str(child))):
                return True
        elif isinstance(child, Tag) and child.name not in ATOMIC_ELEMENTS:
            if not _never_translated(child) and _has_words(child):
                return True
    return False


def _replace(nodes: list[PageElement], tokens: list[Token]) -> None:
    """Swap a run's nodes for the rebuilt ones, reusing the original tag objects."""
    marker = NavigableString("")
    nodes[0].insert_before(marker)
    for node in nodes:
        node.extract()
    for token in tokens:
        if isinstance(token, Open):
            token.ref.clear()
    top: list[PageElement] = []
    stack: list[Tag] = []
    for token in tokens:
        if isinstance(token, Open):
            _add(token.ref, top, stack)
            stack.append(token.ref)
        elif isinstance(token, Close):
            stack.pop()
        elif isinstance(token, Atom):
            ref = token.ref
            _add(ref.extract() if isinstance(ref, PageElement) else NavigableString(ref), top, stack)
        else:
            _add(NavigableString(token.value), top, stack)
    marker.insert_before(*top)
    marker.extract()


def _add(node: PageElement, top: list[PageElement], stack: list[Tag]) -> None:
    if stack:
        stack[-1].append(node)
    else:
        top.append(node)


def _as_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if isinstance(token, Text):
            parts.append(token.value)
        elif isinstance(token, Atom):
            parts.append(str(token.ref))
    return "".join(parts)


def _kind(slot: object, is_html: bool) -> str:
    if not is_html:
        return "text"
    return "attr" if isinstance(slot, _AttrSlot) else "block"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _flag(flags: list[dict], index: int, problems: list[str], translation: str) -> None:
    if problems:
        shown = normalise_space(translation)
        shown = shown if len(shown) <= 200 else shown[:200] + "…"
        evidence = f"{'; '.join(problems)}; engine gave: {shown!r}"
        flags.append({"segment": index, "check": "placeholders", "evidence": evidence})


class _Formatter(HTMLFormatter):
    """Minimal escaping, &nbsp; kept visible as an entity, attributes in source order."""

    def attributes(self, tag: Tag):  # type: ignore[override]
        return list(tag.attrs.items())


def _escape(text: str) -> str:
    return EntitySubstitution.substitute_xml(text).replace("\xa0", "&nbsp;")


FORMATTER = _Formatter(entity_substitution=_escape, void_element_close_prefix=None)
