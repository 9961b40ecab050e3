"""Spanish morphology from the installed Apertium data: analyse words, generate forms; and
English phrases analysed, to tell a name from words the engine would translate.

`apertium-eng-spa` ships a Spanish analyser (`spa-eng.automorf.bin`) and generator
(`eng-spa.autogen.bin`); `lt-proc` reads them. Post-editing asks them which words are verbs
in the second person plural ("tenéis" -> tener<vblex><pri><p2><pl>) and for the form that
replaces them ("tienen"). Each runs as one persistent `lt-proc -z` process; a batch's words go
one per line in one request, and every word's answer is cached for the process's life.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path("/usr/share/apertium/apertium-eng-spa")
ANALYSER = "spa-eng.automorf.bin"
GENERATOR = "eng-spa.autogen.bin"
BILINGUAL = "eng-spa.autobil.bin"  # English lemma -> its Spanish translations, with their tags
ENGLISH_ANALYSER = "eng-spa.automorf.bin"  # the analyser Apertium's English->Spanish pipeline starts with

_UNIT = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_TAGS = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Reading:
    """One analysis of a word: its parts ("sentar<vblex><imp><p2><pl>", "+prpers<prn><enc>...")."""

    parts: tuple[str, ...]
    # Derived from parts[0] once: QA and post-editing ask a reading for its tags millions of
    # times a run. Not compared: two readings are equal when their parts are.
    lemma: str = field(init=False, compare=False, repr=False)
    tags: tuple[str, ...] = field(init=False, compare=False, repr=False)
    tag_set: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        head = self.parts[0]
        tags = tuple(_TAGS.findall(head))
        object.__setattr__(self, "lemma", head.split("<", 1)[0])
        object.__setattr__(self, "tags", tags)
        object.__setattr__(self, "tag_set", frozenset(tags))

    def has(self, *tags: str) -> bool:
        return self.tag_set.issuperset(tags)

    def text(self) -> str:
        return "+".join(self.parts)


def only_a_name(readings: tuple[Reading, ...]) -> bool:
    """Whether an analysis says the word is a name: unknown (no readings), or proper nouns only."""
    return all(r.has("np") for r in readings)


def _readings(rest: str) -> tuple[Reading, ...]:
    """The readings of one analysed unit, the part after its surface ("*" marks an unknown word)."""
    if rest.startswith("*"):
        return ()
    return tuple(Reading(tuple(r.split("+"))) for r in rest.split("/") if r)


class Morphology:
    """The analyser and generator of one Apertium data folder; `available` says whether they run."""

    def __init__(self, data_dir: Path | None = None, timeout: float = 30.0) -> None:
        folder = Path(data_dir) if data_dir is not None else DATA_DIR
        self.analyser = folder / ANALYSER
        self.generator = folder / GENERATOR
        self.bilingual = folder / BILINGUAL
        self.english_analyser = folder / ENGLISH_ANALYSER
        self.timeout = timeout
        self.available = bool(shutil.which("lt-proc")) and self.analyser.is_file() and self.generator.is_file()
        self.english_available = bool(shutil.which("lt-proc")) and self.english_analyser.is_file()
        self._analyses: dict[str, tuple[Reading, ...]] = {}
        self._forms: dict[str, str | None] = {}
        self._spanish: dict[str, tuple[Reading, ...]] = {}
        self._english: dict[str, tuple[tuple[str, tuple[Reading, ...]], ...]] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        # One request at a time per process: a cluster worker's threads share this object.
        self._lock = threading.Lock()

    def analyse(self, words: set[str] | list[str]) -> dict[str, tuple[Reading, ...]]:
        """Each word's readings (empty: unknown to the analyser). Cached across calls."""
        wanted = sorted({w for w in words if w and w not in self._analyses and "\n" not in w})
        if wanted and self.available:
            lines = self._run([str(self.analyser)], wanted)
            for word, line in zip(wanted, lines):
                units = _UNIT.findall(line)
                readings: tuple[Reading, ...] = ()
                if len(units) == 1:
                    surface, _, rest = units[0].partition("/")
                    if surface == word:
                        readings = _readings(rest)
                self._analyses[word] = readings
        return {w: self._analyses.get(w, ()) for w in words}

    def generate(self, analyses: set[str] | list[str]) -> dict[str, str | None]:
        """The surface form of each analysis ("tener<vblex><pri><p3><pl>" -> "tienen"); None
        where the generator has no form for it."""
        wanted = sorted({a for a in analyses if a not in self._forms})
        if wanted and self.available:
            lines = self._run([str(self.generator), "-g"], [f"^{a}$" for a in wanted], generate=True)
            for analysis, line in zip(wanted, lines):
                form = line.strip()
                self._forms[analysis] = None if (not form or "#" in form or "<" in form or "$" in form) else form
        return {a: self._forms.get(a) for a in analyses}

    def spanish_nouns(self, nouns: set[str] | list[str]) -> dict[str, tuple[Reading, ...]]:
        """The Spanish nouns that Apertium's English->Spanish dictionary gives for each English
        noun lemma ("page" -> página<n><f><sg>), its default first; empty where it has none."""
        wanted = sorted({n for n in nouns if n and n not in self._spanish and n.isalpha()})
        if wanted and self.available and self.bilingual.is_file():
            lines = self._run([str(self.bilingual), "-b"], [f"^{n}<n><sg>$" for n in wanted], generate=True)
            for noun, line in zip(wanted, lines):
                units = _UNIT.findall(line)
                readings: tuple[Reading, ...] = ()
                if len(units) == 1:
                    _source, _, rest = units[0].partition("/")
                    readings = tuple(Reading((r,)) for r in rest.split("/") if r and not r.startswith("@"))
                self._spanish[noun] = readings
        return {n: self._spanish.get(n, ()) for n in nouns}

    def analyse_english(self, phrases: set[str] | list[str]) -> dict[str, tuple[tuple[str, tuple[Reading, ...]], ...]]:
        """Each English phrase as the analyser cuts it: (surface, readings) per unit, a unit being
        a word or a multiword entry ("New York"); no readings where the word is unknown. Cached."""
        wanted = sorted({p for p in phrases if p and p not in self._english and "\n" not in p})
        if wanted and self.english_available:
            lines = self._run([str(self.english_analyser)], wanted)
            for phrase, line in zip(wanted, lines):
                units = []
                for unit in _UNIT.findall(line):
                    surface, _, rest = unit.partition("/")
                    units.append((surface, _readings(rest)))
                self._english[phrase] = tuple(units)
        return {p: self._english.get(p, ()) for p in phrases}

    def _run(self, command: list[str], lines: list[str], generate: bool = False) -> list[str]:
        with self._lock:
            return self._request(command, lines, generate)

    def _request(self, command: list[str], lines: list[str], generate: bool) -> list[str]:
        """One request to a persistent `lt-proc -z` (null-flush) process: the lines, then NUL;
        the answer is read up to its NUL. Starting lt-proc costs ~50-200 ms, a request ~1 ms."""
        key = command[0]
        payload = ("\n".join(lines) + "\n").replace("\0", "") + "\0"
        for attempt in (1, 2):
            process = self._process(key, ["lt-proc", "-z", *command[1:], command[0]] if generate
                                    else ["lt-proc", "-z", *command])
            data = payload.encode("utf-8")
            writer = None
            if len(data) <= _DIRECT_WRITE:  # fits the pipes both ways: no thread needed
                _write(process, data)
            else:  # a big batch: write while reading, or both sides wait on full pipes
                writer = threading.Thread(target=_write, args=(process, data), daemon=True)
                writer.start()
            answer = _read_to_nul(process, self.timeout)
            if writer is not None:
                writer.join(self.timeout)
            if answer is not None:
                out = answer.decode("utf-8", "replace").split("\n")
                if len(out) >= len(lines):
                    return out[: len(lines)]
            self._stop(key)
        raise RuntimeError(f"lt-proc {' '.join(command)} gave no usable answer for {len(lines)} lines")

    def _process(self, key: str, argv: list[str]) -> subprocess.Popen[bytes]:
        process = self._processes.get(key)
        if process is None or process.poll() is not None:
            process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL)
            self._processes[key] = process
        return process

    def _stop(self, key: str) -> None:
        process = self._processes.pop(key, None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def close(self) -> None:
        for key in list(self._processes):
            self._stop(key)


# Below this many bytes a request and its answer (a few times longer) fit the pipes' buffers.
_DIRECT_WRITE = 8192


def _write(process: subprocess.Popen[bytes], data: bytes) -> None:
    try:
        process.stdin.write(data)
        process.stdin.flush()
    except (BrokenPipeError, OSError):
        pass


def _read_to_nul(process: subprocess.Popen[bytes], timeout: float) -> bytes | None:
    chunks = []
    deadline = time.monotonic() + timeout
    fd = process.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        if b"\0" in chunk:
            head, _, _rest = chunk.partition(b"\0")
            chunks.append(head)
            return b"".join(chunks)
        chunks.append(chunk)
    return None


_SHARED: dict[str, Morphology] = {}


def shared(data_dir: Path | None = None) -> Morphology:
    """One Morphology per data folder for the process: post-editing analyses a batch's words,
    and QA's checks on the same texts then find them in its cache instead of starting lt-proc."""
    key = str(data_dir or DATA_DIR)
    if key not in _SHARED:
        _SHARED[key] = Morphology(data_dir)
    return _SHARED[key]
