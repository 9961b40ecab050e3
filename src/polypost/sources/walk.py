"""The files of the folders given, in sorted order, for the files reader.

Hidden files and folders (.git, .DS_Store) are passed over. A symbolic link that leads out of
the folder given is reported and skipped (a link to /etc/passwd would publish it) unless
`follow_symlinks`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from polypost.records import SourceProblem


def walk_files(paths: Sequence[str | Path], follow_symlinks: bool = False) -> Iterator[str | SourceProblem]:
    """Each file's path, or the problem of a link that leads outside its folder."""
    for given in paths:
        given = str(given)
        if os.path.isdir(given):
            root = os.path.realpath(given)
            for folder, dirs, files in os.walk(given, followlinks=follow_symlinks):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in dirs:
                    path = os.path.join(folder, name)
                    if not follow_symlinks and os.path.islink(path) and _outside(path, root):
                        yield _link_problem(path, given)
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    path = os.path.join(folder, name)
                    if not follow_symlinks and os.path.islink(path) and _outside(path, root):
                        yield _link_problem(path, given)
                    else:
                        yield path
        else:
            yield given  # a missing file becomes a SourceProblem in read_file_post


def _outside(path: str, root: str) -> bool:
    target = os.path.realpath(path)
    return target != root and not target.startswith(root.rstrip(os.sep) + os.sep)


def _link_problem(path: str, root: str) -> SourceProblem:
    return SourceProblem(origin=path, skipped=True,
                         error=f"symbolic link to {os.path.realpath(path)}, outside {root}; skipped "
                               "([sources] follow_symlinks = true reads it)")
