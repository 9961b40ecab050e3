"""A page's meta description from its body, without building a document tree.

The text is what BeautifulSoup(body, "lxml").get_text(" ") gives (what publishing used before),
taken from the same lxml HTML parser events as BeautifulSoup's lxml builder sees them: one
string per run of text between two tags, comments or declarations; none from inside the tags
whose text BeautifulSoup keeps apart (script, style, template, rt, rp)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from lxml import etree

DESCRIPTION_LENGTH = 160
# bs4.builder.HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS: their strings are not get_text()'s.
_SET_APART = frozenset({"rt", "rp", "style", "script", "template"})
_SPACE = re.compile(r"\s+")


class _Strings:
    """An lxml parser target that collects the strings BeautifulSoup's get_text() joins."""

    def __init__(self) -> None:
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
        apart = tag in _SET_APART
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


def body_text(body_html: str) -> str:
    """The body's text, runs of white space made one space."""
    if not body_html or body_html.isspace():
        return ""
    markup = body_html[1:] if body_html[0] == "\ufeff" else body_html  # as BeautifulSoup's lxml builder does
    try:
        parser = etree.HTMLParser(target=_Strings(), recover=True)  # strip_cdata: a no-op for HTML
        parser.feed(markup)
        strings = parser.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError):
        # BeautifulSoup tries the UTF-8 bytes next: leave such a body to it.
        strings = [BeautifulSoup(body_html, "lxml").get_text(" ")]
    return _SPACE.sub(" ", " ".join(strings)).strip()


def summarize(body_html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """A meta description from a body: its text, cut at a word before `limit` chars."""
    text = body_text(body_html)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
