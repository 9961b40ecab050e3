"""A post's tags are translated like its title (glossary and memory included) and the Spanish
share kit's hashtags come from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.store import Store
from polypost.translate.keys import tags_of

BASE = "https://blog.example.com/"
pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")

POST = """---
title: Grow your reach
date: 2024-05-01
tags: [social media, community manager, strategy, Instagram, SEO]
---
Our community manager plans the content calendar every week.
"""


def cli_json(tmp_path: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), *args, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def run(tmp_path: Path, site: Path) -> dict:
    return cli_json(tmp_path, "run", str(site), "--out", str(tmp_path / "out"), "--engine", "apertium",
                    "--base-url", BASE)


def test_tags_are_translated_with_the_glossary_and_cased_as_written(tmp_path):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "reach.md").write_text(POST, encoding="utf-8")
    run(tmp_path, site)
    store = Store.open(tmp_path / "p.db")
    post = next(store.iter_posts())
    translation = store.get_translation(post.id, "es")
    # "social media" is a forced term of the shipped glossary, "community manager" a kept one;
    # names and acronyms stay as written; a lower-case tag stays lower case.
    assert translation.tags == ["redes sociales", "community manager", "estrategia", "Instagram", "SEO"]
    store.close()
    kits = cli_json(tmp_path, "share", "--base-url", BASE)
    text = json.dumps(kits, ensure_ascii=False)
    assert "#RedesSociales" in text and "#SocialMedia" in text  # each language's own hashtags


def test_an_edited_tag_is_translated_again(tmp_path):
    site = tmp_path / "blog"
    site.mkdir()
    (site / "reach.md").write_text(POST, encoding="utf-8")
    run(tmp_path, site)
    (site / "reach.md").write_text(POST.replace("strategy", "newsletter"), encoding="utf-8")
    summary = run(tmp_path, site)
    assert summary["translated"] == 1 and summary["segments"]["from_engine"] == 1  # the new tag alone
    store = Store.open(tmp_path / "p.db")
    assert store.get_translation(next(store.iter_posts()).id, "es").tags[2] == "newsletter"


def test_tags_of_keeps_order_and_casing_rules():
    html = "<p>Redes sociales</p><p>SEO marketing</p><p>Instagram</p>"
    # A tag written in lower case stays so, even a name; an acronym first keeps its capitals.
    assert tags_of(html, ["social media", "SEO marketing", "instagram"]) == ["redes sociales", "SEO marketing",
                                                                               "instagram"]
