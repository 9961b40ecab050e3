"""The share kit: a ready-to-post text per network for each published post, in both languages.

Every text is built from the post's (translated) title and description, its tags as
hashtags, and the page's URL with UTM parameters, and is fitted to what the network
allows, counted the way the network counts:

- X: twitter-text v3 weighting (implemented here, see `x_length`): code points in a few
  ranges (most Latin, accented letters included) weigh 1, everything else (CJK, most
  symbols, the ellipsis "…") 2; an emoji sequence (ZWJ families, skin tones, flags,
  keycaps) is one emoji and weighs 2; any link weighs 23 (t.co); text is NFC-normalised first.
- The others (LinkedIn, Facebook, WhatsApp, Telegram) count UTF-16 code units, as their
  JavaScript clients do: an emoji counts 2 or more, so a fit here is a fit there.

Texts are shortened only at word boundaries, with an ellipsis where cut. Hashtags keep
accents ("diseño" -> #diseño): X, LinkedIn, Facebook and Telegram all link Unicode hashtags.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Sequence
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import regex

if TYPE_CHECKING:
    from .config import Config
    from .models import Post, Translation
    from .publish.site import Publisher, PublishSettings
    from .store import Store

# --- counting as the networks count ------------------------------------------------------------

# twitter-text v3 (config/v3.json): code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
X_URL_LENGTH = 23  # every link becomes a t.co link of this length
X_LIMIT = 280
X_EMOJI_WEIGHT = 2

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
# Links X would shorten: with a scheme, or a bare domain. twitter-text links a bare domain
# when its TLD is a known one (see `_unlinked_short_domain` for country TLDs). Without the
# full TLD list, any TLD of three letters or more counts as a link here ("index.html" too):
# that over-counts, which makes a text shorter than needed, never too long.
_LINK = regex.compile(
    r"\bhttps?://\S+|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,})\b(?P<path>/\S*)?",
    regex.IGNORECASE,
)
_LINK_TRAILING = ".,;:!?)]}'\"»”’"


def _x_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(start <= point <= end for start, end in X_LIGHT_RANGES) else 2


def _x_plain_length(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster):
            total += X_EMOJI_WEIGHT
        else:
            total += sum(_x_weight(char) for char in cluster)
    return total


def _unlinked_short_domain(match: regex.Match) -> bool:
    """twitter-text leaves a bare "name.cc" (one label, a country TLD, no path) unlinked,
    except t.co: "bit.ly" and "Node.js" are text, "bit.ly/x" and "www.elpais.es" links."""
    tld, domain = match.group("tld"), match.group()
    return bool(tld) and len(tld) == 2 and not match.group("path") and domain.count(".") == 1 \
        and domain.lower() != "t.co"


def x_length(text: str) -> int:
    """The length X shows for `text` (twitter-text v3 weighted length)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    total, position = 0, 0
    for match in _LINK.finditer(text):
        if _unlinked_short_domain(match):
            continue
        link = match.group().rstrip(_LINK_TRAILING)
        total += _x_plain_length(text[position : match.start()]) + X_URL_LENGTH
        position = match.start() + len(link)
    return total + _x_plain_length(text[position:])


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (JavaScript's `string.length`), after NFC."""
    return len(unicodedata.normalize("NFC", text).encode("utf-16-le")) // 2


COUNTERS: dict[str, Callable[[str], int]] = {"x-weighted": x_length, "utf-16": utf16_length}

# --- words, hashtags, URLs -------------------------------------------------------------------------

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
    parts = urlsplit(url)
    kept = [pair for pair in parts.query.split("&") if pair and unquote_plus(pair.split("=", 1)[0]) not in UTM_KEYS]
    ours = [f"{key}={quote(value, safe='')}" for key, value in zip(UTM_KEYS, (source, medium, campaign), strict=True)]
    return urlunsplit(parts._replace(query="&".join(kept + ours)))


def _link(base: str, **params: str) -> str:
    return base + "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())


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


def _compose_x(p: Parts) -> tuple[str, str]:
    body = _blocks(p.title, p.description, " ".join(p.hashtags))
    # The intent puts the url after the text with a space: the kit's text is the same post.
    return f"{body} {p.url}", _link("https://x.com/intent/tweet", text=body, url=p.url)


def _compose_linkedin(p: Parts) -> tuple[str, str]:
    return _blocks(p.title, p.description, p.url, " ".join(p.hashtags)), _link(
        "https://www.linkedin.com/sharing/share-offsite/", url=p.url)


def _compose_facebook(p: Parts) -> tuple[str, str]:
    return _blocks(p.title, p.description, p.url, " ".join(p.hashtags)), _link(
        "https://www.facebook.com/sharer/sharer.php", u=p.url)


def _compose_whatsapp(p: Parts) -> tuple[str, str]:
    text = _blocks(f"*{p.title}*", p.description, p.url)  # *bold* in WhatsApp
    return text, _link("https://wa.me/", text=text)


def _compose_telegram(p: Parts) -> tuple[str, str]:
    body = _blocks(p.title, p.description, " ".join(p.hashtags))
    return _blocks(body, p.url), _link("https://t.me/share/url", url=p.url, text=body)


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

    def fits(parts: Parts) -> bool:
        return count(network.compose(parts)[0]) <= budget

    parts = Parts(title="", description="", hashtags=(), url=with_utm(url, network.utm_source, campaign))
    parts = replace(parts, title=shorten(title, lambda text: fits(replace(parts, title=text))))
    for tag in tags[: network.max_hashtags]:
        if fits(replace(parts, hashtags=parts.hashtags + (tag,))):
            parts = replace(parts, hashtags=parts.hashtags + (tag,))
    if description and " ".join(description.split()) != " ".join(title.split()):
        kept = shorten(description, lambda text: fits(replace(parts, description=text)), min_words=3)
        parts = replace(parts, description=kept)
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


# --- the kit from the store ----------------------------------------------------------------------


def is_published(translation: "Translation | None") -> bool:
    """A target-language page exists for readers: published and not held back."""
    from .publishing import HELD_STATUSES

    return bool(translation and translation.published_path and translation.status not in HELD_STATUSES)


def share_kits(store: "Store", config: "Config", post: str | None = None, new_only: bool = False,
               campaign: str | None = None, networks: Sequence[str] = DEFAULT_NETWORKS) -> list[ShareKit]:
    """The kits of every post with a published target-language page (or of `post`, an id or
    slug). With `new_only`, only posts not handed out before, and they are recorded as handed
    out (in the `shares` table) so that the next call leaves them out."""
    from .config import ConfigError
    from .publish.site import get_publisher
    from .publishing import publish_settings

    # The URLs are the publisher's own, from the settings publishing uses.
    settings = publish_settings(config)
    try:
        settings.check()
        publisher = get_publisher(settings.format)
    except ValueError as exc:  # links to a site that cannot exist: a configuration error
        raise ConfigError(str(exc)) from exc
    pairs = _published_pairs(store, config, post)
    if new_only:
        pairs = _unshared(store, config, pairs)
    kits = [_kit(post_, translation, settings, publisher, campaign, networks) for post_, translation in pairs]
    if new_only:
        _record(store, [kit.post_id for kit in kits], (config.target_lang, config.source_lang))
    return kits


def _published_pairs(store: "Store", config: "Config", post: str | None) -> list[tuple["Post", "Translation"]]:
    if post is not None:
        found = store.get_post(post)
        if found is None:
            raise LookupError(f"no post with id or slug {post!r}")
        translation = store.get_translation(found.id, config.target_lang)
        if not is_published(translation):
            raise LookupError(f"post {post!r} has no published {config.target_lang} page (publish it first)")
        return [(found, translation)]
    pairs = []
    for item in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(item.id, config.target_lang)
        if is_published(translation):
            pairs.append((item, translation))
    return pairs


def _unshared(store: "Store", config: "Config", pairs: list) -> list:
    shared = {row["post_id"] for row in store.db.query(
        "select post_id from shares where lang = ?", [config.target_lang])}
    live = {post.id for post, _ in pairs}
    gone = shared - live
    if gone:
        # A page taken down (held, unpublished) and later put back is a new page: hand it out again.
        with store.db.conn:
            store.db.execute(
                f"delete from shares where post_id in ({', '.join('?' * len(gone))})", sorted(gone))
    return [(post, translation) for post, translation in pairs if post.id not in shared]


def _record(store: "Store", post_ids: list[str], langs: Iterable[str]) -> None:
    from .store import now

    stamp = now()
    rows = [{"post_id": post_id, "lang": lang, "shared_at": stamp} for post_id in post_ids for lang in langs]
    if rows:
        with store.db.conn:
            store.db["shares"].upsert_all(rows, pk=("post_id", "lang"))


def _kit(post: "Post", translation: "Translation", settings: "PublishSettings", publisher: "Publisher",
         campaign: str | None, networks: Sequence[str]) -> ShareKit:
    from .publish.html import summarize
    from .publish.site import check_slug

    name = campaign_for(campaign or settings.share_campaign, post.slug)
    versions = {}
    for lang, title, description, html, slug in (
        (settings.target_lang, translation.title, translation.description, translation.html, translation.slug),
        (settings.source_lang, post.title, post.description, post.html, post.slug),
    ):
        # The same URL the publisher gave the page, and the description its og:description has.
        _, url = publisher.locate(post, lang, check_slug(slug, post.id), settings)
        versions[lang] = share_version(lang, title, description or summarize(html), url, post.tags, name, networks)
    return ShareKit(post_id=post.id, slug=post.slug, campaign=name, versions=versions)


# --- output formats ----------------------------------------------------------------------------------

FORMATS = ("md", "json", "csv")
CSV_COLUMNS = ("post_id", "slug", "lang", "network", "title", "url", "text", "length", "limit", "counting",
               "share_url")


def render_kits(kits: Sequence[ShareKit], fmt: str) -> str:
    """The kits as one JSON object, CSV (one row per post, language and network) or Markdown."""
    if fmt == "json":
        return json.dumps({"posts": [kit.to_dict() for kit in kits]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for kit in kits:
            for version in kit.versions.values():
                for shared in version.posts.values():
                    writer.writerow({"post_id": kit.post_id, "slug": kit.slug, "lang": version.lang,
                                     "network": shared.network, "title": version.title, "url": shared.url,
                                     "text": shared.text, "length": shared.length, "limit": shared.limit,
                                     "counting": shared.counting, "share_url": shared.share_url})
        return buffer.getvalue()
    if fmt == "md":
        return _markdown(kits)
    raise LookupError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")


def _markdown(kits: Sequence[ShareKit]) -> str:
    lines: list[str] = []
    for kit in kits:
        first = next(iter(kit.versions.values()))
        lines += [f"## {first.title}", "", f"post `{kit.post_id}`, campaign `{kit.campaign}`", ""]
        for version in kit.versions.values():
            lines += [f"### {version.lang}: <{version.url}>", ""]
            for shared in version.posts.values():
                fence = "~" * max(3, 1 + max((len(run) for run in regex.findall(r"~+", shared.text)), default=0))
                label = NETWORKS[shared.network].label
                lines += [f"**{label}** ({shared.length}/{shared.limit})", "", fence + "text", shared.text,
                          fence, "", f"[share on {label}](<{shared.share_url}>)", ""]
    return "\n".join(lines) + ("\n" if lines else "")
