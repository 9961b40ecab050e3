"""Meta descriptions kept from one publish to the next, by the body they summarise.

A home page lists twenty posts with a summary of each body that has no description of its own.
A home re-rendered because one of its posts changed summarised the nineteen others again, each
read from the store and parsed: a third of a second of a 1% edit's publish on 5,000 posts. A
summary depends on the body alone (the post's content hash or the translation's body hash: the
page version's `body_key`), so the manifest keeps them for the next publish. They are thrown
away when polypost's version or the description's length changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from polypost import __version__
from polypost.publish.incremental import body_key
from polypost.publish.records import PostEntry
from polypost.publish.summary import DESCRIPTION_LENGTH

MADE_BY = f"{__version__}/{DESCRIPTION_LENGTH}"


def reuse(entries: Iterable[PostEntry], kept: object) -> None:
    """Give each version the summary the last publish made of the same body, where it made one."""
    if not (isinstance(kept, dict) and kept.get("made_by") == MADE_BY and isinstance(kept.get("by_body"), dict)):
        return
    by_body = kept["by_body"]
    for entry in entries:
        for version in entry.versions.values():
            if version.summary is None:
                # A body the store gave no hash (a blogger's own translation) is hashed now; the
                # page's fingerprint hashes it anyway.
                summary = by_body.get(body_key(version))
                if isinstance(summary, str):
                    version.summary = summary


def kept_for_next(entries: Iterable[PostEntry]) -> dict | None:
    """The summaries this publish made or reused, for the next one; None when there are none."""
    by_body = {version.body_key: version.summary for entry in entries for version in entry.versions.values()
               if version.body_key and version.summary is not None}
    return {"made_by": MADE_BY, "by_body": dict(sorted(by_body.items()))} if by_body else None
