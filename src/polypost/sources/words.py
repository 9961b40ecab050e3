"""The limit on the words of one post ([sources] max_words), checked before a page is parsed.

What one post costs polypost grows with its words, not its bytes: the scripts, data: images,
SVG and tables of figures that make most big pages big are set aside before any parse, while
every word becomes part of a segment that is matched, translated, checked and held until its
post is written (about 45 MB and 2.5 s a hundred thousand words, engine aside). So the bound on
what one hostile page can ask of a run is a number of words. They are counted by lxml's parser
feeding a counter, with no tree built, and the count stops as soon as it passes the limit.
"""

from __future__ import annotations

import re

from lxml import etree

from polypost.segment.document import TRANSLATABLE_ATTRIBUTES

DEFAULT_MAX_WORDS = 400_000  # about 2.6 MB of English text: a long book, in one post

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters: a table of figures counts no words
_NOT_TEXT = frozenset({"script", "style", "template", "svg", "math"})


class _TooMany(Exception):
    pass


class _Counter:
    """A parser target: words in text outside scripts, styles, templates and SVG, and in the
    attributes the segmenter translates (an alt text is a segment too)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.words, self._inside = limit, 0, 0
        self._open_word = False  # the last text ended inside a word: "Caf", then "é" from "&eacute;"

    def start(self, tag, attrib) -> None:
        self._open_word = False
        if tag in _NOT_TEXT:
            self._inside += 1
        elif not self._inside:
            for name in TRANSLATABLE_ATTRIBUTES:
                value = attrib.get(name)
                if value:
                    self.words += len(_WORD.findall(value))
            if self.words > self.limit:
                raise _TooMany

    def end(self, tag) -> None:
        self._open_word = False
        if tag in _NOT_TEXT and self._inside:
            self._inside -= 1

    def data(self, text: str) -> None:
        if self._inside or not text:
            return
        self.words += len(_WORD.findall(text)) - (self._open_word and _WORD.match(text) is not None)
        self._open_word = _WORD.fullmatch(text[-1]) is not None
        if self.words > self.limit:
            raise _TooMany

    def comment(self, text: str) -> None:
        pass

    def close(self) -> int:
        return self.words


def count_words(html: str, limit: int) -> int:
    """The words of `html`'s text, or a number past `limit` as soon as the count passes it."""
    counter = _Counter(limit)
    parser = etree.HTMLParser(target=counter, huge_tree=True)
    try:
        parser.feed(html)
        return parser.close()
    except (_TooMany, etree.Error):  # past the limit; or what lxml cannot read, which the reader reports
        return counter.words


def words_problem(html: str, max_words: int) -> str | None:
    """The error for a body or page past `max_words` words, else None."""
    if len(html) < 2 * max_words:  # a word is a letter and a separator at least: it cannot pass
        return None
    words = count_words(html, max_words)
    if words <= max_words:
        return None
    return f"more than {max_words:,} words of text in one post, over the limit of [sources] max_words (raise it to read this post)"
