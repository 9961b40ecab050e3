"""A blogger's own translation of a post, segment by segment, as human memory entries.

Only a translation cut into the same segments as its original is learned from: the same fields,
the same kinds in the same order, and in each pair the same inline markup (placeholders). A
translation written more freely (a paragraph split in two, a list added) says nothing reliable
about which sentence became which, and gives no entries at all.
"""

from __future__ import annotations

from collections import Counter

from polypost.languages import language_of
from polypost.records import MemoryEntry, MemoryKey, Post
from polypost.segment.placeholders import PLACEHOLDER_RE
from polypost.translate.keys import post_documents

# The engine and version of these entries: a person, for this very text, not against an engine.
PAIRED_ENGINE, PAIRED_VERSION = "human", "paired"


def paired_entries(original: Post, translation: Post, source_lang: str, target_lang: str) -> list[MemoryEntry]:
    """Human memory entries, one per segment of `original` that `translation` renders; [] when
    the two are not cut alike."""
    source_docs, target_docs = post_documents(original), post_documents(translation)
    pairs = []
    # A description one of them lacks says nothing; tags are chosen per language, not translated.
    for name in (source_docs.keys() & target_docs.keys()) - {"tags"}:
        sources, targets = source_docs[name].segments, target_docs[name].segments
        if [s.kind for s in sources] != [t.kind for t in targets]:
            return []
        for source, target in zip(sources, targets):
            if Counter(PLACEHOLDER_RE.findall(source.text)) != Counter(PLACEHOLDER_RE.findall(target.text)):
                return []
            pairs.append((source, target))
    return [
        MemoryEntry(
            key=MemoryKey(source_hash=source.key, source_lang=source_lang, target_lang=language_of(target_lang),
                          engine=PAIRED_ENGINE, engine_version=PAIRED_VERSION, terms_hash=""),
            source_text=source.text,
            target_text=target.text,
            origin="human",
        )
        for source, target in pairs
        if source.text != target.text  # a name, a number, code: nothing learned
    ]
