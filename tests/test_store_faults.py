"""Database faults on real SQLite files: a full disk, a read-only file, a damaged file.

Each is a StorageError naming the file (exit code 74 and one line on stderr), never a
traceback, and nothing is written into a file that failed SQLite's quick_check. A full disk is
SQLite's own SQLITE_FULL, reached through `PRAGMA max_page_count`; a read-only file is made
with chmod, with `chattr +i` as root (root ignores file modes), or opened with `mode=ro`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from polypost.cli import cli
from polypost.errors import StorageError
from polypost.sources.stage import IngestOptions, ingest
from polypost.store import Store, StoreError, open_db

PAGE = 4096


def write_posts(folder: Path, count: int, start: int = 0, size: int = 3000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    words = "Our community manager measures the engagement rate of every campaign on social media. "
    for number in range(start, start + count):
        body = f"Post number {number}. " + words * (size // len(words))
        (folder / f"post-{number:04d}.md").write_text(f"---\ntitle: Post {number}\n---\n\n{body}\n", encoding="utf-8")
    return folder


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def full_store(path: Path, spare_pages: int = 0) -> Store:
    """A store whose file may grow by `spare_pages` pages at most: SQLite then answers
    SQLITE_FULL ("database or disk is full") exactly as on a full disk."""
    store = Store(open_db(path))
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
    return store


def fill_up(store: Store) -> None:
    """Use the last free bytes of the file's pages, so that no row at all fits any more."""
    for number in range(100_000):
        try:
            store.record_failure(None, f"filler-{number}", "ingest", "x" * 200)
        except StorageError:
            return
    raise AssertionError("the database never filled up")


# ---------------------------------------------------------------- disk full

def test_disk_full_when_even_the_failure_record_fails_is_a_storage_error(tmp_path):
    path = tmp_path / "p.db"
    seed = Store.open(path)
    ingest(seed, [str(write_posts(tmp_path / "old", 3))])
    seed.close()
    store = full_store(path)
    fill_up(store)
    with pytest.raises(StorageError) as raised:
        ingest(store, [str(write_posts(tmp_path / "new", 5, start=10, size=40000))], IngestOptions())
    assert "disk is full" in str(raised.value) and str(path) in str(raised.value)
    store.close()
    reopened = Store.open(path)  # what was written before the disk filled is intact
    assert reopened.count_posts() == 3
    assert reopened.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_disk_full_for_one_big_post_fails_that_post_and_the_batch_goes_on(tmp_path):
    path = tmp_path / "p.db"
    Store.open(path).close()
    folder = write_posts(tmp_path / "posts", 2, size=2000)
    (folder / "post-huge.md").write_text("---\ntitle: Huge\n---\n\n" + "Social media reach. " * 30000,
                                         encoding="utf-8")
    store = full_store(path, spare_pages=12)  # room for small posts and a failure, not for 600 kB
    report = ingest(store, [str(folder)], IngestOptions(), run_id=None)
    assert report.ingested == 2
    assert [Path(f["post"]).name for f in report.failed] == ["post-huge.md"]
    assert "disk is full" in report.failed[0]["error"]


def test_cli_on_a_full_disk_exits_74_with_one_line(tmp_path, monkeypatch):
    path = tmp_path / "data" / "p.db"
    assert invoke("--db", str(path), "ingest", str(write_posts(tmp_path / "old", 2))).exit_code == 0
    # The command opens its own store; this one has no room left, as on a full disk.
    def open_full(cls, where):
        store = full_store(Path(where))
        fill_up(store)
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_full))
    result = invoke("--db", str(path), "ingest", str(write_posts(tmp_path / "new", 3, start=5, size=40000)),
                    "--json")
    assert result.exit_code == 74, result.output
    line = one_error_line(result)
    assert line.startswith(f"polypost: error: database {path}: its disk is full")
    assert "free some space" in line
    assert json.loads(result.stdout)["error"]["kind"] == "storage"  # --json: the failure as an object too


# ---------------------------------------------------------------- read-only

def make_read_only(path: Path) -> str | None:
    """Make `path` read-only for this process; how, or None when this machine cannot."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return "chmod"
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
        return "chattr"
    return None


def make_writable(path: Path, how: str | None) -> None:
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(path)], check=True)
    elif how == "chmod":
        path.chmod(0o644)


def test_cli_on_a_read_only_file_exits_74_and_status_still_reads_it(tmp_path):
    path = tmp_path / "p.db"
    assert invoke("--db", str(path), "ingest", str(write_posts(tmp_path / "old", 2))).exit_code == 0
    how = make_read_only(path)
    if how is None:
        pytest.skip("running as root where chattr +i does not work (root ignores file modes); "
                    "test_read_only_connection_is_a_storage_error covers the store")
    try:
        before = fingerprint(path)
        result = invoke("--db", str(path), "ingest", str(write_posts(tmp_path / "new", 2, start=5)), "--json")
        assert result.exit_code == 74, result.output
        line = one_error_line(result)
        assert f"database {path}: the file is read-only" in line and "chattr -i" in line
        assert fingerprint(path) == before
        status = invoke("--db", str(path), "status", "--json")
        assert status.exit_code == 0 and '"posts": 2' in status.stdout
    finally:
        make_writable(path, how)


def test_read_only_connection_is_a_storage_error(tmp_path):
    path = tmp_path / "p.db"
    seed = Store.open(path)
    ingest(seed, [str(write_posts(tmp_path / "old", 2))])
    seed.close()
    store = Store(sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True)))
    assert store.count_posts() == 2  # reading still works
    with pytest.raises(StorageError, match="read-only"):
        ingest(store, [str(write_posts(tmp_path / "new", 2, start=5))])
    with pytest.raises(StorageError, match="read-only"):
        store.start_run("ingest")


# ---------------------------------------------------------------- damaged

def damaged_database(tmp_path: Path) -> Path:
    """A real polypost database with random bytes over pages in its middle."""
    path = tmp_path / "p.db"
    store = Store.open(path)
    ingest(store, [str(write_posts(tmp_path / "posts", 60))])
    store.close()
    pages = path.stat().st_size // PAGE
    assert pages > 30 and not Path(f"{path}-wal").exists()
    with open(path, "r+b") as handle:
        handle.seek(PAGE * (pages // 2))
        handle.write(os.urandom(PAGE * 3))
    return path


def test_damaged_file_is_refused_before_anything_is_written(tmp_path):
    path = damaged_database(tmp_path)
    before = fingerprint(path)
    for command in (["ingest", str(write_posts(tmp_path / "new", 1, start=100))], ["status", "--json"],
                    ["run", "--dry-run"]):
        result = invoke("--db", str(path), *command)
        assert result.exit_code == 74, (command, result.output)
        line = one_error_line(result)
        assert f"database {path}: the file is damaged" in line
        assert "nothing was written to it" in line and ".recover" in line
    assert fingerprint(path) == before
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_store_open_refuses_a_damaged_file(tmp_path):
    path = damaged_database(tmp_path)
    with pytest.raises(StoreError, match="damaged"):
        Store.open(path)


def test_a_folder_that_cannot_be_made_is_a_storage_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StorageError, match="folder cannot be made"):
        Store.open(tmp_path / "file" / "p.db")
