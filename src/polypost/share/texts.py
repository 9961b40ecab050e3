"""The text per network: shortening at word boundaries, hashtags, UTM links, composition."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Sequence
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import regex

from polypost.share.counting import COUNTERS, X_LIMIT

ELLIPSIS = "…"
_CUT_TRAILING = " ,;:.–—-(¿¡\"'«“‘"


def shorten(text: str, fits: Callable[[str], bool], min_words: int = 1) -> str:
    """The longest run of whole words from the start of `text` that `fits`, with an
    ellipsis when cut; "" when not even `min_words` words fit."""
    text = " ".join(text.split())
    if fits(text):
        return text
    words = text.split(" ")

    def cut(count: int) -> str:
        return " ".join(words[:count]).rstrip(_CUT_TRAILING) + ELLIPSIS

    # More words never make a shorter text, so the longest fit is found by bisection: a
    # publish renders this for every page, and a linear scan over a long description is slow.
    low, high, best = max(min_words, 1), len(words) - 1, ""
    while low <= high:
        middle = (low + high) // 2
        if fits(cut(middle)):
            best, low = cut(middle), middle + 1
        else:
            high = middle - 1
    return best


def hashtag(tag: str) -> str | None:
    """A tag as a hashtag: "social media" -> "#SocialMedia", "diseño" -> "#diseño".

    One word is kept as written; several are joined, each capitalised unless it already
    has capitals ("iPhone tips" -> "#iPhoneTips"). Apostrophes join ("women's day" ->
    "#WomensDay"); other punctuation splits. None for a tag with nothing a hashtag can
    hold, or only digits (X does not link "#2025").
    """
    text = regex.sub(r"['’]", "", unicodedata.normalize("NFC", tag).strip().lstrip("#＃"))
    words = [word for word in regex.split(r"[^\p{L}\p{M}\p{N}_]+", text) if word]
    if not words:
        return None
    if len(words) > 1:
        words = [word if any(c.isupper() for c in word) else word[0].upper() + word[1:] for word in words]
    body = "".join(words)
    if not regex.search(r"[\p{L}\p{M}_]", body):
        return None
    return "#" + body


def hashtags(tags: Iterable[str]) -> list[str]:
    """Hashtags for `tags`, in order, without duplicates (X treats #DevOps and #devops as one)."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        made = hashtag(tag)
        if made and made.casefold() not in seen:
            seen.add(made.casefold())
            result.append(made)
    return result


UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def with_utm(url: str, source: str, campaign: str, medium: str = "social") -> str:
    """`url` with our UTM parameters; its other query parameters are kept byte for byte,
    earlier utm_source/medium/campaign are replaced, and a #fragment stays last."""
    parts, kept = _without_utm(url)
    ours = [f"{key}={quote_all(value)}" for key, value in zip(UTM_KEYS, (source, medium, campaign), strict=True)]
    return urlunsplit(parts._replace(query="&".join([*kept, *ours])))


@lru_cache(maxsize=256)  # every network's link to a page starts from the same URL
def _without_utm(url: str):
    parts = urlsplit(url)
    return parts, tuple(pair for pair in parts.query.split("&") if pair and unquote_plus(pair.split("=", 1)[0]) not in UTM_KEYS)


# Every byte as `quote(..., safe="")` writes it: its loop runs in Python, byte by byte, and a share
# link percent-encodes the whole text of the post (tests/test_share.py holds the two equal).
_UNRESERVED = string.ascii_letters + string.digits + "_.-~"  # what quote leaves as it is
_QUOTED = tuple(chr(byte) if chr(byte) in _UNRESERVED else f"%{byte:02X}" for byte in range(256))
_SAFE = re.compile(f"[{re.escape(_UNRESERVED)}]*")


def quote_all(value: str) -> str:
    if _SAFE.fullmatch(value):  # the UTM values, most often
        return value
    return "".join(map(_QUOTED.__getitem__, value.encode("utf-8")))


def _link(base: str, **params: str) -> str:
    return base + "?" + "&".join(f"{key}={quote_all(value)}" for key, value in params.items())


# --- networks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """What a post on a network is made of."""

    title: str
    description: str
    hashtags: tuple[str, ...]
    url: str


def _blocks(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _x_body(p: Parts) -> str:
    return _blocks(p.title, p.description, " ".join(p.hashtags))


def _text_x(p: Parts) -> str:
    # The intent puts the url after the text with a space: the kit's text is the same post.
    return f"{_x_body(p)} {p.url}"


def _compose_x(p: Parts) -> tuple[str, str]:
    return _text_x(p), _link("https://x.com/intent/tweet", text=_x_body(p), url=p.url)


def _text_linkedin(p: Parts) -> str:
    return _blocks(p.title, p.description, p.url, " ".join(p.hashtags))


def _compose_linkedin(p: Parts) -> tuple[str, str]:
    return _text_linkedin(p), _link("https://www.linkedin.com/sharing/share-offsite/", url=p.url)


def _compose_facebook(p: Parts) -> tuple[str, str]:
    return _text_linkedin(p), _link("https://www.facebook.com/sharer/sharer.php", u=p.url)


def _text_whatsapp(p: Parts) -> str:
    return _blocks(f"*{p.title}*", p.description, p.url)  # *bold* in WhatsApp


def _compose_whatsapp(p: Parts) -> tuple[str, str]:
    text = _text_whatsapp(p)
    return text, _link("https://wa.me/", text=text)


def _text_telegram(p: Parts) -> str:
    return _blocks(_x_body(p), p.url)


def _compose_telegram(p: Parts) -> tuple[str, str]:
    return _text_telegram(p), _link("https://t.me/share/url", url=p.url, text=_x_body(p))


# compose() tries many texts to find the longest that fits and needs only the text of each: the
# share link (percent-encoding the whole text) is made once, for the text kept.
_TEXT_OF = {_compose_x: _text_x, _compose_linkedin: _text_linkedin, _compose_facebook: _text_linkedin,
            _compose_whatsapp: _text_whatsapp, _compose_telegram: _text_telegram}


@dataclass(frozen=True)
class Network:
    name: str
    label: str
    utm_source: str
    limit: int  # the network's own limit, in `counting` units
    target: int  # what we aim for: a short post well under the limit
    max_hashtags: int
    counting: str  # a key of COUNTERS
    compose: Callable[[Parts], tuple[str, str]]  # -> (the post's text, the share link)


NETWORKS: dict[str, Network] = {
    network.name: network
    for network in (
        Network("x", "X", "x", X_LIMIT, X_LIMIT, 2, "x-weighted", _compose_x),
        # LinkedIn folds a post after about 210 characters: the title comes first.
        Network("linkedin", "LinkedIn", "linkedin", 3000, 600, 3, "utf-16", _compose_linkedin),
        Network("facebook", "Facebook", "facebook", 63206, 500, 2, "utf-16", _compose_facebook),
        Network("whatsapp", "WhatsApp", "whatsapp", 65536, 400, 0, "utf-16", _compose_whatsapp),
        Network("telegram", "Telegram", "telegram", 4096, 400, 3, "utf-16", _compose_telegram),
    )
}
DEFAULT_NETWORKS = tuple(NETWORKS)


@dataclass
class SharePost:
    network: str
    text: str  # the whole post, link included, ready to paste or schedule
    url: str  # the page's URL with this network's UTM parameters
    share_url: str  # the network's share link for this page
    length: int  # counted as the network counts
    limit: int
    counting: str


def compose(network: Network, title: str, description: str, tags: Sequence[str], url: str,
            campaign: str) -> SharePost:
    """One network's post: the title first, then hashtags (`tags`, made by `hashtags`), then
    as much of the description as fits."""
    count = COUNTERS[network.counting]
    budget = min(network.limit, network.target)

    text_of = _TEXT_OF.get(network.compose) or (lambda parts: network.compose(parts)[0])

    def fits(parts: Parts) -> bool:
        return count(text_of(parts)) <= budget

    parts = Parts(title="", description="", hashtags=(), url=with_utm(url, network.utm_source, campaign))
    # Parts(...) by position, not dataclasses.replace: a page's share texts try dozens of them.
    parts = Parts(shorten(title, lambda text: fits(Parts(text, "", (), parts.url))), "", (), parts.url)
    for tag in tags[: network.max_hashtags]:
        tagged = Parts(parts.title, "", parts.hashtags + (tag,), parts.url)
        if fits(tagged):
            parts = tagged
    if description and " ".join(description.split()) != " ".join(title.split()):
        kept = shorten(description, lambda text: fits(Parts(parts.title, text, parts.hashtags, parts.url)), min_words=3)
        parts = Parts(parts.title, kept, parts.hashtags, parts.url)
    text, share_url = network.compose(parts)
    return SharePost(network.name, text, parts.url, share_url, count(text), network.limit, network.counting)


def campaign_for(template: str | None, slug: str) -> str:
    """utm_campaign: the post's slug by default; "{slug}" in a given campaign is replaced."""
    return (template or "{slug}").replace("{slug}", slug)


@dataclass
class ShareVersion:
    """One language version of a post and its posts per network."""

    lang: str
    title: str
    description: str
    url: str
    hashtags: list[str]
    posts: dict[str, SharePost] = field(default_factory=dict)


@dataclass
class ShareKit:
    post_id: str
    slug: str
    campaign: str
    versions: dict[str, ShareVersion]  # the target language first

    def to_dict(self) -> dict:
        return asdict(self)


def share_version(lang: str, title: str, description: str, url: str, tags: Sequence[str], campaign: str,
                  networks: Iterable[str] = DEFAULT_NETWORKS) -> ShareVersion:
    """One language version of a post with a post for each of `networks`."""
    tags_made = hashtags(tags)
    version = ShareVersion(lang, title, description, url, tags_made)
    for name in networks:
        if name not in NETWORKS:
            raise ValueError(f"share network {name!r} is unknown (known: {', '.join(NETWORKS)})")
        version.posts[name] = compose(NETWORKS[name], title, description, tags_made, url, campaign)
    return version
