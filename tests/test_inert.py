"""Subtrees set aside before a parse (segment/inert.py) change nothing but the cost.

The right answer is the slow path's: the same document segmented and reassembled with nothing
set aside (min_chars past any length). Every real page of the corpus and the samples, and pages
built around tables of figures with irregular markup, must give the same segments and, after
reassembly, the same tree.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from polypost.records import SourcePost
from polypost.segment import document as document_module
from polypost.segment.document import segment_html
from polypost.segment.inert import set_aside
from polypost.sources.files import iter_file_posts
from polypost.sources.page.extract import BIG_PAGE, extract_page

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PAGES = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages" / "readability").glob("*/source.html"))


def figures_table(rows: int, seed: int = 1, cls: str = "data") -> str:
    rng = random.Random(seed)
    body = "".join(f"<tr><td>{i}</td><td>{rng.randint(0, 10**6)}</td><td>{rng.random():.3f}%</td></tr>\n"
                   for i in range(rows))
    return f'<table class="{cls}">\n<tbody>{body}</tbody></table>'


ODD_CELLS = ["<td>seven</td>", "<td>&eacute;</td>", '<td title="Seven">7</td>', '<td onclick="x()">7</td>',
             "<td><img src=a.png></td>", "<td>7 < 8</td>", "<td>77777", "<td>7</span></td>",
             "<td><!-- <b>x</b> --></td>", "<td><script>var a = '<table>';</script></td>"]
TRICKY = [
    # what must stay in the parse, next to what may go
    "<p>Before <a href='/x'>the link</a>.</p>" + figures_table(200) + "<p>After.</p>",
    "<div>Text in the div" + figures_table(200) + "and after the table</div>",
    "<div>" + figures_table(200, 2) + "<p>words</p>" + figures_table(200, 3) + "</div>",
    *[figures_table(100).replace("<tr><td>7</td>", "<tr>" + cell, 1) for cell in ODD_CELLS],
    "<ul>" + "".join(f"<li>{n}</li>" for n in range(600)) + "</ul><p>A list of figures above.</p>",
    "<TABLE>" + "".join(f"<TR><TD>{n}</TD></TR>" for n in range(300)) + "</TABLE><p>Upper case.</p>",
    "<table>" + "".join(f"<tr><td class=n>{n}<br/></td></tr>" for n in range(300)) + "</table><p>ok</p>",
    "<p>" + figures_table(200) + " words after a table that closed the paragraph</p>",
    "<span>Inline <em>words</em>" + figures_table(200) + "more</span>",
]


def _reference(html: str):
    """Segments and output with nothing set aside."""
    original = document_module.set_aside
    document_module.set_aside = lambda source: set_aside(source, min_chars=10**12)
    try:
        doc = segment_html(html)
        out = doc.reassemble([s.text.upper() for s in doc.segments]).html
    finally:
        document_module.set_aside = original
    return [s.text for s in doc.segments], out


def _same_tree(a: str, b: str) -> bool:
    return BeautifulSoup(a, "html.parser").decode() == BeautifulSoup(b, "html.parser").decode()


def _check(html: str) -> int:
    expected_segments, expected_out = _reference(html)
    doc = segment_html(html)
    assert [s.text for s in doc.segments] == expected_segments
    first = doc.reassemble([s.text.upper() for s in doc.segments]).html
    again = doc.reassemble([s.text.upper() for s in doc.segments]).html  # a fresh parse the second time
    assert first == again
    assert _same_tree(first, expected_out)
    assert "data-polypost-inert" not in first
    return len(set_aside(html).parts)


def test_what_has_no_words_is_set_aside_and_comes_back_byte_for_byte():
    html = "<p>Reach by week:</p>" + figures_table(300) + "<p>Growth, as promised.</p>"
    aside = set_aside(html)
    assert len(aside.parts) == 1 and len(aside.html) < 200
    assert aside.put_back(aside.html) == html
    assert _check(html) == 1


@pytest.mark.parametrize("number", range(len(TRICKY)))
def test_irregular_markup_gives_the_slow_paths_answer(number):
    _check(TRICKY[number])


def test_each_reason_to_keep_a_row_keeps_it_and_its_table_in_the_parse():
    for cell, html in zip(ODD_CELLS, TRICKY[3:13]):
        aside = set_aside(html)
        assert "<tr>" + cell in aside.html, cell
        assert all("<table" not in part and cell not in part for part in aside.parts.values()), cell


def test_the_rows_of_a_table_whose_head_has_words_are_set_aside():
    table = figures_table(300).replace("<tbody>", "<tr><th>Week</th><th>Reach</th></tr>")
    html = "<h2>Reach</h2>" + table + "<p>More.</p>"
    aside = set_aside(html)
    assert len(aside.parts) == 1 and "<th>Week</th>" in aside.html
    assert '<tr data-polypost-inert="' in aside.html
    assert _check(html) == 1


def test_samples_and_corpus_pages_segment_as_without_it():
    bodies = [post.html for post in iter_file_posts([SAMPLES]) if isinstance(post, SourcePost)]
    bodies += [extract_page(page.read_bytes(), origin=str(page)).html for page in PAGES]
    bodies += [page.read_text(encoding="utf-8", errors="replace") for page in PAGES]  # whole pages too
    assert len(bodies) >= 10
    for body in bodies:
        _check(body)


def test_a_big_page_keeps_its_tables_of_figures_and_its_text():
    table = figures_table(3000)
    html = ("<!doctype html><html><head><title>Figures</title></head><body><article><h1>Figures</h1>"
            + "".join(f"<p>Week {n} of the campaign, with its reach below.</p>{table}" for n in range(12))
            + "</article></body></html>")
    assert len(html) > BIG_PAGE
    post = extract_page(html, origin="figures.html")
    assert post.html.count(table) == 12 and post.html.count("<p>Week") == 12
    assert "data-polypost-inert" not in post.html
