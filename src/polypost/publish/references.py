"""The references of each body made to work on the new site.

A body keeps the URLs its source wrote: `/images/x.png` and `../other-post/` are relative to
the old site, and a link to another post of the archive leads to the old page. Here, for each
page version:

- a link to another post of the archive (by its source URL, its URL path, its file, or, for a
  post that gives no URL, its slug) becomes the link to that post's page in the same language
  (a Spanish page links to the Spanish twin; to the original where there is no twin);
- a file the post's own folder holds (a Hugo page bundle's `./logo.svg`, an image beside a
  Markdown post, `/images/x.png` under the source tree or its `static/` folder) is copied into
  the site (`media/<hash>/<name>`) and referred to there;
- any other relative reference is resolved against the post's source URL (it is the old site's);
- what none of these resolves is kept as written and reported (`unresolved`), per post.

Bodies are rewritten when a page is rendered (`LinkedBody`), never held all at once.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from html import unescape
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from polypost.publish.bodyfit import fit_body
from polypost.publish.records import PostEntry, PublishSettings
from polypost.publish.urlattrs import rewrite_urls
from polypost.publish.urls import url_path_segment

# Files copied into the site when a post refers to them: media and documents, never code or
# data a post happens to sit beside.
ASSET_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .avif .svg .ico .bmp .tif .tiff .mp4 .webm .ogv .mov .mp3 .ogg .oga .wav .m4a "
    ".vtt .pdf .zip .txt .csv".split())
MAX_ASSET_BYTES = 50 * 1024 * 1024
SOURCE_FILE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_PASS = ("mailto:", "tel:", "data:", "javascript:", "#", "sms:", "geo:", "magnet:")
_ANCHOR = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_INVISIBLE = " \t\r\n\u200b\u200c\u200d\u2060\ufeff"
_ANCESTORS = 6  # how far up from a post's folder a root-relative file is looked for


@lru_cache(maxsize=65536)  # every page that links to a post asks again for the same few keys
def url_key(url: str) -> str:
    """A source URL as a key: scheme, "www.", fragment, trailing slash and index.html aside."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    for tail in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(tail):
            path = path[: -len(tail) + 1]
    path = path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def path_key(url: str) -> str:
    key = url_key(url)
    return key.split("/", 1)[1] if "/" in key else ""


@dataclass
class Unresolved:
    post: str
    lang: str
    reference: str
    reason: str


@dataclass
class Asset:
    source: Path
    relpath: str  # in the output folder
    url: str


