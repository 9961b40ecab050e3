"""split_sentences: a table of real-world cases, plus the laws every split must keep."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polypost.segment.sentences import split_sentences

CASES_EN = [
    ("Hello world. This is it.", ["Hello world. ", "This is it."]),
    ("One sentence only", ["One sentence only"]),
    ("Trailing space kept. ", ["Trailing space kept. "]),
    ("First.  Second.\tThird.", ["First.  ", "Second.\t", "Third."]),
    ("Use a tool, e.g. Ruff. It is fast.", ["Use a tool, e.g. Ruff. ", "It is fast."]),
    ("Use a tool, i.e. Ruff, for it.", ["Use a tool, i.e. Ruff, for it."]),
    ("Apples, pears, etc. and more.", ["Apples, pears, etc. and more."]),
    ("Apples, pears, etc. The end.", ["Apples, pears, etc. ", "The end."]),
    ("Mr. Smith met Dr. Jones.", ["Mr. Smith met Dr. Jones."]),
    ("Mrs. Smith left. Ms. Jones stayed.", ["Mrs. Smith left. ", "Ms. Jones stayed."]),
    ("He moved to the U.S. Army base.", ["He moved to the U.S. Army base."]),
    ("Made in the U.K. for export.", ["Made in the U.K. for export."]),
    ("Python vs. Rust is old news.", ["Python vs. Rust is old news."]),
    ("It takes approx. 5 minutes.", ["It takes approx. 5 minutes."]),
    ("See No. 5 in the list.", ["See No. 5 in the list."]),
    ("I said no. Then he left.", ["I said no. ", "Then he left."]),
    ("Pi is 3.14 or so. Yes.", ["Pi is 3.14 or so. ", "Yes."]),
    ("They raised $1.5M in 2020. Wow.", ["They raised $1.5M in 2020. ", "Wow."]),
    ("Version v2.0 is out. Get it.", ["Version v2.0 is out. ", "Get it."]),
    ("Wait... What happened?", ["Wait... ", "What happened?"]),
    ("Wait... and then nothing.", ["Wait... and then nothing."]),
    ("Wait… What?", ["Wait… ", "What?"]),
    ("Really?! Yes.", ["Really?! ", "Yes."]),
    ("Stop! Go? Now.", ["Stop! ", "Go? ", "Now."]),
    ('He said "Stop." Then he left.', ['He said "Stop." ', "Then he left."]),
    ("He said “Stop.” Then he left.", ["He said “Stop.” ", "Then he left."]),
    ("(See above.) Next.", ["(See above.) ", "Next."]),
    ('"Wow!" she said.', ['"Wow!" she said.']),
    ("J. R. R. Tolkien wrote it.", ["J. R. R. Tolkien wrote it."]),
    ("It ends at 5 p.m. sharp.", ["It ends at 5 p.m. sharp."]),
    ("See Fig. 3 for details.", ["See Fig. 3 for details."]),
    ("Smith et al. found it.", ["Smith et al. found it."]),
    ("Release 2. Then release 3.", ["Release 2. ", "Then release 3."]),
    ("The year was 1999. It rained.", ["The year was 1999. ", "It rained."]),
    ("iPhone sales rose. iPad sales fell.", ["iPhone sales rose. iPad sales fell."]),  # known limit
    ("Para one.\n\nnext para", ["Para one.\n\n", "next para"]),
    ("No space after.Next", ["No space after.Next"]),
    ("Non\xa0breaking.\xa0Space", ["Non\xa0breaking.\xa0Space"]),
]

CASES_PLACEHOLDERS_URLS = [
    ("Click ⟦1⟧here.⟦/1⟧ Then go.", ["Click ⟦1⟧here.⟦/1⟧ ", "Then go."]),
    ("Read ⟦1⟧the docs⟦/1⟧. ⟦2⟧Then⟦/2⟧ act.", ["Read ⟦1⟧the docs⟦/1⟧. ", "⟦2⟧Then⟦/2⟧ act."]),
    ("See ⟦1/⟧. Next one.", ["See ⟦1/⟧. ", "Next one."]),
    ("Term ⟦T1⟧. Next one.", ["Term ⟦T1⟧. ", "Next one."]),
    ("Go to https://example.com. Then rest.", ["Go to https://example.com. ", "Then rest."]),
    ("Go to https://example.com/a.b?x=1. Then rest.", ["Go to https://example.com/a.b?x=1. ", "Then rest."]),
    (
        "See https://en.wikipedia.org/wiki/Foo_(bar). Done.",
        ["See https://en.wikipedia.org/wiki/Foo_(bar). ", "Done."],
    ),
    ("Mail me@example.org. Thanks!", ["Mail me@example.org. ", "Thanks!"]),
    ("Mail first.last@example.co.uk today.", ["Mail first.last@example.co.uk today."]),
    ("Visit www.example.com. Now.", ["Visit www.example.com. ", "Now."]),
]

CASES_ES = [
    ("¿Qué tal? ¡Muy bien! Gracias.", ["¿Qué tal? ", "¡Muy bien! ", "Gracias."]),
    ("Hola. ¿Vienes? sí.", ["Hola. ", "¿Vienes? sí."]),
    ("El Sr. García llegó. La Sra. Pérez no.", ["El Sr. García llegó. ", "La Sra. Pérez no."]),
    ("Vive en EE. UU. desde 2010.", ["Vive en EE. UU. desde 2010."]),
    ("Hay frutas, p. ej. Manzanas y peras.", ["Hay frutas, p. ej. Manzanas y peras."]),
    ("La Dra. Ruiz y el Dr. Gil. Fin.", ["La Dra. Ruiz y el Dr. Gil. ", "Fin."]),
    ("Ver pág. 12 del libro. Luego.", ["Ver pág. 12 del libro. ", "Luego."]),
    ("Cuesta 3,5 millones. Es caro.", ["Cuesta 3,5 millones. ", "Es caro."]),
    ("Dijo «Basta.» Luego se fue.", ["Dijo «Basta.» ", "Luego se fue."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES_EN + CASES_PLACEHOLDERS_URLS)
def test_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES_ES)
def test_spanish(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "es") == expected


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences("   ") == ["   "]


def test_unknown_language_uses_both_abbreviation_lists() -> None:
    assert split_sentences("El Sra. Pérez y Mr. Smith llegaron.", "fr") == [
        "El Sra. Pérez y Mr. Smith llegaron."
    ]


_ALPHABET = st.sampled_from(
    list("ab AZ.!?…\"')(¿¡,:;\n\t\xa0109$")
    + ["⟦1⟧", "⟦/1⟧", "⟦2/⟧", "⟦T1⟧", "e.g.", "Mr.", "https://x.io/a.b. ", "a@b.co. "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_pieces_join_back_and_never_cut_tokens(text: str) -> None:
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)
    offset = 0
    for piece in pieces[:-1]:
        offset += len(piece)
        # never inside a placeholder, a URL or an e-mail address
        before, after = text[:offset], text[offset:]
        assert before.count("⟦") == before.count("⟧")
        assert not before.endswith(("https://x.io/a.b", "a@b.co"))
        assert before[-1] in " \t\n\r\f\v"  # a piece carries its trailing whitespace
        assert after[0] not in " \t\n\r\f\v"


def test_fast_enough() -> None:
    text = "Mr. Smith went to https://example.com/a.b. He said: ⟦1⟧hi⟦/1⟧! e.g. this. " * 2000
    started = time.perf_counter()
    pieces = split_sentences(text)
    elapsed = time.perf_counter() - started
    assert "".join(pieces) == text
    assert len(pieces) == 2 * 2000
    assert elapsed < 1.0, f"{len(text)} chars took {elapsed:.2f}s"
