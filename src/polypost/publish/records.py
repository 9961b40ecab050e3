"""The records of publishing: its settings, what goes in (`PublishItem`), the plan of pages
(`PostEntry`, `PageVersion`), what comes out (`PublishResult`), and an output format (`Publisher`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit

from polypost.languages import language
from polypost.publish.atomic import OutputWriter
from polypost.records import Comment, Post, Translation


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@lru_cache(maxsize=256)  # asked for every page and every link between posts
def _lang_base(base_url: str, own: str | None, lang: str) -> str:
    return with_slash(own or urljoin(with_slash(base_url), f"{lang}/"))


@dataclass
class PublishSettings:
    base_url: str = "http://localhost:8000/"  # site root; a language lives at base_url + lang + "/"
    lang_base_urls: dict[str, str] = field(default_factory=dict)  # {"es": "https://es.example.com/"}
    source_lang: str = "en"
    target_lang: str = "es"
    x_default: str = "en"
    og_locales: dict[str, str] = field(default_factory=dict)  # lang -> og:locale; else the language's own
    site_title: dict[str, str] = field(default_factory=lambda: {"en": "Blog", "es": "Blog"})
    # "{original}" marks where the link to the original page goes (appended when absent).
    # Empty: the language's own wording (polypost.languages).
    mt_note: dict[str, str] = field(default_factory=dict)
    reviewed_note: dict[str, str] = field(default_factory=dict)
    ui_text: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> the strings a user changes
    templates_dir: Path | None = None  # searched before the package's templates
    page_size: int = 20
    feed_size: int = 50  # newest entries per feed; 0 keeps every post
    sitemap_max_urls: int = 50_000  # past this, sitemap.xml becomes a sitemap index
    default_image: str | None = None  # og:image for posts that have none
    format: str = "html"  # a registered publisher: "html" or "hugo"
    # Hugo content files: "html" (rendered as they are by a stock Hugo), or "md" (HTML inside Markdown,
    # which Hugo omits unless markup.goldmark.renderer.unsafe = true).
    hugo_content_ext: str = "html"
    hugo_layout: str = "bundles"  # "bundles": index.es.html beside index.html; "folders": content/<lang>/...
    # Share links on each post page (plain links, no scripts): names from polypost.share.NETWORKS.
    share_networks: tuple[str, ...] = ("x", "linkedin", "facebook", "whatsapp", "telegram")
    share_campaign: str | None = None  # utm_campaign of share links; None: the post's slug ("{slug}" is replaced)

    def lang_base(self, lang: str) -> str:
        """The absolute URL of a language's home, always ending in '/'."""
        return _lang_base(self.base_url, self.lang_base_urls.get(lang), lang)

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
        """UI strings for `lang`: the user's, else the language's, else English."""
        merged = dict(language("en").ui_text)
        merged.update(language(lang).ui_text)
        merged.update(self.ui_text.get(lang, {}))
        return merged

    def og_locale(self, lang: str) -> str:
        if lang in self.og_locales:
            return self.og_locales[lang]
        return lang.replace("-", "_") if "-" in lang else language(lang).og_locale

    def note(self, lang: str, reviewed: bool) -> str | None:
        """The note on a translated page: machine-translated, or reviewed by a person."""
        notes = self.reviewed_note if reviewed else self.mt_note
        facts = language(lang)
        return notes.get(lang) or (facts.reviewed_note if reviewed else facts.mt_note) or None


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
    unresolved: list[dict[str, str]] = field(default_factory=list)  # {"post", "lang", "reference", "reason"}
    assets: int = 0  # files copied from the sources


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
    tags_lang: str = ""  # the language the tags are written in, where it is not the page's
    path: str = ""
    url: str = ""
    # Worked out once per publish and shared by every page that shows this version (incremental.py,
    # html.py): the hash of the stored body, and the summary when there is no description.
    body_key: str = field(default="", repr=False, compare=False)
    summary: str | None = field(default=None, repr=False, compare=False)
    # The hash of the fields its pages show (body aside): a post page, a home page, a feed and a
    # tag page that list the version hash them once, not each of them again.
    shown_key: str = field(default="", repr=False, compare=False)


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
    # (folder of the output, its absolute URL) where files a post refers to are copied; None: the root
    media: Callable[[PublishSettings], tuple[str, str]] | None = None
