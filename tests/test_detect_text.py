"""The visible text language detection reads, taken from lxml parser events, is what
BeautifulSoup gave once script, style, noscript and template were removed."""

from __future__ import annotations

import random
import warnings

import pytest
from bs4 import BeautifulSoup

from polypost.languages.detect import text_of

PIECES = ["<p>", "</p>", "word", "two words", "&eacute;", "&amp;", "&#x1F600;", "<!--note-->", "<script>s<b>x</b></script>",
          "<style>y</style>", "<template>t<i>u</i></template>", "<noscript>enable <b>scripts</b></noscript>",
          "<noscript>", "</noscript>", "<rt>r</rt>", "<rp>(</rp>", "<ruby>", "</ruby>", "<br>", "<b>", "</b>", "\n",
          " ", "\u00a0", "<?pi x?>", "<![CDATA[c]]>", "<svg><title>s</title></svg>", "<table><tr><td>", "</td>",
          "<textarea>", "</textarea>", "<pre>  x  </pre>", "<!DOCTYPE html>", "<html>", "<body>", "</html>",
          "<head><title>T</title></head>", "é", '<img src=x alt="al">', "&", "<", ">", '<a href="q">l</a>',
          "<select><option>o</option></select>", "\ufeff", "<p", " </ x>", "<xmp>m</xmp>", "<iframe>i</iframe>",
          "<noembed>e</noembed>", "<title>t</title>"]


def soup_text_of(html: str) -> str:
    """text_of as it was: a BeautifulSoup tree with the hidden tags decomposed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.mark.parametrize("html", [
    "<p>Hola <noscript>activa JavaScript</noscript>mundo</p>", "<p>a<!--c-->b<script>s</script>d</p>e",
    "\ufeff<p>x</p>", "<html><head><title>T</title><style>p{}</style></head><body><p>Body</p></body></html>",
])
def test_known_pages(html):
    assert text_of(html) == soup_text_of(html)


def test_random_markup_reads_as_beautifulsoup_read_it():
    rng = random.Random(5)
    for _ in range(3000):
        html = "<p>" + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))
        assert text_of(html) == soup_text_of(html), html


def test_a_parse_broken_off_leaves_nothing_for_the_next_text():
    # The parser is kept per thread: one left inside a document would glue it to the next text.
    from polypost.languages.html_text import html_strings

    def refuse(found):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError):
        html_strings("<p>first <b>half", enough=refuse)
    assert html_strings("<p>second</p>") == ["second"]
    assert text_of("<p>third <script>x</script>text</p>") == "third text"
