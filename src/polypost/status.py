"""What `polypost status` reports: posts by language and state, the last run, failures."""

from __future__ import annotations

from typing import Any

from polypost.config import Config
from polypost.publish.stage import other_language_posts
from polypost.store import Store


def collect_status(store: Store, config: Config) -> dict[str, Any]:
    counts = store.counts(config.source_lang, config.target_lang)
    return {
        "database": str(config.db_path),
        "posts": sum(counts["languages"].values()),
        **counts,
        "other_languages": other_language_posts(store, config),
        "last_run": store.last_run(),
    }


def format_status(data: dict[str, Any]) -> str:
    lines = [f"database: {data['database']}", f"posts: {data['posts']}"]
    lines += [f"  {lang}: {count}" for lang, count in sorted(data["languages"].items())]
    lines.append("translations: " + ", ".join(f"{k} {v}" for k, v in data["translations"].items()))
    if data.get("other_languages"):
        lines.append(f"not published, in another language: {len(data['other_languages'])}")
        lines += [f"  {p['lang']} ({p['confidence'] or 0:.2f}) {p['post']} {p['title']} [{p['origin']}]"
                  for p in data["other_languages"]]
    if data.get("taken_down"):
        lines.append("off the site: " + ", ".join(f"{k} {v}" for k, v in sorted(data["taken_down"].items())))
    if data["memory"]:
        lines.append("memory: " + ", ".join(f"{k} {v}" for k, v in data["memory"].items()))
    run = data["last_run"]
    if run:
        lines.append(f"last run: {run['command']} started {run['started_at']}, finished {run['finished_at'] or 'never (killed?)'}")
        lines += [f"  failed [{f['stage']}] {f['post']}: {f['error']}" for f in run["failures"]]
    else:
        lines.append("last run: none")
    return "\n".join(lines)
