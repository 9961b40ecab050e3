"""Argos Translate engine: the package's CTranslate2 model driven directly, batched.

argostranslate's own `translate()` batches one paragraph at a time and turns every "_" into a
space when decoding; here every sentence of the whole batch goes to one `translate_batch` call
and the pieces are decoded by polypost (translate/argos_transport.py), which also carries the
markup across, by placeholders or by alignment as the tokenizer probe decides.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polypost.hookspecs import hookimpl
from polypost.translate.argos_packages import find_installed
from polypost.translate.argos_prefix import PREFIX_ALTERNATIVES
from polypost.translate.argos_probe import probe_tokenizer
from polypost.translate.argos_transport import TRANSPORTS, Transport
from polypost.translate.base import EngineError, EngineUnavailable, Translated


@dataclass
class Timings:
    """Seconds spent per step, summed over calls (for benchmarks and --verbose output)."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[step] += now - since
        return now


def default_threads() -> tuple[int, int]:
    """(inter_threads, intra_threads): parallel batches beat parallel matrix maths here.

    Measured on 2 cores, base-sized model, 995 sentences, beam 2 (benchmarks/engine_throughput.py
    --sweep), tokens/s: inter 2/intra 1 = 2,347 at max_batch_size 1024 (1,527-1,960 at 512/4096),
    inter 1/intra 2 = 1,503, one thread = 1,655. One single batch (max_batch_size 32768) drops
    to 670-910: CTranslate2 only runs batches in parallel when the input is split into several.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores), 1


class ArgosEngine:
    name = "argos"
    accepts_forms = True  # translate(texts, forms=...): the glossary's "prefix" strategy

    def __init__(
        self,
        source_lang: str = "en",
        target_lang: str = "es",
        *,
        package: Any = None,
        beam_size: int = 2,
        inter_threads: int | None = None,
        intra_threads: int | None = None,
        max_batch_size: int = 1024,
        device: str | None = None,
        compute_type: str | None = None,
        max_decoding_length: int = 256,
        transport: str = "auto",
    ) -> None:
        # CTranslate2 and SentencePiece load native libraries: only a run that uses Argos pays for them.
        import ctranslate2
        import sentencepiece

        self.source_lang, self.target_lang = source_lang, target_lang
        self.package = package or find_installed(source_lang, target_lang)
        if self.package is None:
            raise EngineUnavailable(
                f"No Argos package for {source_lang}->{target_lang} is installed. Install one with "
                "`polypost models install` (from the Argos index) or "
                "`polypost models install --file X.argosmodel`."
            )
        package_path = Path(self.package.package_path)
        model_dir = package_path / "model"
        sp_model = package_path / "sentencepiece.model"
        if not sp_model.is_file():
            raise EngineUnavailable(
                f"Argos package {package_path} has no sentencepiece.model; polypost supports "
                "SentencePiece packages only (every current en->es package is one)."
            )
        if device is None:
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if compute_type is None:
            compute_type = "int8_float16" if device == "cuda" else "int8"
        default_inter, default_intra = default_threads()
        self.options = {
            "beam_size": beam_size,
            "max_batch_size": max_batch_size,
            "max_decoding_length": max_decoding_length,
        }
        if not (model_dir / "model.bin").is_file():
            raise EngineUnavailable(f"Argos package {package_path} has no CTranslate2 model (model/model.bin)")
        # The model is loaded on the first translate(): a nightly run with nothing new to
        # translate never pays for it (hundreds of MB for a real model).
        self._model_dir = model_dir
        self._translator_options = {
            "device": device,
            "compute_type": compute_type,
            "inter_threads": inter_threads or default_inter,
            "intra_threads": intra_threads if intra_threads is not None else default_intra,
        }
        self.translator = None
        self.tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        self.target_prefix = getattr(self.package, "target_prefix", "") or ""
        self.probe = probe_tokenizer(self.tokenizer)
        if transport not in ("auto", *TRANSPORTS):
            raise EngineUnavailable(f"unknown Argos transport {transport!r}; known: auto, {', '.join(TRANSPORTS)}")
        self.timings = Timings()
        self.transport = Transport(self.tokenizer, self._run_model, source_lang, max_decoding_length,
                                   self.probe.transport if transport == "auto" else transport, self.timings,
                                   run_prefixed=self._run_prefixed)
        # The transport changes the output: translations made another way are not reused.
        self.version = f"{package_version_string(self.package)}+{self.transport.kind}"

    def translate(self, texts: list[str], forms: list[dict[str, str]] | None = None) -> list[Translated]:
        """`forms`: per text, glossary labels -> target forms to write in by prefix-constrained
        decoding (the glossary's "prefix" strategy); without it terms are placed by alignment."""
        return self.transport.translate(texts, forms)

    def _run_prefixed(self, tokens: list[list[str]], prefixes: list[list[str]]) -> list[list[tuple[list[str], list]]]:
        """Each sentence decoded after its prefix: the alternatives at the first free position."""
        return self._run_model(tokens, True, prefixes)  # type: ignore[return-value]

    def _run_model(self, tokens: list[list[str]], attention: bool, prefixes: list[list[str]] | None = None):
        """Pieces of each sentence -> (target pieces, attention rows when asked), one batch; with
        `prefixes`, per sentence a list of such alternatives that continue the prefix."""
        if not tokens:
            return []
        started = time.perf_counter()
        lead = [self.target_prefix] if self.target_prefix else []
        prefix = [lead + (prefixes[n] if prefixes else []) for n in range(len(tokens))] if lead or prefixes else None
        alternatives = {"return_alternatives": True, "num_hypotheses": PREFIX_ALTERNATIVES} if prefixes else {}
        try:
            results = self._loaded_translator().translate_batch(
                tokens,
                target_prefix=prefix,
                batch_type="tokens",
                max_batch_size=self.options["max_batch_size"],
                beam_size=self.options["beam_size"],
                max_decoding_length=self.options["max_decoding_length"],
                # An unknown source token (a rare symbol) is copied back: by CTranslate2 from its
                # attention, or, when the transport aligns, from the corrected alignment.
                replace_unknowns=not attention,
                length_penalty=0.2,  # as argostranslate does
                return_attention=attention,
                **alternatives,
            )
        except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError and others
            raise EngineError(
                f"Argos model {self.package.package_path} failed on a batch of "
                f"{len(tokens)} sentences: {exc}"
            ) from exc
        out = []
        for result in results:
            found = []
            for n, pieces in enumerate(result.hypotheses if prefixes else result.hypotheses[:1]):
                hypothesis = list(pieces)
                rows = list(result.attention[n]) if attention else None
                if self.target_prefix and hypothesis[:1] == [self.target_prefix]:
                    hypothesis = hypothesis[1:]
                    rows = rows[1:] if rows is not None else None
                found.append((hypothesis, rows))
            out.append(found if prefixes else found[0])
        self.timings.add("translating", started)
        return out

    def _loaded_translator(self):
        if self.translator is None:
            import ctranslate2  # lazily, as in __init__

            try:
                self.translator = ctranslate2.Translator(str(self._model_dir), **self._translator_options)
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"Cannot load the Argos model in {self._model_dir}: {exc}") from exc
        return self.translator

    def close(self) -> None:
        translator = getattr(self, "translator", None)
        if translator is not None:
            translator.unload_model()
            self.translator = None


