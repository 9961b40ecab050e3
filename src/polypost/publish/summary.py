"""A page's meta description from its body, without building a document tree.

The text is what BeautifulSoup(body, "lxml").get_text(" ") gives (what publishing used before),
from lxml's parser events (`polypost.languages.html_text`)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from polypost.languages.html_text import html_strings

DESCRIPTION_LENGTH = 160
_SPACE = re.compile(r"\s+")


def body_text(body_html: str, enough: int | None = None) -> str:
    """The body's text, runs of white space made one space; with `enough`, at least its first
    `enough` characters and one more when there are more (the rest may be left out)."""
    if not body_html or body_html.isspace():
        return ""
    strings = html_strings(body_html, enough=None if enough is None else lambda found: _holds_more(found, enough))
    if strings is None:
        strings = [BeautifulSoup(body_html, "lxml").get_text(" ")]
    return _SPACE.sub(" ", " ".join(strings)).strip()


def _holds_more(strings: list[str], length: int) -> bool:
    """Whether these first strings of a text already make more than `length` characters of it, white
    space collapsed: those characters are then final whatever follows (only white space at the end
    of what is there could still merge with what comes)."""
    raw = sum(len(s) for s in strings) + len(strings)
    return raw > length and len(" ".join(" ".join(strings).split())) > length  # split(): \s's white space


def summarize(body_html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """A meta description from a body: its text, cut at a word before `limit` chars."""
    text = body_text(body_html, enough=limit)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
