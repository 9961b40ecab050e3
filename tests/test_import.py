"""`polypost import`: reviewed targets become human memory entries, posts are rebuilt and
republished, later runs keep the human text; stale and broken units change nothing.

Everything runs the real pipeline (files -> store -> Apertium -> site) through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from translate.storage import pypo, xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables.xliff import G

import polypost.cli.review_cmd  # noqa: F401  (registers review/export/import until cli/__init__ does)
from polypost.cli import cli
from polypost.store import Store
from polypost.store import Memory

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
pytestmark = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)")

# Apertium leaves the tool list as it is: QA flags it "untranslated". (The title says "tools", not
# "stack": Apertium leaves "stack" in English, which QA flags too, and these tests want one flag.)
STACK_MD = """---
title: Our monitoring tools
date: 2024-04-02
---

We read [the guide](https://example.com/guide) and **the FAQ** before we chose our tools.

- Grafana, Terraform, Ansible, Jenkins.
- Measure the conversion rate every week.
"""

NEWSLETTER_MD = """---
title: Why your community manager needs a newsletter
date: 2024-03-05
description: A newsletter turns followers into leads.
---

Every community manager knows that social media reach is rented.

- Measure the conversion rate every week.
"""

FLAGGED = "Grafana, Terraform, Ansible, Jenkins."
SHARED = "Measure the conversion rate every week."
LINKED = "We read ⟦1⟧the guide⟦/1⟧ and ⟦2⟧the FAQ⟦/2⟧ before we chose our tools."
LINKED_PLAIN = "We read the guide and the FAQ before we chose our tools."  # as the toolkit's unit.source shows it


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class Blog:
    def __init__(self, root: Path):
        self.root = root
        self.posts = root / "posts"
        self.posts.mkdir()
        (self.posts / "stack.md").write_text(STACK_MD, encoding="utf-8")
        (self.posts / "newsletter.md").write_text(NEWSLETTER_MD, encoding="utf-8")
        self.db = str(root / "p.db")
        self.site = root / "site"

    def cli(self, *args: str):
        return invoke("--db", self.db, *args)

    def run(self) -> dict:
        result = self.cli("run", str(self.posts), "--engine", "apertium", "--out", str(self.site), "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def export(self, fmt: str, *options: str) -> Path:
        out = self.root / f"review.{'xlf' if fmt == 'xliff' else 'po'}"
        result = self.cli("export", "--format", fmt, *options, str(out))
        assert result.exit_code == 0, result.output
        return out

    def import_(self, path: Path, expect_exit: int = 0) -> dict:
        result = self.cli("import", str(path), "--engine", "apertium", "--out", str(self.site), "--json")
        assert result.exit_code == expect_exit, result.output
        return json.loads(result.stdout)

    def store(self) -> Store:
        return Store.open(self.db)

    def post_id(self, slug: str) -> str:
        return self.store().get_post(slug).id

    def spanish_page(self, slug: str) -> str:
        translation = self.store().get_translation(self.post_id(slug), "es")
        return (self.site / "es" / translation.slug / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def blog(tmp_path: Path) -> Blog:
    blog = Blog(tmp_path)
    summary = blog.run()
    assert summary["translated"] == 2 and summary["flagged"] == 1
    return blog


def edit_xliff(path: Path, targets: dict[str, object], approve: tuple[str, ...] = (),
               final: tuple[str, ...] = ()) -> None:
    """Set targets by source text (inline codes left out), as a translator's tool would: plain
    text, or rich text with <g> codes; `approve`: units confirmed with approved="yes", `final`:
    units whose target state the tool set to "final"."""
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.getunits():
        new = targets.get(unit.source)
        if isinstance(new, str):
            unit.target = new
        elif new is not None:
            unit.rich_target = [new]
        if unit.source in approve:
            unit.markapproved(True)
        if unit.source in final:
            unit.xmlelement.find(unit.namespaced("target")).set("state", "final")
    path.write_bytes(bytes(store))


def memory_rows(blog: Blog, origin: str) -> dict[str, dict]:
    return {r["source_text"]: r for r in blog.store().db.query("select * from memory where origin = ?", [origin])}


def test_reviewed_xliff_becomes_human_memory_page_and_status(blog: Blog):
    machine = memory_rows(blog, "machine")
    out = blog.export("xliff", "--post", "stack")
    edit_xliff(out, {
        "Our monitoring tools": "Nuestras herramientas de monitorización",
        FLAGGED: "Grafana, Terraform, Ansible y Jenkins.",
        # LINKED and SHARED left as they are, and confirmed in the tool: approval of the machine text.
    }, approve=(LINKED_PLAIN,), final=(SHARED,))
    # The translator's tool turned the flagged unit's state to "translated": reviewed.
    report = blog.import_(out)
    assert len(report["imported"]) == 2 and len(report["approved"]) == 2
    assert report["rejected"] == [] and report["stale"] == [] and report["pending"] == []
    assert report["untouched"] == [] and report["counts"] == {"changed": 2, "approved": 2, "untouched": 0}
    stack, newsletter = blog.post_id("stack"), blog.post_id("newsletter")
    # The shared sentence's approval reaches the other post too: both are rebuilt and republished.
    assert sorted(report["posts_rebuilt"]) == sorted([stack, newsletter])
    assert sorted(report["posts_republished"]) == sorted([stack, newsletter])

    store = blog.store()
    human = memory_rows(blog, "human")
    assert set(human) == {"Our monitoring tools", FLAGGED, LINKED, SHARED}
    assert human[FLAGGED]["target_text"] == "Grafana, Terraform, Ansible y Jenkins."
    assert human[LINKED]["target_text"] == machine[LINKED]["target_text"]  # approved as it was
    # Keyed exactly like the machine entry the post used (same engine, version, terms hash),
    # so the human entry took that row's place.
    key = ("source_hash", "engine", "engine_version", "terms_hash")
    for text in human:
        assert [human[text][k] for k in key] == [machine[text][k] for k in key]
    assert set(memory_rows(blog, "machine")) == set(machine) - set(human)

    assert store.get_translation(stack, "es").status == "reviewed"
    assert store.get_translation(stack, "es").qa_report == []
    assert store.get_translation(newsletter, "es").status == "machine"  # its title is still the engine's
    page = blog.spanish_page("stack")
    assert "<h1>Nuestras herramientas de monitorización</h1>" in page
    assert "Grafana, Terraform, Ansible y Jenkins." in page
    assert 'data-status="reviewed"' in page and "revisada por una persona" in page
    assert 'href="https://example.com/guide"' in page  # the link survived around the approved words
    assert 'data-status="machine"' in blog.spanish_page("newsletter")

    status = json.loads(blog.cli("status", "--json").stdout)
    assert status["translations"]["reviewed"] == 1 and status["translations"]["machine"] == 1
    assert status["memory"]["human"] == 4

    # The nightly run: nothing to translate, and the human text stays.
    again = blog.run()
    assert again["translated"] == 0
    assert "Nuestras herramientas de monitorización" in blog.spanish_page("stack")
    assert blog.store().get_translation(stack, "es").status == "reviewed"
    # Even a forced re-translation takes the human entries, not the engine.
    result = blog.cli("translate", "--engine", "apertium", "--post", "stack", "--json")
    assert result.exit_code == 0, result.output
    assert blog.store().get_translation(stack, "es").status == "reviewed"


def test_human_entry_survives_an_engine_version_change_with_a_second_look(blog: Blog):
    out = blog.export("xliff", "--post", "stack")
    edit_xliff(out, {FLAGGED: "Grafana, Terraform, Ansible y Jenkins."})
    blog.import_(out)
    store = blog.store()
    # A new Apertium release: the machine entries no longer match, the human one still wins.
    with store.db.conn:
        store.db.execute("update memory set engine_version = 'older' where origin = 'human'")
    from polypost.config import load_config
    from polypost.pipeline import load_glossary
    from polypost.translate import get_engine
    from polypost.translate.stage import TranslateOptions, translate_posts

    engine = get_engine("apertium", source_lang="en", target_lang="es")
    try:
        translate_posts(store, engine, load_glossary(load_config(None, db_path=blog.db)), TranslateOptions(force=True),
                        post_ids=[blog.post_id("stack")])
    finally:
        engine.close()
    translation = store.get_translation(blog.post_id("stack"), "es")
    assert "Grafana, Terraform, Ansible y Jenkins." in translation.html
    assert translation.status == "flagged"
    assert {f["check"] for f in translation.qa_report} == {"second-look"}
    assert Memory(store.db).stats()["by_origin"]["human"] == 1  # the units that came back unchanged are not


def test_import_after_the_english_changed_reports_stale_units_and_keeps_them(blog: Blog):
    out = blog.export("po", "--post", "stack")
    store = pypo.pofile.parsestring(out.read_bytes())
    for unit in store.units:
        if unit.source == FLAGGED:
            unit.target = "Grafana, Terraform, Ansible y Jenkins."
            unit.markfuzzy(False)
        elif unit.source == SHARED:
            unit.target = "Mide la tasa de conversión cada semana."
    out.write_bytes(bytes(store))
    # The author rewrote the tool list after the export.
    (blog.posts / "stack.md").write_text(STACK_MD.replace(FLAGGED, "Grafana, Terraform and Jenkins."), encoding="utf-8")
    blog.run()
    before = blog.store().get_translation(blog.post_id("stack"), "es").html

    report = blog.import_(out, expect_exit=1)
    assert [s["unit"].split(":")[1:3] for s in report["stale"]] == [["body", "1"]]
    assert "changed since the export" in report["stale"][0]["reason"]
    assert len(report["imported"]) == 1  # the shared sentence still matches: imported
    human = [r["source_text"] for r in blog.store().db.query("select source_text from memory where origin = 'human'")]
    assert FLAGGED not in human and SHARED in human
    after = blog.store().get_translation(blog.post_id("stack"), "es").html
    assert "Mide la tasa de conversión cada semana." in after and "Mide" not in before
    assert "Ansible y Jenkins" not in after


def test_a_broken_placeholder_is_rejected_naming_the_unit(blog: Blog):
    out = blog.export("xliff", "--post", "stack")
    # The translator dropped the first link's code and kept only the second.
    edit_xliff(out, {LINKED_PLAIN: StringElem(["Leímos la guía y ", G(id="2", sub=["las preguntas frecuentes"]),
                                          " antes de elegir nuestras herramientas."])})
    report = blog.import_(out, expect_exit=1)
    assert len(report["rejected"]) == 1
    reason = report["rejected"][0]["reason"]
    assert report["rejected"][0]["unit"] in reason and ":body:0:" in reason
    assert "missing ⟦1⟧ ⟦/1⟧" in reason
    human = [r["source_text"] for r in blog.store().db.query("select source_text from memory where origin = 'human'")]
    assert LINKED not in human
    assert "las preguntas frecuentes" not in blog.spanish_page("stack")
    # The flagged unit, left unchanged and still marked for review, is not an approval.
    assert [u.split(":")[1:3] for u in report["pending"]] == [["body", "1"]]
    assert blog.store().get_translation(blog.post_id("stack"), "es").status == "flagged"


def test_human_text_output_and_errors(blog: Blog, tmp_path: Path):
    out = blog.export("xliff", "--flagged")
    edit_xliff(out, {FLAGGED: "Grafana, Terraform, Ansible y Jenkins."})
    result = blog.cli("import", str(out), "--engine", "apertium", "--out", str(blog.site))
    assert result.exit_code == 0, result.output
    assert "imported 1, approved unchanged 0, untouched 3" in result.stdout and "republished 1" in result.stdout

    missing = blog.cli("import", str(tmp_path / "nope.xlf"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\n")
    assert blog.cli("import", str(junk)).exit_code == 2
    bad_xml = tmp_path / "broken.xlf"
    bad_xml.write_text("<xliff version='1.2'><file>")
    result = blog.cli("import", str(bad_xml))
    assert result.exit_code == 2 and "broken.xlf" in result.stderr

    foreign = tmp_path / "foreign.po"
    po = pypo.pofile()
    unit = po.addsourceunit("Hello")
    unit.target = "Hola"
    unit.setcontext("menu.greeting")
    foreign.write_bytes(bytes(po))
    report = blog.import_(foreign, expect_exit=1)
    assert report["rejected"][0]["unit"] == "menu.greeting"
    assert "not a polypost unit id" in report["rejected"][0]["reason"]


def test_a_human_entry_from_before_post_editing_needs_no_second_look(blog: Blog):
    out = blog.export("xliff", "--post", "stack")
    edit_xliff(out, {FLAGGED: "Grafana, Terraform, Ansible y Jenkins."})
    blog.import_(out)
    store = blog.store()
    [version] = [r["engine_version"] for r in store.db.query("select engine_version from memory where origin = 'human'")]
    assert "+pe-es-" in version  # keyed with the rules the site runs
    with store.db.conn:  # as a person's entry made before the post-editing rules existed
        store.db.execute("update memory set engine_version = ? where origin = 'human'", [version.split("+pe-")[0]])
    from polypost.config import load_config
    from polypost.pipeline import load_glossary, open_engine
    from polypost.translate.stage import TranslateOptions, translate_posts

    config = load_config(None, db_path=blog.db, engine="apertium")
    engine = open_engine(config)  # Apertium with the "es" rules, as every run has it
    try:
        report = translate_posts(store, engine, load_glossary(config), TranslateOptions(force=True),
                                 post_ids=[blog.post_id("stack")])
    finally:
        engine.close()
    assert report.translated == 1
    translation = store.get_translation(blog.post_id("stack"), "es")
    assert "Grafana, Terraform, Ansible y Jenkins." in translation.html
    assert "second-look" not in {f["check"] for f in translation.qa_report}
