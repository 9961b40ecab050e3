"""Names a post uses kept as written: found with Apertium's real English analyser in running
text, kept by the post's glossary in its title, slug and body, and keyed alike by the translate
stage and the review exchange. Right answers are written out by hand; Apertium's own output for
the same text ("Osando Fireball") is what the names must prevent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.glossary import Glossary
from polypost.glossary.match import Matcher
from polypost.glossary.names import NamesUnavailable, find_names, is_found_name, keeps_names
from polypost.glossary.term import Term
from polypost.postedit.morphology import Morphology
from polypost.segment.document import segment_html
from polypost.store import Store

ANALYSER = Morphology().english_available
pytestmark = pytest.mark.skipif(not ANALYSER, reason="apertium-eng-spa is not installed (.ci/setup installs it)")

RUNNING_TEXT = [
    "Daring Fireball is written and produced by John Gruber.",
    "The Daring Fireball website is hosted by ⟦1⟧Joyent⟦/1⟧.",
    "In addition to my own SmartyPants and Markdown plug-ins, Daring Fireball uses several excellent "
    "Movable Type plug-ins, including Brad Choate’s ⟦1⟧MT-Regex⟦/1⟧, and ⟦2⟧Nat Irons’s Amputator⟦/2⟧.",
]


def test_names_are_found_in_running_text():
    # "Daring" and "Irons" are English words Apertium translates; "Fireball" it does not know,
    # "Nat" it knows only as a name. "Movable Type" is two common words: nothing proves a name.
    assert find_names(RUNNING_TEXT) == ("Daring Fireball", "Nat Irons")


@pytest.mark.parametrize("text", [
    "Daring Fireball is written by John Gruber.",  # a sentence's first capital; names only
    "We flew to New York to meet the United States Congress.",  # one proper noun Apertium knows
    "Then I Googled it, and I Loved it.",  # "I" opens no name
    "We publish through Movable Type and read Internet Explorer bugs.",  # common words, or a known name
    "Why Daring Fireball Adheres To Web Standards",  # a heading in title case
    "Said Gruber: Daring Fireball is mine.",  # after a colon a capital proves nothing either
    "Our stack: ⟦1⟧Daring⟦/1⟧ Fireball.",  # markup between the words: no term could match there
    "+ Added Mutton⟦1/⟧+ Added Endermite",  # a line after a line break starts like a sentence
    "and then: PROOF YOU INTEMPERATE WOMAN",  # shouting, not a name's capitals
])
def test_what_proves_nothing_is_no_name(text):
    assert find_names([text]) == ()


def test_a_changelog_keeps_the_names_it_lists_not_its_verbs():
    text = ("+ Added Rabbits, with item drops⟦1/⟧+ Added Mutton and Cooked Mutton⟦2/⟧+ Villagers will "
            "harvest crops and plant seeds in the fields⟦3/⟧+ Removed Herobrine")
    assert find_names([text]) == ("Cooked Mutton",)


def test_a_run_holding_a_glossary_term_is_left_to_the_glossary():
    matcher = Matcher([Term("fireball", "bola de fuego")])
    assert find_names(RUNNING_TEXT, matcher) == ("Nat Irons",)


def test_asking_for_names_without_the_analyser_names_the_setting(tmp_path):
    missing = Morphology(tmp_path)
    assert not keeps_names(True, missing) and not keeps_names(False)
    with pytest.raises(NamesUnavailable, match=r"keep_names = false"):
        find_names(RUNNING_TEXT, morphology=missing)


def test_a_glossary_with_names_keeps_them_but_reports_only_the_users_terms():
    glossary = Glossary([Term("website", "sitio web")])
    named = glossary.with_names(("Daring Fireball",))
    assert named is glossary.with_names(["Daring Fireball"]) and glossary.with_names(()) is glossary
    text = "The Daring Fireball website is hosted by Joyent."
    assert [m.surface for m in named.matches(text)] == ["Daring Fireball", "website"]
    assert all(is_found_name(m.term) for m in named.matches(text)[:1])
    assert named.terms_hash(text) != glossary.terms_hash(text)  # memory keys tell them apart
    assert named.terms_hash("Only the website.") == glossary.terms_hash("Only the website.")
    assert [row["term"] for row in named.report(text, "El sitio web de Daring Fireball")] == ["website"]
    # A user's term wins where a name overlaps it.
    overlapping = Glossary([Term("fireball website", "web")]).with_names(("Daring Fireball",))
    assert [m.surface for m in overlapping.matches(text)] == ["Fireball website"]
    # Case-sensitive: the common words stay the engine's.
    assert named.matches("a daring fireball") == []


def test_the_corpus_colophon_names_its_site_and_no_heading(corpus: Path):
    page = corpus / "pages" / "readability" / "daringfireball-1" / "expected.html"
    segments = segment_html(page.read_text(encoding="utf-8")).segments
    names = find_names([s.text for s in segments if s.kind == "block"])
    assert "Daring Fireball" in names and "Nat Irons" in names
    # List items and headings on the page ("Mac Apps", "Server Software", "Web Standards") are
    # no evidence, and nothing a reader would want translated is kept.
    assert not {"Mac Apps", "Server Software", "Web Standards", "Movable Type", "Internet Explorer"} & set(names)


POST = """---
title: "Daring Fireball: Colophon"
date: 2024-04-02
---

