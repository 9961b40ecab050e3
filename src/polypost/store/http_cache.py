"""Conditional GET validators per URL (the `http_cache` table), so a nightly run fetches only
what changed. The fetcher talks to this object, never to the database."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from polypost.store.faults import database_path, guarded
from polypost.store.clock import now


@guarded
class HttpCache:
    def __init__(self, db: sqlite_utils.Database):
        self._db = db
        self.path = database_path(db.conn)

    def get(self, url: str) -> dict[str, Any] | None:
        """The stored validators of `url`, when there are any to send."""
        rows = list(self._db.query("select * from http_cache where url = ?", [url]))
        return rows[0] if rows and (rows[0]["etag"] or rows[0]["last_modified"]) else None

    def put(self, url: str, etag: str | None, last_modified: str | None, status: int, content_hash: str) -> None:
        row = {"url": url, "etag": etag, "last_modified": last_modified, "status": status,
               "content_hash": content_hash, "fetched_at": now()}
        with self._db.conn:
            self._db["http_cache"].upsert(row, pk="url")

    def forget(self, url: str) -> None:
        with self._db.conn:
            self._db.execute("delete from http_cache where url = ?", [url])
