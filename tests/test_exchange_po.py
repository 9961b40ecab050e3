"""PO export and import (Poedit, Weblate): files Translate Toolkit and GNU msgfmt accept; unit ids
in msgctxt; flagged units fuzzy; edits, approvals and broken placeholders on import."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_import import APERTIUM, FLAGGED, LINKED, SHARED, Blog
from translate.storage import pypo

from polypost.review.units import parse_unit_id

pytestmark = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")


@pytest.fixture
def blog(tmp_path) -> Blog:
    blog = Blog(tmp_path)
    blog.run()
    return blog


def test_po_export_opens_in_translate_toolkit_and_msgfmt(blog: Blog):
    out = blog.export("po")
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(out)], check=True)
    store = pypo.pofile.parsestring(out.read_bytes())
    assert store.gettargetlanguage() == "es"
    units = [u for u in store.units if not u.isheader()]
    assert {parse_unit_id(u.getcontext())[0] for u in units} == {blog.post_id("stack"), blog.post_id("newsletter")}
    by_source = {u.source: u for u in units}
    assert by_source[LINKED].target.count("⟦1⟧") == 1 and "⟦/2⟧" in by_source[LINKED].target
    flagged = by_source[FLAGGED]
    assert flagged.isfuzzy() and flagged.target == FLAGGED
    assert "qa untranslated: output identical to the source" in flagged.getnotes()
    assert "post: Our monitoring tools (flagged)" in flagged.getnotes()
    assert not by_source[SHARED].isfuzzy()
    assert "glossary: conversion rate -> tasa de conversión (met)" in by_source[SHARED].getnotes()
    assert by_source[LINKED].getlocations() == ["stack/body/0"]  # slug/field/segment
    assert by_source["A newsletter turns followers into leads."].getcontext().split(":")[1] == "description"


def test_po_round_trip_edits_approvals_and_broken_placeholders(blog: Blog):
    out = blog.export("po", "--post", "stack")
    store = pypo.pofile.parsestring(out.read_bytes())
    for unit in store.units:
        if unit.source == FLAGGED:
            unit.target = "Grafana, Terraform, Ansible y Jenkins."  # fixed, but Poedit's "needs work" left on
        elif unit.source == LINKED:
            unit.target = "Leímos ⟦1⟧la guía⟦/1⟧ y las preguntas frecuentes antes de elegir."  # lost ⟦2⟧
        elif unit.source == "Our monitoring tools":
            unit.target = "Nuestras herramientas de monitorización"
    out.write_bytes(bytes(store))
    report = blog.import_(out, expect_exit=1)
    assert len(report["imported"]) == 2 and report["approved"] == [] and report["pending"] == []
    assert [u.split(":")[1:3] for u in report["untouched"]] == [["body", "2"]]  # SHARED: back unchanged
    [rejected] = report["rejected"]
    assert ":body:0:" in rejected["unit"] and "missing ⟦2⟧ ⟦/2⟧" in rejected["reason"]
    translation = blog.store().get_translation(blog.post_id("stack"), "es")
    assert translation.status == "machine"  # one segment is still the engine's
    assert "las preguntas frecuentes" not in translation.html
    assert "Ansible y Jenkins" in blog.spanish_page("stack")

    # The translator fixes the placeholder and the last sentence: the whole post is now a person's work.
    store = pypo.pofile.parsestring(out.read_bytes())
    for unit in store.units:
        if unit.source == LINKED:
            unit.target = "Leímos ⟦1⟧la guía⟦/1⟧ y ⟦2⟧las preguntas frecuentes⟦/2⟧ antes de elegir."
        elif unit.source == SHARED:
            unit.target = "Mide la tasa de conversión cada semana."
    out.write_bytes(bytes(store))
    report = blog.import_(out)
    assert len(report["imported"]) == 2 and report["approved"] == [] and len(report["untouched"]) == 2
    assert blog.store().get_translation(blog.post_id("stack"), "es").status == "reviewed"
    page = blog.spanish_page("stack")
    assert '<a href="https://example.com/guide">la guía</a>' in page
    assert "<strong>las preguntas frecuentes</strong>" in page
    assert 'data-status="reviewed"' in page


def test_unchanged_fuzzy_units_are_not_approvals(blog: Blog):
    out = blog.export("po", "--flagged")
    report = blog.import_(out)  # exported and imported untouched
    assert [u.split(":")[1:3] for u in report["pending"]] == [["body", "1"]]
    assert report["approved"] == [] and report["imported"] == [] and len(report["untouched"]) == 3
    assert report["counts"] == {"changed": 0, "approved": 0, "untouched": 4}
    stack = blog.store().get_translation(blog.post_id("stack"), "es")
    assert stack.status == "flagged" and [f["check"] for f in stack.qa_report] == ["untranslated"]
    assert not list(blog.store().db.query("select 1 from memory where origin = 'human'"))


def test_clearing_fuzzy_on_a_flagged_unit_is_an_approval(blog: Blog):
    out = blog.export("po", "--flagged")
    store = pypo.pofile.parsestring(out.read_bytes())
    for unit in store.units:
        if unit.source == FLAGGED:
            unit.markfuzzy(False)  # "the tool list stays as it is": the reviewer confirms the engine's text
    out.write_bytes(bytes(store))
    report = blog.import_(out)
    assert [u.split(":")[1:3] for u in report["approved"]] == [["body", "1"]]
    assert report["counts"] == {"changed": 0, "approved": 1, "untouched": 3}
    human = [r["source_text"] for r in blog.store().db.query("select source_text from memory where origin = 'human'")]
    assert human == [FLAGGED]
