"""A glossary term, the columns that describe it, and the errors about glossary files."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from polypost.errors import UsageError

REQUIRED_COLUMNS = ("source", "target", "note")
OPTIONAL_COLUMNS = ("pos", "gender", "number", "case", "plural")
POS_VALUES = {"noun", "propn", "adj", "verb", "adv", "phrase"}
GENDER_VALUES = {"m", "f"}
NUMBER_VALUES = {"sg", "pl"}
CASE_VALUES = {"sensitive": True, "insensitive": False}
# Characters that would collide with the segmenter's and our own placeholders.
RESERVED_CHARS = "⟦⟧"


class GlossaryError(UsageError):
    """A glossary file that cannot be used; the message names the file and the line."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass
class Term:
    source: str
    target: str
    note: str = ""
    pos: str | None = None
    gender: str | None = None  # 'm' | 'f' | None, of the target
    number: str | None = None  # 'sg' | 'pl' | None, of the target
    case_sensitive: bool = False
    file: str = ""
    line: int = 0
    plural: str | None = None  # explicit target plural, else derived when needed

    @property
    def keep(self) -> bool:
        """Do not translate: the target is the source itself."""
        return self.target == self.source

    @property
    def key(self) -> str:
        """What makes two entries the same term (for overrides and duplicates)."""
        return self.source if self.case_sensitive else self.source.casefold()

    def fingerprint(self) -> str:
        """Everything that changes the output; feeds `Glossary.terms_hash`."""
        return _fingerprint((self.source, self.target, self.pos, self.gender, self.number,
                             self.case_sensitive, self.plural))


@dataclass
class Problem:
    file: str
    line: int
    severity: str  # 'error' | 'warning'
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


@functools.lru_cache(maxsize=4096)
def _fingerprint(fields: tuple) -> str:
    # Keyed by the values, not the term: a term is mutable, and every segment's memory key
    # asks for the fingerprints of the terms it matches.
    return json.dumps(list(fields), ensure_ascii=False)
