"""segment_html / segment_text: one test per rule, plus the real article pages of the corpus."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from polypost.segment.document import PLACEHOLDER_RE, segment_html, segment_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PAGES = sorted((CORPUS / "pages" / "readability").glob("*/expected.html"))


def texts(html: str) -> list[str]:
    return [s.text for s in segment_html(html).segments]


def identity(html: str) -> str:
    doc = segment_html(html)
    result = doc.reassemble([s.text for s in doc.segments])
    assert result.flags == []
    return result.html


def upper_words(text: str) -> str:
    """An engine that 'translates' every word outside placeholders to upper case."""
    parts = re.split(f"({PLACEHOLDER_RE.pattern})", text)
    return "".join(p if PLACEHOLDER_RE.fullmatch(p) else p.upper() for p in parts)


def translate(html: str, engine) -> tuple[str, list[dict]]:
    doc = segment_html(html)
    result = doc.reassemble([engine(s.text) for s in doc.segments])
    return result.html, result.flags


# --- what becomes a segment -------------------------------------------------------------------


def test_paragraph_with_inline_markup_is_one_segment() -> None:
    html = '<p>Read <a href="/x" class="k">the <b>docs</b></a> now.</p>'
    assert texts(html) == ["Read ⟦1⟧the ⟦2⟧docs⟦/2⟧⟦/1⟧ now."]
    segment = segment_html(html).segments[0]
    assert segment.kind == "block" and segment.index == 0
    assert segment.key == hashlib.sha256(segment.text.encode()).hexdigest()


def test_mixed_container_gives_one_segment_per_run() -> None:
    assert texts("<div>Intro text <p>para one</p> tail <em>here</em></div>") == [
        "Intro text",
        "para one",
        "tail ⟦1⟧here⟦/1⟧",
    ]
    assert texts("<ul><li>item text<ul><li>nested</li></ul>after it</li></ul>") == [
        "item text",
        "nested",
        "after it",
    ]


def test_inline_element_holding_a_block_is_a_container() -> None:
    assert texts('<a href="/x"><div>Card title</div><p>Card body</p></a>') == ["Card title", "Card body"]


def test_edges_stay_outside_the_engine_text() -> None:
    # leading images, whitespace and a wrapper around everything need no placeholder
    assert texts('<p> <img src="a.png"> <em>All of it italic</em> </p>') == ["All of it italic"]
    assert identity('<p> <img src="a.png"> <em>All of it italic</em> </p>') == (
        '<p> <img src="a.png"> <em>All of it italic</em> </p>'
    )


def test_whitespace_and_number_only_runs_are_not_segments() -> None:
    assert texts("<div>  \n <p>42</p><p>3.14 – 7%</p><td>  </td></div>") == []


def test_whitespace_normalised_but_not_nbsp() -> None:
    assert texts("<p>one\n\t two   <b>three\n</b></p>") == ["one two ⟦1⟧three ⟦/1⟧"]
    assert texts("<p>one&nbsp;two</p>") == ["one\xa0two"]


@pytest.mark.parametrize(
    "html",
    [
        "<pre>  keep\n\tthis   text\r\n  </pre>",
        "<script>var x = 'Hello world';</script>",
        "<style>p { content: 'Hello world'; }</style>",
        "<code>print('Hello world')</code>",
        "<textarea>Hello world</textarea>",
        "<template><p>Hello world</p></template>",
        "<svg><text>Hello world</text></svg>",
        '<p translate="no">Hello world</p>',
        '<div class="x notranslate"><p>Hello world</p></div>',
    ],
)
def test_never_translated(html: str) -> None:
    assert texts(html) == []
    assert identity(html) == html


def test_pre_comes_back_byte_for_byte_among_translated_text() -> None:
    pre = "<pre>\n  def f():\r\n\treturn  1 &lt; 2\n\n</pre>"
    html = f"<p>Some text</p>{pre}<p>More text</p>"
    out, _ = translate(html, upper_words)
    assert pre in out
    assert "SOME TEXT" in out and "MORE TEXT" in out


def test_inline_never_translated_items_are_atomic() -> None:
    html = (
        "<p>Run <code>ls -la</code> or <kbd>Ctrl</kbd>, see <samp>ok</samp> and <var>x</var>, "
        '<span translate="no">Acme Corp</span> <i class="notranslate">Widget</i>.</p>'
    )
    assert texts(html) == ["Run ⟦1/⟧ or ⟦2/⟧, see ⟦3/⟧ and ⟦4/⟧, ⟦5/⟧ ⟦6/⟧."]
    out, flags = translate(html, upper_words)
    assert flags == []
    for kept in (
        "<code>ls -la</code>",
        "<kbd>Ctrl</kbd>",
        '<span translate="no">Acme Corp</span>',
        '<i class="notranslate">Widget</i>',
    ):
        assert kept in out
    assert "RUN" in out


def test_void_and_wordless_inline_elements_are_atomic() -> None:
    html = '<p>Line one<br>line two <img src="i.png"> <a href="#fn1"><sup>1</sup></a> end<wbr>word</p>'
    assert texts(html) == ["Line one⟦1/⟧line two ⟦2/⟧ ⟦3/⟧ end⟦4/⟧word"]


@pytest.mark.parametrize(
    ("text", "protected"),
    [
        ("Read https://example.com/a?b=1 now", "https://example.com/a?b=1"),
        ("Read (https://en.wikipedia.org/wiki/Foo_(bar)) now", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("See www.example.org. Then go", "www.example.org"),
        ("Write to jane.doe+blog@example.co.uk today", "jane.doe+blog@example.co.uk"),
        ("Follow @jane_doe for news", "@jane_doe"),
        ("Tagged #rustlang and more", "#rustlang"),
    ],
)
def test_urls_emails_handles_hashtags_are_protected(text: str, protected: str) -> None:
    segment = segment_html(f"<p>{text}</p>").segments[0]
    assert protected not in segment.text
    assert "⟦1/⟧" in segment.text
    out, flags = translate(f"<p>{text}</p>", upper_words)
    assert protected in out and flags == []


def test_numbers_and_issue_refs_stay_plain_text() -> None:
    assert texts("<p>Fixed issue #42 in 3.14 and C# code</p>") == ["Fixed issue #42 in 3.14 and C# code"]


def test_attributes_are_segments() -> None:
    html = (
        '<p>Hello there <img src="cat.png" alt="A black cat"> <abbr title="HyperText Markup">HTML</abbr></p>'
        '<input placeholder="Your name" aria-label="Name field"><img src="x.png" alt="">'
        '<img src="y.png" alt="https://y.example/y.png">'
    )
    doc = segment_html(html)
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("block", "Hello there ⟦1/⟧ ⟦2⟧HTML⟦/2⟧"),
        ("attr", "A black cat"),
        ("attr", "HyperText Markup"),
        ("attr", "Your name"),
        ("attr", "Name field"),
    ]
    out = doc.reassemble([s.text.upper() for s in doc.segments]).html
    assert 'alt="A BLACK CAT"' in out and 'title="HYPERTEXT MARKUP"' in out
    assert 'placeholder="YOUR NAME"' in out and 'aria-label="NAME FIELD"' in out
    assert 'alt=""' in out and 'alt="https://y.example/y.png"' in out


def test_attribute_with_url_keeps_the_url() -> None:
    doc = segment_html('<img src="a" alt="Logo from https://x.example/logo.png">')
    assert doc.segments[0].text == "Logo from"
    assert 'alt="LOGO FROM https://x.example/logo.png"' in doc.reassemble(["LOGO FROM"]).html


def test_tags_come_back_with_all_attributes() -> None:
    html = '<p>See <a href="/x?a=1&amp;b=2" class="c d" data-id="7" rel="nofollow">the page</a>.</p>'
    out, _ = translate(html, lambda t: "Mira ⟦1⟧la página⟦/1⟧.")
    assert out == '<p>Mira <a href="/x?a=1&amp;b=2" class="c d" data-id="7" rel="nofollow">la página</a>.</p>'


def test_nbsp_and_entities_survive() -> None:
    html = "<p>Tom&nbsp;&amp;&nbsp;Jerry &lt;3 caf&eacute; &mdash; fin</p>"
    assert identity(html) == "<p>Tom&nbsp;&amp;&nbsp;Jerry &lt;3 café — fin</p>"
    out, _ = translate(html, upper_words)
    assert out == "<p>TOM&nbsp;&amp;&nbsp;JERRY &lt;3 CAFÉ — FIN</p>"


def test_leading_and_trailing_whitespace_of_a_block_is_kept() -> None:
    html = "<p>\n   Some text here.  </p><li> x y </li>"
    out, _ = translate(html, upper_words)
    assert out == "<p>\n   SOME TEXT HERE.  </p><li> X Y </li>"


def test_comments_and_doctype_survive() -> None:
    html = "<!-- top --><p>Before <!-- inside --> after</p>"
    assert texts(html) == ["Before ⟦1/⟧ after"]
    assert identity(html) == html


# --- engines that move, mangle, drop or duplicate placeholders ----------------------------------


def test_reordered_and_nested_placeholders() -> None:
    html = '<p><b>Red</b> <i>big</i> <a href="/c"><em>car</em> here</a></p>'
    doc = segment_html(html)
    assert doc.segments[0].text == "⟦1⟧Red⟦/1⟧ ⟦2⟧big⟦/2⟧ ⟦3⟧⟦4⟧car⟦/4⟧ here⟦/3⟧"
    result = doc.reassemble(["⟦3⟧aquí el ⟦4⟧coche⟦/4⟧⟦/3⟧ ⟦2⟧grande⟦/2⟧ ⟦1⟧rojo⟦/1⟧"])
    assert result.flags == []
    assert result.html == '<p><a href="/c">aquí el <em>coche</em></a> <i>grande</i> <b>rojo</b></p>'


def test_spaces_inside_brackets_are_repaired_silently() -> None:
    doc = segment_html('<p>Go <a href="/x">there</a> now <br> ok</p>')
    result = doc.reassemble(["Ve ⟦ 1 ⟧allí⟦/ 1⟧ ahora ⟦2 /⟧ bien"])
    assert result.flags == []
    assert result.html == '<p>Ve <a href="/x">allí</a> ahora <br> bien</p>'


def test_glossary_tokens_pass_through_as_text() -> None:
    doc = segment_html('<p>Use <a href="/x">the tool</a> daily</p>')
    result = doc.reassemble(["Usa ⟦1⟧⟦T1⟧⟦/1⟧ a diario"])
    assert result.flags == []
    assert result.html == '<p>Usa <a href="/x">⟦T1⟧</a> a diario</p>'


def test_dropped_link_wraps_the_whole_sentence_and_is_flagged() -> None:
    doc = segment_html('<p>Read <a href="/guide">the guide</a> first.</p>')
    result = doc.reassemble(["Lee la guía primero."])
    assert result.html == '<p><a href="/guide">Lee la guía primero.</a></p>'
    assert result.flags[0]["segment"] == 0
    assert result.flags[0]["check"] == "placeholders"
    assert "missing ⟦1⟧…⟦/1⟧" in result.flags[0]["evidence"]


def test_mangled_placeholders_fall_back_without_losing_anything() -> None:
    html = '<p>Read <a href="/a">this</a> and <a href="/b">that</a> with <code>x</code>.</p>'
    doc = segment_html(html)
    assert doc.segments[0].text == "Read ⟦1⟧this⟦/1⟧ and ⟦2⟧that⟦/2⟧ with ⟦3/⟧."
    result = doc.reassemble(["Lee [1]esto[/1] y ⟦2⟧aquello⟦/2⟧ con."])
    assert result.html == (
        '<p>Lee esto y <a href="/b">aquello</a> con. <a href="/a">this</a> <code>x</code></p>'
    )
    assert "[1]" not in result.html
    assert len(result.flags) == 1 and "missing" in result.flags[0]["evidence"]


def test_duplicated_and_unbalanced_placeholders() -> None:
    html = '<p>A <a href="/a">link</a> and <img src="i.png"> here.</p>'
    doc = segment_html(html)
    result = doc.reassemble(["Un ⟦1⟧enlace⟦/1⟧ ⟦1⟧otra vez⟦/1⟧ y ⟦2/⟧ ⟦2/⟧ aquí."])
    tree = BeautifulSoup(result.html, "html.parser")
    assert len(tree.find_all("a")) == 1 and len(tree.find_all("img")) == 1
    assert "duplicated ⟦1⟧" in result.flags[0]["evidence"]
    assert "duplicated ⟦2/⟧" in result.flags[0]["evidence"]
    result = doc.reassemble(["Un ⟦1⟧enlace y ⟦2/⟧ aquí."])
    assert result.html == '<p>Un <a href="/a">enlace y <img src="i.png"> aquí.</a></p>'
    assert "unclosed ⟦1⟧" in result.flags[0]["evidence"]


def test_unknown_placeholder_numbers_are_dropped_and_flagged() -> None:
    doc = segment_html("<p>Just <b>bold</b> text</p>")
    result = doc.reassemble(["Solo ⟦1⟧negrita⟦/1⟧ ⟦7/⟧texto"])
    assert result.html == "<p>Solo <b>negrita</b> texto</p>"
    assert "unknown ⟦7/⟧" in result.flags[0]["evidence"]


def test_wrong_number_of_translations_is_an_error() -> None:
    doc = segment_html("<p>One</p><p>Two</p>")
    with pytest.raises(ValueError, match="1 translations for 2 segments"):
        doc.reassemble(["Uno"])


def test_reassemble_can_be_called_again() -> None:
    doc = segment_html('<p>Hi <a href="/x">there</a></p>')
    first = doc.reassemble(["Hola ⟦1⟧allí⟦/1⟧"]).html
    second = doc.reassemble(["Hello ⟦1⟧there⟦/1⟧"]).html
    assert first == '<p>Hola <a href="/x">allí</a></p>'
    assert second == '<p>Hello <a href="/x">there</a></p>'


# --- plain-text fields ----------------------------------------------------------------------------


def test_segment_text_protects_and_gives_plain_text() -> None:
    doc = segment_text("  How I use   @rustlang and <b>tags</b> at https://x.example/p  ")
    assert [(s.kind, s.text) for s in doc.segments] == [("text", "How I use ⟦1/⟧ and <b>tags</b> at")]
    result = doc.reassemble(["Cómo uso ⟦1/⟧ y <b>etiquetas</b> en"])
    assert result.html == "  Cómo uso @rustlang y <b>etiquetas</b> en https://x.example/p  "
    assert result.flags == []


def test_segment_text_without_words_has_no_segments() -> None:
    doc = segment_text("2024 — https://x.example")
    assert doc.segments == []
    assert doc.reassemble([]).html == "2024 — https://x.example"


def test_segment_text_lost_atom_is_appended_and_flagged() -> None:
    doc = segment_text("Thanks @jane for the tip")
    result = doc.reassemble(["Gracias por el consejo"])
    assert result.html == "Gracias por el consejo @jane"
    assert result.flags and result.flags[0]["check"] == "placeholders"


# --- the real pages of the corpus -------------------------------------------------------------


def _counts(html: str) -> Counter:
    soup = BeautifulSoup(html, "html.parser")
    found: Counter = Counter()
    for tag in soup.find_all(True):
        if tag.name == "a" and tag.has_attr("href"):
            found[("a", tag["href"])] += 1
        elif tag.name == "img" and tag.has_attr("src"):
            found[("img", tag["src"])] += 1
        elif tag.name == "code":
            found[("code", tag.decode())] += 1
    return found


@pytest.fixture(params=PAGES, ids=lambda p: p.parent.name)
def page(request) -> str:
    return request.param.read_text(encoding="utf-8")


def test_corpus_present() -> None:
    if not CORPUS.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert len(PAGES) >= 20


def test_corpus_upper_case_engine_keeps_links_images_code(page: str) -> None:
    doc = segment_html(page)
    assert doc.segments, "an article body has something to translate"
    result = doc.reassemble([upper_words(s.text) for s in doc.segments])
    assert result.flags == []
    assert _counts(result.html) == _counts(page)


def test_corpus_broken_engine_loses_nothing(page: str) -> None:
    """An engine that drops every placeholder: all links, images and code still come back once."""
    doc = segment_html(page)
    result = doc.reassemble([PLACEHOLDER_RE.sub("", s.text).upper() for s in doc.segments])
    assert _counts(result.html) == _counts(page)
    broken = sum(1 for s in doc.segments if PLACEHOLDER_RE.search(s.text))
    assert len(result.flags) == broken


def test_a_document_sent_to_another_process_reassembles_there():
    """The first reassembly reuses the segmenting parse; a pickled document (a cluster worker's
    prepared chunk) must parse again rather than write into a copy of the tree."""
    import pickle

    doc = segment_html("<p>Hello <b>world</b>, again.</p><ul><li>Two</li></ul>")
    moved = pickle.loads(pickle.dumps(doc))
    wanted = "<p>HELLO <b>WORLD</b>, AGAIN.</p><ul><li>TWO</li></ul>"
    assert moved.reassemble([s.text.upper() for s in moved.segments]).html == wanted
    assert doc.reassemble([s.text.upper() for s in doc.segments]).html == wanted
