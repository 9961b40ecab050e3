"""Whether a run of text has letters decides what is sent to the engine: the regex shortcut must
answer as str.isalpha asked of every character does."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from polypost.segment.placeholders import has_letters


def letters_one_by_one(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


@settings(max_examples=2000, deadline=None)
@given(st.text(st.one_of(st.characters(), st.sampled_from("²³½Ⅷ①_0١ ́\u0301ªº")), max_size=12))
def test_has_letters_answers_as_isalpha_does(text):
    assert has_letters(text) == letters_one_by_one(text)


def test_every_character_alone():
    # Numerals that are word characters but no letters, marks, and letters of every script.
    assert [chr(c) for c in range(0x30000) if has_letters(chr(c)) != chr(c).isalpha()] == []
