"""The errors that are the user's to fix, as opposed to bugs.

A `UsageError` (a bad setting, an unknown post, a missing engine, an unreadable file the user
named) ends a command with exit code 2 and a one-line message. A `StorageError` (the database is
damaged, read-only, or its disk is full) ends it with exit code 74 and a line naming the file and
what to do. Any other exception escaping a command is a bug: exit code 70, a one-line message
naming the command (and the stage), and the traceback under --verbose.
"""

from __future__ import annotations


class UsageError(Exception):
    """Something the user can fix; the message says what and where."""

    kind = "usage"  # the `kind` of the JSON error object that `--json` prints


class LockedError(UsageError):
    """Another polypost process holds this data folder (exit code 3)."""

    kind = "lock"


class NoSuchPost(UsageError, LookupError):
    """A post id or slug the store does not have, or a post that lacks what was asked of it."""


class StorageError(Exception):
    """The database cannot be read or written: corrupt, read-only, disk full. Names the file."""

    kind = "storage"

    def __init__(self, path: str, problem: str, advice: str):
        super().__init__(f"database {path}: {problem}; {advice}")
        self.path, self.problem, self.advice = path, problem, advice

    def __reduce__(self):  # rebuilt whole where a forked child sends it back (forking.py)
        return type(self), (self.path, self.problem, self.advice)


class InternalError(Exception):
    """An unexpected exception in a stage: a bug, named by stage (and post, when known)."""

    kind = "internal"

    def __init__(self, stage: str, error: BaseException, post: str | None = None):
        where = f"{stage} of post {post}" if post else stage
        super().__init__(f"internal error in {where}: {type(error).__name__}: {error}")
        self.stage, self.error, self.post = stage, error, post

    def __reduce__(self):
        return type(self), (self.stage, self.error, self.post)
