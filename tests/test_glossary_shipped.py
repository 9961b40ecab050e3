"""The shipped glossaries are found from any folder, and a run without any says so."""

from __future__ import annotations

import logging
from pathlib import Path

from polypost.config import Config
from polypost.glossary.shipped import shipped_glossary_paths
from polypost.pipeline import load_glossary

REPO_GLOSSARIES = Path(__file__).resolve().parent.parent / "glossaries"


def test_shipped_glossaries_are_found_outside_the_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no glossaries/ here
    assert [p.name for p in Config().glossary_paths()] == ["marketing.en-es.tsv"]
    assert [p.read_bytes() for p in shipped_glossary_paths("en", "es")] == \
        [(REPO_GLOSSARIES / "marketing.en-es.tsv").read_bytes()]


def test_a_glossaries_folder_in_the_current_folder_comes_first(tmp_path, monkeypatch):
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "mine.en-es.tsv").write_text("en\tes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [p.name for p in Config().glossary_paths()] == ["mine.en-es.tsv"]


def test_a_run_with_no_glossary_warns(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING):
        glossary = load_glossary(Config(source_lang="en", target_lang="fr"))
    assert "no glossary found" in caplog.text
    assert glossary.terms == []
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        load_glossary(Config(use_glossary=False))
    assert "no glossary" not in caplog.text  # --no-glossary means it
