"""The meta description taken from lxml parser events is BeautifulSoup's get_text(" "), collapsed."""

from __future__ import annotations

import random
import re
import warnings

import pytest
from bs4 import BeautifulSoup

from polypost.publish.summary import body_text, summarize

PIECES = ["<p>", "</p>", "a", "b c", "&eacute;", "&amp;", "&#x1F600;", "<!--x-->", "<script>s<b>x</b></script>",
          "<style>y</style>", "<template>t<i>u</i></template>", "<rt>r</rt>", "<rp>(</rp>", "<ruby>", "</ruby>",
          "<br>", "<b>", "</b>", "\n", " ", "\u00a0", "<?pi x?>", "<![CDATA[c]]>", "<svg>", "</svg>",
          "<table><tr><td>", "</td>", "<textarea>", "</textarea>", "<pre>  x  </pre>", "<!DOCTYPE html>", "<html>",
          "<body>", "</html>", "<head><title>T</title></head>", "é", '<img src=x alt="al">', "&", "<", ">",
          '<a href="q">l</a>', "<noscript>n</noscript>", "<select><option>o</option></select>", "<math><mi>x</mi></math>",
          "\ufeff", "<p", " </ x>", "<xmp>m</xmp>", "<plaintext>"]


def soup_text(body: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return re.sub(r"\s+", " ", BeautifulSoup(body or "", "lxml").get_text(" ")).strip()


@pytest.mark.parametrize("body", [
    "", "   ", "<p>a<!--c-->b<script>s</script>d<style>y</style></p>e", "a&eacute;b<br>c",
    "<template>a<b>c</b></template>b", "<ruby>漢<rt>kan</rt><rp>(</rp></ruby>x", "\ufeff<p>x</p>",
])
def test_known_bodies(body):
    assert body_text(body) == soup_text(body)


def test_random_markup_gives_what_beautifulsoup_gives():
    rng = random.Random(3)
    for _ in range(3000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))
        assert body_text(body) == soup_text(body), body


def test_a_long_body_is_cut_at_a_word():
    body = "<p>" + " ".join(f"word{n}," for n in range(60)) + "</p>"
    summary = summarize(body)
    assert summary.endswith("…") and len(summary) <= 160 and not summary[:-1].endswith(",")


def summary_of_the_whole_text(body: str) -> str:
    text = soup_text(body)
    if len(text) <= 160:
        return text
    return text[:159].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def test_a_summary_read_from_the_opening_is_the_whole_texts():
    # Bodies long enough to be parsed a piece at a time (2,048 characters), with tags, comments
    # and set-apart text across the pieces' edges, and short texts behind long markup.
    rng = random.Random(4)
    long_pieces = PIECES + ["<p>" + "palabra " * 40 + "</p>", "<script>" + "x" * 3000 + "</script>",
                            "<!--" + "c" * 2500 + "-->", " " * 300, "<b>" + "é" * 200 + "</b>", '<a href="' + "q" * 2100 + '">l</a>']
    for _ in range(1500):
        body = "".join(rng.choice(long_pieces) for _ in range(rng.randint(0, 40)))
        assert summarize(body) == summary_of_the_whole_text(body), body[:200]
