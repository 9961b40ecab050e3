"""Property tests of the segmenter over generated HTML (hypothesis).

Laws:
- identity engine: the output parses to the same tree as the input. Trees are compared as
  (tag, attributes, children) with adjacent text nodes merged and, outside pre/textarea/script/
  style, runs of HTML whitespace (not nbsp) collapsed to one space: that collapse is exactly the
  normalisation the segmenter applies inside a segment before the engine sees it, and the one
  browsers apply when rendering. Everything else (tags, attribute values, entities, comments, the
  whitespace at a block's edges, pre byte for byte) is compared exactly.
- any engine (upper case, reversed word order, dropped/duplicated/mangled placeholders): every
  element comes back exactly as many times with the same non-translatable attributes.
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polypost.segment.document import PLACEHOLDER_RE, TRANSLATABLE_ATTRIBUTES, segment_html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PAGES = sorted((CORPUS / "pages" / "readability").glob("*/expected.html"))
_WS = re.compile(r"[ \t\n\r\f]+")
_VERBATIM = {"pre", "textarea", "script", "style"}


def normalised_tree(html: str) -> tuple:
    return _children(BeautifulSoup(html, "html.parser"), verbatim=False)


def _children(element: Tag, verbatim: bool) -> tuple:
    out: list = []
    text = ""
    for child in element.children:
        if type(child) is NavigableString or (
            isinstance(child, NavigableString) and not isinstance(child, PreformattedString)
        ):
            text += str(child)
            continue
        if text:
            out.append(text if verbatim else _WS.sub(" ", text))
            text = ""
        if isinstance(child, Tag):
            attrs = tuple(
                (
                    name,
                    " ".join(value)
                    if isinstance(value, list)
                    else (_WS.sub(" ", value).strip() if name in TRANSLATABLE_ATTRIBUTES else value),
                )
                for name, value in child.attrs.items()
            )
            out.append((child.name, attrs, _children(child, verbatim or child.name in _VERBATIM)))
        else:
            out.append((type(child).__name__, str(child)))
    if text:
        out.append(text if verbatim else _WS.sub(" ", text))
    return tuple(out)


def element_multiset(html: str) -> Counter:
    soup = BeautifulSoup(html, "html.parser")
    found: Counter = Counter()
    for tag in soup.find_all(True):
        attrs = tuple(sorted((k, str(v)) for k, v in tag.attrs.items() if k not in TRANSLATABLE_ATTRIBUTES))
        found[(tag.name, attrs)] += 1
        if tag.name in {"code", "pre", "kbd", "script"}:
            found[("text", tag.name, tag.get_text())] += 1
    return found


# --- generated HTML ---------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "Hello",
        "world",
        "the",
        "café",
        "naïve",
        "Dr.",
        "e.g.",
        "3.14",
        "42",
        "—",
        "&amp;",
        "&lt;",
        "&gt;",
        "&eacute;",
        "&nbsp;",
        "&#169;",
        "\xa0",
        "https://ex.com/a_(b)?q=1",
        "me@ex.org",
        "@handle",
        "#tag",
        "issue #5",
        "!",
        "?",
        ",",
        '"quoted"',
        "it's",
    ]
)
SPACE = st.sampled_from(["", " ", " ", "  ", "\n", "\n\t  ", "\t"])
TEXT = st.lists(st.tuples(WORDS, SPACE).map("".join), min_size=1, max_size=6).map("".join)
ATTR_TEXT = st.sampled_from(
    ["A cat", "Photo of  the\nsea", "Logo https://ex.com/l.png", "x &amp; y", "", "42"]
)
PRE_TEXT = st.sampled_from(["\n  indented\n\tTabbed  \n", "a  &lt;b&gt;\r\n  c ", "  ", "x = 1\n\n\ny"])


def _inline(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(["b", "em", "i", "strong", "span", "abbr"]), children).map(
            lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"
        ),
        st.tuples(st.sampled_from(["/x", "https://ex.com/?a=1&amp;b=2", "#top"]), ATTR_TEXT, children).map(
            lambda t: f'<a href="{t[0]}" title="{t[1]}" class="k l">{t[2]}</a>'
        ),
        st.tuples(st.sampled_from(["a.png", "b.jpg"]), ATTR_TEXT).map(
            lambda t: f'<img src="{t[0]}" alt="{t[1]}">'
        ),
        st.just("<br>"),
        TEXT.map(lambda t: f"<code>{t}</code>"),
        TEXT.map(lambda t: f'<span translate="no">{t}</span>'),
        TEXT.map(lambda t: f"<!-- {t.replace('-', '')} -->"),
    )


INLINE = st.recursive(
    TEXT,
    lambda inner: st.lists(st.one_of(inner, _inline(inner)), min_size=1, max_size=4).map("".join),
    max_leaves=12,
)


def _block(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(["p", "h2", "li", "blockquote", "td", "figcaption", "dd"]), INLINE).map(
            lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"
        ),
        st.tuples(
            st.sampled_from(["div", "section", "ul", "blockquote"]),
            st.lists(st.one_of(children, INLINE), max_size=4),
        ).map(lambda t: f'<{t[0]} class="c">{"".join(t[1])}</{t[0]}>'),
        PRE_TEXT.map(lambda t: f"<pre>{t}</pre>"),
        st.just("<script>if (a < b && c) { x = '<p>Hello</p>'; }</script>"),
        INLINE.map(lambda t: f'<div class="notranslate"><p>{t}</p></div>'),
        ATTR_TEXT.map(lambda t: f'<input type="text" placeholder="{t}" aria-label="{t}">'),
    )


HTML = st.recursive(
    st.one_of(INLINE, _block(INLINE)),
    lambda inner: st.lists(st.one_of(inner, _block(inner)), min_size=1, max_size=3).map("".join),
    max_leaves=10,
)

# 150 inputs a property in the suite; POLYPOST_FUZZ_EXAMPLES runs more (the readers' fuzz tests read it too)
FAST = settings(max_examples=int(os.environ.get("POLYPOST_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(HTML)
def test_identity_engine_gives_the_same_tree(html: str) -> None:
    doc = segment_html(html)
    result = doc.reassemble([s.text for s in doc.segments])
    assert result.flags == []
    assert normalised_tree(result.html) == normalised_tree(html)
    # and the output is a fixed point: segmenting it again gives the same segments
    assert [s.text for s in segment_html(result.html).segments] == [s.text for s in doc.segments]


def _upper(text: str) -> str:
    parts = re.split(f"({PLACEHOLDER_RE.pattern})", text)
    return "".join(p if PLACEHOLDER_RE.fullmatch(p) else p.upper() for p in parts)


def _reverse_words(text: str, rng: random.Random) -> str:
    return " ".join(reversed(text.split(" ")))


def _drop_some(text: str, rng: random.Random) -> str:
    return PLACEHOLDER_RE.sub(lambda m: "" if rng.random() < 0.5 else m.group(0), text)


def _duplicate_some(text: str, rng: random.Random) -> str:
    return PLACEHOLDER_RE.sub(lambda m: m.group(0) * rng.choice([1, 2, 3]), text)


def _mangle_some(text: str, rng: random.Random) -> str:
    forms = [
        lambda s: s,
        lambda s: s.replace("⟦", "[").replace("⟧", "]"),
        lambda s: s.replace("⟦", "⟦ "),
        lambda s: s.replace("/", ""),
    ]
    return PLACEHOLDER_RE.sub(lambda m: rng.choice(forms)(m.group(0)), text)


def _shuffle_placeholders(text: str, rng: random.Random) -> str:
    found = PLACEHOLDER_RE.findall(text)
    rng.shuffle(found)
    pieces = PLACEHOLDER_RE.split(text)
    return "".join(p + (found[i] if i < len(found) else "") for i, p in enumerate(pieces))


ENGINES = [_reverse_words, _drop_some, _duplicate_some, _mangle_some, _shuffle_placeholders]


@FAST
@given(HTML, st.sampled_from(ENGINES), st.integers(0, 2**16))
def test_any_engine_keeps_every_element_once(html: str, engine, seed: int) -> None:
    rng = random.Random(seed)
    doc = segment_html(html)
    translations = [_upper(engine(s.text, rng)) for s in doc.segments]
    result = doc.reassemble(translations)
    assert element_multiset(result.html) == element_multiset(html)
    for flag in result.flags:
        assert flag["check"] == "placeholders" and 0 <= flag["segment"] < len(doc.segments)
    flagged = {f["segment"] for f in result.flags}
    for segment, translation in zip(doc.segments, translations):
        if segment.index not in flagged:
            # unflagged means every placeholder came back exactly once
            assert sorted(
                PLACEHOLDER_RE.findall(re.sub(r"⟦\s*(/?)\s*(\d+)\s*(/?)\s*⟧", r"⟦\1\2\3⟧", translation))
            ) == sorted(PLACEHOLDER_RE.findall(segment.text))


@pytest.fixture(params=PAGES, ids=lambda p: p.parent.name)
def page(request) -> str:
    return request.param.read_text(encoding="utf-8")


def test_corpus_identity_gives_the_same_tree(page: str) -> None:
    doc = segment_html(page)
    result = doc.reassemble([s.text for s in doc.segments])
    assert result.flags == []
    assert normalised_tree(result.html) == normalised_tree(page)


def test_corpus_shuffled_placeholders_keep_every_element(page: str) -> None:
    rng = random.Random(7)
    doc = segment_html(page)
    result = doc.reassemble([_shuffle_placeholders(_reverse_words(s.text, rng), rng) for s in doc.segments])
    assert element_multiset(result.html) == element_multiset(page)
