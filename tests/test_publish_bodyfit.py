"""A body fitted into the page: its <main> a <div>, the template's ids (and the body's links to
them) prefixed, placeholder images dropped, with a quick look telling most bodies apart."""

from __future__ import annotations

import random

from polypost.publish.bodyfit import _HAS_SOURCE, _IDS, _IMG, _LINKS, _MAIN, fit_body


def fitted_by_every_rule(html: str) -> str:
    """The rules applied one after the other, each to the whole body (the reference)."""
    html = _IMG.sub(lambda m: m.group(0) if _HAS_SOURCE.search(m.group(0)) else "", html)
    html = _MAIN.sub(r"<\1div", html)
    html = _IDS.sub(r"\1post-\2\3", html)
    return _LINKS.sub(r"\1post-\2\3", html)


PIECES = ["<main>", "</main>", "<MAIN class=x>", "<mainly>", "main", "domain", " id=content>", ' id="content"',
          " ID='Comments-Title'>", ' href="#content">', " href=#comments-title ", "content", "<p>", "</p>", "x",
          '<img src="a.png">', "<img alt=placeholder>", "<IMG SRCSET='b.png 2x'>", '<img alt="a > b">', " ", "\n",
          ' id="contents"', " data-id=content>", " id = 'content' ", ' HREF =\n"#CONTENT"', ' class="content"', "=",
          "id", "#"]


def test_random_bodies_are_fitted_as_every_rule_would():
    rng = random.Random(8)
    for _ in range(5000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert fit_body(html) == fitted_by_every_rule(html), html


def test_a_body_in_capitals_is_fitted_too():
    # Before, "main" and "content" were looked for in lower case only, so these were left as they were.
    assert fit_body('<MAIN><h2 ID="CONTENT">Hi</h2></MAIN>') == '<div><h2 ID="post-CONTENT">Hi</h2></div>'
    body = "<p>Our main content calendar.</p>"
    assert fit_body(body) == body
