"""Real Argos packages, built at test time: SentencePiece + a hand-set CTranslate2 Transformer.

The models (tests/argos_models.py) have exactly known output and alignment: "copy" returns its
input token by token, "drop" turns unknown tokens into "▁", "shift" copies but its alignment
head looks one token ahead, "reorder" swaps neighbouring tokens. `expected_translation` states
the right answer, so tests check exact output through the real CTranslate2 and SentencePiece code.
Two tokenizers: the default one (byte fallback, identity normalisation) decodes to exactly the
input; `realistic=True` is trained like OPUS-based packages (no byte fallback: "⟦" is <unk>).

Use `build_argos_package(out_dir, size, **options)` (cached per session) or the fixtures below.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
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


# -- plain English and Spanish, for a tokenizer trained like a real one ------------------------
_PLAIN = """\
The weather turned cold overnight, so we lit the stove and stayed in with a book.
My grandmother kept every letter she received in a wooden box under her bed.
Before you install the new version, make a backup of your settings and your photos.
The train was forty minutes late, and nobody on the platform seemed surprised.
She said the recipe needs three eggs, a cup of flour and a pinch of salt.
We walked along the river until the path disappeared into the reeds.
If the page does not load, try again later or check your connection.
Our small team answers every message within two working days.
He painted the kitchen yellow because it was the only colour left in the shop.
Reading a map is easier when you know which way is north.
The museum opens at ten o'clock and closes early on Sundays.
I have never understood why printers run out of ink exactly when you need them.
Thousands of people gathered in the square to watch the fireworks.
Please write your name clearly at the top of each sheet.
The children built a castle of sand and watched the tide wash it away.
Good software explains its errors in words that people actually understand.
Last summer we rented a house near the coast for two weeks.
It is hard to concentrate when the neighbours are drilling through the wall.
The conference will take place in October, and registration is already open.
Honestly, the second season was better than the first one.
El tiempo cambió durante la noche, así que encendimos la estufa y nos quedamos leyendo.
Mi abuela guardaba todas las cartas que recibía en una caja de madera debajo de la cama.
Antes de instalar la nueva versión, haz una copia de seguridad de tus ajustes y tus fotos.
El tren llegó con cuarenta minutos de retraso y nadie en el andén pareció sorprendido.
Ella dijo que la receta lleva tres huevos, una taza de harina y una pizca de sal.
Caminamos junto al río hasta que el sendero desapareció entre los juncos.
Si la página no carga, inténtalo más tarde o revisa tu conexión.
Nuestro pequeño equipo responde a cada mensaje en dos días hábiles.
Pintó la cocina de amarillo porque era el único color que quedaba en la tienda.
Leer un mapa es más fácil cuando sabes dónde está el norte.
El museo abre a las diez y cierra temprano los domingos.
Nunca he entendido por qué las impresoras se quedan sin tinta justo cuando más las necesitas.
Miles de personas se reunieron en la plaza para ver los fuegos artificiales.
Por favor, escribe tu nombre con claridad en la parte superior de cada hoja.
Los niños construyeron un castillo de arena y vieron cómo la marea se lo llevaba.
El buen software explica sus errores con palabras que la gente entiende de verdad.
El verano pasado alquilamos una casa cerca de la costa durante dos semanas.
Es difícil concentrarse cuando los vecinos están taladrando la pared.
La conferencia tendrá lugar en octubre y la inscripción ya está abierta.
Sinceramente, la segunda temporada fue mejor que la primera.
¿Dónde está la estación más cercana? ¡Qué día tan largo!
Según el informe, el número de lectores creció un 12 % en el último año.
"""
_WORDS = {  # slot -> (English words, Spanish words): enough variety for a few thousand pieces
    "adj": ("quiet modern tiny huge rapid gentle useful famous fresh ancient private remote secure "
            "simple difficult bright dark cheap expensive strange careful honest lazy proud brave "
            "narrow wide heavy empty crowded silent noisy elegant clumsy polite generous curious "
            "sudden patient ordinary wonderful terrible delicious broken hidden foreign local "
            "wooden golden frozen tired hungry thirsty lucky wealthy humble serious friendly",
            "tranquilo moderno pequeño enorme rápido útil famoso fresco antiguo privado lejano "
            "seguro sencillo difícil brillante oscuro barato caro extraño cuidadoso honesto "
            "perezoso orgulloso valiente estrecho ancho pesado vacío ruidoso silencioso elegante "
            "torpe educado generoso curioso repentino paciente corriente maravilloso terrible "
            "delicioso roto escondido extranjero cercano dorado helado cansado hambriento "
            "afortunado rico humilde serio amable último próximo increíble"),
    "noun": ("blog server model translation language sentence paragraph reader writer story recipe "
             "garden kitchen city journey guide camera photo laptop phone script release library "
             "package project team evening holiday hill lake coast novel bridge market village "
             "window mountain river forest desert island harbour station airport hospital school "
             "teacher student doctor neighbour friend brother sister daughter uncle painter "
             "musician farmer baker engineer lawyer bicycle umbrella blanket newspaper keyboard "
             "printer invoice meeting contract budget festival concert stadium museum",
             "artículo servidor modelo traductor idioma párrafo lector autor cuento jardín viaje "
             "cámara teléfono proyecto equipo verano lago pueblo puente mercado mercado ventana "
             "río bosque desierto puerto aeropuerto hospital colegio profesor estudiante médico "
             "vecino amigo hermano abuelo pintor músico granjero panadero ingeniero abogado "
             "paraguas periódico teclado presupuesto contrato festival concierto estadio museo "
             "camión ordenador edificio castillo barco coche tren libro cuaderno sombrero zapato "
             "pájaro caballo perro gato árbol"),
    "verb": ("write read translate build check ship share bake visit explore install upgrade fetch "
             "review compare polish explain debate enjoy publish weigh paint repair borrow carry "
             "choose describe discover forget imagine measure organise prepare protect remember "
             "replace rescue sell teach understand wash watch whisper collect deliver design",
             "escribir leer traducir revisar compartir visitar explorar instalar publicar comparar "
             "explicar disfrutar mejorar descargar pintar reparar prestar llevar elegir describir "
             "descubrir olvidar imaginar medir organizar preparar proteger recordar sustituir "
             "rescatar vender enseñar entender lavar mirar susurrar recoger entregar diseñar "
             "conducir construir"),
    "name": ("Ana Ben Chloe Diego Emma Seville Paris Rust Debian Argos Chile Peru London Oxford "
             "Margaret Thomas Oliver Harriet Glasgow Dublin Toronto Sydney Boston Denver",
             "Lucía Martín Sofía Andrés Sevilla Madrid Bogotá México Valencia Córdoba Málaga "
             "Cádiz Zaragoza Bilbao Quito Lima Ramón Inés Álvaro Begoña Íñigo Asunción"),
}
_ENGLISH_PATTERNS = _PATTERNS[:-1] + (
    "My {noun} is {adj}, but your {noun} is even more {adj}.",
    "Why would anyone {verb} a {noun} before breakfast?",
    "After {num} years, {name} decided to {verb} the old {noun}.",
    "Nobody told me that the {noun} near {name} was so {adj}.",
    "Could you {verb} the {noun} and then {verb} the {noun}, please?",
)
_SPANISH_PATTERNS = (
    "Hoy quiero {verb} un {noun} {adj} con {name}.",
    "¿De verdad {name} quería {verb} el {noun}?",
    "El {noun} de {name} parecía {adj}, pero el {noun} no.",
    "Tardamos {num} minutos en {verb} mi {noun} {adj}.",
    "¡Por fin podemos {verb} el {noun} desde {name}!",
    "Según {name}, cada {noun} necesita un {noun} {adj}.",
    "Después de {num} años, {name} decidió {verb} el viejo {noun}.",
    "Nadie me dijo que el {noun} de {name} era tan {adj}.",
    "¿Podrías {verb} el {noun} y luego {verb} el {noun}, por favor?",
)


def _words(language: int) -> dict[str, list[str]]:
    return {slot: pair[language].split() for slot, pair in _WORDS.items()}


def _fill(pattern: str, vocab: dict[str, list[str]], rng: random.Random) -> str:
    text = pattern
    while "{" in text:
        for slot, words in vocab.items():
            text = text.replace("{" + slot + "}", rng.choice(words), 1)
        text = text.replace("{num}", str(rng.randint(2, 500)), 1)
    return text


def _sample_text() -> list[str]:
    """The project's sample posts as plain lines: markup, front matter, code and URLs stripped."""
    lines = []
    for file in sorted(Path(__file__).resolve().parent.parent.glob("data/samples/**/*")):
        if file.suffix not in (".md", ".html"):
            continue
        text = file.read_text(encoding="utf-8")
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>|<[^>]+>|^---\n.*?\n---\n|```.*?```", " ", text)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)|https?://\S+|[#*_`>|]", r" \1 ", html.unescape(text))
        lines += [" ".join(line.split()) for line in text.splitlines() if len(line.split()) > 2]
    return lines


