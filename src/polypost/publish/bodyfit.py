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


# What any of the three needs, looked for in the body lowercased: a case-blind pattern that starts
# with \s tries every space of the body in turn (120 us for 3 KB), one that starts with "=" is
# searched for that character first. Any attribute whose value is a template id passes (the three
# patterns then say which change); "main" and "content" alone are common words.
_MAIN_TAG = ("<main", "</main")
_TEMPLATE_ID = re.compile(r"""=\s*["']?#?(?:%s)""" % "|".join(TEMPLATE_IDS))


def fit_body(html: str) -> str:
    if "<img" in html:
        html = _IMG.sub(lambda m: m.group(0) if _HAS_SOURCE.search(m.group(0)) else "", html)
    lowered = html.lower()
    if not any(tag in lowered for tag in _MAIN_TAG) and not _TEMPLATE_ID.search(lowered):
        return html
    html = _MAIN.sub(r"<\1div", html)
    html = _IDS.sub(r"\1post-\2\3", html)
    return _LINKS.sub(r"\1post-\2\3", html)
