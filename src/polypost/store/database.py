"""Opening the SQLite file: pragmas, migrations, and the lazily read long texts."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from polypost.store.faults import RECOVER_ADVICE, StoreError, database_path, guarded, storage_error
from polypost.store.migrations import migrate


@guarded
class StoredText:
    """A long text column read from the database each time it is used, never kept.

    Publishing walks every post of an archive but needs each body only while it renders
    that post's page: holding them all would make memory grow with the archive."""

    def __init__(self, db: sqlite_utils.Database, table: str, column: str, where: str, params: Sequence[Any],
                 path: str | None = None):
        self._db, self._sql, self._params = db, f"select [{column}] from [{table}] where {where}", list(params)
        self.path = path or database_path(db.conn)  # the store passes its own: one per post adds up

    def text(self) -> str:
        # In a process forked from the one that opened the store (publishing renders pages in two)
        # the inherited connection is not used: SQLite's locks and file handles do not survive a
        # fork, so the child reads through its own.
        db = self._db if os.getpid() == _OPENED_IN else _connection_in_child(self.path, self._db)
        row = db.execute(self._sql, self._params).fetchone()
        return (row[0] or "") if row else ""

    def __str__(self) -> str:
        return self.text()

    def __html__(self) -> str:  # Jinja2/markupsafe: stored bodies are trusted HTML
        return self.text()


_OPENED_IN = os.getpid()
_child_connections: dict[str, Any] = {}


def _connection_in_child(path: str, inherited: Any) -> Any:
    """A connection of this (forked) process's own to the file at `path`; a database in memory has
    no file, and its inherited copy is this process's alone."""
    if path in ("", ":memory:", "?"):
        return inherited
    connection = _child_connections.get(path)
    if connection is None:
        connection = _child_connections[path] = sqlite3.connect(path)
    return connection


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at `path`.

    An existing file must pass SQLite's `quick_check` first: nothing, not even a run's row, is
    written into a damaged database, so what a recovery could save stays as it was."""
    path = Path(path).absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(str(path), f"its folder cannot be made ({exc.strerror})",
                         "create it, or name another file with --db") from exc
    existing = path.exists() and path.stat().st_size > 0
    try:
        db = sqlite_utils.Database(path)
        if existing:
            check_intact(db, path)
        # WAL lets a reader (status) look while a run writes, and survives a kill -9 mid-write.
        db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database and loses nothing when a process is
        # killed; only a power cut may drop the last commits, which the next run redoes. FULL
        # would fsync once per post.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) or StoreError(str(path), f"it cannot be used ({exc})",
                                                     "check that --db names a polypost database") from exc
    return db


def check_intact(db: sqlite_utils.Database, path: Path) -> None:
    """Refuse a damaged file. quick_check reads every page once (O(N), no index cross-checks)."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:  # damage in the schema or page 1 stops the check itself
        if storage_error(exc, path) is None or "malformed" not in str(exc):
            raise
        problems = [str(exc)]
    if problems != ["ok"]:
        db.conn.close()
        raise StoreError(str(path), f"the file is damaged (SQLite's quick_check: {'; '.join(problems)})",
                         "nothing was written to it; " + RECOVER_ADVICE.format(path=path))
