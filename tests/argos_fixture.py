"""Real Argos packages, built at test time: SentencePiece + a CTranslate2 "copy" Transformer.

The model's weights are set by hand so that it returns its input token by token: the decoder at
step t attends to source position t (position vectors in their own sub-space of the hidden
state) and writes that position's token vector into a third sub-space, which the output
projection reads. `add_source_eos` makes it emit </s> right after the last source token. So a
test can check exact output through the real CTranslate2 and SentencePiece code paths.

Use `build_argos_package(out_dir, size)` (cached per session) or the fixtures below.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from argos_models import SIZES, VARIANTS, ModelSize, build_copy_model, expected_translation  # noqa: F401

# -- generated English text --------------------------------------------------------------------
_VOCAB = {
    "adj": "clean quiet modern tiny huge rapid gentle useful famous fresh ancient open private "
           "remote secure offline online plain tricky bright dark cheap costly".split(),
    "noun": "post blog server model translation language sentence paragraph reader writer story "
            "recipe garden kitchen city journey guide camera photo laptop phone script release "
            "library package project team tea evening holiday hill lake coast novel".split(),
    "verb": "write read translate build check ship share bake visit explore install upgrade "
            "fetch review compare polish explain debate enjoy publish weigh".split(),
    "name": "Ana Ben Chloe Diego Emma Seville Paris Rust Debian Argos Chile Peru".split(),
}
_PATTERNS = (
    "Today I want to {verb} a {adj} {noun} with {name}.",
    "Every {adj} {noun} needs a {noun} that can {verb} it.",
    "Did {name} really {verb} the {adj} {noun}?",
    "The {noun} from {name} looked {adj}, and the {noun} felt {adj}!",
    "On {num} occasions we tried to {verb} the {noun} in {name}.",
    "It took {num} minutes to {verb} my {adj} {noun}.",
    "Hola, esto es una prueba del {noun} en {name}.",
)


def generated_sentence(rng: random.Random) -> str:
    text = rng.choice(_PATTERNS)
    while "{" in text:
        for slot, words in _VOCAB.items():
            text = text.replace("{" + slot + "}", rng.choice(words), 1)
        text = text.replace("{num}", str(rng.randint(2, 500)), 1)
    return text


def generated_paragraphs(count: int, seed: int = 7, sentences: tuple[int, int] = (3, 6)) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(generated_sentence(rng) for _ in range(rng.randint(*sentences)))
        for _ in range(count)
    ]


# -- SentencePiece ---------------------------------------------------------------------------
def train_tokenizer(work: Path, vocab_size: int = 800, byte_fallback: bool = True) -> Path:
    import sentencepiece

    rng = random.Random(3)
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(generated_sentence(rng) for _ in range(600)) + "\n", encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(work / "spm"), vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        byte_fallback=byte_fallback,  # any character (placeholders, "_", emoji) -> byte pieces
        normalization_rule_name="identity", remove_extra_whitespaces=False,  # copy exactly
        minloglevel=2, num_threads=2,
    )
    return work / "spm.model"


# -- a rule-based MiniSBD splitter (only for argostranslate's own translate(), in benchmarks) --
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _bytes_field(number: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def write_rule_splitter(path: Path, lang: str = "en") -> None:
    """An ONNX graph, protobuf-encoded by hand: logits = table[unit]; . ! ? end a sentence."""
    units = ["<PAD>", "<UNK>", ".", "!", "?"]
    table = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]], np.float32)

    def value_info(name: str, elem_type: int, dims: list) -> bytes:
        shape = b"".join(
            _bytes_field(1, _bytes_field(2, dim) if isinstance(dim, str) else _int_field(1, dim))
            for dim in dims
        )
        tensor_type = _int_field(1, elem_type) + _bytes_field(2, shape)
        return _bytes_field(1, name) + _bytes_field(2, _bytes_field(1, tensor_type))

    initializer = (_int_field(1, 5) + _int_field(1, 3) + _int_field(2, 1)
                   + _bytes_field(8, "table") + _bytes_field(9, table.tobytes()))
    gather = (_bytes_field(1, "table") + _bytes_field(1, "units") + _bytes_field(2, "logits")
              + _bytes_field(3, "rules") + _bytes_field(4, "Gather")
              + _bytes_field(5, _bytes_field(1, "axis") + _int_field(3, 0) + _int_field(20, 2)))
    graph = (_bytes_field(1, gather) + _bytes_field(2, "rule_splitter") + _bytes_field(5, initializer)
             + _bytes_field(11, value_info("units", 7, ["B", "T"]))
             + _bytes_field(11, value_info("features", 1, ["B", "T", "F"]))
             + _bytes_field(12, value_info("logits", 1, ["B", "T", 3])))
    metadata = {
        "lang_code": lang,
        "config": json.dumps({"feat_funcs": [], "max_seqlen": 1000, "batch_size": 32}),
        "vocab": json.dumps({"lang": lang, "idx": 0, "cutoff": 0, "lower": False,
                             "_id2unit": units, "_unit2id": {u: i for i, u in enumerate(units)}}),
        "lexicon": "null",
    }
    model = _int_field(1, 8) + _bytes_field(2, "polypost-tests") + _bytes_field(7, graph)
    model += _bytes_field(8, _int_field(2, 13))
    model += b"".join(_bytes_field(14, _bytes_field(1, k) + _bytes_field(2, v)) for k, v in metadata.items())
    path.write_bytes(model)


# -- the package ---------------------------------------------------------------------------
def assemble_package(
    out_dir: Path, size: str = "tiny", splitter: bool = False, version: str = "1.0",
    target_prefix: str | None = None, from_code: str = "en", to_code: str = "es",
    byte_fallback: bool = True,
) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    folder_name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        work = Path(tmp)
        root = work / folder_name
        root.mkdir()
        sp_model = train_tokenizer(work, byte_fallback=byte_fallback)
        shutil.copy(sp_model, root / "sentencepiece.model")
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        tokens = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        spec = SIZES[size]
        if target_prefix and target_prefix not in tokens:
            tokens.append(target_prefix)  # a language token the decoder is forced to start with
        if spec.vocab and spec.vocab > len(tokens):
            tokens += [f"<pad_{i}>" for i in range(spec.vocab - len(tokens))]
        build_copy_model(root / "model", tokens, spec)
        if splitter:
            (root / "minisbd").mkdir()
            write_rule_splitter(root / "minisbd" / f"{from_code}.onnx", from_code)
        metadata = {
            "package_version": version, "argos_version": "1.9.0", "type": "translate",
            "from_code": from_code, "from_name": "English", "to_code": to_code,
            "to_name": "Spanish", "links": [],
        }
        if target_prefix:
            metadata["target_prefix"] = target_prefix
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        package = out_dir / f"{folder_name}-{size}.argosmodel"
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(root.rglob("*")):
                archive.write(file, file.relative_to(work).as_posix())
    return package


_built: dict[tuple, Path] = {}  # owned by build_argos_package: one build per session and options


def build_argos_package(out_dir: Path, size: str = "tiny", **options) -> Path:
    """A .argosmodel for en->es (a copy model), built once per session for these options."""
    key = (size, tuple(sorted(options.items())))
    if key not in _built or not _built[key].exists():
        _built[key] = assemble_package(Path(out_dir), size=size, **options)
    return _built[key]


# -- pytest fixtures -----------------------------------------------------------------------
@pytest.fixture(scope="session")
def argos_package_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_argos_package(tmp_path_factory.mktemp("argos-build"))


@pytest.fixture
def argos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every Argos setting at empty temp folders (polypost re-reads them per call)."""
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        folder = tmp_path / var.lower()
        folder.mkdir()
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")  # nothing listens there
    return tmp_path / "packages"


@pytest.fixture
def installed_argos(argos_home: Path, argos_package_file: Path) -> Path:
    from polypost.translate.argos_packages import install_from_file

    return Path(install_from_file(argos_package_file))
