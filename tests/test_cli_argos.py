"""The Argos path end to end through the CLI: install a real (tiny, copy) Argos package from a
file, list it, and run the whole pipeline on it through the real CTranslate2 code."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from polypost.cli import cli

POST = """---
title: Social media for small teams
date: 2024-06-01
---

A small team can grow its **social media** reach with one clear call to action per post.
Read our [guide](https://example.com/guide) before you start.
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_models_install_list_and_run_with_argos(tmp_path, argos_home, argos_package_file):
    assert json.loads(invoke("models", "list", "--json").stdout) == {"packages": []}
    result = invoke("models", "install", "--file", str(argos_package_file))
    assert result.exit_code == 0, result.output
    listed = json.loads(invoke("models", "list", "--json").stdout)["packages"]
    assert [(p["from_code"], p["to_code"]) for p in listed] == [("en", "es")]

    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "team.md").write_text(POST, encoding="utf-8")
    out = tmp_path / "site"
    result = invoke("--db", str(tmp_path / "p.db"), "run", str(posts), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["engine"].startswith("argos ")  # auto picks Argos once a package is installed
    assert summary["translated"] == 1
    # The copy model returns English, yet every forced term is rendered in Spanish...
    assert summary["glossary"]["expected"] >= 3
    assert summary["glossary"]["met"] == summary["glossary"]["expected"]
    page = next(p for p in (out / "es").glob("*/index.html") if p.parent.name != "page").read_text()
    assert "redes sociales" in page and "llamada a la acción" in page
    assert 'href="https://example.com/guide"' in page
    # ...and QA notices that the rest is still English: the post is flagged, not hidden.
    assert summary["flagged"] == 1


def test_unsafe_model_file_is_refused(tmp_path, argos_home):
    bad = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("../escape/metadata.json", "{}")
    result = invoke("models", "install", "--file", str(bad))
    assert result.exit_code == 1
    assert "evil.argosmodel" in result.stderr and ".." in result.stderr
    assert not (tmp_path / "escape").exists()


def test_offline_index_install_fails_clearly(argos_home):
    result = invoke("models", "install")
    assert result.exit_code == 1
    assert "index" in result.stderr.lower()


def test_no_engine_at_all_says_how_to_get_one(tmp_path, argos_home, monkeypatch):
    monkeypatch.setattr("polypost.translate.apertium.MODES_DIR", Path(tmp_path / "no-modes"), raising=False)
    result = invoke("--db", str(tmp_path / "p.db"), "translate", "--engine", "argos")
    assert result.exit_code == 2
    assert "polypost models install" in result.stderr
