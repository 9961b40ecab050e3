"""Glossary compliance as data: per post and in total, from the stored reports."""

from __future__ import annotations

from typing import Any

from polypost.store import Store


def glossary_reports(store: Store, target_lang: str, post: str | None = None) -> dict[str, Any]:
    posts = []
    totals = {"expected": 0, "met": 0, "missed": 0}
    wanted = store.get_post(post) if post else None
    if post and wanted is None:
        return {"posts": [], "totals": totals}
    for translation in store.iter_translations(target_lang):
        if wanted and translation.post_id != wanted.id:
            continue
        rows = translation.glossary_report
        expected = sum(r["expected"] for r in rows)
        met = sum(min(r["found"], r["expected"]) for r in rows)
        totals["expected"] += expected
        totals["met"] += met
        posts.append({
            "post": translation.post_id,
            "title": translation.title,
            "status": translation.status,
            "expected": expected,
            "met": met,
            "missed": expected - met,
            "terms": rows,
        })
    totals["missed"] = totals["expected"] - totals["met"]
    totals["compliance"] = totals["met"] / totals["expected"] if totals["expected"] else 1.0
    return {"posts": posts, "totals": totals}


def format_reports(data: dict[str, Any]) -> str:
    lines = []
    for post in data["posts"]:
        lines.append(f"{post['post']} {post['title']!r} [{post['status']}]: {post['met']}/{post['expected']} met")
        for row in post["terms"]:
            if not row["met"]:
                lines.append(f"  missed {row['term']!r} -> {row['target']!r} in {row['field']} segment {row['segment']}"
                             f" (expected {row['expected']}, found {row['found']})")
    t = data["totals"]
    lines.append(f"total: {t['met']}/{t['expected']} met ({t['compliance']:.1%}), {t['missed']} missed")
    return "\n".join(lines)