Daring Fireball is written and produced by John Gruber.

If Daring Fireball looks odd in your browser, your browser is old.

Web standards are important, and Daring Fireball adheres to them.
"""


def _run(root: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(root / "p.db"), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else {}


def _blog(tmp_path: Path, keep_names: bool) -> tuple[Path, Store]:
    root = tmp_path / ("kept" if keep_names else "translated")
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "colophon.md").write_text(POST, encoding="utf-8")
    (root / "polypost.toml").write_text(f"[translate]\nkeep_names = {str(keep_names).lower()}\n", encoding="utf-8")
    _run(root, "--config", str(root / "polypost.toml"), "run", str(root / "posts"), "--engine", "apertium",
         "--out", str(root / "site"), "--json")
    return root, Store.open(str(root / "p.db"))


def test_a_name_stays_in_the_title_slug_and_body(tmp_path):
    root, store = _blog(tmp_path, keep_names=True)
    (translation,) = list(store.iter_translations("es"))
    assert translation.slug == "daring-fireball-colofon"
    assert translation.title == "Daring Fireball: colofón"
    assert translation.html.count("Daring Fireball") == 3 and "Osando" not in translation.html
    assert (root / "site" / "es" / "daring-fireball-colofon" / "index.html").is_file()
    # Names are not the user's glossary terms: the report does not count them.
    assert all(row["term"] != "Daring Fireball" for row in translation.glossary_report or [])

    # The review exchange keys the segments as the translate stage did: an untouched round
    # trip finds every unit's text in the memory and changes nothing.
    out = root / "review.xlf"
    _run(root, "--config", str(root / "polypost.toml"), "export", "--format", "xliff", str(out))
    report = _run(root, "--config", str(root / "polypost.toml"), "import", str(out), "--engine", "apertium",
                  "--out", str(root / "site"), "--json")
    assert report["rejected"] == [] and report["imported"] == []
    assert list(store.iter_translations("es"))[0].html == translation.html


def test_without_names_apertium_translates_them(tmp_path):
    _root, store = _blog(tmp_path, keep_names=False)
    (translation,) = list(store.iter_translations("es"))
    assert translation.slug == "osando-fireball-colofon"  # what keep_names is for


def test_a_heading_keeps_the_capitals_of_words_english_does_not_know():
    from polypost.postedit import post_editor

    editor = post_editor("es")
    # Spanish knows "del" and "barrio"; the English source shows they are a name Apertium kept.
    source, target = "Portrait by George Del Barrio", "Retrato Por George Del Barrio"
    assert editor.edit([(source, target)])[0].text == "Retrato por George Del Barrio"
    # Words English knows still go to sentence case.
    assert editor.edit([("Social Media Is Not Magic", "Las Redes Sociales No Son Mágicas")])[0].text == \
        "Las redes sociales no son mágicas"


@pytest.mark.parametrize("setting", [True, False])
def test_doctor_says_whether_names_are_kept(tmp_path, setting):
    config = tmp_path / "polypost.toml"
    config.write_text(f"[translate]\nkeep_names = {str(setting).lower()}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", str(tmp_path / "p.db"), "doctor", "--json"])
    assert result.exit_code in (0, 1), result.output
    names = json.loads(result.stdout)["names"]
    assert names["kept"] is setting and names["analyser_found"] is True
