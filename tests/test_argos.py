"""The Argos engine through the real CTranslate2 and SentencePiece code, with a copy model."""

from __future__ import annotations

from pathlib import Path

import pytest
from argos_fixture import build_argos_package

from polypost.translate import EngineUnavailable, get_engine
from polypost.translate.argos_packages import install_from_file


class CountingTranslator:
    """Wraps the real ctranslate2.Translator and counts translate_batch calls."""

    def __init__(self, translator):
        self.translator = translator
        self.calls: list[int] = []

    def translate_batch(self, tokens, **options):
        self.calls.append(len(tokens))
        return self.translator.translate_batch(tokens, **options)

    def unload_model(self):
        self.translator.unload_model()


@pytest.fixture
def engine(installed_argos):
    engine = get_engine("argos", inter_threads=1)
    yield engine
    engine.close()


def test_copy_model_returns_the_input_exactly(engine):
    texts = [
        "Hello world.",
        "Click ⟦1⟧here⟦/1⟧ to read ⟦T1⟧ and see ⟦2/⟧ below.",
        "Set my_variable_name and __init__ in snake_case.",
        "First sentence.  Second one!   Third? Fourth...",
        "",
        "   ",
        "  Leading and trailing spaces.  ",
        "Emoji 😀, accents über, maths ∑ and 中文.",
    ]
    assert engine.translate(texts) == texts


def test_newlines_inside_a_sentence_become_spaces(engine):
    assert engine.translate(["A line\nbroken\tby tabs."]) == ["A line broken by tabs."]


def test_all_sentences_of_a_batch_go_to_one_translate_batch_call(engine):
    spy = CountingTranslator(engine._loaded_translator())
    engine.translator = spy
    texts = [f"Paragraph {i} starts. It goes on! Does it end?" for i in range(40)] + ["", "One."]
    assert engine.translate(texts) == texts
    assert spy.calls == [40 * 3 + 1]


def test_empty_batch(engine):
    assert engine.translate([]) == []


def test_the_model_is_loaded_only_when_there_is_something_to_translate(engine):
    assert engine.translator is None and engine.version  # the version needs no model
    engine.translate(["Hello."])
    assert engine.translator is not None


def test_version_names_the_package_and_changes_with_the_model(engine, tmp_path):
    assert engine.version.startswith("translate-en_es-1.0-")
    other = build_argos_package(tmp_path, version="2.0")
    install_from_file(other)
    newer = get_engine("argos")
    try:
        assert newer.version.startswith("translate-en_es-2.0-")  # the newest package is used
        assert newer.version != engine.version
    finally:
        newer.close()


def test_target_prefix_token_is_stripped(argos_home, tmp_path):
    import sentencepiece

    package = build_argos_package(tmp_path, version="3.0", target_prefix="__es__")
    installed = Path(install_from_file(package))
    engine = get_engine("argos")
    try:
        assert engine.target_prefix == "__es__"
        text = "Today I want to write a clean post."
        # The copy model's step t reads source position t; the forced prefix takes step 0.
        tokens = sentencepiece.SentencePieceProcessor(
            model_file=str(installed / "sentencepiece.model")).encode(text, out_type=str)
        expected = sentencepiece.SentencePieceProcessor(
            model_file=str(installed / "sentencepiece.model")).decode_pieces(tokens[1:])
        assert engine.translate([text]) == [expected]
        assert "__es__" not in engine.translate([text])[0]
    finally:
        engine.close()


def test_no_package_installed_says_how_to_get_one(argos_home):
    with pytest.raises(EngineUnavailable, match=r"polypost models install"):
        get_engine("argos")


def test_timings_cover_each_step(engine):
    engine.translate(["One sentence. Two sentences."])
    # Detokenizing is part of reassembly: the pieces' places in the text are worked out there.
    assert set(engine.timings.seconds) == {"splitting", "tokenizing", "translating", "reassembly"}


def test_unknown_characters_survive_without_byte_fallback(argos_home, tmp_path):
    # Real Argos tokenizers have no byte fallback: "⟦", "_" are <unk> pieces. The source
    # token is copied back for an unknown output token (replace_unknowns) and decoded as is.
    install_from_file(build_argos_package(tmp_path, version="4.0", byte_fallback=False))
    engine = get_engine("argos")
    try:
        texts = ["Click ⟦1⟧here⟦/1⟧ for ⟦T1⟧ and my_var_name.", "Café ⟦2/⟧ ok."]
        assert engine.translate(texts) == texts
    finally:
        engine.close()
