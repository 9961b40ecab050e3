"""The review list as a person reads it."""

from __future__ import annotations

from typing import Any


def format_review(data: dict[str, Any], source_lang: str, target_lang: str) -> str:
    if not data["posts"]:
        return "nothing to review: no translation is flagged"
    lines = [f"{data['flagged_posts']} posts to review, {data['flags']} flags"]
    for post in data["posts"]:
        lines.append(f"{post['post']} [{post['status']}] {post['title']}")
        for flag in post["flags"]:
            where = f"{flag['field']} #{flag['segment']}" if flag["field"] else "post"
            lines.append(f"  {where}: {flag['check']}: {flag['evidence']}")
            if flag["source"] is not None:
                lines.append(f"    {source_lang}: {flag['source']}")
                lines.append(f"    {target_lang}: {flag['target'] if flag['target'] is not None else '(not in memory)'}")
    lines.append("export them with `polypost export --format xliff --flagged FILE`, fix, then `polypost import FILE`")
    return "\n".join(lines)
