"""Posts not in the source language: a Spanish post is published in Spanish with no twin, a post
in any other language is reported (once as a failure of the run that finds it, always in
`status`), and an English post that a detector misreads because it is short or list-like is not lost."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.languages.detect import detect_post
from polypost.sources.wxr import read_wxr

BASE = "https://blog.example.com/"


def test_short_and_list_like_english_posts_of_the_theme_test_stay_english(corpus):
    """The theme unit test export is English but for one Latin and one Greek post: measured, 74 of 76
    are English (langdetect alone: 66, with a list-like post read as Danish and lorem-ipsum stubs
    as Catalan or undetermined)."""
    posts = [p for p in read_wxr(str(corpus / "wxr" / "theme-unit-test-data.xml")) if hasattr(p, "title")]
    found = {p.title: detect_post(p)[0] for p in posts}
    assert Counter(found.values()) == Counter({"en": 74, "ca": 1, "el": 1})
    assert found["Edge Case: Nested And Mixed Lists"] == "en"
    assert found["Page B"] == "en"  # "(lorem ipsum)": no language of its own; the export says en-US
    assert found["Lorem Ipsum"] == "ca"  # Latin, which langdetect does not know: not English either
    assert found["Ελληνικά-Greek"] == "el"


@pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")
def test_spanish_posts_are_published_in_spanish_and_other_languages_reported(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "hello.md").write_text("---\ntitle: Hello\ndate: 2024-01-02\n---\nThis is a short post about our "
                                    "community and the newsletter we send every week to our readers.\n")
    (posts / "hola.md").write_text("---\ntitle: Cómo medimos el alcance\ndate: 2024-01-03\n---\nEste artículo "
                                   "explica cómo medimos el alcance de cada publicación en las redes sociales y "
                                   "qué hacemos con los datos.\n")
    (posts / "hallo.md").write_text("---\ntitle: Wie wir die Reichweite messen\ndate: 2024-01-04\n---\nDieser "
                                    "Artikel erklärt, wie wir die Reichweite jeder Veröffentlichung in den sozialen "
                                    "Netzwerken messen und was wir mit den Daten machen.\n")
    db, out = str(tmp_path / "p.db"), tmp_path / "site"
    args = ["--db", db, "run", str(posts), "--out", str(out), "--engine", "apertium", "--base-url", BASE, "--json"]
    first = CliRunner().invoke(cli, args)
    summary = json.loads(first.stdout)
    assert first.exit_code == 1  # the German post: said, as a failure of the run that found it
    assert [(f["stage"], f["post"]) for f in summary["failed"]] == [("detect", f["post"]) for f in summary["failed"]]
    assert len(summary["failed"]) == 1 and "'de'" in summary["failed"][0]["error"]
    assert summary["translated"] == 1 and summary["published"] == 3  # the pair, and the Spanish post
    spanish = (out / "es" / "hola" / "index.html").read_text(encoding="utf-8")
    assert "Cómo medimos el alcance" in spanish and 'hreflang="en"' not in spanish
    assert "hola" in (out / "es" / "feed.xml").read_text(encoding="utf-8")
    assert "/es/hola/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert not (out / "en" / "hola").exists() and not (out / "en" / "hallo").exists()
    # The next run has nothing new to say; status still lists the post.
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    status = json.loads(CliRunner().invoke(cli, ["--db", db, "status", "--json"]).stdout)
    assert [(p["lang"], p["title"]) for p in status["other_languages"]] == [("de", "Wie wir die Reichweite messen")]
    text = CliRunner().invoke(cli, ["--db", db, "status"]).stdout
    assert "not published, in another language: 1" in text and "Wie wir die Reichweite messen" in text