@dataclass
class References:
    """The archive's posts by every name a body may use for them, and what bodies asked for."""

    entries: list[PostEntry]
    settings: PublishSettings
    media_folder: str  # "" or "en/" (the folder served at the site root)
    media_url: str  # absolute URL of media_folder
    assets: dict[str, Asset] = field(default_factory=dict)  # relpath -> asset to copy
    unresolved: dict[tuple[str, str], list[Unresolved]] = field(default_factory=dict)  # (post, lang) -> ...

    def __post_init__(self) -> None:
        self.by_url: dict[str, PostEntry] = {}
        by_path: dict[str, list[PostEntry]] = {}
        self.by_file: dict[str, PostEntry] = {}
        self.by_slug: dict[str, PostEntry] = {}
        for entry in self.entries:
            post = entry.post
            if post.url:
                self.by_url.setdefault(url_key(post.url), entry)
                by_path.setdefault(path_key(post.url), []).append(entry)
            elif post.slug:
                self.by_slug.setdefault(post.slug, entry)
            if post.source == "files" and post.origin:
                self.by_file[os.path.normpath(os.path.abspath(post.origin))] = entry
        # A URL path names a post only where one post has it.
        self.by_path = {key: found[0] for key, found in by_path.items() if key and len(found) == 1}
        self._found: dict[tuple[str, str], PostEntry | Path | None] = {}
        self._folders: dict[str, bool] = {}
        self._post_folders: dict[str, str] = {}  # a file post's origin -> its folder
        self._resolved: dict[tuple, tuple[str | None, str]] = {}  # see _resolve
        # (post, lang) -> [tag, reference, became, why] for each reference its body resolved.
        self.recorded: dict[tuple[str, str], list[list]] = {}

    def body(self, entry: PostEntry, lang: str, html: str) -> str:
        """`html` of `entry`'s `lang` version with its references made to work here."""
        anchors: set[str] | None = None
        outcomes: list[list] = []

        def rewrite(tag: str, attribute: str, value: str) -> str | None:
            nonlocal anchors
            if value.startswith("#") and len(value) > 1:
                if anchors is None:
                    anchors = {unescape("".join(groups)) for groups in _ANCHOR.findall(html)}
                new, why = None, ("" if {value[1:], unquote(value[1:])} & anchors
                                  else "no element of the post has this id")
            else:
                new, why = self._resolve(entry, lang, tag, value)
            outcomes.append([tag, value, new, why])
            return new

        rewritten = rewrite_urls(html, rewrite)
        self._note(entry, lang, outcomes)
        return rewritten

    def replay(self, entry: PostEntry, lang: str, outcomes: list[list] | None) -> bool:
        """Whether every reference `body` resolved in an earlier publish (`outcomes`, as recorded)
        resolves the same way now; if so they count as resolved in this publish too (the files they
        name are copied, what is missing is reported) without the body being read."""
        if not isinstance(outcomes, list):
            return False
        for outcome in outcomes:
            if not (isinstance(outcome, list) and len(outcome) == 4):
                return False
            tag, value, new, why = outcome
            if not (isinstance(value, str) and isinstance(tag, str)):
                return False
            if value.startswith("#") and len(value) > 1:
                continue  # an anchor of the body itself: the body is unchanged (its hash is in the fingerprint)
            if self._resolve(entry, lang, tag, value) != (new, why):
                return False
        self._note(entry, lang, outcomes)
        return True

    def _note(self, entry: PostEntry, lang: str, outcomes: list[list]) -> None:
        self.recorded[(entry.post.id, lang)] = outcomes
        problems = self.unresolved.setdefault((entry.post.id, lang), [])
        seen = {(p.reference, p.reason) for p in problems}
        for _tag, value, _new, why in outcomes:
            if why and (value, why) not in seen:
                seen.add((value, why))
                problems.append(Unresolved(entry.post.id, lang, value, why))

    def missing_by_page(self) -> dict[str, list[str]]:
        """Page path -> references kept as written because the source lacks them (for the checker)."""
        pages: dict[str, list[str]] = {}
        paths = {(entry.post.id, lang): version.path for entry in self.entries for lang, version in entry.versions.items()}
        for key, problems in self.unresolved.items():
            if problems and key in paths:
                pages[paths[key]] = sorted({p.reference for p in problems})
        return pages

    def problems(self) -> Iterable[Unresolved]:
        """In the order of the entries, whichever order (or process) their pages were rendered in."""
        for entry in self.entries:
            for lang in entry.versions:
                yield from self.unresolved.get((entry.post.id, lang), ())

    # -- resolving one reference --------------------------------------------------------------
    def _resolve(self, entry: PostEntry, lang: str, tag: str, value: str) -> tuple[str | None, str]:
        """What `value` becomes in `entry`'s `lang` page, and why not where it stays as written.

        A reference resolves the same way from every post with the same source URL and folder:
        the pages of a folder of posts name the same images and links, and a publish that keeps
        its pages replays each of them. Only a failure's wording names its post."""
        post = entry.post
        key = (lang, tag, value, post.url, self._folder_of(post) if post.source == "files" and post.origin else None)
        known = self._resolved.get(key)
        if known is None:
            known = self._resolved[key] = self._resolve_anew(entry, lang, tag, value)
        elif known[1]:
            return None, _unresolved_reason(tag, post)
        return known

    def _folder_of(self, post) -> str:
        folder = self._post_folders.get(post.origin)
        if folder is None:
            folder = self._post_folders[post.origin] = os.path.dirname(os.path.abspath(post.origin))
        return folder

    def _resolve_anew(self, entry: PostEntry, lang: str, tag: str, value: str) -> tuple[str | None, str]:
        written = value
        value = value.strip(_INVISIBLE)  # "\u200bhttps://..." pasted from a word processor
        if not value or value.lower().startswith(_PASS):
            return None, ""
        post = entry.post
        parts = urlsplit(value)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None, ""
        local = not parts.scheme and not parts.netloc
        if local and post.source == "files" and post.origin:
            found = self._local_file(entry, lang, value)
            if found:
                return found, ""
        absolute = urljoin(post.url, value) if post.url else (value if not local else None)
        if absolute is not None:
            target = self._post_at(absolute, entry)
            if target is not None:
                return self._page_link(target, lang, absolute), ""
            return (absolute if absolute != written else None), ""
        # A post without a URL of its own: a root-relative link may still name a post of the archive.
        target = self.by_path.get(path_key("http://x" + _rooted(value))) if value.startswith("/") else None
        if target is None and tag in ("a", "area"):
            target = self.by_slug.get(_last_segment(value))
        if target is not None:
            return self._page_link(target, lang, value), ""
        return None, _unresolved_reason(tag, post)

    def _post_at(self, absolute: str, linking: PostEntry) -> PostEntry | None:
        key = url_key(urldefrag(absolute)[0])
        found = self.by_url.get(key)
        if found is not None:
            return found
        if linking.post.url and url_key(linking.post.url).split("/", 1)[0] == key.split("/", 1)[0]:
            # Same host as the linking post: the path, or the slug of a post that gives no URL.
            found = self.by_path.get(path_key(absolute))
            if found is None:
                found = self.by_slug.get(_last_segment(urlsplit(absolute).path))
        return found

    def _page_link(self, target: PostEntry, lang: str, reference: str) -> str:
        version = (target.versions.get(lang) or target.versions.get(self.settings.source_lang)
                   or next(iter(target.versions.values())))
        fragment = urldefrag(reference)[1]
        return version.url + (f"#{fragment}" if fragment else "")

    def _local_file(self, entry: PostEntry, lang: str, value: str) -> str | None:
        path_part = _path_part(value)
        if not path_part:
            return None
        folder = self._folder_of(entry.post)
        # Every page of a folder names the same few files: look each up on disk once per publish.
        key = (folder, path_part)
        if key not in self._found:
            self._found[key] = self._find_file(Path(folder), path_part)
        found = self._found[key]
        if isinstance(found, PostEntry):
            return self._page_link(found, lang, value)
        return self._asset(found) if found is not None else None

    def _find_file(self, folder: Path, path_part: str) -> PostEntry | Path | None:
        if path_part.startswith("/"):
            rooted = path_part.lstrip("/")
            candidates = []
            for ancestor in [folder, *folder.parents][:_ANCESTORS]:
                candidates += [ancestor / "static" / rooted, ancestor / rooted]
        else:
            candidates = [folder / path_part]
        for candidate in candidates:
            normal = os.path.normpath(str(candidate))
            target = self.by_file.get(normal) or self._bundle_post(normal)
            if target is not None:
                return target
            if Path(normal).suffix.lower() in ASSET_SUFFIXES and os.path.isfile(normal):
                return Path(normal)
        return None

    def _is_folder(self, path: str) -> bool:
        """os.path.isdir, asked of the parent first: a page of thousands of links "/notes/N"
        under no folder "notes" costs one stat per candidate folder, not one per link."""
        known = self._folders.get(path)
        if known is None:
            parent = os.path.dirname(path)
            known = (parent == path or self._is_folder(parent)) and os.path.isdir(path)
            self._folders[path] = known
        return known

    def _bundle_post(self, normal: str) -> PostEntry | None:
        """`../other-post/` names the post of that folder's index.md (a Hugo bundle)."""
        if not self._is_folder(normal):
            return None
        for name in ("index.md", "index.markdown", "index.html", "_index.md"):
            found = self.by_file.get(os.path.join(normal, name))
            if found is not None:
                return found
        return None

    def _asset(self, source: Path) -> str | None:
        try:
            stat = source.stat()
        except OSError:
            return None
        if stat.st_size > MAX_ASSET_BYTES:
            return None
        # The folder name changes when the file does, so a reader's cache never shows the old one.
        digest = hashlib.sha256(f"{source}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}".encode("utf-8")).hexdigest()[:12]
        name = url_path_segment(source.name)
        relpath = f"{self.media_folder}media/{digest}/{source.name}"
        asset = self.assets.setdefault(relpath, Asset(source, relpath, f"{self.media_url}media/{digest}/{name}"))
        return asset.url