def realistic_corpus() -> list[str]:
    rng = random.Random(5)
    english, spanish = _words(0), _words(1)
    lines = [_fill(rng.choice(_ENGLISH_PATTERNS), english, rng) for _ in range(3000)]
    lines += [_fill(rng.choice(_SPANISH_PATTERNS), spanish, rng) for _ in range(3000)]
    return _PLAIN.splitlines() * 3 + _sample_text() + lines


# -- SentencePiece ---------------------------------------------------------------------------
def train_tokenizer(
    work: Path, vocab_size: int = 800, byte_fallback: bool = True, realistic: bool = False,
) -> Path:
    """The test tokenizer copies any text exactly; `realistic` trains one like OPUS-based packages."""
    import sentencepiece

    if realistic:
        lines = realistic_corpus()
        # Real packages: unigram, NFKC, default whitespace handling, unknown characters -> <unk>.
        options = {"normalization_rule_name": "nmt_nfkc", "character_coverage": 0.9995}
    else:
        rng = random.Random(3)
        lines = [generated_sentence(rng) for _ in range(600)]
        # identity + kept whitespace: the model's output decodes to exactly the input
        options = {"normalization_rule_name": "identity", "remove_extra_whitespaces": False,
                   "character_coverage": 1.0}
    model = io.BytesIO()  # no file paths end up in the model: the same bytes every run
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
        model_type="unigram", hard_vocab_limit=False, byte_fallback=byte_fallback,
        minloglevel=2, num_threads=1, **options,  # one thread: the same pieces every run
    )
    Path(work).mkdir(parents=True, exist_ok=True)
    (work / "spm.model").write_bytes(model.getvalue())
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
    byte_fallback: bool | None = None, variant: str = "copy", realistic_tokenizer: bool = False,
) -> Path:
    """byte_fallback defaults to on for the test tokenizer, off for the realistic one (as real)."""
    if byte_fallback is None:
        byte_fallback = not realistic_tokenizer
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    folder_name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        work = Path(tmp)
        root = work / folder_name
        root.mkdir()
        sp_model = train_tokenizer(work, vocab_size=4000 if realistic_tokenizer else 800,
                                   byte_fallback=byte_fallback, realistic=realistic_tokenizer)
        shutil.copy(sp_model, root / "sentencepiece.model")
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        tokens = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        spec = SIZES[size]
        if target_prefix and target_prefix not in tokens:
            tokens.append(target_prefix)  # a language token the decoder is forced to start with
        if spec.vocab and spec.vocab > len(tokens):
            tokens += [f"<pad_{i}>" for i in range(spec.vocab - len(tokens))]
        build_copy_model(root / "model", tokens, spec, variant=variant)
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
        kind = "" if variant == "copy" else f"-{variant}"
        kind += "-realistic" if realistic_tokenizer else ""
        package = out_dir / f"{folder_name}-{size}{kind}.argosmodel"
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(root.rglob("*")):
                archive.write(file, file.relative_to(work).as_posix())
    return package


