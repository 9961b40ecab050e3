"""Atomic writes that skip unchanged content, and the manifest of what was written.

The manifest (`OUT/.polypost-manifest.json`) lists every file a publish wrote, with a
content hash. It is what lets a later publish remove the files of a post that is no longer
published without ever touching a file polypost did not write. For a page written with a
fingerprint of its inputs (`incremental.py`) it also keeps that fingerprint, what the page's
body resolved, and the file's size, mtime and inode as written: a later publish with the same
fingerprint keeps the file without rendering it, unless the file changed on disk since. It also
holds what the publish keeps for the next one (`summaries.py`), as that module saved it.

The files are written by one thread (`background.py`) while the publish renders the next pages;
`finish` waits for them before it removes anything or saves the manifest.

Files are renamed into place (a reader sees the old file or the new one, never half) but not
fsynced one by one: one os.sync() when the writing is done, before the manifest (itself
fsynced) says what is there. A crash before that leaves at worst a page whose data did not
reach the disk; the manifest on disk is then the previous one, whose size/mtime/inode do not
match the renamed file, so the next publish renders that page again.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from stat import S_ISREG

from polypost.publish.background import BackgroundWrites

log = logging.getLogger(__name__)

MANIFEST_NAME = ".polypost-manifest.json"
MANIFEST_VERSION = 2  # 2 adds "pages"; a version 1 manifest is read as one with no pages
# Published files are read by a web server running as another user: 0600 (what
# mkstemp gives) would make every page a 403.
PUBLISHED_MODE = 0o644


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path, data: bytes, durable: bool = True, make_folder: bool = True) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half.

    The temporary file is in the same folder, so os.replace is a rename on one filesystem.
    `durable=False` leaves the fsync to the caller (OutputWriter syncs once for all its files);
    `make_folder=False`: the caller made the folder.
    """
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, PUBLISHED_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


# The last manifest read, by path, with the stat it was read at: a run's config load asks it for
# the base URL and its publish for every page; on a big site each parse is a tenth of a second.
_read: dict[str, tuple[list[int] | None, object]] = {}


def _manifest_data(out_dir: Path, keep: bool = True) -> object:
    """The parsed manifest (None when there is none); ValueError when it is not JSON."""
    path = out_dir / MANIFEST_NAME
    stat = _stat_key(path)
    if stat is None:
        return None
    cached = _read.pop(str(path), None)
    if cached is not None and cached[0] == stat:
        data = cached[1]
    else:
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ValueError(f"{path}: not a polypost manifest ({error})") from error
    if keep:
        _read[str(path)] = (stat, data)
    return data


def _files_of(out_dir: Path, data: object) -> dict[str, str]:
    try:
        files = data["files"]  # type: ignore[index]
        return {str(name): str(digest) for name, digest in files.items()}
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{out_dir / MANIFEST_NAME}: not a polypost manifest ({error!r}); move it away to "
                         "publish here") from error


def _pages_of(data: object) -> dict[str, dict]:
    pages = data.get("pages", {}) if isinstance(data, dict) else {}
    return {str(name): record for name, record in pages.items() if isinstance(record, dict)} \
        if isinstance(pages, dict) else {}


def load_manifest(out_dir: Path) -> dict[str, str]:
    """The files (relative path -> sha256) the last publish into `out_dir` wrote."""
    try:
        data = _manifest_data(out_dir)
    except ValueError as error:
        raise ValueError(f"{error}; move it away to publish here") from error
    return {} if data is None else _files_of(out_dir, data)


