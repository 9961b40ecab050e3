"""The nightly job under faults, with real processes: kill -9 at points in translation and
publishing, two runs at once, a full disk, a read-only output folder.

Every scenario ends with the same proof: the next run's output and database equal a clean
run's (timestamps aside).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
pytestmark = [
    pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)"),
    pytest.mark.slow,
]

# Columns that record when something happened, not what it is.
TIMESTAMPS = {"ingested_at", "updated_at", "translated_at", "created_at"}
MANIFEST = ".polypost-manifest.json"


def polypost(work: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "polypost", "--db", str(work / "data" / "p.db"), "-v", *args]


def run_args(work: Path, out: Path | None = None) -> list[str]:
    return polypost(work, "run", str(SAMPLES), "--out", str(out or work / "site"), "--engine", "apertium",
                    "--base-url", "https://blog.example.com/", "--json")


def finish(work: Path, out: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(run_args(work, out), capture_output=True, text=True, timeout=300)


def snapshot(work: Path, out: Path | None = None) -> dict:
    """Everything a reader or the next run depends on."""
    db = sqlite_utils.Database(work / "data" / "p.db")
    tables = {}
    for table in ("posts", "translations", "memory"):
        rows = [{k: v for k, v in row.items() if k not in TIMESTAMPS} for row in db[table].rows]
        tables[table] = sorted(json.dumps(row, sort_keys=True) for row in rows)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    db.conn.close()
    out = out or work / "site"
    files = {
        str(path.relative_to(out)): _content_hash(path)
        for path in sorted(out.rglob("*")) if path.is_file() and path.name != MANIFEST
    }
    leftovers = [name for name in files if ".tmp" in name or name.endswith("~")]
    assert not leftovers, f"half-written files left behind: {leftovers}"
    manifest = json.loads((out / MANIFEST).read_text())["files"]
    assert set(manifest) == set(files), "the manifest must list exactly the files on disk"
    return {"tables": tables, "files": files}


def _content_hash(path: Path) -> str:
    data = path.read_bytes()
    if path.name in ("feed.xml", "sitemap.xml"):
        # Feeds and sitemaps say when each post last changed: a run at another time differs there only.
        data = re.sub(rb"<(updated|lastmod)>[^<]*</(updated|lastmod)>", b"", data)
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("clean")
    result = finish(work)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["translated"] == 8 and summary["published"] == 16
    return snapshot(work)


def kill_after(work: Path, marker: str, delay: float) -> str:
    """Start a run, wait until stderr shows `marker`, wait `delay` more, then SIGKILL it."""
    process = subprocess.Popen(run_args(work), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            break
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return "".join(seen)


@pytest.mark.parametrize("marker", ["engine: apertium", "translated ", "publishing "])
def test_killed_runs_then_one_more_equals_a_clean_run(tmp_path, clean, marker):
    rng = random.Random(marker)
    log = kill_after(tmp_path, marker, rng.uniform(0.0, 0.4))
    assert marker in log, log
    for _ in range(2):  # more kills in a row; a later run may already be past the marker
        kill_after(tmp_path, marker, rng.uniform(0.0, 0.4))
    result = finish(tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path) == clean


def test_second_run_while_one_holds_the_lock_exits_3(tmp_path):
    first = subprocess.Popen(run_args(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in first.stderr:
        if "engine: apertium" in line:
            break
    second = subprocess.run(run_args(tmp_path), capture_output=True, text=True, timeout=60)
    rest_out, _ = first.communicate(timeout=300)
    assert second.returncode == 3, second.stderr
    assert "in use" in second.stderr
    assert first.returncode == 0
    assert json.loads(rest_out)["translated"] == 8


def _mount_tmpfs(path: Path, options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.decode().strip()}); needs root")


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
@pytest.mark.parametrize("options", ["size=48k", "ro,size=1m"], ids=["full-disk", "read-only"])
def test_unwritable_output_fails_the_run_and_loses_nothing(tmp_path, clean, options):
    small = tmp_path / "small"
    _mount_tmpfs(small, options)
    try:
        result = finish(tmp_path, out=small)
    finally:
        subprocess.run(["umount", str(small)], check=False)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["translated"] == 8
    assert summary["failed"] and summary["failed"][0]["stage"] == "publish"
    assert str(small) in summary["failed"][0]["error"]
    # The data is intact: the next run into a writable folder publishes everything.
    result = finish(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["translated"] == 0
    assert snapshot(tmp_path) == clean


def test_database_from_an_older_schema_is_migrated_by_the_run(tmp_path, clean):
    from polypost.store import MIGRATIONS, MIGRATIONS_TABLE

    db_path = tmp_path / "data" / "p.db"
    db_path.parent.mkdir(parents=True)
    db = sqlite_utils.Database(db_path)
    db[MIGRATIONS_TABLE].create({"name": str, "applied_at": str}, pk="name")
    for fn in MIGRATIONS[:2]:  # a database made before the memory and runs tables existed
        fn(db)
        db[MIGRATIONS_TABLE].insert({"name": fn.__name__, "applied_at": "2024-01-01T00:00:00+00:00"})
    db.conn.close()
    result = finish(tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path) == clean
