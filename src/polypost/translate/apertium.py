"""Apertium engine: one persistent null-flush pipeline per engine instance.

Starting `apertium` per text costs ~200 ms; a running pipeline in null-flush mode answers in
~1.5 ms. The `apertium -z` wrapper lags one segment behind, so the mode's own pipeline is run
(as apertium-apy does). Each text is escaped for the stream format and ended with "\n\0"
(lt-proc drops a final "." right before a bare NUL); the reply is read up to its NUL.
"""

from __future__ import annotations

import hashlib
import os
import re
import selectors
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from polypost.hookspecs import hookimpl
from polypost.translate.base import EngineError, EngineUnavailable, Translated

MODES_DIR = Path("/usr/share/apertium/modes")
ISO_639_3 = {"en": "eng", "es": "spa", "ca": "cat", "fr": "fra", "pt": "por", "it": "ita"}

_ESCAPE = re.compile(r"([\\\[\]^$/@<>{}])")
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
# Unknown-word (*), generation-error (#) and untranslated-lemma (@) marks before a word.
_MARKED_WORD = re.compile(r"(?<![\w*#@])[*#@](\w[\w'-]*)")


def pair_name(source_lang: str, target_lang: str) -> str:
    return f"{ISO_639_3.get(source_lang, source_lang)}-{ISO_639_3.get(target_lang, target_lang)}"


def mode_file(source_lang: str, target_lang: str, modes_dir: Path | None = None) -> Path:
    folder = Path(modes_dir) if modes_dir is not None else MODES_DIR  # read late: tests move it
    return folder / f"{pair_name(source_lang, target_lang)}.mode"


