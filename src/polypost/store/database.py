"""Opening the SQLite file: pragmas, migrations, and the lazily read long texts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from polypost.errors import UsageError
from polypost.store.migrations import migrate


class StoreError(UsageError):
    """The database cannot be used (not a database, unreadable, a failed migration)."""


class StoredText:
    """A long text column read from the database each time it is used, never kept.

    Publishing walks every post of an archive but needs each body only while it renders
    that post's page: holding them all would make memory grow with the archive."""

    def __init__(self, db: sqlite_utils.Database, table: str, column: str, where: str, params: Sequence[Any]):
        self._db, self._sql, self._params = db, f"select [{column}] from [{table}] where {where}", list(params)

    def __str__(self) -> str:
        row = self._db.execute(self._sql, self._params).fetchone()
        return (row[0] or "") if row else ""

    def __html__(self) -> str:  # Jinja2/markupsafe: stored bodies are trusted HTML
        return str(self)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        # WAL lets a reader (status) look while a run writes, and survives a kill -9 mid-write.
        db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database and loses nothing when a process is
        # killed; only a power cut may drop the last commits, which the next run redoes. FULL
        # would fsync once per post.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except Exception as exc:  # sqlite3.DatabaseError for a file that is not a database, OSError, ...
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    return db
