"""Post-editing rules as data: one TOML file per variant, merged over the file it extends.

`rules_for("es-MX")` reads `es-MX.toml` if polypost ships one, else the file of its group
(`es-419.toml` for a Latin American region), else `es.toml`; each file may name the one it
`extends`. A user's files (`postedit/<tag>.toml` in the project folder) are merged last, table by
table, key by key. The merged rules' fingerprint goes into the memory key, so that a changed rule
re-translates what it touches.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polypost.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULES_DIR = Path(__file__).resolve().parent / "rules"
FORMALITIES = ("default", "informal", "formal")
# Regions whose Spanish is Latin American: UN M.49's 419 and the countries in it that speak Spanish.
LATIN_AMERICA = frozenset("419 AR BO CL CO CR CU DO EC GT HN MX NI PA PE PR PY SV US UY VE".split())


@dataclass(frozen=True)
class Rules:
    tag: str  # the target tag asked for: "es-MX"
    files: tuple[str, ...]  # the files read, in merge order
    data: dict[str, Any]
    formality: str = "default"

    @property
    def fingerprint(self) -> str:
        blob = json.dumps({"data": self.data, "formality": self.formality}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]

    def table(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    @property
    def singular(self) -> str:
        return "usted" if self.formality == "formal" else "tú"

    @property
    def plural(self) -> str:
        return str(self.table("register").get("plural", "ustedes"))


def shipped_file(tag: str) -> Path | None:
    """The shipped rules file for `tag`, by the fallbacks in the module's docstring."""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    region = next((p.upper() for p in parts[1:] if len(p) in (2, 3) and (p.isdigit() or len(p) == 2)), None)
    candidates = []
    if region:
        candidates.append(f"{language}-{region}")
        if language == "es" and region in LATIN_AMERICA:
            candidates.append("es-419")
    candidates.append(language)
    for name in candidates:
        path = RULES_DIR / f"{name}.toml"
        if path.is_file():
            return path
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read post-editing rules ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: post-editing rules are not valid TOML ({exc})") from exc


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _chain(path: Path, seen: tuple[Path, ...] = ()) -> list[tuple[Path, dict[str, Any]]]:
    if path in seen:
        raise UsageError(f"{path}: post-editing rules extend themselves ({' -> '.join(map(str, seen))})")
    data = _read(path)
    parent = data.pop("extends", None)
    chain = []
    if parent:
        parent_path = path.parent / f"{parent}.toml"
        if not parent_path.is_file():
            parent_path = RULES_DIR / f"{parent}.toml"
        if not parent_path.is_file():
            raise UsageError(f"{path}: extends {parent!r}, but there is no {parent}.toml beside it or shipped")
        chain = _chain(parent_path, (*seen, path))
    return [*chain, (path, data)]


def rules_for(tag: str, formality: str = "default", user_files: Sequence[str | Path] = ()) -> Rules | None:
    """The merged rules for a target tag; None when polypost has none for its language."""
    if formality not in FORMALITIES:
        raise UsageError(f"formality {formality!r} is not one of {', '.join(FORMALITIES)}")
    shipped = shipped_file(tag)
    if shipped is None:
        return None
    chain = _chain(shipped)
    for user_file in user_files:
        chain.extend(_chain(Path(user_file)))
    data: dict[str, Any] = {}
    for _path, part in chain:
        data = _merge(data, part)
    _check(data, chain[-1][0])
    return Rules(tag=tag, files=tuple(str(p) for p, _ in chain), data=data, formality=formality)


def _check(data: dict[str, Any], where: Path) -> None:
    plural = data.get("register", {}).get("plural", "ustedes")
    if plural not in ("ustedes", "vosotros"):
        raise UsageError(f"{where}: [register] plural = {plural!r}: use \"ustedes\" or \"vosotros\"")
    for lemma, rule in data.get("lexical", {}).items():
        if not isinstance(rule, dict) or not isinstance(rule.get("to", ""), str):
            raise UsageError(f"{where}: [lexical.{lemma}] needs `to = \"lemma\"` (\"\" keeps the word)")
    for name in ("phrases",):
        if not all(isinstance(v, str) for v in data.get(name, {}).values()):
            raise UsageError(f"{where}: every value of [{name}] must be a string")