@lru_cache(maxsize=65536)  # a body's reference, as a path on disk: the same few on every page
def _path_part(value: str) -> str:
    return unquote(urldefrag(value)[0].split("?", 1)[0])


def _unresolved_reason(tag: str, post) -> str:
    kind = "file" if tag not in ("a", "area") else "link"
    return (f"{kind} not found beside {post.origin}" if post.source == "files"
            else f"relative {kind} and the post has no source URL")


def _rooted(value: str) -> str:
    return "/" + value.lstrip("/")


def _last_segment(value: str) -> str:
    segments = [s for s in PurePosixPath(urlsplit(value).path).parts if s not in ("/", ".", "..")]
    if not segments:
        return ""
    last = segments[-1]
    for suffix in SOURCE_FILE_SUFFIXES:
        if last.endswith(suffix):
            return last[: -len(suffix)]
    return last


class LinkedBody:
    """A body whose references are rewritten, and which is fitted into the page (`bodyfit.py`),
    each time it is read (like StoredText, never kept)."""

    def __init__(self, html, references: References, entry: PostEntry, lang: str):
        self._html, self._references, self._entry, self._lang = html, references, entry, lang

    @property
    def source(self):
        """The body as stored (for a summary, which needs its words, not its links)."""
        return self._html

    def text(self) -> str:
        return fit_body(self._references.body(self._entry, self._lang, str(self._html)))

    def replay(self, outcomes) -> bool:
        return self._references.replay(self._entry, self._lang, outcomes)

    @property
    def references(self) -> References:
        return self._references

    def noted(self, outcomes: list[list]) -> None:
        """What the body's references resolved to where another process rendered its page."""
        self._references._note(self._entry, self._lang, outcomes)

    def recorded(self) -> list[list] | None:
        """What this body's references resolved to, once it was read (or replayed) in this publish."""
        return self._references.recorded.get((self._entry.post.id, self._lang))

    def __str__(self) -> str:
        return self.text()

    def __html__(self) -> str:
        return self.text()
