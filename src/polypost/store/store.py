"""The `Store`: the one API over the SQLite database that the stages use.

No module outside `polypost.store` runs SQL: a stage asks the store for records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from polypost.records import MemoryKey, Post, SourcePost, Translation, body_hash
from polypost.slugs import slugify, unique_slug
from polypost.store.clock import now
from polypost.store.http_cache import HttpCache
from polypost.store.memory import Memory
from polypost.store.database import StoredText, open_db
from polypost.store.faults import database_path, guarded


_PAGE = 200  # posts read per query by iter_posts


@guarded
class Store:
    """The plain API over the database that the stages use. A full disk, a read-only or damaged
    file raises `StorageError` from any method (see `faults.py`)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.path = database_path(db.conn)

    @classmethod
    def open(cls, path: str | Path) -> "Store":
        return cls(open_db(path))

    # posts -------------------------------------------------------------
    def get_post(self, post_id: str) -> Post | None:
        """By id, else by slug (two languages may share one: the first stored wins)."""
        rows = list(self.db.query("select * from posts where id = ? or slug = ? order by id != ?, rowid limit 1",
                                  [post_id, post_id, post_id]))
        return Post.from_row(rows[0]) if rows else None

    def iter_posts(self, where: str | None = None, params: Sequence[Any] = (), bodies: bool = True,
                   taken_down: bool = False) -> Iterator[Post]:
        """Posts newest first; with bodies=False each html is a StoredText, read when used. Posts
        taken off the site (`post_states`: gone, removed, excluded) only with taken_down=True.

        Rows are read a page at a time and no cursor stays open while the caller works: the
        stages write between two posts, and sqlite-utils' schema queries fail with "database
        table is locked" while a read cursor on the same connection is still open."""
        columns = [c for c in self.db["posts"].columns_dict if bodies or c != "html"]
        select = ", ".join(f"[{c}]" for c in columns)
        clauses = [f"({where})"] if where else []
        if not taken_down:
            clauses.append("id not in (select post_id from post_states)")
        sql = f"select id from posts{' where ' + ' and '.join(clauses) if clauses else ''} order by published desc, id"
        ids = [row[0] for row in self.db.execute(sql, list(params)).fetchall()]
        for start in range(0, len(ids), _PAGE):
            page = ids[start:start + _PAGE]
            marks = ", ".join("?" * len(page))
            rows = {row["id"]: row for row in self.db.query(
                f"select {select} from posts where id in ({marks})", page)}
            for post_id in page:
                row = rows.get(post_id)
                if row is None:
                    continue  # deleted since the ids were read
                if not bodies:
                    row["html"] = StoredText(self.db, "posts", "html", "id = ?", [row["id"]], self.path)
                yield Post.from_row(row)

    def count_posts(self) -> int:
        return self.db["posts"].count

    def post_ids_from(self, origin: str) -> list[str]:
        """Posts that came from `origin`: the page itself, or each entry (`origin#...`) of a feed."""
        escaped = origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "#%"
        return [row["id"] for row in self.db.query(
            "select id from posts where origin = ? or origin like ? escape '\\'", [origin, escaped])]

    def post_ids_under(self, folder: str) -> list[str]:
        """Posts read from files inside `folder` (its path as it was given when they were read)."""
        prefix = folder.rstrip("/\\") + "/"
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [row["id"] for row in self.db.query(
            "select id from posts where source = 'files' and origin like ? escape '\\'", [escaped])]

    # posts taken off the site --------------------------------------------
    def post_states(self) -> dict[str, dict[str, Any]]:
        """post id -> {"state", "reason", "recorded_at"} for every post taken off the site."""
        return {row["post_id"]: row for row in self.db.query("select * from post_states")}

    def set_post_state(self, post_ids: Sequence[str], state: str, reason: str) -> None:
        stamp = now()
        with self.db.conn:
            self.db["post_states"].upsert_all(
                [{"post_id": post_id, "state": state, "reason": reason, "recorded_at": stamp} for post_id in post_ids],
                pk="post_id")

    def clear_post_state(self, post_ids: Sequence[str], states: Sequence[str] | None = None) -> list[str]:
        """Put posts back (those in `states` only, when given); returns the ids put back."""
        current = self.post_states()
        back = [p for p in post_ids if p in current and (states is None or current[p]["state"] in states)]
        if back:
            with self.db.conn:
                for start in range(0, len(back), 500):
                    page = back[start:start + 500]
                    self.db.execute(f"delete from post_states where post_id in ({', '.join('?' * len(page))})", page)
        return back

    def post_ids_since(self, since: str) -> list[str]:
        return [row["id"] for row in self.db.query(
            "select id from posts where published >= ? or updated_at >= ?", [since, since])]

    # One post at a time, by index: a map of the whole archive would grow with it.
    def content_hash_of(self, post_id: str) -> str | None:
        row = self.db.execute("select content_hash from posts where id = ?", [post_id]).fetchone()
        return row[0] if row else None

    def source_digest_of(self, origin: str) -> tuple[str, str] | None:
        """(the digest of the file at `origin` its post was stored from, the post's id), if any."""
        row = self.db.execute("select source_digest, id from posts where origin = ? and source_digest is not null",
                              [origin]).fetchone()
        return (row[0], row[1]) if row else None

    def set_source_digest(self, post_id: str, digest: str | None) -> None:
        with self.db.conn:
            self.db.execute("update posts set source_digest = ? where id = ?", [digest, post_id])

    def _free_slug(self, wanted: str, post_id: str, lang: str) -> str:
        return unique_slug(wanted, self._slugs_like("posts", "id", wanted, post_id, lang))

    def _slugs_like(self, table: str, id_column: str, wanted: str, except_id: str, lang: str | None = None) -> set[str]:
        """The slugs `unique_slug(wanted, ...)` could collide with: those sharing its first
        characters. An index range, not the whole table: an archive ingests thousands of posts."""
        prefix = (slugify(wanted) or "post")[:60].rstrip("-")
        where = f"slug >= ? and slug < ? and {id_column} != ?" + (" and lang = ?" if lang else "")
        params = [prefix, prefix + "\uffff", except_id] + ([lang] if lang else [])
        return {r["slug"] for r in self.db.query(f"select slug from [{table}] where {where}", params)}

    def upsert_post(self, source_post: SourcePost, lang: str, lang_confidence: float,
                    content_hash: str | None = None) -> tuple[str, str]:
        """Store a post; return (post id, "new" | "updated" | "unchanged"). `content_hash`:
        the post's, when the caller has already computed it."""
        post_id = source_post.post_id()
        content_hash = content_hash or source_post.content_hash()
        existing = next(iter(self.db.query("select * from posts where id = ?", [post_id])), None)
        if existing and existing["content_hash"] == content_hash:
            return post_id, "unchanged"
        stamp = now()
        wanted = slugify(source_post.slug or source_post.title) or post_id
        if existing and (existing["lang"] == lang or existing["slug"] not in self._slugs_like(
                "posts", "id", existing["slug"], post_id, lang)):
            slug = existing["slug"]  # a post keeps its address
        else:
            slug = self._free_slug(wanted, post_id, lang)
        row = {
            "id": post_id,
            "source": source_post.source,
            "origin": source_post.origin,
            "url": source_post.url,
            "slug": slug,
            "lang": lang,
            "lang_confidence": lang_confidence,
            "title": source_post.title,
            "author": source_post.author,
            "published": source_post.published,
            "html": source_post.html,
            "meta": json.dumps(
                {
                    "description": source_post.description,
                    "image": source_post.image,
                    "tags": source_post.tags,
                    **({"modified": source_post.modified} if source_post.modified else {}),
                    **({"translation_keys": source_post.translation_keys} if source_post.translation_keys else {}),
                    **({"translation_slugs": source_post.translation_slugs} if source_post.translation_slugs else {}),
                },
                ensure_ascii=False,
            ),
            "comments": json.dumps([c.to_dict() for c in source_post.comments], ensure_ascii=False),
            "content_hash": content_hash,
            "source_digest": source_post.source_digest,
            "ingested_at": existing["ingested_at"] if existing else stamp,
            "updated_at": stamp,
        }
        # Plain SQL: sqlite_utils' upsert reads the table's schema on every call, which an
        # archive of thousands of posts pays thousands of times.
        columns = ", ".join(row)
        updates = ", ".join(f"{column} = excluded.{column}" for column in row if column != "id")
        with self.db.conn:
            self.db.execute(f"insert into posts ({columns}) values ({', '.join('?' * len(row))}) "
                            f"on conflict (id) do update set {updates}", list(row.values()))
        return post_id, ("updated" if existing else "new")

    # translations --------------------------------------------------------
    def translation_fingerprint(self, post_id: str, lang: str) -> tuple[str | None] | None:
        """(what the translation of the post into `lang` was made from,), None when there is none."""
        row = self.db.execute("select source_hash from translations where post_id = ? and lang = ?",
                              [post_id, lang]).fetchone()
        return (row[0],) if row else None

    def get_translation(self, post_id: str, lang: str) -> Translation | None:
        rows = list(self.db["translations"].rows_where("post_id = ? and lang = ?", [post_id, lang]))
        return Translation.from_row(rows[0]) if rows else None

    def iter_translations(self, lang: str, reports: bool = True) -> Iterator[Translation]:
        """Every translation into `lang`. With reports=False (publishing) the glossary and QA
        reports are left out and each html is a StoredText, read when used."""
        select = "*" if reports else (
            "post_id, lang, title, slug, description, status, engine, source_hash, "
            "published_path, translated_at, tags, html_hash")
        for row in self.db["translations"].rows_where("lang = ?", [lang], select=select):
            if not reports:
                row["html"] = StoredText(self.db, "translations", "html", "post_id = ? and lang = ?",
                                         [row["post_id"], lang], self.path)
            yield Translation.from_row(row)

    def taken_translation_slugs(self, lang: str, except_post: str, wanted: str) -> set[str]:
        """Slugs of other translations into `lang`, and of posts written in `lang` (their pages share
        its folder), that a slug made from `wanted` could take."""
        return (self._slugs_like("translations", "post_id", wanted, except_post, lang)
                | self._slugs_like("posts", "id", wanted, except_post, lang))

    def save_translation(self, translation: Translation) -> None:
        self.save_translations([translation])

    def save_translations(self, translations: Sequence[Translation]) -> None:
        """Translations (a chunk's) in one transaction; each replaces the one of its post and language."""
        columns = ("post_id", "lang", "title", "slug", "html", "description", "status", "engine", "source_hash",
                   "glossary_report", "qa_report", "published_path", "translated_at", "tags", "html_hash")
        rows = []
        for t in translations:
            html = str(t.html)  # a stored human translation may carry its body as a StoredText
            rows.append((t.post_id, t.lang, t.title, t.slug, html, t.description, t.status, t.engine, t.source_hash,
                         json.dumps(t.glossary_report, ensure_ascii=False), json.dumps(t.qa_report, ensure_ascii=False),
                         t.published_path, t.translated_at or now(), json.dumps(t.tags, ensure_ascii=False),
                         body_hash(html)))
        updates = ", ".join(f"{column} = excluded.{column}" for column in columns[2:])
        with self.db.conn:
            self.db.conn.executemany(
                f"insert into translations ({', '.join(columns)}) values ({', '.join('?' * len(columns))}) "
                f"on conflict (post_id, lang) do update set {updates}", rows)

    def set_published_paths(self, lang: str, paths: dict[str, str | None]) -> None:
        """post id -> published path (None: not published), in one transaction."""
        with self.db.conn:
            self.db.conn.executemany(
                "update translations set published_path = ? where post_id = ? and lang = ? "
                "and published_path is not ?",
                [(path, post_id, lang, path) for post_id, path in paths.items()],
            )

    def publish_state(self, out_dir: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from publish_state where out_dir = ?", [out_dir]))
        return rows[0] if rows else None

    def save_publish_state(self, out_dir: str, fingerprint: str | None, pages: int) -> None:
        with self.db.conn:
            self.db["publish_state"].upsert(
                {"out_dir": out_dir, "fingerprint": fingerprint, "pages": pages, "published_at": now()},
                pk="out_dir",
            )

    # runs and failures ---------------------------------------------------
    def start_run(self, command: str) -> int:
        with self.db.conn:
            return self.db["runs"].insert({"command": command, "started_at": now()}).last_pk

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        with self.db.conn:
            self.db["runs"].update(
                run_id, {"finished_at": now(), "summary": json.dumps(summary, ensure_ascii=False)}
            )

    def record_failure(self, run_id: int | None, post: str, stage: str, error: str, origin: str = "") -> None:
        with self.db.conn:
            self.db["failures"].insert(
                {
                    "run_id": run_id,
                    "post": post,
                    "origin": origin,
                    "stage": stage,
                    "error": error,
                    "created_at": now(),
                }
            )

    def last_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from runs order by id desc limit 1"))
        if not rows:
            return None
        run = dict(rows[0])
        run["summary"] = json.loads(run["summary"]) if run.get("summary") else None
        run["failures"] = list(
            self.db.query(
                "select post, origin, stage, error from failures where run_id = ? order by id", [run["id"]]
            )
        )
        return run

    # translation memory ---------------------------------------------------
    def memory(self) -> Memory:
        return Memory(self.db)

    def length_ratios(self, source_lang: str, target_lang: str, min_length: int = 40,
                      limit: int = 20000) -> list[float]:
        """target/source length of the newest unflagged memory entries of `min_length`+ characters."""
        rows = self.db.execute(
            "select length(source_text), length(target_text) from memory where source_lang = ? and "
            "target_lang = ? and length(source_text) >= ? and (qa_flags is null or qa_flags = '[]') "
            "order by rowid desc limit ?",
            [source_lang, target_lang, min_length, limit],
        ).fetchall()
        return [target / source for source, target in rows]

    def newest_memory_text(self, key: MemoryKey) -> tuple[str | None, str]:
        """(target text, origin) of the newest entry for the key's text and pair, whatever its
        engine or terms: a person's first. (None, "missing") when there is none."""
        rows = list(self.db.query(
            "select target_text, origin from memory where source_hash = ? and source_lang = ? and "
            "target_lang = ? order by origin = 'human' desc, created_at desc limit 1",
            [key.source_hash, key.source_lang, key.target_lang]))
        return (rows[0]["target_text"], rows[0]["origin"]) if rows else (None, "missing")

    # shares ----------------------------------------------------------------
    def shared_slugs(self, lang: str) -> dict[str, str | None]:
        """post id -> the slug it was handed out for (`share --new`)."""
        return {row["post_id"]: row["slug"] for row in self.db.query(
            "select post_id, slug from shares where lang = ?", [lang])}

    def forget_shares(self, post_ids: Sequence[str]) -> None:
        if not post_ids:
            return
        with self.db.conn:
            self.db.execute(f"delete from shares where post_id in ({', '.join('?' * len(post_ids))})",
                            list(post_ids))

    def record_shares(self, shares: Sequence[tuple[str, str, str]]) -> None:
        """(post id, lang, slug) handed out now."""
        stamp = now()
        rows = [{"post_id": post_id, "lang": lang, "shared_at": stamp, "slug": slug} for post_id, lang, slug in shares]
        if rows:
            with self.db.conn:
                self.db["shares"].upsert_all(rows, pk=("post_id", "lang"))

    # status ----------------------------------------------------------------
    def counts(self, source_lang: str, target_lang: str) -> dict[str, Any]:
        """Posts by language, translations by status, untranslated and published, memory by origin."""
        db = self.db
        by_lang = {r["lang"] or "und": r["n"] for r in db.query("select lang, count(*) n from posts group by lang")}
        states = {r["status"]: r["n"] for r in db.query(
            "select status, count(*) n from translations where lang = ? group by status", [target_lang])}
        untranslated = next(db.query(
            "select count(*) n from posts p where p.lang = ? and not exists "
            "(select 1 from translations t where t.post_id = p.id and t.lang = ?)",
            [source_lang, target_lang]))["n"]
        published = next(db.query(
            "select count(*) n from translations where lang = ? and published_path is not null",
            [target_lang]))["n"]
        memory = {r["origin"]: r["n"] for r in db.query("select origin, count(*) n from memory group by origin")}
        taken_down = {r["state"]: r["n"] for r in db.query("select state, count(*) n from post_states group by state")}
        return {"languages": by_lang, "translations": {"untranslated": untranslated, **states, "published": published},
                "memory": memory, "taken_down": taken_down}

    # the file ----------------------------------------------------------------
    def http_cache(self) -> HttpCache:
        return HttpCache(self.db)

    def backup_to(self, path: str | Path) -> None:
        """A consistent copy of the whole database at `path` (SQLite's online backup)."""
        copy = sqlite3.connect(str(path))
        try:
            self.db.conn.backup(copy)
        finally:
            copy.close()

    def close(self) -> None:
        self.db.conn.close()
