"""Slugs as folder names and URL path segments."""

from __future__ import annotations

import re
from urllib.parse import quote

_CONTROL = re.compile(r"[\x00-\x1f]")


def check_slug(slug: str, post_id: str) -> str:
    """A slug becomes a folder name: refuse anything that could leave its language folder."""
    if not slug or slug.strip(".") == "" or "/" in slug or "\\" in slug or slug.startswith("."):
        raise ValueError(f"post {post_id}: slug {slug!r} cannot be a folder name")
    if _CONTROL.search(slug):
        raise ValueError(f"post {post_id}: slug {slug!r} contains control characters")
    return slug


def url_path_segment(slug: str) -> str:
    return quote(slug, safe="-._~")
