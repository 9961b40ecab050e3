"""SQLite's storage faults as `StorageError`s that name the file and say what to do.

A full disk, a read-only or damaged file is not a bug and not one post's failure: the command
ends with exit code 74 and one line. Every public method of the store's classes runs under
`guarded`, so no `sqlite3` exception of that kind leaves the store package; any other SQLite
error (a wrong query) is still a bug and passes unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from polypost.errors import StorageError

__all__ = ["RECOVER_ADVICE", "StoreError", "guarded", "storage_error", "storage_errors"]

RECOVER_ADVICE = ("restore it from a backup, or save what SQLite can still read with "
                  "`sqlite3 {path} .recover | sqlite3 recovered.db` and run with --db recovered.db")

# SQLite's primary result codes (the low byte of an extended code), with what each means to a
# user; the message text is the fallback where Python (3.10) does not expose the code.
_FAULTS: list[tuple[int, str, str, str]] = [
    (13, "database or disk is full", "its disk is full",
     "free some space and run again; what was written before is intact"),
    (8, "readonly database", "the file is read-only",
     "make it writable (chmod u+w, or chattr -i) or name another file with --db"),
    (11, "malformed", "the file is damaged", RECOVER_ADVICE),
    (26, "not a database", "it is not a SQLite database (or its header is damaged)",
     "check the --db path, or " + RECOVER_ADVICE),
    (14, "unable to open", "it cannot be opened",
     "check that its folder exists and may be written (SQLite writes -wal and -shm files beside it)"),
    (10, "disk i/o error", "the disk failed to read or write it", "check the disk, then run again"),
    (3, "access permission denied", "access to it is denied", "check the permissions of the file and folder"),
]


class StoreError(StorageError):
    """The database cannot be opened or used (not a database, damaged, a failed migration)."""


def storage_error(exc: BaseException, path: str | Path) -> StoreError | None:
    """The StorageError that `exc` means for the database at `path`; None when it is not a
    storage fault (a bug, a locked database)."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    message = str(exc).lower()
    for primary, text, problem, advice in _FAULTS:
        if (code is not None and code & 0xFF == primary) or text in message:
            return StoreError(str(path), f"{problem} ({exc})", advice.format(path=path))
    return None


@contextlib.contextmanager
def storage_errors(path: str | Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        error = storage_error(exc, path)
        if error is None:
            raise
        raise error from exc


Cls = TypeVar("Cls", bound=type)


def guarded(cls: Cls) -> Cls:
    """Run every public method of `cls` (an object with `.path`) under `storage_errors`;
    generators too, for the rows they read while the caller iterates."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(cls, name, _guard(member))
    return cls


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def rows(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with storage_errors(self.path):
                yield from fn(self, *args, **kwargs)
        return rows

    @functools.wraps(fn)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with storage_errors(self.path):
            return fn(self, *args, **kwargs)
    return call


def database_path(conn: sqlite3.Connection) -> str:
    """The file behind `conn`, for messages (":memory:" when none)."""
    try:
        row = next((r for r in conn.execute("pragma database_list") if r[1] == "main"), None)
    except sqlite3.Error:
        return "?"
    return (row[2] if row else "") or ":memory:"