# Owned by _model_hash: file state -> sha256 of its content.
_file_hashes: dict[tuple[str, int, int], str] = {}


def package_version_string(package: Any) -> str:
    """code-version-hash, where the hash covers the model and the tokenizer files."""
    path = Path(package.package_path)
    code = getattr(package, "code", None) or f"translate-{package.from_code}_{package.to_code}"
    return f"{code}-{package.package_version or '0'}-{_model_hash(path)[:12]}"


def _model_hash(package_path: Path) -> str:
    files = sorted(p for p in (package_path / "model").rglob("*") if p.is_file())
    files += [p for p in (package_path / "sentencepiece.model",) if p.is_file()]
    digest = hashlib.sha256()
    for file in files:
        info = file.stat()
        # Content-hashing 80+ MB costs ~0.2 s; cache it per file state within the process.
        key = (str(file), info.st_size, info.st_mtime_ns)
        if key not in _file_hashes:
            with open(file, "rb") as handle:
                _file_hashes[key] = _sha256_file(handle)
        digest.update(file.relative_to(package_path).as_posix().encode() + b"\0")
        digest.update(_file_hashes[key].encode())
    return digest.hexdigest()


def _sha256_file(handle: Any) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def is_available(source_lang: str, target_lang: str) -> bool:
    return find_installed(source_lang, target_lang) is not None


@hookimpl
def register_engines(register: Any) -> None:
    register("argos", ArgosEngine, available=is_available, auto_priority=100)
