"""The strings of an HTML text as BeautifulSoup's get_text() finds them, without building a tree.

They are taken from the same lxml HTML parser events BeautifulSoup's lxml builder sees: one string
per run of text between two tags, comments or declarations; none from inside the tags whose text
BeautifulSoup keeps apart (script, style, template, rt, rp) or that a caller removes first. A page's
summary and a post's language both read a body's text, and a tree for each cost more than the rest
of their work (tests/test_publish_summary.py and tests/test_detect_text.py hold the two equal)."""

from __future__ import annotations

import threading
from typing import Callable

from lxml import etree

# bs4.builder.HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS: their strings are not get_text()'s.
SET_APART = frozenset({"rt", "rp", "style", "script", "template"})


class _Strings:
    """An lxml parser target that collects the strings BeautifulSoup's get_text() joins."""

    def __init__(self, set_apart: frozenset[str]) -> None:
        self._set_apart = set_apart
        self.reset()

    def reset(self) -> None:
        self.strings: list[str] = []
        self._pending: list[str] = []
        self._open: list[bool] = []  # per open tag: whether it sets its text apart
        self._apart = 0

    def _flush(self) -> None:
        if self._pending:
            if not self._apart:
                self.strings.append("".join(self._pending))
            self._pending.clear()

    def start(self, tag, attrib, nsmap=None) -> None:
        self._flush()
        apart = tag in self._set_apart
        self._open.append(apart)
        self._apart += apart

    def end(self, tag) -> None:
        self._flush()
        if self._open:
            self._apart -= self._open.pop()

    def data(self, text: str) -> None:
        self._pending.append(text)

    def comment(self, text) -> None:
        self._flush()

    def pi(self, target, data=None) -> None:
        self._flush()

    def doctype(self, *args) -> None:
        self._flush()

    def close(self) -> list[str]:
        self._flush()
        return self.strings


def html_strings(markup: str, set_apart: frozenset[str] = SET_APART,
                 enough: Callable[[list[str]], bool] | None = None) -> list[str] | None:
    """The strings get_text() joins, strings inside `set_apart` tags left out; None where lxml
    cannot parse the text (BeautifulSoup then tries its UTF-8 bytes: leave such a text to it).

    With `enough`, the text is parsed a piece at a time and the strings found so far are handed
    back as soon as `enough` says they are (a summary needs the opening of a long body only). A
    string handed over is final: the parser gives a run of text only when the tag after it came."""
    if markup[:1] == "\ufeff":
        markup = markup[1:]  # as BeautifulSoup's lxml builder does
    parser, target = _parser(set_apart)
    try:
        if enough is None:
            parser.feed(markup)
        else:
            for start in range(0, len(markup), _PIECE):
                parser.feed(markup[start:start + _PIECE])
                if enough(target.strings):
                    found = list(target.strings)
                    parser.close()  # ends this document: the parser is ready for the next
                    return found
        return parser.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        _parsers().pop(set_apart, None)  # a parser that failed midway is not used again
        return None
    except BaseException:
        _parsers().pop(set_apart, None)  # nor one left inside a document by anything else
        raise
    finally:
        target.reset()


def _parsers() -> dict[frozenset[str], tuple[etree.HTMLParser, _Strings]]:
    found = getattr(_PER_THREAD, "parsers", None)
    if found is None:
        found = _PER_THREAD.parsers = {}
    return found


def _parser(set_apart: frozenset[str]) -> tuple[etree.HTMLParser, _Strings]:
    """A parser and its target for this thread, made once: lxml inspects a target's methods each
    time a parser is made for it, which cost as much as parsing a short body."""
    parsers = _parsers()
    found = parsers.get(set_apart)
    if found is None:
        target = _Strings(set_apart)
        found = parsers[set_apart] = (etree.HTMLParser(target=target, recover=True), target)  # strip_cdata: a no-op for HTML
    return found


_PER_THREAD = threading.local()
_PIECE = 2048  # characters fed at a time when the opening is enough
