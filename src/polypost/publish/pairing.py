"""Translations the blogger already has: a post written in the target language paired with the
post it translates, so that the human version is published instead of a machine's.

What says two posts are one work (any of them, first match wins):
- the same Hugo `translationKey`;
- `translation_of` in the translation's front matter, naming the original by URL, slug or file;
- Hugo's file names: `index.es.md` (or `my-post.es.md`) beside `index.md` (`my-post.md`);
- Hugo's content folder per language: `content/es/...` beside `content/en/...` or `content/...`;
- the same explicit `slug` and `date` in both front matters (Kubernetes' content/en and content/es);
- in a WordPress export, the same Polylang or WPML translation group (`sources/wxr.py`: "key:...").
A translation that names no unpaired original stays a post of its own, published in its language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import PurePath

from polypost.records import REVIEWED, Post, Translation

HUMAN = "human"  # the engine of a translation the blogger wrote (a Translation row's `engine`)
_LANG_SUFFIX = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?)(?P<ext>\.[^.]+)$")


def pair_translations(originals: Iterable[Post], translations: Iterable[Post], target_lang: str,
                      source_lang: str) -> dict[str, Post]:
    """original post id -> the post (in `target_lang`) that is its translation."""
    translations = list(translations)
    if not translations:
        return {}  # most archives: no post in the target language, no names to gather
    originals = list(originals)
    by_key: dict[str, list[Post]] = {}
    for post in originals:
        for name in dict.fromkeys(_names(post, source_lang)):  # a slug may also be the file's name
            by_key.setdefault(name, []).append(post)
    pairs: dict[str, Post] = {}
    for translation in translations:
        for name in _wanted(translation, target_lang, source_lang):
            found = [p for p in by_key.get(name, []) if p.id not in pairs]
            if len(found) == 1:
                pairs[found[0].id] = translation
                break
    return pairs


def _names(post: Post, source_lang: str) -> list[str]:
    """Every name an original answers to."""
    names = [key for key in post.translation_keys if key.startswith(("key:", "slugdate:"))]
    names += [f"of:{post.slug}"] + ([f"of:{post.url}", f"of:{post.url.rstrip('/')}"] if post.url else [])
    if post.source == "files" and post.origin:
        origin = os.path.normpath(os.path.abspath(post.origin))
        names += [f"file:{origin}", f"of:{PurePath(origin).name}", f"of:{PurePath(origin).stem}"]
        names += [f"file:{path}" for path in _content_twins(origin, source_lang, as_original=True)]
    return names


def _wanted(translation: Post, target_lang: str, source_lang: str) -> list[str]:
    """The names of the original a translation points to, most explicit first."""
    wanted = [key for key in translation.translation_keys if key.startswith(("key:", "of:"))]
    if translation.source == "files" and translation.origin:
        origin = os.path.normpath(os.path.abspath(translation.origin))
        match = _LANG_SUFFIX.match(PurePath(origin).name)
        if match and match.group("lang") == target_lang:
            wanted.append(f"file:{PurePath(origin).parent / (match.group('base') + match.group('ext'))}")
        wanted += [f"file:{path}" for path in _content_twins(origin, target_lang, as_original=False,
                                                                 source_lang=source_lang)]
    wanted += [key for key in translation.translation_keys if key.startswith("slugdate:")]
    return wanted


def _content_twins(origin: str, lang: str, as_original: bool, source_lang: str = "") -> list[str]:
    """`.../content/es/x/index.md` -> the same path under content/<source>/ and under content/
    (Hugo's default language may live in content/ itself); for an original, its own normal form."""
    parts = list(PurePath(origin).parts)
    if "content" not in parts:
        return []
    at = len(parts) - 1 - parts[::-1].index("content")
    rest = parts[at + 1:]
    if as_original:
        if rest and rest[0] == lang:
            return [str(PurePath(*parts[:at + 1], "@", *rest[1:]))]
        return [str(PurePath(*parts[:at + 1], "@", *rest))]
    if rest and rest[0] == lang:
        return [str(PurePath(*parts[:at + 1], "@", *rest[1:]))]
    return []


def human_translation(original: Post, translation: Post, target_lang: str) -> Translation:
    """The translation post as the Translation of its original, published as a person's work."""
    return Translation(
        post_id=original.id, lang=target_lang, title=translation.title,
        # The stored slug may carry a "-2" against the original's (one posts table for both
        # languages); the Spanish folder has room for the slug the source gave it.
        slug=original.slug if translation.slug.startswith(original.slug + "-") else translation.slug,
        html=translation.html, description=translation.description, status=REVIEWED, engine=HUMAN,
        source_hash=translation.content_hash, translated_at=translation.updated_at,
    )
