"""The allowlist an untrusted body passes before it is stored: an article's markup, nothing that runs.

A scraped page, a sitemap's pages, a feed and `--fetch-full` bring HTML that someone else wrote;
published on the user's domain, a `javascript:` link, an `<iframe>` or an overlay style would run
with the user's name on it. nh3 (ammonia) parses the HTML as a browser does and keeps only
what is listed here: text structure, links, images and media, tables, code. Iframes are kept
only when they embed a host of `embed_hosts` (video players), over https.
"""

from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urlsplit

import nh3

__all__ = ["DEFAULT_EMBED_HOSTS", "sanitize_html"]

# `[sources] embed_hosts`; a host also allows its subdomains (www.youtube.com)
DEFAULT_EMBED_HOSTS = ("youtube.com", "youtube-nocookie.com", "player.vimeo.com")

TAGS = frozenset("""a abbr acronym address article aside audio b bdi bdo blockquote br caption cite code col
    colgroup dd del details dfn div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i iframe img ins kbd li
    mark ol p picture pre q rp rt ruby s samp section small source span strong sub summary sup table tbody
    td tfoot th thead time tr track u ul var video wbr""".split())
# removed with everything inside them, not unwrapped into text
DROPPED_WITH_CONTENT = frozenset({"script", "style", "object", "embed", "svg", "math", "noscript", "template",
                                  "applet", "frameset", "frame"})
ATTRIBUTES = {
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "video": {"src", "poster", "controls", "width", "height", "preload"},
    "audio": {"src", "controls", "preload"},
    "track": {"src", "kind", "srclang", "label"},
    "iframe": {"src", "width", "height", "title", "allowfullscreen", "loading"},
    "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "time": {"datetime"}, "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"}, "abbr": {"title"}, "details": {"open"},
    "*": {"class", "id", "lang", "dir", "title", "translate", "style"},
}
# what a style attribute may still say: emphasis and alignment, never position or size tricks
STYLE_PROPERTIES = frozenset({"text-align", "font-weight", "font-style", "text-decoration", "color",
                              "background-color", "vertical-align"})
_EMPTY_IFRAME_RE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S | re.I)


def _embed_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in hosts)


def sanitize_html(html: str, embed_hosts: Iterable[str] = DEFAULT_EMBED_HOSTS, keep_comments: bool = False) -> str:
    """`html` with only the allowlisted markup left; embeds only from `embed_hosts`.

    `keep_comments` keeps HTML comments (WordPress block markers) as written.
    """
    hosts = tuple(h.lower().lstrip(".") for h in embed_hosts)

    def attribute(tag: str, name: str, value: str) -> str | None:
        if tag == "iframe" and name == "src" and not _embed_allowed(value, hosts):
            return None
        return value

    cleaned = nh3.clean(html, tags=set(TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                        attributes={k: set(v) for k, v in ATTRIBUTES.items()}, attribute_filter=attribute,
                        strip_comments=not keep_comments, url_schemes={"http", "https", "mailto"},
                        filter_style_properties=set(STYLE_PROPERTIES), link_rel="noopener noreferrer")
    return _EMPTY_IFRAME_RE.sub("", cleaned)  # an iframe whose src was refused shows nothing
