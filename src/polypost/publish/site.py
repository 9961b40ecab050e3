"""Publishing orchestration: settings, the plan of pages, the publisher registry.

`publish_site` turns posts and their translations into a plan (one `PageVersion` per
post and language, with its path and absolute URL), hands the plan to the publisher
named by `settings.format`, and lets the `OutputWriter` remove what is no longer
published. Publishers are found by name, so another generator is one more
`register_publisher` call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import quote, urljoin, urlsplit

from polypost.records import Comment, Post, Translation
from polypost.publish.atomic import OutputWriter

# Translation statuses that keep a post out of the target language altogether.
HELD_STATUSES = frozenset({"held", "flagged-held"})

DEFAULT_UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "switch_to": "Read in English",
        "language_name": "English",
        "by": "By",
        "comments": "Comments",
        "newer": "Newer posts",
        "older": "Older posts",
        "page_of": "Page {page} of {pages}",
        "no_posts": "No posts yet.",
        "feed": "Subscribe (Atom feed)",
        "tags": "Tags",
        "original": "original",
        "skip": "Skip to content",
        "choose": "Choose a language",
        "pagination": "Pages",
        "languages": "Languages",
    },
    "es": {
        "switch_to": "Leer en español",
        "language_name": "Español",
        "by": "Por",
        "comments": "Comentarios",
        "newer": "Entradas más recientes",
        "older": "Entradas anteriores",
        "page_of": "Página {page} de {pages}",
        "no_posts": "Todavía no hay entradas.",
        "feed": "Suscribirse (canal Atom)",
        "tags": "Etiquetas",
        "original": "original en inglés",
        "skip": "Ir al contenido",
        "choose": "Elige un idioma",
        "pagination": "Páginas",
        "languages": "Idiomas",
    },
}


@dataclass
class PublishSettings:
    base_url: str = "http://localhost:8000/"  # site root; a language lives at base_url + lang + "/"
    lang_base_urls: dict[str, str] = field(default_factory=dict)  # {"es": "https://es.example.com/"}
    source_lang: str = "en"
    target_lang: str = "es"
    x_default: str = "en"
    og_locales: dict[str, str] = field(default_factory=lambda: {"en": "en_US", "es": "es_ES"})
    site_title: dict[str, str] = field(default_factory=lambda: {"en": "Blog", "es": "Blog"})
    # "{original}" marks where the link to the original page goes (appended when absent).
    mt_note: dict[str, str] = field(
        default_factory=lambda: {
            "es": "Esta entrada es una traducción automática del {original}. Puede contener errores.",
        }
    )
    reviewed_note: dict[str, str] = field(
        default_factory=lambda: {
            "es": "Esta entrada es una traducción del {original}, revisada por una persona.",
        }
    )
    ui_text: dict[str, dict[str, str]] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_UI_TEXT.items()})
    templates_dir: Path | None = None  # searched before the package's templates
    page_size: int = 20
    feed_size: int = 50  # newest entries per feed; 0 keeps every post
    sitemap_max_urls: int = 50_000  # past this, sitemap.xml becomes a sitemap index
    default_image: str | None = None  # og:image for posts that have none
    format: str = "html"  # a registered publisher: "html" or "hugo"
    hugo_content_ext: str = "md"  # "html" for Hugo sites without goldmark's unsafe = true
    # Share links on each post page (plain links, no scripts): names from polypost.share.NETWORKS.
    share_networks: tuple[str, ...] = ("x", "linkedin", "facebook", "whatsapp", "telegram")
    share_campaign: str | None = None  # utm_campaign of share links; None: the post's slug ("{slug}" is replaced)

    def lang_base(self, lang: str) -> str:
        """The absolute URL of a language's home, always ending in '/'."""
        base = self.lang_base_urls.get(lang) or urljoin(_with_slash(self.base_url), f"{lang}/")
        return _with_slash(base)

    def check(self) -> None:
        """Refuse settings that would publish broken links, naming the setting."""
        for name, url in [("base_url", self.base_url)] + [
            (f"lang_base_urls[{lang!r}]", url) for lang, url in self.lang_base_urls.items()
        ]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{name} = {url!r}: hreflang and canonical links need an absolute http(s) URL")
        if self.source_lang == self.target_lang:
            raise ValueError(f"source_lang and target_lang are both {self.source_lang!r}")
        if self.x_default not in self.langs():
            raise ValueError(f"x_default = {self.x_default!r}: must be one of {self.langs()}")

    def langs(self) -> list[str]:
        return [self.source_lang, self.target_lang]

    def text(self, lang: str) -> dict[str, str]:
        """UI strings for `lang`, falling back to English for keys a user did not give."""
        merged = dict(DEFAULT_UI_TEXT["en"])
        merged.update(DEFAULT_UI_TEXT.get(lang, {}))
        merged.update(self.ui_text.get(lang, {}))
        return merged


