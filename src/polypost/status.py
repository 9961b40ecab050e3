"""What `polypost status` reports: posts by language and state, the last run, failures."""

from __future__ import annotations

from typing import Any

from polypost.config import Config
from polypost.store import Store


def collect_status(store: Store, config: Config) -> dict[str, Any]:
    db = store.db
    by_lang = {r["lang"] or "und": r["n"] for r in db.query("select lang, count(*) n from posts group by lang")}
    states = {r["status"]: r["n"] for r in db.query(
        "select status, count(*) n from translations where lang = ? group by status", [config.target_lang])}
    untranslated = next(db.query(
        "select count(*) n from posts p where p.lang = ? and not exists "
        "(select 1 from translations t where t.post_id = p.id and t.lang = ?)",
        [config.source_lang, config.target_lang]))["n"]
    published = next(db.query(
        "select count(*) n from translations where lang = ? and published_path is not null",
        [config.target_lang]))["n"]
    memory = {r["origin"]: r["n"] for r in db.query("select origin, count(*) n from memory group by origin")}
    return {
        "database": str(config.db_path),
        "posts": sum(by_lang.values()),
        "languages": by_lang,
        "translations": {"untranslated": untranslated, **states, "published": published},
        "memory": memory,
        "last_run": store.last_run(),
    }


def format_status(data: dict[str, Any]) -> str:
    lines = [f"database: {data['database']}", f"posts: {data['posts']}"]
    lines += [f"  {lang}: {count}" for lang, count in sorted(data["languages"].items())]
    lines.append("translations: " + ", ".join(f"{k} {v}" for k, v in data["translations"].items()))
    if data["memory"]:
        lines.append("memory: " + ", ".join(f"{k} {v}" for k, v in data["memory"].items()))
    run = data["last_run"]
    if run:
        lines.append(f"last run: {run['command']} started {run['started_at']}, finished {run['finished_at'] or 'never (killed?)'}")
        lines += [f"  failed [{f['stage']}] {f['post']}: {f['error']}" for f in run["failures"]]
    else:
        lines.append("last run: none")
    return "\n".join(lines)
