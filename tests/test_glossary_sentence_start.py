"""Whether a restored term opens a sentence decides its capital: the end-first token strip must
answer as the regex over the whole prefix did."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from polypost.glossary.protect import _at_sentence_start


def sentence_start_by_regex(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    before = re.sub(r"(?:⟦/?\d+/?⟧\s*)+$", "", before).rstrip()
    return before == "" or before[-1] in ".!?¡¿:"


pieces = st.sampled_from(["⟦1⟧", "⟦/1⟧", "⟦12/⟧", "⟦", "⟧", "⟦x⟧", "⟦/⟧", "⟦١⟧", " ", "\n", "\u00a0", ".", "¿", ":",
                          "a", "Hola", "1", "/", "!"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(pieces, max_size=12), st.data())
def test_the_token_strip_answers_as_the_regex(parts, data):
    text = "".join(parts)
    pos = data.draw(st.integers(0, len(text)))
    assert _at_sentence_start(text, pos) == sentence_start_by_regex(text, pos)