@dataclass
class PublishItem:
    post: Post
    translation: Translation | None  # None, or a held status: English page only, no twin links


@dataclass
class PublishResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    urls: dict[tuple[str, str], str] = field(default_factory=dict)  # (post_id, lang) -> absolute URL
    paths: dict[tuple[str, str], str] = field(default_factory=dict)  # (post_id, lang) -> path in out dir
    failed: list[dict[str, str]] = field(default_factory=list)  # {"post": id, "error": why}


@dataclass
class PageVersion:
    """One language version of a post, with everything a template or feed needs."""

    post_id: str
    lang: str
    slug: str
    title: str
    description: str | None
    html: str  # or a StoredText, read when a page is rendered: use str(version.html)
    author: str | None
    published: datetime | None
    date_only: bool  # the source gave a date without a time
    updated: datetime | None
    image: str | None  # absolute
    tags: list[str]
    comments: list[Comment]
    status: str  # "original", or the Translation's status
    path: str = ""
    url: str = ""


@dataclass
class PostEntry:
    """A post and its published versions, source language first."""

    post: Post
    versions: dict[str, PageVersion]

    def alternates(self, settings: PublishSettings) -> list[tuple[str, str]]:
        """(hreflang, url) for every version, then x-default; empty for a lone version."""
        if len(self.versions) < 2:
            return []
        pairs = [(lang, version.url) for lang, version in self.versions.items()]
        fallback = self.versions.get(settings.x_default) or self.versions[settings.source_lang]
        return pairs + [("x-default", fallback.url)]


@dataclass(frozen=True)
class Publisher:
    """An output format: where each page goes, and how the whole site is written."""

    name: str
    locate: Callable[[Post, str, str, PublishSettings], tuple[str, str]]  # (post, lang, slug) -> (path, url)
    write: Callable[[list[PostEntry], OutputWriter, PublishSettings], None]


_PUBLISHERS: dict[str, Publisher] = {}


def register_publisher(publisher: Publisher) -> Publisher:
    _PUBLISHERS[publisher.name] = publisher
    return publisher


def get_publisher(name: str) -> Publisher:
    # Built-ins register on import, exactly as a third-party publisher would.
    from polypost.publish import html, markdown  # noqa: F401

    if name not in _PUBLISHERS:
        known = ", ".join(sorted(_PUBLISHERS))
        raise ValueError(f"format {name!r}: no such publisher (known: {known})")
    return _PUBLISHERS[name]


def publish_site(items: Sequence[PublishItem], out_dir: Path, settings: PublishSettings) -> PublishResult:
    """Write the whole site for `items` into `out_dir`; files of posts no longer listed go."""
    settings.check()
    publisher = get_publisher(settings.format)
    result = PublishResult()
    entries = plan_entries(items, settings, publisher, result.failed)
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = OutputWriter(out_dir)
    publisher.write(entries, writer, settings)
    result.removed = writer.finish()
    result.written = writer.written
    result.unchanged = writer.unchanged
    for entry in entries:
        for lang, version in entry.versions.items():
            result.urls[(entry.post.id, lang)] = version.url
            result.paths[(entry.post.id, lang)] = version.path
    return result


