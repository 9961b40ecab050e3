"""What a page is made of, as a fingerprint, so that a publish renders only the pages whose
inputs changed.

A page's fingerprint covers polypost's version, the settings, the templates' contents, and the
records the page shows: for a post page every field of its entry (both language versions: the
alternates, the switcher and the translation note show the twin) and the hash of each body; for
a home page, a feed or the sitemap, the entries it lists. A body's links are resolved against
the rest of the archive, which the fingerprint cannot see: each page keeps, in the manifest, the
references its body resolved and what they became (`References.body`), and a page is reused only
when every one of them still resolves the same way (`LinkedBody.replay`). The writer reuses a
page only when its file is still the one it wrote (`OutputWriter.reusable`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path
from typing import Any, Callable

from polypost import __version__
from polypost.publish.atomic import OutputWriter
from polypost.publish.records import PageVersion, PostEntry, PublishSettings
from polypost.publish.references import LinkedBody
from polypost.records import body_hash

# Post fields no page shows: the store's bookkeeping would re-render pages nobody changed.
_UNSHOWN = frozenset({"html", "ingested_at", "updated_at", "lang_confidence"})


def _digest(*parts: Any) -> str:
    """The hash of plain values (str, int, bool, None, datetime, lists, tuples and dicts of them):
    their repr, made in C, says each apart (a string's repr is quoted and escaped) and twice as
    fast as JSON."""
    return hashlib.sha256(repr(parts).encode("utf-8", "backslashreplace")).hexdigest()


def template_folders(settings: PublishSettings) -> list[Path]:
    folders = [Path(__file__).resolve().parent / "templates"]
    if settings.templates_dir is not None and Path(settings.templates_dir).is_dir():
        folders.append(Path(settings.templates_dir))
    return folders


def settings_fingerprint(settings: PublishSettings) -> str:
    """What every page depends on: polypost's version, the settings, the templates' contents."""
    digest = hashlib.sha256(f"{__version__}\x1f{settings!r}".encode("utf-8"))
    for folder in template_folders(settings):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\x1f" + path.read_bytes())
    return digest.hexdigest()


def body_key(version: PageVersion) -> str:
    """The hash of a version's body as stored: the key the plan gave it (from the store's hashes),
    else the body read once and hashed (the links in it are resolved later)."""
    if not version.body_key:
        source = version.html.source if isinstance(version.html, LinkedBody) else version.html
        version.body_key = body_hash(str(source))
    return version.body_key


# The fields a version's pages show, in the class's order (no field holds a record of its own:
# the comments are given again field by field after them).
_VERSION_FIELDS = tuple(field.name for field in dataclasses.fields(PageVersion)
                        if field.name not in ("html", "body_key", "summary", "shown_key"))


def shown_key(version: PageVersion) -> str:
    """The hash of what the version's pages show but its body, made once per publish."""
    if not version.shown_key:
        version.shown_key = _digest([getattr(version, name) for name in _VERSION_FIELDS],
                                    [dataclasses.asdict(comment) for comment in version.comments])
    return version.shown_key


@functools.cache
def _shown_fields(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind) if field.name not in _UNSHOWN)


def entry_fingerprint(entry: PostEntry) -> str:
    post = entry.post
    shown = {name: getattr(post, name) for name in _shown_fields(type(post))}
    shown["comments"] = [dataclasses.asdict(comment) for comment in post.comments]
    return _digest(shown, [[lang, shown_key(version), body_key(version)] for lang, version in entry.versions.items()])


def page_fingerprint(site: str, kind: str, *parts: Any) -> str:
    return _digest(site, kind, *parts)


def listed(version: PageVersion, with_body: bool) -> list[Any]:
    """A version as a list (home page, feed) shows it; `with_body`: its summary or content too."""
    return [shown_key(version), body_key(version) if with_body else None]


def resolved(version: PageVersion) -> Any:
    """What the version's body links resolved to in this publish (after its page was written)."""
    return version.html.recorded() if isinstance(version.html, LinkedBody) else None


def kept(writer: OutputWriter, relpath: str, fingerprint: str, version: PageVersion) -> bool:
    """Whether the file from the last publish of a page that shows `version`'s body still holds
    what the page would (same fingerprint, and every reference of the body resolves as it did
    then): if so it is kept, unrendered."""
    body = version.html if isinstance(version.html, LinkedBody) else None
    record = writer.reusable(relpath, fingerprint)
    if record is not None and (body is None or body.replay(record.get("refs"))):
        writer.keep(relpath, record)
        return True
    return False


def write_rendered(writer: OutputWriter, relpath: str, fingerprint: str, version: PageVersion,
                   render: Callable[[], str | bytes]) -> None:
    """Render a page that shows `version`'s body and hand it to the writer, with what its body's
    references resolved to (for `kept` in the next publish)."""
    body = version.html if isinstance(version.html, LinkedBody) else None
    data = render()
    writer.write(relpath, data, fingerprint=fingerprint, refs=body.recorded() if body is not None else None)


def write_listing(writer: OutputWriter, relpath: str, fingerprint: str, render: Callable[[], str | bytes]) -> bool:
    """A page made of other pages' records (home, feed, sitemap): written when what it lists changed."""
    record = writer.reusable(relpath, fingerprint)
    if record is not None:
        writer.keep(relpath, record)
        return False
    writer.write(relpath, render(), fingerprint=fingerprint)
    return True
