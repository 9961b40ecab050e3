"""The command line end to end, through click's CliRunner, on real temp databases, real
files, and the real Apertium engine."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.pipeline import data_lock
from polypost.store import Store

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)")

POST_MD = """---
title: Why your community manager needs a newsletter
date: 2024-03-05
author: Dana Reyes
description: A newsletter turns followers into leads.
tags: [newsletter, community]
---

Every **community manager** knows that social media reach is rented.
A [newsletter](https://example.com/newsletter) is owned: your followers become leads.

- Write one clear call to action.
- Measure the conversion rate every week.
"""

SPANISH_MD = """---
title: Cómo medir el alcance en redes sociales
date: 2024-04-01
---

Medir el alcance de una publicación es fundamental para cualquier estrategia de contenidos en las
redes sociales, porque nos dice cuántas personas han visto realmente nuestro mensaje.
"""


def dump(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def invoke(*args: str, input: str | None = None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2024-03-05-newsletter.md").write_text(POST_MD, encoding="utf-8")
    (folder / "alcance.md").write_text(SPANISH_MD, encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a post")
    return folder


def test_ingest_stores_labels_and_is_idempotent(tmp_path, blog):
    db = str(tmp_path / "p.db")
    result = invoke("--db", db, "ingest", str(blog), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ingested"] == 2 and data["new"] == 2
    assert data["languages"] == {"en": 1, "es": 1}
    assert data["skipped"] == 1 and data["skipped_inputs"][0]["origin"].endswith("notes.docx")

    again = json.loads(invoke("--db", db, "ingest", str(blog), "--json").stdout)
    assert again["ingested"] == 0 and again["unchanged"] == 2

    (blog / "2024-03-05-newsletter.md").write_text(POST_MD.replace("every week", "every day"), encoding="utf-8")
    changed = json.loads(invoke("--db", db, "ingest", str(blog), "--json").stdout)
    assert changed["updated"] == 1 and changed["unchanged"] == 1

    status = json.loads(invoke("--db", db, "status", "--json").stdout)
    assert status["posts"] == 2
    assert status["languages"] == {"en": 1, "es": 1}
    assert status["translations"]["untranslated"] == 1


def test_bad_file_is_reported_and_the_batch_goes_on(tmp_path, blog):
    (blog / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\nbody\n")
    (blog / "empty.md").write_bytes(b"")
    db = str(tmp_path / "p.db")
    result = invoke("--db", db, "ingest", str(blog), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ingested"] == 2
    failed = {Path(f["post"]).name for f in data["failed"]}
    assert failed == {"broken.md", "empty.md"}
    status = json.loads(invoke("--db", db, "status", "--json").stdout)
    assert {Path(f["post"]).name for f in status["last_run"]["failures"]} == failed


def test_missing_source_and_unsupported_kind_are_usage_errors(tmp_path):
    db = str(tmp_path / "p.db")
    result = invoke("--db", db, "ingest", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr and "nope" in result.stderr
    result = invoke("--db", db, "ingest", "--kind", "wxr", str(tmp_path))
    assert result.exit_code == 2 and "needs a WordPress export file" in result.stderr


def test_bad_config_exits_2_naming_file_line_key(tmp_path):
    config = tmp_path / "polypost.toml"
    config.write_text('[translate]\nbeam_size = "wide"\n')
    result = invoke("--config", str(config), "--db", str(tmp_path / "p.db"), "status")
    assert result.exit_code == 2
    assert f"{config}:2: translate.beam_size" in result.stderr


def test_init_writes_a_config_that_loads(tmp_path):
    result = invoke("init", str(tmp_path / "site"))
    assert result.exit_code == 0
    config = tmp_path / "site" / "polypost.toml"
    assert config.exists() and (tmp_path / "site" / "data").is_dir()
    # status only reads: on a database not made yet it says so and makes nothing
    status = invoke("--config", str(config), "--db", str(tmp_path / "p.db"), "status")
    assert status.exit_code == 2 and str(tmp_path / "p.db") in status.stderr
    assert not (tmp_path / "p.db").exists()
    doctor = invoke("--config", str(config), "--db", str(tmp_path / "p.db"), "doctor", "--json")
    assert doctor.exit_code in (0, 1), doctor.output
    assert json.loads(doctor.stdout)["settings"]["site_title"] == {
        "value": "My blog", "from": "config file", "where": f"{config}:7: site.title"}


def test_a_held_lock_exits_3(tmp_path, blog):
    db = tmp_path / "data" / "p.db"
    with data_lock(db.parent):
        result = invoke("--db", str(db), "ingest", str(blog))
    assert result.exit_code == 3
    assert "in use" in result.stderr


def test_lock_of_a_killed_process_is_not_stuck(tmp_path, blog):
    data = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from polypost.pipeline import data_lock\n"
         f"with data_lock(Path({str(data)!r})):\n    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    assert invoke("--db", str(data / "p.db"), "ingest", str(blog)).exit_code == 3
    holder.kill()
    holder.wait()
    assert invoke("--db", str(data / "p.db"), "ingest", str(blog)).exit_code == 0


@needs_apertium
def test_run_with_apertium_publishes_pairs_and_reruns_from_memory(tmp_path, blog):
    db, out = str(tmp_path / "p.db"), tmp_path / "site"
    args = ["--db", db, "run", str(blog), "--out", str(out), "--engine", "apertium",
            "--base-url", "https://blog.example.com/", "--json"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 2 and summary["translated"] == 1
    assert summary["engine"].startswith("apertium")
    assert summary["segments"]["from_engine"] > 0 and summary["segments"]["from_memory"] == 0
    assert summary["glossary"]["expected"] > 0
    assert summary["glossary"]["met"] == summary["glossary"]["expected"]
    english = out / "en" / "newsletter" / "index.html"
    assert english.exists()
    spanish_pages = [p for p in (out / "es").glob("*/index.html") if p.parent.name not in ("page", "alcance")]
    assert len(spanish_pages) == 1
    spanish = spanish_pages[0].read_text(encoding="utf-8")
    assert 'lang="es"' in spanish and "community manager" in spanish
    assert 'href="https://example.com/newsletter"' in spanish
    assert "https://blog.example.com/en/newsletter/" in spanish
    # The Spanish-language post is published as it is, in Spanish, with no English twin.
    assert not (out / "en" / "como-medir-el-alcance-en-redes-sociales").exists()
    written_in_spanish = (out / "es" / "alcance" / "index.html").read_text(encoding="utf-8")
    assert 'lang="es"' in written_in_spanish and 'hreflang="en"' not in written_in_spanish
    assert 'class="translation-note"' not in written_in_spanish

    again = json.loads(invoke(*args).stdout)
    assert again["translated"] == 0 and again["segments"] == {"from_memory": 0, "from_engine": 0, "kept": 0}

    # Editing one paragraph sends only that paragraph to the engine.
    (blog / "2024-03-05-newsletter.md").write_text(
        POST_MD.replace("Measure the conversion rate every week.", "Measure the conversion rate every month."),
        encoding="utf-8")
    edited = json.loads(invoke(*args).stdout)
    assert edited["translated"] == 1
    assert edited["segments"]["from_engine"] == 1
    assert edited["segments"]["from_memory"] > 1


@needs_apertium
def test_dry_run_says_what_would_be_done_and_changes_nothing(tmp_path, blog):
    db, out = tmp_path / "p.db", tmp_path / "site"
    Store.open(db).close()  # an empty, migrated database
    before = dump(db)
    result = invoke("--db", str(db), "run", str(blog), "--out", str(out), "--engine", "apertium",
                    "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dry_run"] is True
    assert summary["ingested"] == 2 and summary["translated"] == 1
    assert summary["segments"]["from_engine"] > 0
    assert not out.exists()
    assert json.loads(invoke("--db", str(db), "status", "--json").stdout)["posts"] == 0
    assert dump(db) == before


@needs_apertium
def test_since_limits_translation_to_recent_posts(tmp_path, blog):
    (blog / "2019-01-02-old.md").write_text(POST_MD.replace("2024-03-05", "2019-01-02")
                                            .replace("needs a newsletter", "needed a blog"), encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert invoke("--db", db, "ingest", str(blog)).exit_code == 0
    result = invoke("--db", db, "run", "--out", str(tmp_path / "site"), "--engine", "apertium",
                    "--since", "2099-01-01", "--json")
    assert json.loads(result.stdout)["translated"] == 0
    assert invoke("--db", db, "run", "--since", "yesterday").exit_code == 2


def test_wxr_status_option_reaches_the_source(tmp_path, corpus):
    export = corpus / "wxr" / "small-export.xml"
    published = json.loads(invoke("--db", str(tmp_path / "a.db"), "ingest", str(export), "--json").stdout)
    with_drafts = json.loads(invoke("--db", str(tmp_path / "b.db"), "ingest", str(export), "--status", "publish",
                                    "--status", "draft", "--json").stdout)
    # small-export.xml holds 9 published items and one draft page (counted by hand).
    assert published["ingested"] == 9
    assert with_drafts["ingested"] == 10