class ApertiumEngine:
    name = "apertium"

    def __init__(
        self,
        source_lang: str = "en",
        target_lang: str = "es",
        *,
        modes_dir: str | os.PathLike[str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.pair = pair_name(source_lang, target_lang)
        self.mode_path = mode_file(source_lang, target_lang, modes_dir)
        if not self.mode_path.is_file():
            raise EngineUnavailable(
                f"Apertium mode {self.mode_path} not found. Install it with "
                f"`apt-get install apertium apertium-{self.pair}`."
            )
        self.timeout = timeout
        self._last_stderr = ""
        self.command = self._pipeline_command()
        self.version = self._installed_version()
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._buffer = b""
        self.restarts = 0

    def _pipeline_command(self) -> str:
        try:
            result = subprocess.run(
                ["apertium-wblank-mode", "-z", str(self.mode_path)],
                capture_output=True, text=True, check=True, timeout=30,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineUnavailable(
                f"Cannot read the Apertium pipeline from {self.mode_path} with "
                f"apertium-wblank-mode ({exc}). Install it with `apt-get install apertium`."
            ) from exc
        # $1: the generator's flag: "-g", as `apertium` without -u, so that unknown words come back
        # marked ("*heck"); the marks are QA's evidence (`unknown_words`), removed before the text
        # goes on. $2: tagger extras.
        return result.stdout.strip().replace("$1", "-g").replace("$2", "")

    def _installed_version(self) -> str:
        try:
            result = subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", f"apertium-{self.pair}"],
                capture_output=True, text=True, timeout=10, check=False,
            )
            if result.returncode == 0 and result.stdout.strip():
                return result.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
        mtime = str(self.mode_path.stat().st_mtime_ns).encode()
        return "mode-" + hashlib.sha256(mtime).hexdigest()[:12]

    # -- process lifecycle ------------------------------------------------------------------
    def _start(self) -> subprocess.Popen[bytes]:
        self._stop()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        self.process = subprocess.Popen(
            self.command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, start_new_session=True,  # own group: a kill reaches every stage
        )
        os.set_blocking(self.process.stdin.fileno(), False)
        self._buffer = b""
        return self.process

    def _stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if process is not None:
            process.wait()
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read()[-500:].decode("utf-8", "replace").strip()

    # -- translation ------------------------------------------------------------------------
    def translate(self, texts: list[str]) -> list[str]:
        cores = [(index, text.strip()) for index, text in enumerate(texts) if text.strip()]
        replies = self._translate_pipelined(cores)
        out = list(texts)
        for index, core in cores:
            reply = replies.get(index)
            if reply is None:  # the pipelined pass stopped short: finish one text at a time
                reply = self._translate_one(core, index)
            text = texts[index]
            start = text.index(core)
            translated = _tidy(_remove_marks(reply, core), core)
            out[index] = Translated(text[:start] + translated.strip() + text[start + len(core):],
                                    unknown_words(reply, core))
        return out

    def _translate_pipelined(self, cores: list[tuple[int, str]]) -> dict[int, str]:
        """Keep up to PIPELINE_DEPTH texts in flight, so that the pipeline's eight processes
        work on different texts at once instead of waiting for each other (2x faster on two
        cores). Returns what it got; if the process dies, the caller finishes the rest."""
        if self.process is None or self.process.poll() is not None:
            if self.process is not None:
                self.restarts += 1
            self._start()
        process = self.process
        payloads = [(_ESCAPE.sub(r"\\\1", core) + "\n\0").encode("utf-8") for _index, core in cores]
        replies: dict[int, str] = {}
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        sent = 0
        pending = memoryview(b"")
        writing = False  # whether stdin is registered with the selector
        deadline = time.monotonic() + self.timeout
        try:
            while len(replies) < len(cores):
                if not pending and sent < len(cores) and sent - len(replies) < PIPELINE_DEPTH:
                    pending = memoryview(payloads[sent])
                    sent += 1
                if bool(pending) != writing:
                    if pending:
                        selector.register(process.stdin, selectors.EVENT_WRITE)
                    else:
                        selector.unregister(process.stdin)
                    writing = bool(pending)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    index, core = cores[len(replies)]
                    self._stop()
                    raise EngineError(
                        f"Apertium ({self.pair}) gave no answer within {self.timeout:g} s for "
                        f"text {index + 1} of the batch ({_excerpt(core)}); the process was "
                        "killed and restarts on the next text",
                        index=index,
                    )
                for key, _ in selector.select(remaining):
                    if key.fileobj is process.stdin:
                        try:
                            written = os.write(process.stdin.fileno(), pending)
                        except BrokenPipeError:
                            return self._after_death(replies)
                        except BlockingIOError:
                            continue
                        pending = pending[written:]
                    else:
                        chunk = os.read(process.stdout.fileno(), 65536)
                        if not chunk:
                            return self._after_death(replies)
                        self._buffer += chunk
                        while b"\0" in self._buffer:
                            reply, self._buffer = self._buffer.split(b"\0", 1)
                            index, _core = cores[len(replies)]
                            replies[index] = _UNESCAPE.sub(r"\1", reply.decode("utf-8", "replace")).removesuffix("\n")
                            deadline = time.monotonic() + self.timeout
        finally:
            selector.close()
        return replies

    def _after_death(self, replies: dict[int, str]) -> dict[int, str]:
        # Texts in flight are lost with the process: _translate_one restarts it and retries them.
        self._last_stderr = self._stderr_tail()
        self._stop()
        self.restarts += 1
        return replies

    def _translate_one(self, text: str, index: int) -> str:
        """One text, with one retry in a fresh process if the process dies under it."""
        for _attempt in (1, 2):
            reply = self._translate_pipelined([(index, text)]).get(index)
            if reply is not None:
                return reply
        raise EngineError(
            f"Apertium ({self.pair}) exited while translating text {index + 1} of the batch "
            f"({_excerpt(text)}), twice; stderr: {self._last_stderr or '(empty)'}",
            index=index,
        )

    def close(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            try:
                os.set_blocking(process.stdin.fileno(), True)
                process.stdin.close()
                process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()

    def __enter__(self) -> ApertiumEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _remove_marks(translated: str, source: str) -> str:
    """Drop Apertium's *word/#word/@word marks.

    A mark character that starts a word in the source (`#tag`, `@handle`) is the writer's, and
    Apertium may translate the word after it, so those are kept ("@*clara" -> "@clara").
    """
    writers_marks = {m.group(0)[0] for m in _MARKED_WORD.finditer(source)}
    translated = _MARK_AFTER_WRITERS.sub("", translated)
    return _MARKED_WORD.sub(
        lambda m: m.group(0) if m.group(0)[0] in writers_marks else m.group(1), translated
    )


_MARK_AFTER_WRITERS = re.compile(r"(?<=[@#])[*#@](?=\w)")


def unknown_words(reply: str, source: str) -> list[dict]:
    """What Apertium marked in its reply: words it did not know (*) or could not generate (#),
    as QA flags. Capitalised words are left out: most are names ("Grafana", "HubSpot"), which
    are not a fault of the translation (an English word at a sentence's start is missed so)."""
    writers_marks = {m.group(0)[0] for m in _MARKED_WORD.finditer(source)}
    unknown: list[str] = []
    failed: list[str] = []
    reply = _MARK_AFTER_WRITERS.sub("", reply)
    for match in _MARKED_WORD.finditer(reply):
        mark, word = match.group(0)[0], match.group(1)
        if mark in writers_marks or mark == "@":
            continue
        if word[0].isupper():
            continue
        (unknown if mark == "*" else failed).append(word)
    flags = []
    if unknown:
        flags.append({"check": "unknown-words", "evidence": ", ".join(dict.fromkeys(unknown))})
    if failed:
        flags.append({"check": "unknown-words", "evidence": "not generated: " + ", ".join(dict.fromkeys(failed))})
    return flags


# Texts in flight at once: enough to keep every stage of the pipeline busy, few enough that
# a dead process costs little to redo.
PIPELINE_DEPTH = 32

_SPACE_RUN = re.compile(r" {2,}")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([,.;:!?)\]])")


def _tidy(translated: str, source: str) -> str:
    """Apertium drops words it does not render (a subject pronoun, "do") but keeps the
    spaces around them: "reputación.  Suena", "software , con". Put the spacing right,
    unless the source itself was spaced that way."""
    if not _SPACE_RUN.search(source):
        translated = _SPACE_RUN.sub(" ", translated)
    if not _SPACE_BEFORE_PUNCTUATION.search(source):
        translated = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", translated)
    return translated


def _excerpt(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def is_available(source_lang: str, target_lang: str) -> bool:
    return mode_file(source_lang, target_lang).is_file()


@hookimpl
def register_engines(register: Any) -> None:
    register("apertium", ApertiumEngine, available=is_available, auto_priority=50)