def _stat_key(path: Path | str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def published_base_url(out_dir: Path) -> str | None:
    """The base URL the site in `out_dir` was last published under, as its manifest says."""
    try:
        data = _manifest_data(out_dir)
        url = data.get("site", {}).get("base_url")  # type: ignore[union-attr]
    except (ValueError, AttributeError):
        return None
    return url if isinstance(url, str) and url else None


def _remove_leftover_temporaries(path: Path) -> None:
    """A run killed inside atomic_write leaves its temporary file: the next write of the same
    path cleans it up. Only names atomic_write makes for this path are touched."""
    if path.parent.is_dir():
        for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
            leftover.unlink(missing_ok=True)


def _holds(path: Path, payload: bytes) -> bool:
    """Whether `path` is a file holding exactly `payload` (one of another size is not read)."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return S_ISREG(stat.st_mode) and stat.st_size == len(payload) and path.read_bytes() == payload


def _is_relative(relpath: str) -> bool:
    """A plain relative POSIX path: not absolute, no "..", ".", empty segment, backslash or drive
    (what PurePosixPath(relpath).as_posix() gives back unchanged, without making one per page)."""
    if not relpath or relpath[0] == "/" or "\\" in relpath or (len(relpath) > 1 and relpath[1] == ":"):
        return False
    return all(segment not in ("", ".", "..") for segment in relpath.split("/"))


def _check_relative(relpath: str) -> None:
    if not _is_relative(relpath):
        raise ValueError(f"refusing to write outside the output folder: {relpath!r}")


def _inside(out_dir: Path, path: Path) -> bool:
    """Whether `path`, its symlinks resolved, is inside `out_dir` (a folder linked elsewhere is not)."""
    root = out_dir.resolve()
    return root in path.resolve().parents


class OutputWriter:
    """Writes one publish run's files into `out_dir` and keeps the manifest.

    `write` compares content with what is on disk and leaves identical files alone, so
    that a publish with nothing changed writes nothing (mtimes, rsync and caches stay
    quiet). `finish` removes what the previous run wrote and this one did not.
    """

    def __init__(self, out_dir: Path, site: dict[str, str] | None = None) -> None:
        self.out_dir = out_dir
        # The output folder as os.path.dirname writes it for a file at its top ("" for "."): pages are
        # joined to it as strings (a Path per page cost more than its stat) and folders checked up to it.
        self._root = os.path.dirname(out_dir / "x")
        self.site = site or {}  # what the site was published under (base_url), kept in the manifest
        try:
            data = _manifest_data(out_dir, keep=False)  # this publish replaces it
        except ValueError as error:
            raise ValueError(f"{error}; move it away to publish here") from error
        self.previous = {} if data is None else _files_of(out_dir, data)
        self.previous_pages = _pages_of(data)
        # Anything else a publish keeps for the next (publish/summaries.py), as it was saved.
        self.previous_summaries = data.get("summaries") if isinstance(data, dict) else None
        self.summaries: dict | None = None
        self.files: dict[str, str] = {}
        self.pages: dict[str, dict] = {}
        # [relpath, changed] in the order files were handed over; changed is None until written.
        self._outcomes: list[list] = []
        self._writes = BackgroundWrites()
        self._inside_folders: dict[str, bool] = {}  # a folder of the output (as joined) -> inside it
        self._made_folders: dict[str, bool] = {}  # folder -> made by this publish (writing thread only)

    @property
    def written(self) -> list[str]:
        """The files this publish wrote (complete once `finish` or `wait` returned)."""
        return [relpath for relpath, changed in self._outcomes if changed]

    @property
    def unchanged(self) -> list[str]:
        return [relpath for relpath, changed in self._outcomes if changed is False]

    def write(self, relpath: str, data: str | bytes, fingerprint: str | None = None, refs=None) -> None:
        """Hand one file (a path relative to the output folder) to the writing thread.

        With a `fingerprint` (of what the file is made from) the manifest keeps it, with `refs`
        (what its body resolved) and the file's stat, for `reusable` in the next publish. A path
        that is refused raises here; a write that fails raises in a later `write` or in `finish`."""
        _check_relative(relpath)
        if relpath in self.files:
            raise ValueError(f"{relpath}: two pages of this publish want the same path")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path = self.out_dir / relpath
        if not self._leads_inside(path):
            raise ValueError(f"refusing to write outside the output folder: {relpath!r} leads to {path.resolve()}")
        self.files[relpath] = ""  # its hash, once written
        record = None
        if fingerprint is not None:
            record = {"fingerprint": fingerprint, "stat": None}  # the stat once written
            if refs is not None:
                record["refs"] = refs
            self.pages[relpath] = record
        outcome = [relpath, None]
        self._outcomes.append(outcome)
        self._writes.submit(lambda: self._write_file(relpath, path, payload, record, outcome))

    def _leads_inside(self, path: Path) -> bool:
        """`_inside`, worked out once per folder, from its parent's answer: resolving every page's
        path walked all its folders one lstat at a time, in Python. A link is resolved whole."""
        return self._folder_inside(os.path.dirname(path)) and (not os.path.islink(path) or _inside(self.out_dir, path))

    def _folder_inside(self, folder: str) -> bool:
        known = self._inside_folders.get(folder)
        if known is None:
            parent = os.path.dirname(folder)
            if len(parent) < len(self._root) or parent == folder or os.path.islink(folder):
                resolved, root = Path(folder).resolve(), self.out_dir.resolve()
                known = resolved == root or root in resolved.parents
            else:  # a folder that is no link is where its parent is (or not there yet)
                known = self._folder_inside(parent)
            self._inside_folders[folder] = known
        return known

    def _write_file(self, relpath: str, path: Path, payload: bytes, record: dict | None, outcome: list) -> None:
        """On the writing thread: the file, unless it holds `payload` already. In a folder this
        publish made there is nothing to compare with and no leftover to clear."""
        self.files[relpath] = content_hash(payload)
        made = self._ready_folder(os.path.dirname(path))
        if not made:
            _remove_leftover_temporaries(path)
        if not made and _holds(path, payload):
            outcome[1] = False
        else:
            atomic_write(path, payload, durable=False, make_folder=False)
            outcome[1] = True
        if record is not None:
            record["stat"] = _stat_key(path)

    def _ready_folder(self, folder: str) -> bool:
        """Make `folder` when it is missing; whether this publish made it (on the writing thread)."""
        made = self._made_folders.get(folder)
        if made is None:
            made = not os.path.isdir(folder or ".")  # "": a file at the top of `--out .`
            if made:
                os.makedirs(folder, exist_ok=True)
            self._made_folders[folder] = made
        return made

    def wait(self) -> None:
        """Every file handed over written; the first error of any is raised."""
        self._writes.wait()

    def close(self) -> None:
        """Let the files handed over be written, raising nothing (a publish that failed)."""
        self._writes.stop()

    def reusable(self, relpath: str, fingerprint: str) -> dict | None:
        """The last publish's record of `relpath` when it was made from the same `fingerprint` and
        the file is still the one it wrote, else None.

        "Still the one it wrote" is its size, mtime (ns) and inode as recorded after writing, not a
        hash of its content: a stat per page instead of reading every page, and a hand edit, a
        deletion or a replacement by an editor's rename changes at least one of them."""
        record = self.previous_pages.get(relpath)
        if record is None or record.get("fingerprint") != fingerprint or relpath not in self.previous \
                or relpath in self.files or not _is_relative(relpath):
            return None
        stat = _stat_key(os.path.join(self._root, relpath))
        return record if stat is not None and record.get("stat") == stat else None

    def keep(self, relpath: str, record: dict) -> None:
        """Keep a file `reusable` returned as this publish's own, unwritten."""
        self.files[relpath] = self.previous[relpath]
        self.pages[relpath] = record
        self._outcomes.append([relpath, False])

    def adopt(self, relpath: str, digest: str, record: dict | None, changed: bool) -> None:
        """A file that another process of this publish wrote (`parallel.py`), as if written here:
        its content hash, its record (fingerprint, refs, stat as written) and whether it changed."""
        _check_relative(relpath)
        if relpath in self.files:
            raise ValueError(f"{relpath}: two pages of this publish want the same path")
        self.files[relpath] = digest
        if record is not None:
            self.pages[relpath] = record
        self._outcomes.append([relpath, changed])

    def finish(self) -> list[str]:
        """Wait for the files handed over, remove stale files, save the manifest, and return what
        was removed."""
        self.wait()
        removed = []
        for relpath in sorted(set(self.previous) - set(self.files)):
            # The manifest is a file in the output folder that anyone may have edited: an entry
            # "../../x" or "/etc/x" (or one through a symlink) must never delete anything.
            if not _is_relative(relpath):
                log.warning("%s: manifest entry %r is outside the output folder; ignored", self.out_dir, relpath)
                continue
            path = self.out_dir / relpath
            if not _inside(self.out_dir, path):
                log.warning("%s: manifest entry %r leads outside the output folder; ignored", self.out_dir, relpath)
                continue
            if not path.is_file():
                continue
            # A file someone edited after we wrote it is theirs now: leave it.
            if content_hash(path.read_bytes()) != self.previous[relpath]:
                continue
            path.unlink()
            removed.append(relpath)
            self._remove_empty_parents(path.parent)
        self._save_manifest()
        return removed

    def _remove_empty_parents(self, folder: Path) -> None:
        root = self.out_dir.resolve()
        while folder.resolve() != root and root in folder.resolve().parents:
            try:
                folder.rmdir()  # only succeeds when empty: never removes someone's files
            except OSError:
                return
            folder = folder.parent

    def _save_manifest(self) -> None:
        if self.written and hasattr(os, "sync"):
            os.sync()  # every page written reaches the disk before the manifest says it is there
        manifest: dict = {"version": MANIFEST_VERSION, "files": dict(sorted(self.files.items()))}
        if self.site:
            manifest["site"] = self.site
        if self.pages:
            manifest["pages"] = dict(sorted(self.pages.items()))
        if self.summaries:
            manifest["summaries"] = self.summaries
        # No indent: json's C encoder only serves indent=None, and the pages of a big site add up.
        payload = (json.dumps(manifest, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        path = self.out_dir / MANIFEST_NAME
        _remove_leftover_temporaries(path)
        # A file written has a new stat in the manifest: only a publish that wrote nothing may
        # find the manifest it would write already there (and leave it, mtime and all).
        if not self.written and _holds(path, payload):
            return
        atomic_write(path, payload)