def plan_entries(
    items: Sequence[PublishItem], settings: PublishSettings, publisher: Publisher, failed: list[dict[str, str]]
) -> list[PostEntry]:
    """One entry per publishable post, newest first; problems go to `failed`, not up."""
    entries: list[PostEntry] = []
    claimed: dict[str, str] = {}  # path -> post id, to catch two posts on one URL
    for item in items:
        try:
            entry = _plan_entry(item, settings, publisher)
            for version in entry.versions.values():
                owner = claimed.get(version.path)
                if owner is not None:
                    raise ValueError(f"slug {version.slug!r} ({version.lang}) is already used by post {owner}")
            for version in entry.versions.values():
                claimed[version.path] = item.post.id
        except ValueError as error:
            failed.append({"post": item.post.id, "error": str(error)})
            continue
        entries.append(entry)
    entries.sort(key=_newest_first)
    return entries


def _newest_first(entry: PostEntry) -> tuple[int, float, str]:
    published = entry.versions[next(iter(entry.versions))].published
    if published is None:
        return (1, 0.0, entry.post.id)  # undated posts after dated ones
    return (0, -published.timestamp(), entry.post.id)


def _plan_entry(item: PublishItem, settings: PublishSettings, publisher: Publisher) -> PostEntry:
    post = item.post
    published, date_only = parse_datetime(post.published)
    image = _absolute_image(post, settings)
    original = PageVersion(
        post_id=post.id,
        lang=settings.source_lang,
        slug=check_slug(post.slug, post.id),
        title=post.title,
        description=post.description,
        html=post.html,
        author=post.author,
        published=published,
        date_only=date_only,
        updated=parse_datetime(post.updated_at)[0] or published,
        image=image,
        tags=list(post.tags),
        comments=list(post.comments),
        status="original",
    )
    versions = {settings.source_lang: original}
    translation = item.translation
    if translation is not None and translation.status not in HELD_STATUSES:
        if translation.lang != settings.target_lang:
            raise ValueError(f"translation is in {translation.lang!r}, the site's target is {settings.target_lang!r}")
        translated_at = parse_datetime(translation.translated_at)[0]
        versions[settings.target_lang] = PageVersion(
            post_id=post.id,
            lang=translation.lang,
            slug=check_slug(translation.slug, post.id),
            title=translation.title,
            description=translation.description,
            html=translation.html,
            author=post.author,
            published=published,
            date_only=date_only,
            updated=max((d for d in (original.updated, translated_at) if d), default=None),
            image=image,
            tags=list(post.tags),
            comments=list(post.comments),
            status=translation.status,
        )
    for lang, version in versions.items():
        version.path, version.url = publisher.locate(post, lang, version.slug, settings)
    return PostEntry(post=post, versions=versions)


def check_slug(slug: str, post_id: str) -> str:
    """A slug becomes a folder name: refuse anything that could leave its language folder."""
    if not slug or slug.strip(".") == "" or "/" in slug or "\\" in slug or slug.startswith("."):
        raise ValueError(f"post {post_id}: slug {slug!r} cannot be a folder name")
    if any(ord(char) < 32 for char in slug):
        raise ValueError(f"post {post_id}: slug {slug!r} contains control characters")
    return slug


def url_path_segment(slug: str) -> str:
    return quote(slug, safe="-._~")


def parse_datetime(value: str | None) -> tuple[datetime | None, bool]:
    """An ISO 8601 date or datetime as an aware datetime (naive means UTC), and date-only-ness."""
    if not value:
        return None, False
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), True
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, False
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed, False


def _absolute_image(post: Post, settings: PublishSettings) -> str | None:
    image = post.image or settings.default_image
    if not image:
        return None
    # A relative image belongs to the original site, not to ours.
    return urljoin(post.url or _with_slash(settings.base_url), image)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