_built: dict[tuple, Path] = {}  # owned by build_argos_package: one build per session and options


def build_argos_package(out_dir: Path, size: str = "tiny", **options) -> Path:
    """A .argosmodel for en->es, built once per session for these options (see assemble_package).

    variant="copy" | "drop" | "shift" | "reorder" (argos_models), realistic_tokenizer=True for a
    tokenizer trained like a real package's (no byte fallback, nmt_nfkc).
    """
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


def installed_variant(variant: str, tmp_path_factory: pytest.TempPathFactory, label: str):
    """For a module-scoped fixture: yields (variant, an ArgosEngine over a package of that test
    model behind the realistic tokenizer), Argos' folders in a temp home of its own."""
    from polypost.translate.argos import ArgosEngine
    from polypost.translate.argos_packages import find_installed, install_from_file

    home = tmp_path_factory.mktemp(f"{label}-{variant}")
    with pytest.MonkeyPatch.context() as patch:
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            (home / var).mkdir()
            patch.setenv(var, str(home / var))
        patch.setenv("ARGOS_PACKAGES_DIR", str(home / "packages"))
        install_from_file(build_argos_package(tmp_path_factory.mktemp("build"), version="6.0",
                                              variant=variant, realistic_tokenizer=True))
        engine = ArgosEngine(package=find_installed("en", "es"))
        yield variant, engine
        engine.close()


@pytest.fixture
def installed_argos(argos_home: Path, argos_package_file: Path) -> Path:
    from polypost.translate.argos_packages import install_from_file

    return Path(install_from_file(argos_package_file))
