"""Every URL attribute of an HTML body passed through one function, the rest left byte for byte.

A body is the pipeline's own serialised HTML, so a scanner over its tags is enough, and it is
fast on a big page (one C regex pass) where a parse and re-serialisation would be slow and
would also change markup nobody asked to change. Comments, <script>, <style> and <textarea>
are passed over whole: what looks like a tag inside them is not one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# Elements and the attributes of theirs that hold a URL (srcset: a list of them).
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "iframe": ("src",), "embed": ("src",),
    "object": ("data",), "input": ("src",),
}

_TAG = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|textarea)\b[^>]*>.*?</\1\s*>"
    r"|<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"(\s+)([^\s\"'>/=]+)(?:(\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")

Rewrite = Callable[[str, str, str], "str | None"]  # (tag, attribute, value) -> new value, or None: as is


def rewrite_urls(body: str, rewrite: Rewrite) -> str:
    """`body` with each URL attribute value replaced by `rewrite(tag, attribute, value)`."""

    def tag(match: re.Match) -> str:
        name = (match.group(2) or "").lower()
        wanted = URL_ATTRIBUTES.get(name)
        if not wanted:
            return match.group(0)
        attributes = match.group(3)
        changed = _ATTRIBUTE.sub(lambda m: _attribute(m, name, wanted, rewrite), attributes)
        if changed == attributes:
            return match.group(0)
        start, end = match.span(3)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + changed + whole[end - offset:]

    return _TAG.sub(tag, body)


def _attribute(match: re.Match, tag: str, wanted: tuple[str, ...], rewrite: Rewrite) -> str:
    name = match.group(2).lower()
    raw = match.group(4)
    if name not in wanted or raw is None:
        return match.group(0)
    value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
    if name == "srcset":
        new = _srcset(value, tag, rewrite)
    else:
        new = rewrite(tag, name, value.strip())
    if new is None or new == value:
        return match.group(0)
    return f'{match.group(1)}{match.group(2)}="{html.escape(new, quote=True)}"'


def _srcset(value: str, tag: str, rewrite: Rewrite) -> str | None:
    candidates = []
    changed = False
    for part in value.split(","):
        words = part.strip().split()
        if not words:
            continue
        new = rewrite(tag, "srcset", words[0])
        if new is not None and new != words[0]:
            words[0] = new
            changed = True
        candidates.append(" ".join(words))
    return ", ".join(candidates) if changed else None
