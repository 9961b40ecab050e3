"""The hand-set test models do exactly what `expected_translation` says, through real CTranslate2.

Engine tests trust these models as a known right answer; here each variant is checked token by
token, and its head-0 attention step by step, on sentences chosen to hit the edge cases (one
token, odd and even lengths, unknown characters first, last and in pairs, ~150+ tokens).
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import numpy as np
import pytest
from argos_fixture import build_argos_package, generated_sentence, train_tokenizer
from argos_models import SIZES, VARIANTS, build_copy_model, expected_translation

ctranslate2 = pytest.importorskip("ctranslate2")
sentencepiece = pytest.importorskip("sentencepiece")

TEXTS = [
    "Hello world.",
    "Hi",
    "Yes.",
    "Click ⟦1⟧here⟦/1⟧ to read ⟦T1⟧ and see ⟦2/⟧ below.",
    "⟦1⟧",
    "⟦1⟧ opens the sentence",
    "The sentence ends with a placeholder ⟦3⟧",
    "Two in a row: ⟦1⟧⟦2⟧ and 😀😀 then ∑",
    "Emoji 😀, accents über, maths ∑ and 中文.",
    "Set my_variable_name and __init__ in snake_case.",
    "¿Dónde está la estación más cercana? ¡Qué día tan largo!",
    "El camión llegó a Córdoba con ñandúes, pingüinos y açaí.",
    "Según el informe, el número de lectores creció un 12 % en 2024.",
    "In 2024 we published 365 posts, 12 of them in Spanish.",
    "“Smart quotes”, an en–dash, and ﬁ ligatures are normalised.",
    "URL: https://example.com/a_b?c=1&d=2",
    "a b c d e f g",
    "a b c d e f g h",
]


def _generated(rng: random.Random, count: int) -> list[str]:
    return [generated_sentence(rng) for _ in range(count)]


def source_batch(processor) -> list[list[str]]:
    rng = random.Random(41)
    texts = TEXTS + _generated(rng, 26)
    texts.append(" ".join(_generated(rng, 10)))  # ~150 tokens
    texts.append(" ".join(_generated(rng, 14)) + " ⟦9⟧")  # ~200 tokens, unknown last
    batch = [processor.encode(text, out_type=str) for text in texts]
    batch += [["▁the"], ["<unk>"], ["▁a", "<unk>", "▁b"], []]
    return batch


def _trained(work: Path, realistic: bool):
    model = train_tokenizer(work, vocab_size=4000 if realistic else 800,
                            byte_fallback=not realistic, realistic=realistic)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(model))
    return processor, [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


@pytest.fixture(scope="module", params=["realistic", "test"])
def tokenizer(request, tmp_path_factory):
    return _trained(tmp_path_factory.mktemp(f"spm-{request.param}"), request.param == "realistic")


@pytest.fixture(scope="module")
def realistic(tmp_path_factory):
    return _trained(tmp_path_factory.mktemp("spm-realistic"), True)


def translate(model_dir: Path, batch, beam_size: int, replace_unknowns: bool = True):
    translator = ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1, intra_threads=1)
    results = translator.translate_batch(
        batch, beam_size=beam_size, return_attention=True, replace_unknowns=replace_unknowns,
        max_decoding_length=512)
    return [(r.hypotheses[0], [int(np.argmax(a)) for a in r.attention[0]]) for r in results]


def assert_known(outputs, batch, variant, vocabulary, replace_unknowns=True):
    for source, (pieces, alignment) in zip(batch, outputs):
        expected = expected_translation(source, variant, vocabulary, replace_unknowns)
        assert (pieces, alignment) == expected, (variant, source)


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_output_and_alignment_are_exactly_known(variant, tokenizer, tmp_path):
    processor, tokens = tokenizer
    build_copy_model(tmp_path, tokens, SIZES["tiny"], variant)
    batch = source_batch(processor)
    lengths = {len(source) for source in batch}
    assert {0, 1} <= lengths and max(lengths) >= 150 and any(n % 2 for n in lengths - {1})
    for beam_size in (1, 2):
        assert_known(translate(tmp_path, batch, beam_size), batch, variant, set(tokens))


@pytest.mark.parametrize("variant", ["copy", "shift", "reorder"])
def test_without_replace_unknowns_the_model_emits_unk(variant, tokenizer, tmp_path):
    processor, tokens = tokenizer
    build_copy_model(tmp_path, tokens, SIZES["tiny"], variant)
    batch = [processor.encode(text, out_type=str) for text in TEXTS]
    outputs = translate(tmp_path, batch, 1, replace_unknowns=False)
    assert_known(outputs, batch, variant, set(tokens), replace_unknowns=False)


@pytest.mark.parametrize("variant", VARIANTS)
def test_base_size_variants_are_exact_too(variant, realistic, tmp_path):
    # 6+6 layers, d=512, 32k pieces, int8: what benchmarks time; quantization must not blur it.
    processor, tokens = realistic
    padded = tokens + [f"<pad_{i}>" for i in range(SIZES["base"].vocab - len(tokens))]
    build_copy_model(tmp_path, padded, SIZES["base"], variant)
    batch = source_batch(processor)[::4]
    assert_known(translate(tmp_path, batch, 2), batch, variant, set(tokens))


def test_expectations_tell_the_variants_apart():
    # Otherwise a plain copy model could pass every variant's test.
    source = ["▁a", "▁b", "▁c", "<unk>", "▁e"]
    answers = {variant: expected_translation(source, variant) for variant in VARIANTS}
    assert answers["copy"] == (source, [0, 1, 2, 3, 4])
    assert answers["drop"] == (["▁a", "▁b", "▁c", "▁", "▁e"], [0, 1, 2, 3, 4])
    assert answers["shift"] == (["▁a", "▁b", "▁c", "▁e", "▁e"], [1, 2, 3, 4, 4])
    assert answers["reorder"] == (["▁b", "▁a", "<unk>", "▁c", "▁e"], [1, 0, 3, 2, 4])
    assert expected_translation(source, "reorder", replace_unknowns=False)[0][2] == "<unk>"
    assert expected_translation(["▁x"], "reorder") == (["▁x"], [0])


def test_copy_model_fails_the_other_variants_expectations(tokenizer, tmp_path):
    processor, tokens = tokenizer
    build_copy_model(tmp_path, tokens, SIZES["tiny"], "copy")
    batch = [processor.encode(text, out_type=str) for text in TEXTS] + [["▁a", "<unk>", "▁b"]]
    outputs = translate(tmp_path, batch, 1)
    for variant in ("drop", "shift", "reorder"):
        with pytest.raises(AssertionError):
            assert_known(outputs, batch, variant, set(tokens))


def test_package_carries_the_variant_and_the_realistic_tokenizer(tmp_path):
    package = build_argos_package(tmp_path, variant="reorder", realistic_tokenizer=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(tmp_path / "unzipped")
    (root,) = (tmp_path / "unzipped").iterdir()
    processor = sentencepiece.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    tokens = {processor.id_to_piece(i) for i in range(processor.get_piece_size())}
    batch = [processor.encode(text, out_type=str) for text in TEXTS]
    assert_known(translate(root / "model", batch, 2), batch, "reorder", tokens)
    assert processor.encode("⟦1⟧")[1:2] == [processor.unk_id()]


def test_realistic_tokenizer_has_no_byte_fallback(realistic):
    processor, tokens = realistic
    ids = processor.encode("⟦1⟧")
    assert processor.unk_id() in ids and not any(piece.startswith("<0x") for piece in tokens)
    assert processor.decode(ids) != "⟦1⟧"  # unknown characters are lost, as with real packages
    for digits in ("0123456789", "2024", "⟦12⟧"):
        pieces = processor.encode(digits.strip("⟦⟧"), out_type=str)
        assert all(processor.piece_to_id(p) != processor.unk_id() for p in pieces), pieces
    assert processor.encode("ﬁnal", out_type=str) == processor.encode("final", out_type=str)  # NFKC
    assert "▁" in tokens  # "drop" needs it
    assert processor.get_piece_size() >= 1500


def test_realistic_tokenizer_is_deterministic(tmp_path):
    first = train_tokenizer(tmp_path / "a", vocab_size=4000, byte_fallback=False, realistic=True)
    second = train_tokenizer(tmp_path / "b", vocab_size=4000, byte_fallback=False, realistic=True)
    assert first.read_bytes() == second.read_bytes()
