"""Spanish morphology from the installed Apertium data: analyse words, generate forms.

`apertium-eng-spa` ships a Spanish analyser (`spa-eng.automorf.bin`) and generator
(`eng-spa.autogen.bin`); `lt-proc` reads them. Post-editing asks them which words are verbs
in the second person plural ("tenéis" -> tener<vblex><pri><p2><pl>) and for the form that
replaces them ("tienen"). One `lt-proc` call per batch of texts, words one per line: a batch of
a thousand distinct words costs a few milliseconds, so no persistent process is kept.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path("/usr/share/apertium/apertium-eng-spa")
ANALYSER = "spa-eng.automorf.bin"
GENERATOR = "eng-spa.autogen.bin"

_UNIT = re.compile(r"\^((?:[^$\\]|\\.)*)\$")
_TAGS = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True)
class Reading:
    """One analysis of a word: its parts ("sentar<vblex><imp><p2><pl>", "+prpers<prn><enc>...")."""

    parts: tuple[str, ...]

    @property
    def lemma(self) -> str:
        return self.parts[0].split("<", 1)[0]

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(_TAGS.findall(self.parts[0]))

    def has(self, *tags: str) -> bool:
        return all(tag in self.tags for tag in tags)

    def text(self) -> str:
        return "+".join(self.parts)


class Morphology:
    """The analyser and generator of one Apertium data folder; `available` says whether they run."""

    def __init__(self, data_dir: Path | None = None, timeout: float = 30.0) -> None:
        folder = Path(data_dir) if data_dir is not None else DATA_DIR
        self.analyser = folder / ANALYSER
        self.generator = folder / GENERATOR
        self.timeout = timeout
        self.available = bool(shutil.which("lt-proc")) and self.analyser.is_file() and self.generator.is_file()
        self._analyses: dict[str, tuple[Reading, ...]] = {}
        self._forms: dict[str, str | None] = {}

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
                    if surface == word and not rest.startswith("*"):
                        readings = tuple(Reading(tuple(r.split("+"))) for r in rest.split("/") if r)
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

    def _run(self, command: list[str], lines: list[str], generate: bool = False) -> list[str]:
        payload = "\n".join(lines) + "\n"
        result = subprocess.run(["lt-proc", *command[1:], command[0]] if generate else ["lt-proc", *command],
                                input=payload, capture_output=True, text=True, timeout=self.timeout, check=False)
        out = result.stdout.split("\n")
        if result.returncode != 0 or len(out) < len(lines):
            raise RuntimeError(f"lt-proc {' '.join(command)} failed ({result.returncode}): {result.stderr[-300:]}")
        return out[: len(lines)]
