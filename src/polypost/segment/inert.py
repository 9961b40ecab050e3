"""Subtrees with nothing to translate, set aside before an HTML parse and put back after it.

Python's HTML trees cost about 20 µs and 1 KB per element (BeautifulSoup makes an object of every
tag and every string), and a page of many megabytes is big mostly because of what has no words: a
table of 70,000 rows of figures costs a minute and 300 MB to parse, walk and write back, for no
segment at all. `set_aside` finds such subtrees with one regex pass over the source and puts a
marker element in their place; `put_back` restores them, byte for byte as the source wrote them.

A subtree is set aside only when nothing in it could matter to any later pass: no letter in its
text (an entity might be one, so `&` counts as a letter), only plain structural and formatting
elements (no links, images, media, forms, scripts: those are rewritten, sanitised or checked), no
attribute that is translated or is an event handler, and markup so regular that every HTML parser
reads it alike (each element closed explicitly, quoted or simple attribute values, no stray `<`).
Anything else keeps the whole subtree, and its ancestors, in the parse: the fallback is the slow,
exact path, never a different answer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

__all__ = ["SetAside", "set_aside"]

# Subtrees under these, or runs of them (the rows of a table whose head has words), may be set
# aside. Each is a block element, and so is its marker, an empty element of the same name: the
# segmenter and the page extractor see a block where blocks were, in a place where it is valid.
ROOTS = frozenset("table thead tbody tfoot tr ul ol li dl dt dd div p".split())
# Everything inside a subtree set aside must be one of these.
ALLOWED = ROOTS | frozenset("td th caption colgroup col span b i strong em small sub sup br hr code "
                            "time data abbr s u mark".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Smaller subtrees are parsed as usual: the pass would not pay for itself.
MIN_CHARS = 2048

_TOKEN_RE = re.compile(
    r"</(?P<end>[a-zA-Z][a-zA-Z0-9-]*)\s*>"
    r"|<(?P<start>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    r"(?:\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'|[^\s\"'=<>`]+))?)*)\s*(?P<close>/?)>"
    r"|<!--|<",  # a comment, or any other "<": irregular markup
    re.S,
)
_WHITE_RE = re.compile(r"\s*")
_ATTR_NAME_RE = re.compile(r"\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)")
_LETTERISH_RE = re.compile(r"[^\W\d_]|&")
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes noscript plaintext".split())
# Attributes whose value is text for people (the segmenter translates them) or script.
_WORDY_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "label", "value", "content", "style"})


@dataclass
class SetAside:
    html: str  # the source with a marker element in place of every subtree set aside
    parts: dict[str, str]  # marker id -> the subtree's source text
    marker_re: re.Pattern[str] | None  # a marker as the parser writes it back; None: nothing set aside

    def put_back(self, html: str) -> str:
        """`html` (a serialisation of the parsed `self.html`) with every subtree back in place."""
        if self.marker_re is None:
            return html
        return self.marker_re.sub(lambda m: self.parts.get(m.group(2), m.group()), html)


def set_aside(html: str, min_chars: int = MIN_CHARS) -> SetAside:
    ranges = _inert_ranges(html, min_chars) if len(html) >= min_chars else []
    if not ranges:
        return SetAside(html, {}, None)  # most documents: no marker, no regex to compile
    nonce = secrets.token_hex(6)
    marker_re = re.compile(r'<([a-z]+) data-polypost-inert="(' + nonce + r'-\d+)"\s*/?>(?:</\1>)?')
    out, parts, last = [], {}, 0
    for number, (start, end, name) in enumerate(ranges):
        key = f"{nonce}-{number}"
        parts[key] = html[start:end]
        out += [html[last:start], f'<{name} data-polypost-inert="{key}"></{name}>']
        last = end
    out.append(html[last:])
    return SetAside("".join(out), parts, marker_re)


def _inert_ranges(html: str, min_chars: int) -> list[tuple[int, int, str]]:
    """(start, end, element name) of the outermost inert subtrees and runs of them, in order."""
    stack: list[tuple[str, int]] = []  # open elements: (name, where the start tag begins)
    clean_from = 0  # stack entries at this index and above have seen nothing that matters
    found: list[tuple[int, int, str]] = []  # (start, end, name) of inert elements, outermost
    position = 0
    while (token := _TOKEN_RE.search(html, position)) is not None:
        if token.start() > position and _LETTERISH_RE.search(html, position, token.start()):
            clean_from = len(stack)
        position = token.end()
        name = token.group("start")
        if name is not None:
            name = name.lower()
            if name not in ALLOWED or not _plain_attributes(token.group("attrs")):
                clean_from = len(stack)
            if name in _RAW_TEXT:
                # Skip to its end tag, as a parser does; its ancestors stay in the parse.
                close = re.compile(r"</" + name + r"\s*>", re.I).search(html, position)
                position = close.end() if close else len(html)
                continue
            if name not in VOID and not token.group("close"):
                stack.append((name, token.start()))
            continue
        name = token.group("end")
        if name is None:
            clean_from = len(stack)  # a comment, or a "<" that no parser reads as a tag here
            if token.group() == "<!--":
                close = html.find("-->", position)
                position = close + 3 if close >= 0 else len(html)
            continue
        name = name.lower()
        if not stack or stack[-1][0] != name:
            # Closes something else (elements left open) or nothing: parsers disagree on the fix.
            clean_from = len(stack)
            depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == name), None)
            if depth is not None:
                del stack[depth:]
            clean_from = min(clean_from, len(stack))
            continue
        opened_at = stack.pop()[1]
        if len(stack) >= clean_from and name in ROOTS:
            while found and found[-1][0] >= opened_at:
                found.pop()  # inside this one, which holds it
            found.append((opened_at, token.end(), name))
        clean_from = min(clean_from, len(stack))
    return _runs(html, found, min_chars)


def _runs(html: str, found: list[tuple[int, int, str]], min_chars: int) -> list[tuple[int, int, str]]:
    """Neighbouring subtrees (table rows, list items) with only white space between them, joined
    into one range, kept where it is long enough to pay."""
    runs: list[list] = []
    for start, end, name in found:
        if runs and _WHITE_RE.fullmatch(html, runs[-1][1], start):
            runs[-1][1] = end
        else:
            runs.append([start, end, name])
    return [(start, end, name) for start, end, name in runs if end - start >= min_chars]


def _plain_attributes(attrs: str) -> bool:
    for name in _ATTR_NAME_RE.findall(attrs):
        name = name.lower()
        if name.startswith("on") or name in _WORDY_ATTRIBUTES:
            return False
    return True
