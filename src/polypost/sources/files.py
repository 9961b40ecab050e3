"""Local files and folders: HTML pages, HTML fragments and Markdown with front matter.

Markdown is rendered with markdown-it-py (CommonMark, plus GitHub-style tables and strikethrough):
it is maintained, spec-tested, and renders raw HTML in posts as written, which blog Markdown relies
on (Hugo posts open with an <img> tag, for instance).
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from polypost.sources.page.extract import ExtractError, decode_html, extract_page, is_full_page
from polypost.sources.page.metadata import page_modified
from polypost import __version__
from polypost.forking import map_in_order
from polypost.records import SourcePost, SourceProblem
from polypost.hookspecs import hookimpl
from polypost.sources.registry import FILES, ReadSettings, SourceKind
from polypost.sources.front_matter import FrontMatterError, split_front_matter
from polypost.sources.responses import Unchanged
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS, sanitize_html
from polypost.sources.walk import walk_files
from polypost.sources.words import DEFAULT_MAX_WORDS, words_problem

__all__ = ["DEFAULT_MAX_BYTES", "HTML_SUFFIXES", "MARKDOWN_SUFFIXES", "iter_file_posts", "read_file_post"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
MODIFIED_KEYS = ("lastmod", "last_modified_at", "modified", "updated", "date_modified", "dateModified", "last_modified")
# Raise when reading a file gives another post than before from the same bytes: every file is
# then read again once, instead of being passed over as unchanged.
READER_REVISION = 1
SHARED_READS = 200  # files at least before a second process reads its share
JEKYLL_NAME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


def iter_file_posts(paths: Sequence[str | Path], limit: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                    sanitize: bool = False, follow_symlinks: bool = False,
                    embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS,
                    known_digest: Callable[[str], str | None] | None = None,
                    max_words: int = DEFAULT_MAX_WORDS,
                    ) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    """Every post under `paths` (files, or folders walked recursively in sorted order: `walk.py`).

    A file that cannot be read yields a SourceProblem and the walk goes on; `limit` counts the
    posts yielded, not the problems. `sanitize` passes bodies through the untrusted-markup
    allowlist (off by default: the user's own files are trusted).
    `known_digest` (a path -> the `source_digest` of the post stored from it): a file whose bytes and
    reading settings are those of the stored post is `Unchanged`, not parsed again.
    Parsing is Python: with many files a forked child reads two of every three (`forking.py`).
    """
    salt = f"{READER_REVISION}\x1f{sanitize}\x1f{','.join(embed_hosts) if sanitize else ''}".encode("utf-8")
    walked = list(walk_files(paths, follow_symlinks))
    files = [path for path in walked if not isinstance(path, SourceProblem)]
    read = partial(_read_one, max_bytes=max_bytes, salt=salt, max_words=max_words, sanitize=sanitize,
                   embed_hosts=embed_hosts)
    reads = map_in_order(read, files, SHARED_READS if limit is None else len(files) + 1,  # a --limit reads a few
                         "the process that read two of every three files",
                         prepare=lambda path: (path, known_digest(path) if known_digest else None))
    posts = 0
    try:
        for path in walked:
            if isinstance(path, SourceProblem):
                yield path
                continue
            if limit is not None and posts >= limit:
                return
            item = next(reads)
            if isinstance(item, (SourcePost, Unchanged)):
                posts += 1
            yield item
    finally:
        reads.close()


def _read_one(path_and_digest: tuple[str, str | None], max_bytes: int, salt: bytes, max_words: int,
              sanitize: bool, embed_hosts: Sequence[str]) -> SourcePost | SourceProblem | Unchanged:
    path, known = path_and_digest
    item = read_file_post(path, max_bytes=max_bytes, known_digest=known, salt=salt, max_words=max_words)
    if sanitize and isinstance(item, SourcePost):
        item.html = sanitize_html(item.html, embed_hosts)
    return item


def read_file_post(path: str, max_bytes: int = DEFAULT_MAX_BYTES, known_digest: str | None = None,
                   salt: bytes = b"", max_words: int = DEFAULT_MAX_WORDS) -> SourcePost | SourceProblem | Unchanged:
    """One file -> a post, or a problem that says what is wrong with it; `Unchanged` when the
    file's digest (its bytes and `salt`, the reading settings) is `known_digest`. A page of more
    than `max_words` words is refused before it is parsed, a Markdown post once it is HTML."""
    suffix = Path(path).suffix.lower()
    if suffix not in HTML_SUFFIXES + MARKDOWN_SUFFIXES:
        return SourceProblem(origin=path, error=f"unsupported file type {suffix or '(no extension)'}",
                             skipped=True)
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return SourceProblem(origin=path, error=f"file is {size:,} bytes, over the limit of {max_bytes:,} "
                                                    "(raise [sources] max_bytes to read it)")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        return SourceProblem(origin=path, error=f"cannot read file: {err.strerror or err}")
    if not data.strip():
        return SourceProblem(origin=path, error="empty file")
    nul = data.find(b"\x00")
    if nul >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs too
        return SourceProblem(origin=path, error=f"binary file (NUL byte at offset {nul}), not text")
    digest = source_digest(data, salt)
    if digest == known_digest:
        return Unchanged(origin=path)
    try:
        if suffix in HTML_SUFFIXES:
            text = decode_html(data, path)
            too_long = words_problem(text, max_words)
            post = SourceProblem(origin=path, error=too_long) if too_long else _html_post(path, text)
        else:
            post = _markdown_post(path, _decode_utf8(data, path))
            too_long = words_problem(post.html, max_words) if isinstance(post, SourcePost) else None
            post = SourceProblem(origin=path, error=too_long) if too_long else post
    except (ExtractError, FrontMatterError) as err:
        return SourceProblem(origin=path, error=str(err))
    if isinstance(post, SourcePost):
        post.source_digest = digest
    return post


def source_digest(data: bytes, salt: bytes) -> str:
    """What a file's post is made from: its bytes, the reading settings and this reader's revision
    (polypost's version too, so that an upgrade that reads files differently reads them again)."""
    return hashlib.sha256(f"{__version__}\x1f".encode("utf-8") + salt + b"\x1e" + data).hexdigest()


def _decode_utf8(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExtractError(f"{path}: not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start} "
                           f"is invalid ({err.reason})") from None


# ---------------------------------------------------------------- HTML

def _html_post(path: str, text: str) -> SourcePost:
    if is_full_page(text):
        post = extract_page(text, origin=path)
        post.source = "files"
        post.modified = post.modified or page_modified(text)
        post.slug = _slug_from_url(post.url) or _slug_from_path(path)
        if not post.title:
            post.title = _title_from_filename(path)
        return post
    fragment = BeautifulSoup(text, "html.parser")  # html.parser: no <html><body> wrapped around it
    # A fragment may carry its metadata as <meta name=... content=...> tags, as a page head would.
    meta: dict[str, str] = {}
    for tag in fragment.find_all("meta"):
        if tag.get("name") and tag.get("content"):
            meta.setdefault(tag["name"].strip().lower(), tag["content"].strip())
        tag.decompose()
    heading = fragment.find("h1")
    title = " ".join(heading.get_text(" ").split()) if heading else ""
    if heading is not None:
        heading.decompose()
    return SourcePost(
        origin=path, title=title or meta.get("title") or _title_from_filename(path),
        html=str(fragment).strip(), source="files", slug=meta.get("slug") or _slug_from_path(path),
        url=meta.get("canonical") or None, author=meta.get("author") or None,
        published=_date_text(meta.get("date") or meta.get("published")) or _date_from_filename(path),
        description=meta.get("description") or None, tags=_as_list(meta.get("keywords")),
        modified=_date_text(meta.get("lastmod") or meta.get("modified") or meta.get("updated")),
        lang_hint=meta.get("lang") or None,
        translation_slugs=translation_slugs(meta),
    )


# ---------------------------------------------------------------- Markdown

def _markdown_post(path: str, text: str) -> SourcePost | SourceProblem:
    meta, body = split_front_matter(text, path)
    if meta.get("draft") is True or str(meta.get("draft")).lower() == "true":
        return SourceProblem(origin=path, error="a draft (front matter draft: true), not published", skipped=True)
    html = render_markdown(body)
    slug_from_name = _slug_from_path(path)
    title = _as_text(meta.get("title"))
    if not title:
        fragment = BeautifulSoup(html, "html.parser")
        heading = fragment.find("h1")
        if heading is not None:
            title = " ".join(heading.get_text(" ").split())
            heading.decompose()
            html = str(fragment).strip()
    tags = _as_list(meta.get("tags")) + [c for c in _as_list(meta.get("categories"))
                                         if c not in _as_list(meta.get("tags"))]
    authors = meta.get("authors") if meta.get("authors") is not None else meta.get("author")
    return SourcePost(
        origin=path,
        title=title or _title_from_filename(path),
        html=html,
        source="files",
        url=_as_text(meta.get("url") or meta.get("canonical") or meta.get("canonical_url")) or None,
        slug=_as_text(meta.get("slug")) or slug_from_name,
        author=", ".join(_as_list(authors)) or None,
        published=_date_text(meta.get("date") or meta.get("published")) or _date_from_filename(path)
        or _date_from_permalink(_as_text(meta.get("path") or meta.get("permalink") or meta.get("url"))),
        description=_as_text(meta.get("description") or meta.get("summary") or meta.get("excerpt")) or None,
        image=_as_text(meta.get("image") or meta.get("cover")) or None,
        tags=tags,
        # Hugo's lastmod, Jekyll's last_modified_at, and the other common spellings.
        modified=_date_text(next((meta[key] for key in MODIFIED_KEYS if meta.get(key)), None)),
        translation_keys=_translation_keys(meta),
        lang_hint=_as_text(meta.get("lang") or meta.get("language")) or _lang_from_path(path) or None,
        translation_slugs=translation_slugs(meta),
    )


_SLUG_KEY = re.compile(r"^slug[_:]([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")


def translation_slugs(meta: dict[str, Any]) -> dict[str, str]:
    """The slugs the author chose for the post's translations: `slug_es: crecer-en-instagram`
    (or `slug:es`), or `slugs: {es: ...}`."""
    found = {}
    given = meta.get("slugs")
    if isinstance(given, dict):
        found.update({str(lang).lower(): _as_text(slug) for lang, slug in given.items() if _as_text(slug)})
    for key, value in meta.items():
        match = _SLUG_KEY.match(str(key).lower())
        if match and _as_text(value):
            found[match.group(1)] = _as_text(value)
    return found


_LANG_TAG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


def _translation_keys(meta: dict[str, Any]) -> list[str]:
    """How the front matter pairs this post with its other language (see SourcePost.translation_keys).

    Hugo pairs by `translationKey`; a site may name the original (`translation_of`); and Hugo sites
    with a content folder per language give both versions the same `slug` and `date` (Kubernetes')."""
    keys = []
    if _as_text(meta.get("translationKey") or meta.get("translation_key")):
        keys.append("key:" + _as_text(meta.get("translationKey") or meta.get("translation_key")))
    if _as_text(meta.get("translation_of") or meta.get("translationOf")):
        keys.append("of:" + _as_text(meta.get("translation_of") or meta.get("translationOf")))
    if _as_text(meta.get("slug")) and meta.get("date"):
        keys.append(f"slugdate:{_as_text(meta.get('slug'))}|{_date_text(meta.get('date'))}")
    return keys


def _lang_from_path(path: str) -> str | None:
    """Hugo's two ways to say a file's language: `index.es.md`, or a `content/es/` folder."""
    p = Path(path)
    suffix = Path(p.stem).suffix.lstrip(".")
    if suffix and _LANG_TAG.match(suffix) and suffix not in ("index",):
        return suffix
    parts = p.parts
    for index, part in enumerate(parts[:-1]):
        if part == "content" and index + 1 < len(parts) - 1 and _LANG_TAG.match(parts[index + 1]):
            return parts[index + 1]
    return None


def render_markdown(text: str) -> str:
    """CommonMark -> HTML, with tables and strikethrough, raw HTML kept as written."""
    return _markdown_renderer().render(text).strip()


_RENDERER: Any = None  # the one MarkdownIt instance of this module (building it compiles its rules)


def _markdown_renderer() -> Any:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return _RENDERER


def _stem(path: str) -> str:
    """The name a post is known by: its file name, or its folder's for a Hugo index.md."""
    p = Path(path)
    stem = p.stem
    base, dot, tail = stem.rpartition(".")
    if dot and base and _LANG_TAG.match(tail):  # Hugo's "index.es.md", "my-post.es.md"
        stem = base
    if stem in ("index", "_index"):
        return p.parent.name or stem
    if stem.endswith((".index", "._index")):  # a bundle flattened to "name.index.md"
        return stem.rsplit(".", 1)[0]
    return stem


def _slug_from_path(path: str) -> str:
    stem = _stem(path)
    match = JEKYLL_NAME_RE.match(stem)
    return (match.group(4) if match else stem).strip()


def _slug_from_url(url: str | None) -> str | None:
    """The last path segment of a canonical URL: ".../blog/my-post/" -> "my-post"."""
    if not url:
        return None
    segment = [s for s in urlparse(url).path.split("/") if s]
    return re.sub(r"\.html?$", "", segment[-1]) if segment else None


def _date_from_filename(path: str) -> str | None:
    match = JEKYLL_NAME_RE.match(_stem(path))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None  # "2019-13-45-x.md" is a name, not a date


def _date_from_permalink(permalink: str) -> str | None:
    """"2019/05/15/4-Years-Of-Rust" (Zola's path, a Jekyll permalink) -> "2019-05-15"."""
    match = re.search(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)", permalink)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def _title_from_filename(path: str) -> str:
    words = re.sub(r"[-_]+", " ", _slug_from_path(path)).strip()
    return words[:1].upper() + words[1:] if words else Path(path).name


def _date_text(value: Any) -> str | None:
    """Front matter dates (YAML gives date/datetime objects, TOML too) -> ISO 8601."""
    if value is None or value == "":
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat() if "T" in text or " " in text \
            else date.fromisoformat(text).isoformat()
    except ValueError:
        return text  # kept as written: a date the author wrote is better than none


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    return " ".join(str(value).split())


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [_as_text(v) for v in value if _as_text(v)]
    return [_as_text(value)]


def _read_kind(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem | Unchanged]:
    return iter_file_posts(sources, limit=settings.limit, sanitize=settings.sanitize_own,
                           follow_symlinks=settings.follow_symlinks, embed_hosts=settings.embed_hosts,
                           known_digest=settings.known_digest, max_words=settings.max_words,
                           **({"max_bytes": settings.max_bytes} if settings.max_bytes else {}))


@hookimpl
def register_sources(register) -> None:
    register(SourceKind("files", _read_kind, inputs=FILES))
