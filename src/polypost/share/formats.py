"""The kits as Markdown, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Sequence

import regex

from polypost.errors import UsageError
from polypost.share.texts import NETWORKS, ShareKit

FORMATS = ("md", "json", "csv")
CSV_COLUMNS = ("post_id", "slug", "lang", "network", "title", "url", "text", "length", "limit", "counting",
               "share_url")


def render_kits(kits: Sequence[ShareKit], fmt: str) -> str:
    """The kits as one JSON object, CSV (one row per post, language and network) or Markdown."""
    if fmt == "json":
        return json.dumps({"posts": [kit.to_dict() for kit in kits]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for kit in kits:
            for version in kit.versions.values():
                for shared in version.posts.values():
                    writer.writerow({"post_id": kit.post_id, "slug": kit.slug, "lang": version.lang,
                                     "network": shared.network, "title": version.title, "url": shared.url,
                                     "text": shared.text, "length": shared.length, "limit": shared.limit,
                                     "counting": shared.counting, "share_url": shared.share_url})
        return buffer.getvalue()
    if fmt == "md":
        return _markdown(kits)
    raise UsageError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")


def _markdown(kits: Sequence[ShareKit]) -> str:
    lines: list[str] = []
    for kit in kits:
        first = next(iter(kit.versions.values()))
        lines += [f"## {first.title}", "", f"post `{kit.post_id}`, campaign `{kit.campaign}`", ""]
        for version in kit.versions.values():
            lines += [f"### {version.lang}: <{version.url}>", ""]
            for shared in version.posts.values():
                fence = "~" * max(3, 1 + max((len(run) for run in regex.findall(r"~+", shared.text)), default=0))
                label = NETWORKS[shared.network].label
                lines += [f"**{label}** ({shared.length}/{shared.limit})", "", fence + "text", shared.text,
                          fence, "", f"[share on {label}](<{shared.share_url}>)", ""]
    return "\n".join(lines) + ("\n" if lines else "")
