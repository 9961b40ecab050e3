"""Glossary files: format, checks, loading, override order, terms_hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from polypost.glossary import (
    Glossary,
    GlossaryError,
    Term,
    check_files,
    default_glossary_paths,
)
from polypost.postedit.morphology import Morphology

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "glossaries" / "marketing.en-es.tsv"
HEADER = "source\ttarget\tnote\tpos\tgender\tnumber\tcase\tplural\n"


def write(path: Path, body: str, header: str = HEADER) -> Path:
    path.write_text(header + body, encoding="utf-8")
    return path


def test_shipped_glossary_is_clean_and_big_enough():
    problems = check_files([SHIPPED])
    assert [str(p) for p in problems if p.severity == "error"] == []
    glossary = Glossary.load([SHIPPED])
    assert len(glossary.terms) >= 120
    by_source = {t.source: t for t in glossary.terms}
    assert by_source["community manager"].keep
    assert by_source["social media"].target == "redes sociales"
    assert (by_source["social media"].gender, by_source["social media"].number) == ("f", "pl")
    assert by_source["conversion rate"].target == "tasa de conversión"
    assert by_source["call to action"].target == "llamada a la acción"
    assert by_source["ROI"].case_sensitive and by_source["ROI"].keep
    for platform in ("Facebook", "Instagram", "LinkedIn", "TikTok", "YouTube"):
        assert by_source[platform].keep
    # Every forced noun gives the gender that agreement needs.
    for term in glossary.terms:
        if term.pos == "noun" and not term.keep:
            assert term.gender in ("m", "f"), term


def test_comments_blank_lines_and_optional_columns(tmp_path):
    path = write(tmp_path / "a.en-es.tsv",
                 "# a comment\n\nlead\tlead\tnever ventaja\tnoun\tm\tsg\t\t\n"
                 "KPI\tKPI\t\tnoun\tm\tsg\tsensitive\t\n")
    glossary = Glossary.load([path])
    lead, kpi = glossary.terms
    assert lead == Term("lead", "lead", "never ventaja", "noun", "m", "sg", False, str(path), 4)
    assert lead.keep and kpi.case_sensitive and kpi.line == 5


def test_minimal_header_is_enough(tmp_path):
    path = write(tmp_path / "m.en-es.tsv", "follower\tseguidor\t\n", header="source\ttarget\tnote\n")
    (term,) = Glossary.load([path]).terms
    # No gender column: the Spanish analyser says "seguidor" is masculine (tests/test_glossary_gender.py).
    inferred = "m" if Morphology().available else None
    assert (term.target, term.gender, term.case_sensitive) == ("seguidor", inferred, False)


@pytest.mark.parametrize("body, line, words", [
    ("lead\t\tnote\t\t\t\t\t\n", 2, "empty 'target'"),
    ("\tleads\tnote\t\t\t\t\t\n", 2, "empty 'source'"),
    ("lead\tlead\tnote\n", 2, "3 cells but the header has 8"),
    ("lead\tlead\tn\tnoun\tx\tsg\t\t\n", 2, "gender 'x'"),
    ("lead\tlead\tn\tnoun\tm\tmany\t\t\n", 2, "number 'many'"),
    ("lead\tlead\tn\tnown\tm\tsg\t\t\n", 2, "pos 'nown'"),
    ("lead\tlead\tn\tnoun\tm\tsg\tyes\t\n", 2, "case 'yes'"),
    ("lead\t⟦1⟧\tn\t\t\t\t\t\n", 2, "reserved character"),
    ("# c\nlead\tlead\t\t\t\t\t\t\nLead\tventaja\t\t\t\t\t\t\n", 4, "conflict: 'Lead' -> 'ventaja' here, but -> 'lead' on line 3"),
])
def test_file_errors_name_file_and_line(tmp_path, body, line, words):
    path = write(tmp_path / "bad.en-es.tsv", body)
    errors = [p for p in check_files([path]) if p.severity == "error"]
    assert len(errors) == 1
    assert (errors[0].file, errors[0].line) == (str(path), line)
    assert words in errors[0].message
    with pytest.raises(GlossaryError) as caught:
        Glossary.load([path])
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_bad_header(tmp_path):
    path = write(tmp_path / "h.en-es.tsv", "a\tb\tc\n", header="source\tnote\tnote\n")
    messages = [p.message for p in check_files([path])]
    assert any("lacks column(s) target" in m for m in messages)
    assert any("'note' appears twice" in m for m in messages)
    with pytest.raises(GlossaryError, match=r"h\.en-es\.tsv:1: "):
        Glossary.load([path])


def test_unknown_column_and_spaces_and_duplicates_are_warnings(tmp_path):
    path = write(tmp_path / "w.en-es.tsv",
                 "lead \tlead\t\tgreen\nlead\tlead\t\tblue\nroi\troi\t\t\n",
                 header="source\ttarget\tnote\tcolour\n")
    problems = check_files([path])
    # (and notes: "lead" takes the gender of Apertium's Spanish for it, a loanword's inferred gender)
    assert {p.severity for p in problems} - {"note"} == {"warning"}
    text = "\n".join(str(p) for p in problems)
    assert "unknown column 'colour'" in text
    assert f"{path}:2: warning: 'source' has leading or trailing spaces" in text
    assert f"{path}:3: warning: duplicate of line 2" in text
    assert "looks like an acronym" not in text  # "roi" is lower case
    assert len(Glossary.load([path]).terms) == 2


def test_encoding_problems(tmp_path):
    path = tmp_path / "latin1.en-es.tsv"
    path.write_bytes(HEADER.encode() + b"brand\tmarca\tok\t\t\t\t\t\n"
                     + "call to action\tllamada a la acci\xf3n\t\t\t\t\t\t\n".encode("latin-1"))
    errors = [p for p in check_files([path]) if p.severity == "error"]
    assert [(e.line, "not UTF-8" in e.message) for e in errors] == [(3, True)]
    bom = tmp_path / "bom.en-es.tsv"
    bom.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"brand\tmarca\t\t\t\t\t\t\n")
    # The BOM's warning; "marca" without a gender column gets a note that its gender was inferred.
    assert [p.severity for p in check_files([bom]) if p.severity != "note"] == ["warning"]
    assert Glossary.load([bom]).terms[0].source == "brand"


def test_missing_file_and_no_header(tmp_path):
    missing = tmp_path / "nope.en-es.tsv"
    assert check_files([missing])[0].severity == "error"
    with pytest.raises(GlossaryError, match="nope.en-es.tsv"):
        Glossary.load([missing])
    empty = tmp_path / "empty.en-es.tsv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    assert "no header row" in check_files([empty])[0].message


def test_later_file_overrides_earlier(tmp_path):
    base = write(tmp_path / "a-base.en-es.tsv", "lead\tcliente potencial\t\tnoun\tm\tsg\t\t\nbrand\tmarca\t\t\t\t\t\t\n")
    mine = write(tmp_path / "b-mine.en-es.tsv", "Lead\tlead\tour house style\tnoun\tm\tsg\t\t\n")
    glossary = Glossary.load([base, mine])
    by_source = {t.key: t for t in glossary.terms}
    assert by_source["lead"].target == "lead" and by_source["lead"].file == str(mine)
    assert [m.term.target for m in glossary.matches("New leads for the brand")] == ["lead", "marca"]
    reverse = Glossary.load([mine, base])
    assert {t.key: t.target for t in reverse.terms}["lead"] == "cliente potencial"
    warnings = [p for p in check_files([base, mine]) if p.severity == "warning"]
    assert len(warnings) == 1 and "overrides" in warnings[0].message and warnings[0].line == 2


def test_default_glossary_paths(tmp_path):
    for name in ("z.en-es.tsv", "a.en-es.tsv", "x.en-fr.tsv", "notes.txt"):
        (tmp_path / name).write_text(HEADER, encoding="utf-8")
    assert default_glossary_paths(tmp_path) == [tmp_path / "a.en-es.tsv", tmp_path / "z.en-es.tsv"]
    assert default_glossary_paths(tmp_path, "en", "fr") == [tmp_path / "x.en-fr.tsv"]
    assert default_glossary_paths(tmp_path / "absent") == []
    assert default_glossary_paths(REPO / "glossaries") == [SHIPPED]


def test_terms_hash_changes_only_for_segments_using_the_edited_term(tmp_path):
    before = write(tmp_path / "g.en-es.tsv", "lead\tlead\t\tnoun\tm\tsg\t\t\nbrand\tmarca\t\t\t\t\t\t\n")
    old = Glossary.load([before])
    with_lead, with_brand, without = "Our leads grew.", "A strong brand.", "Nothing here."
    assert old.terms_hash(without) == ""
    assert old.terms_hash(with_lead) != old.terms_hash(with_brand) != ""
    after = write(tmp_path / "g2.en-es.tsv", "lead\tcliente potencial\t\tnoun\tm\tsg\t\t\nbrand\tmarca\tnew note\t\t\t\t\t\n")
    new = Glossary.load([after])
    assert new.terms_hash(with_lead) != old.terms_hash(with_lead)  # target changed
    assert new.terms_hash(with_brand) == old.terms_hash(with_brand)  # only the note changed
    assert Glossary.empty().terms_hash(with_lead) == ""
    assert Glossary.empty().matches(with_lead) == []
