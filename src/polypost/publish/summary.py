"""A page's meta description from its body, without building a document tree.

The text is what BeautifulSoup(body, "lxml").get_text(" ") gives (what publishing used before),
from lxml's parser events (`polypost.languages.html_text`)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from polypost.languages.html_text import html_strings

DESCRIPTION_LENGTH = 160
_SPACE = re.compile(r"\s+")


def body_text(body_html: str) -> str:
    """The body's text, runs of white space made one space."""
    if not body_html or body_html.isspace():
        return ""
    strings = html_strings(body_html)
    if strings is None:
        strings = [BeautifulSoup(body_html, "lxml").get_text(" ")]
    return _SPACE.sub(" ", " ".join(strings)).strip()


def summarize(body_html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """A meta description from a body: its text, cut at a word before `limit` chars."""
    text = body_text(body_html)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
