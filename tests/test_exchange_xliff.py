"""XLIFF 1.2 export: files Translate Toolkit reads, inline markup as <g>/<x/> codes, notes with
the QA flags and glossary terms; and reading the codes back as placeholders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_import import APERTIUM, FLAGGED, SHARED, Blog
from translate.storage import xliff
from translate.storage.placeables.xliff import G

from polypost.review.files import read_units
from polypost.review.xliff import read_xliff, write_xliff
from polypost.records import Post, Translation
from polypost.review.units import ReviewUnit, parse_unit_id

needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")


@pytest.fixture
def blog(tmp_path) -> Blog:
    blog = Blog(tmp_path)
    blog.run()
    return blog


@needs_apertium
def test_export_opens_in_translate_toolkit_with_codes_notes_and_states(blog: Blog):
    out = blog.export("xliff")
    if shutil.which("xmllint"):
        subprocess.run(["xmllint", "--noout", str(out)], check=True)
    store = xliff.xlifffile.parsestring(out.read_bytes())
    units = store.getunits()
    stack, newsletter = blog.post_id("stack"), blog.post_id("newsletter")
    ids = [parse_unit_id(u.xmlelement.get("id")) for u in units]
    assert {(post, field) for post, field, _, _ in ids} == {
        (stack, "title"), (stack, "body"), (newsletter, "title"), (newsletter, "body"), (newsletter, "description")}
    assert sorted(store.getfilenames()) == sorted([stack, newsletter])  # one <file> per post
    by_source = {u.source: u for u in units}

    linked = by_source["We read the guide and the FAQ before we chose our tools."]
    [rich] = linked.rich_source
    codes = [e for e in rich.sub if isinstance(e, G)]
    assert [(g.id, str(g)) for g in codes] == [("1", "the guide"), ("2", "the FAQ")]
    assert [g.id for g in linked.rich_target[0].sub if isinstance(g, G)] == ["1", "2"]

    flagged = by_source[FLAGGED]
    assert flagged.target == FLAGGED and not flagged.isapproved()
    assert "untranslated: output identical to the source" in flagged.getnotes()
    assert _target(flagged).get("state") == "needs-review-translation"
    assert _target(flagged).get("state-qualifier") == "mt-suggestion"

    shared = [u for u in units if u.source == SHARED]
    assert len(shared) == 2 and {_target(u).get("state") for u in shared} == {"translated"}
    assert "glossary: conversion rate -> tasa de conversión (met)" in shared[0].getnotes()


def _target(unit):
    return unit.xmlelement.find("{urn:oasis:names:tc:xliff:document:1.2}target")


@needs_apertium
def test_flagged_and_single_post_exports(blog: Blog):
    flagged = xliff.xlifffile.parsestring(blog.export("xliff", "--flagged").read_bytes())
    assert flagged.getfilenames() == [blog.post_id("stack")]
    one = xliff.xlifffile.parsestring(blog.export("xliff", "--post", "newsletter").read_bytes())
    assert one.getfilenames() == [blog.post_id("newsletter")]
    assert {u.source for u in one.getunits()} >= {SHARED, "A newsletter turns followers into leads."}


def _unit(source: str, target: str | None, flags=()) -> ReviewUnit:
    return ReviewUnit(post_id="p1", field="body", index=0, source_hash="0" * 64, source=source,
                      target=target, origin="machine", flags=list(flags))


def _write(tmp_path: Path, units: list[ReviewUnit]) -> Path:
    post = Post(id="p1", source="files", origin="p1.md", title="T", html="", slug="p1", content_hash="h")
    translation = Translation(post_id="p1", lang="es", title="T", slug="t", html="", status="flagged")
    path = tmp_path / "units.xlf"
    write_xliff(path, [(post, translation, units)], "en", "es")
    return path


@pytest.mark.parametrize("text", [
    "Plain words only.",
    "Read ⟦1⟧the ⟦2⟧full⟦/2⟧ guide⟦/1⟧ ⟦3/⟧ now & <then> \"quoted\".",
    "⟦1/⟧ starts with an image, ⟦2⟧ends with a link⟦/2⟧",
])
def test_placeholders_round_trip_through_inline_codes(tmp_path, text):
    path = _write(tmp_path, [_unit(text, text)])
    [unit] = read_xliff(path)
    assert unit.source == text and unit.target == text and unit.problem is None
    assert unit.unit_id == "p1:body:0:" + "0" * 64


def test_a_machine_target_with_broken_placeholders_stays_well_formed(tmp_path):
    # The engine dropped ⟦/1⟧: the file still parses, and the reviewer sees the stray marker.
    broken = "Lee ⟦1⟧la guía ⟦2⟧completa⟦/2⟧ primero."
    path = _write(tmp_path, [_unit("Read ⟦1⟧the ⟦2⟧full⟦/2⟧ guide⟦/1⟧ first.", broken,
                                   flags=[{"check": "placeholders", "evidence": "lost ⟦/1⟧"}])])
    [unit] = xliff.xlifffile.parsestring(path.read_bytes()).getunits()
    assert "⟦1⟧" in unit.target and [g.id for g in unit.rich_target[0].sub if isinstance(g, G)] == ["2"]
    [read] = read_xliff(path)
    assert read.target == broken and read.marked_for_review


def test_foreign_inline_codes_are_reported(tmp_path):
    path = _write(tmp_path, [_unit("Click ⟦1/⟧ here.", "Pulsa ⟦1/⟧ aquí.")])
    text = path.read_text(encoding="utf-8").replace('<target state="translated" state-qualifier="mt-suggestion">Pulsa <x id="1"/>',
                                                    '<target state="translated">Pulsa <ph id="1">&lt;img&gt;</ph>')
    assert "<ph" in text
    path.write_text(text, encoding="utf-8")
    [unit] = read_xliff(path)
    assert unit.problem == "inline code <ph> is not one polypost wrote (only <g> and <x/>)"


def test_format_is_found_by_content_when_the_extension_says_nothing(tmp_path):
    path = _write(tmp_path, [_unit("Plain words only.", "Solo palabras.")])
    renamed = path.rename(tmp_path / "review-from-translator")
    fmt, units = read_units(renamed)
    assert fmt == "xliff" and units[0].target == "Solo palabras."


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@needs_apertium
def test_real_posts_round_trip_through_xliff_and_an_untouched_import_changes_no_page(tmp_path, monkeypatch):
    posts = CORPUS / "markdown" / "rust-blog-yaml"
    if not posts.is_dir():
        pytest.skip(f"{posts} is absent (the shared corpus is not beside this checkout)")
    # The posts are links into the corpus, outside the source folder: the user says to follow them.
    (tmp_path / "polypost.toml").write_text("[sources]\nfollow_symlinks = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "posts"
    folder.mkdir()
    for name in ("2019-10-03-inside-rust-blog.md", "2015-05-15-Rust-1.0.md", "2018-05-10-Rust-1.26.md"):
        (folder / name).symlink_to(posts / name)  # read in place: the corpus is never copied
    blog = Blog.__new__(Blog)
    blog.root, blog.posts, blog.db, blog.site = tmp_path, folder, str(tmp_path / "p.db"), tmp_path / "site"
    assert blog.run()["translated"] == 3
    before = {t.post_id: t.html for t in blog.store().iter_translations("es")}

    out = blog.export("xliff")
    written = {u.xmlelement.get("id"): u for u in xliff.xlifffile.parsestring(out.read_bytes()).getunits()}
    units = read_xliff(out)
    assert len(units) == len(written) > 50
    # Links, code and emphasis in real posts: every placeholder text comes back as exported.
    from polypost.config import load_config
    from polypost.pipeline import load_glossary
    from polypost.review.stage import post_units

    store = blog.store()
    expected = {}
    for translation in store.iter_translations("es"):
        post = store.get_post(translation.post_id)
        for unit in post_units(store, post, translation, load_glossary(load_config(None, db_path=blog.db)), "en", "es", True):
            expected[unit.unit_id] = (unit.source, unit.target)
    assert any("⟦1⟧" in source for source, _ in expected.values())
    assert {u.unit_id: (u.source, u.target) for u in units} == expected

    report = blog.import_(out, expect_exit=0)
    assert report["rejected"] == [] and report["imported"] == []
    assert report["approved"] == []  # nothing was confirmed: coming back unchanged approves nothing
    assert len(report["untouched"]) + len(report["pending"]) == len(units)
    after = {t.post_id: t.html for t in blog.store().iter_translations("es")}
    assert after == before  # an untouched import changes no word of any page
