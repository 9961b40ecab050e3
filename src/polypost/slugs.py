"""URL slugs: ASCII, lower case, words joined by hyphens.

A slug is part of a published URL, so it is made once and then kept: these functions only
make new slugs; nothing here renames an existing one.
"""

from __future__ import annotations

import re

from unidecode import unidecode

_UNSAFE_RUN = re.compile(r"[^a-z0-9]+")
FALLBACK_SLUG = "post"


def slugify(text: str, max_length: int = 80) -> str:
    """Turn a title into a slug: accents folded ("Años" -> "anos"), safe chars only.

    Returns "" when the text has nothing usable (only symbols or emoji); `unique_slug`
    falls back to "post" in that case. A slug longer than `max_length` is cut at a word
    boundary where one is close enough, so that slugs do not end in half a word.
    """
    folded = unidecode(text or "").lower()
    # "don't" -> "dont", not "don-t": apostrophes join the word they split
    folded = re.sub(r"['\u2019]", "", folded)
    slug = _UNSAFE_RUN.sub("-", folded).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    boundary = cut.rfind("-")
    if boundary >= max_length // 2:
        cut = cut[:boundary]
    return cut.strip("-")


def unique_slug(text: str, taken: set[str], max_length: int = 80) -> str:
    """A slug for `text` that is not in `taken`, appending -2, -3 ... when needed.

    The slug returned is added to `taken`, so a loop over many titles gets distinct slugs
    without the caller having to remember to record each one.
    """
    base = slugify(text, max_length) or FALLBACK_SLUG
    candidate = base
    number = 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(candidate)
    return candidate
