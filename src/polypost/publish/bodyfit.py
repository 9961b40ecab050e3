"""A body made to fit inside the page around it.

An extracted article may bring its own `<main>` (the page it came from had one), and ids the
page template uses itself (`id="content"`, the target of the skip link): inside our `<main
id="content">` that is a second main element and a duplicate id, both errors to the Nu
checker and confusing to a screen reader. The body's `<main>` becomes a `<div>`, and those
ids (and the body's own links to them) get a `post-` prefix. An `<img>` with neither `src` nor
`srcset` (a placeholder a script of the old page was to fill) shows nothing and is invalid: it goes.
"""

from __future__ import annotations

import re

TEMPLATE_IDS = ("content", "comments-title")  # ids base.html and post.html give their own elements
_MAIN = re.compile(r"<(/?)main\b", re.IGNORECASE)
_IDS = re.compile(r"""(\sid\s*=\s*["']?)(%s)(["'\s>])""" % "|".join(TEMPLATE_IDS), re.IGNORECASE)
_LINKS = re.compile(r"""(\shref\s*=\s*["']?#)(%s)(["'\s>])""" % "|".join(TEMPLATE_IDS), re.IGNORECASE)


_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_HAS_SOURCE = re.compile(r"\s(?:src|srcset)\s*=", re.IGNORECASE)


# Any of the three: one scan tells most bodies ("main" and "content" are common words) that there
# is nothing to change.
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (_MAIN, _IDS, _LINKS)), re.IGNORECASE)


def fit_body(html: str) -> str:
    if "<img" in html:
        html = _IMG.sub(lambda m: m.group(0) if _HAS_SOURCE.search(m.group(0)) else "", html)
    if not _ANY.search(html):
        return html
    html = _MAIN.sub(r"<\1div", html)
    html = _IDS.sub(r"\1post-\2\3", html)
    return _LINKS.sub(r"\1post-\2\3", html)
