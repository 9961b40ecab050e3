"""Source kinds by name (`--kind NAME`), collected from the `register_sources` hook.

polypost's own kinds (files, wxr, feed, sitemap, url) register exactly as a plugin's would:
each reader module ends with a `register_sources` hook implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from polypost.plugins import collect
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS
from polypost.sources.words import DEFAULT_MAX_WORDS

# What a kind reads: local files and folders, http(s) URLs, or either.
FILES, URLS, FILES_OR_URLS = "files", "urls", "files-or-urls"


@dataclass
class ReadSettings:
    """What a reader gets besides its sources. Readers take what they use and ignore the rest."""

    limit: int | None = None  # posts to read at most
    status: Sequence[str] = ("publish",)  # WXR: which post statuses to read
    include: Sequence[str] = ()  # sitemap: URL patterns to keep (glob, or a substring)
    exclude: Sequence[str] = ()  # sitemap: URL patterns to leave out
    fetch_full: bool = False  # feed: fetch the linked page when an entry has only a summary
    fetcher: Any = None  # a sources.http.Fetcher, for kinds that fetch
    max_bytes: int | None = None  # files: bigger ones are refused; None: the reader's default
    max_words: int = DEFAULT_MAX_WORDS  # a page or post with more words of text is refused (sources.words)
    sanitize_own: bool = False  # own files and WXR through the untrusted-markup allowlist too
    follow_symlinks: bool = False  # files: read symlinks that lead out of the source folder
    embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS  # hosts whose iframes untrusted markup may keep
    known_digest: Callable[[str], str | None] | None = None  # files: a path -> the digest of its stored post


@dataclass(frozen=True)
class SourceKind:
    name: str
    # (sources, settings) -> SourcePost, SourceProblem, or Unchanged (a 304) records
    read: Callable[[list[str], ReadSettings], Iterable[Any]]
    inputs: str = FILES  # FILES, URLS or FILES_OR_URLS
    folders: bool = True  # a folder is a valid input (a WordPress export is one file)
    fetches: bool = False  # needs settings.fetcher
    file_is: str = "a file"  # what the input file is, for the error when given a folder


def _kind_register(kinds: dict[str, SourceKind]) -> Callable[[SourceKind], None]:
    def register(kind: SourceKind) -> None:
        if kind.name == "auto":
            raise ValueError("'auto' is reserved and cannot name a source kind")
        if kind.name in kinds:
            raise ValueError(f"two plugins register a source kind named {kind.name!r}")
        kinds[kind.name] = kind

    return register


def source_kinds() -> dict[str, SourceKind]:
    return collect("register_sources", _kind_register)
