"""The records that pass between stages.

Sources yield `SourcePost`; the store turns them into `Post` rows; the translate stage
produces `Translation` rows. Everything here is plain data: no I/O, no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


# A translation's status, written by the translate stage and the review import.
MACHINE = "machine"  # machine output, every check passed
FLAGGED = "flagged"  # published, but a check asks a person to look
REVIEWED = "reviewed"  # every machine segment replaced or approved by a person
HELD = "held"  # not published: a check in [qa] hold_back failed, or a strict glossary missed
TRANSLATION_STATUSES = (MACHINE, FLAGGED, REVIEWED, HELD)
# Statuses that keep a post out of the target language: no page, and no twin link from the original.
HIDDEN_STATUSES = frozenset({HELD})
# What `polypost review` lists (besides any translation with QA flags).
NEEDS_REVIEW_STATUSES = frozenset({FLAGGED, HELD})

# What storing a post did.
NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"

# Why a post is off the site (the post_states table): its source no longer has it, a person took it
# down (`polypost remove`), or a person said never to translate or publish it (`polypost exclude`).
GONE, REMOVED, EXCLUDED = "gone", "removed", "excluded"
POST_STATES = (GONE, REMOVED, EXCLUDED)

# The status of a page in the plan that is not a translation: the post as written.
ORIGINAL = "original"

# Names of the networks share kits and share links know (polypost.share.texts defines them).
SHARE_NETWORKS = ("x", "linkedin", "facebook", "whatsapp", "telegram")

# QA checks a translated segment can fail (polypost.translate.qa); `[qa] hold_back` names them.
QA_CHECKS = ("placeholders", "markup", "cut-off", "numbers", "repetition", "untranslated", "empty", "length",
             "truncated", "second-look", "glossary", "doubled-words", "sentences", "urls", "opening-marks",
             "untranslated-words", "unknown-words", "grammar")
# Held back unless the settings say otherwise: markup that found no place, a sentence the model
# stopped translating at its decoding limit. Both would publish a visibly broken page.
DEFAULT_HOLD_BACK = ("placeholders", "cut-off")


@dataclass
class Comment:
    """A reader comment, kept apart from the body and never translated."""

    author: str = ""
    html: str = ""  # the comment's text with its own markup (links kept)
    published: str | None = None  # ISO 8601
    lang: str | None = None
    lang_confidence: float | None = None
    parent: int | None = None  # index of the comment this one replies to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Comment":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


DETECTED = ("lang", "lang_confidence")  # Comment fields polypost fills in, not the source


@dataclass
class SourcePost:
    """One post as a source found it, before it is stored.

    `origin` names where it came from (a file path, a URL, "file.xml#item-3") so that
    every error about this post can say where to look.
    """

    origin: str
    title: str
    html: str  # the body only: no navigation, header, footer or comments
    source: str = "files"  # the kind of source: files, url, sitemap, feed, wxr
    url: str | None = None  # canonical URL when known
    slug: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    modified: str | None = None  # ISO 8601: when the source says the post last changed
    # What pairs this post with its version in another language when the source says so:
    # "key:<Hugo translationKey>", "of:<translation_of>", "slugdate:<explicit slug>|<date>".
    translation_keys: list[str] = field(default_factory=list)
    lang_hint: str | None = None  # what the source declares (html lang, front matter), if anything
    source_digest: str | None = None  # a file's bytes and reading settings, to pass it over next time unread
    translation_slugs: dict[str, str] = field(default_factory=dict)  # language -> the slug its author chose

    @property
    def identity(self) -> str:
        """What makes this post the same post across runs: its URL, else its origin."""
        return self.url or self.origin

    def post_id(self) -> str:
        return hashlib.sha1(self.identity.encode("utf-8")).hexdigest()[:12]

    def content_hash(self) -> str:
        """A hash of everything a reader sees, so an unchanged source changes nothing."""
        payload = {
            "title": self.title,
            "html": self.html,
            "author": self.author,
            "published": self.published,
            "description": self.description,
            "image": self.image,
            "tags": self.tags,
            "slug": self.slug,
            "url": self.url,
            # A comment's language is detected from its text, not part of what the source says:
            # leaving it out keeps the hash the same before and after detection.
            "comments": [{k: v for k, v in c.to_dict().items() if k not in DETECTED} for c in self.comments],
        }
        if self.modified:  # only when given, so that the hash of a post without one stays what it was
            payload["modified"] = self.modified
        if self.translation_keys:
            payload["translation_keys"] = self.translation_keys
        if self.translation_slugs:
            payload["translation_slugs"] = self.translation_slugs
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(data).hexdigest()


@dataclass
class Post:
    """A stored post: one row of the `posts` table."""

    id: str
    source: str
    origin: str
    title: str
    html: str
    slug: str
    content_hash: str
    url: str | None = None
    lang: str | None = None
    lang_confidence: float | None = None
    author: str | None = None
    published: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    ingested_at: str | None = None
    updated_at: str | None = None  # when the store last changed this row (not the source's date)
    modified: str | None = None  # ISO 8601: when the source says the post last changed
    translation_keys: list[str] = field(default_factory=list)  # as SourcePost's
    translation_slugs: dict[str, str] = field(default_factory=dict)  # as SourcePost's

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Post":
        meta = json.loads(row.get("meta") or "{}")
        return cls(
            id=row["id"],
            source=row["source"],
            origin=row["origin"],
            title=row["title"],
            html=row["html"],
            slug=row["slug"],
            content_hash=row["content_hash"],
            url=row.get("url"),
            lang=row.get("lang"),
            lang_confidence=row.get("lang_confidence"),
            author=row.get("author"),
            published=row.get("published"),
            description=meta.get("description"),
            image=meta.get("image"),
            tags=meta.get("tags", []),
            comments=[Comment.from_dict(c) for c in json.loads(row.get("comments") or "[]")],
            ingested_at=row.get("ingested_at"),
            updated_at=row.get("updated_at"),
            modified=meta.get("modified"),
            translation_keys=meta.get("translation_keys", []),
            translation_slugs=meta.get("translation_slugs", {}),
        )


@dataclass
class Translation:
    """A post in the target language: one row of the `translations` table."""

    post_id: str
    lang: str
    title: str
    slug: str
    html: str
    description: str | None = None
    status: str = MACHINE  # one of TRANSLATION_STATUSES
    engine: str | None = None
    source_hash: str | None = None  # the Post.content_hash it was made from
    glossary_report: list[dict[str, Any]] = field(default_factory=list)
    qa_report: list[dict[str, Any]] = field(default_factory=list)
    published_path: str | None = None
    translated_at: str | None = None
    tags: list[str] = field(default_factory=list)  # the post's tags translated, in its order ([]: none)
    html_hash: str | None = None  # body_hash(html), saved with it (None: not known, hash the body)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Translation":
        return cls(
            post_id=row["post_id"],
            lang=row["lang"],
            title=row["title"],
            slug=row["slug"],
            html=row["html"],
            description=row.get("description"),
            status=row.get("status") or MACHINE,
            engine=row.get("engine"),
            source_hash=row.get("source_hash"),
            glossary_report=json.loads(row.get("glossary_report") or "[]"),
            qa_report=json.loads(row.get("qa_report") or "[]"),
            published_path=row.get("published_path"),
            translated_at=row.get("translated_at"),
            tags=json.loads(row.get("tags") or "[]"),
            html_hash=row.get("html_hash"),
        )


@dataclass
class SourceProblem:
    """An input that did not become a post: an error (the batch goes on) or a skip."""

    origin: str  # the file, URL or file#position it came from
    error: str  # a sentence a user can act on
    skipped: bool = False  # True: not a post at all (e.g. an unknown file type), not a failure


def body_hash(html: str) -> str:
    """The hash of a stored body (a translation's `html_hash`); a lone surrogate a source carried
    hashes too."""
    return hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()


def source_hash(text: str) -> str:
    """The hash that keys a segment's source text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MemoryKey:
    source_hash: str
    source_lang: str
    target_lang: str
    engine: str
    engine_version: str
    terms_hash: str


@dataclass
class MemoryEntry:
    key: MemoryKey
    source_text: str
    target_text: str
    origin: str = "machine"  # "machine" or "human"
    qa_flags: list = field(default_factory=list)
    created_at: str = ""  # set by put() when empty
