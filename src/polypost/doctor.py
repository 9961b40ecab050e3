"""What `polypost doctor` reports: whether the nightly job can run here, and why not.

Engines usable for the configured pair (Apertium's mode file, Argos packages and what their
tokenizer does with placeholders and digits), glossaries found and valid, whether the
database and the output folder can be written (checked without creating either), and every
setting in effect with where it came from. Nothing here writes anything."""

from __future__ import annotations

import os
import shutil
from dataclasses import fields
from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.errors import UsageError
from polypost.glossary import check_files
from polypost.glossary.names import keeps_names
from polypost.postedit.morphology import shared as shared_morphology
from polypost.languages import language_of
from polypost.translate import apertium, argos_packages
from polypost.translate.base import available_engines, engine_names
from polypost.translate.argos_probe import probe_tokenizer_file

HIDDEN_SETTINGS = ("origins",)


def writable_problem(path: Path, kind: str) -> str | None:
    """Why `path` (a file or folder, existing or to be made) cannot be written; None when it can.
    A missing path is judged by the nearest folder above it that exists, where it would be made."""
    if path.exists():
        if kind == "folder" and not path.is_dir():
            return f"{path} is a file, not a folder"
        if kind == "file" and path.is_dir():
            return f"{path} is a folder, not a file"
        folder = path if kind == "folder" else path.parent
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
            return f"{path} is not writable"
        return None
    probe = path.parent
    while not probe.exists():
        if probe.parent == probe:
            return f"{path}: no folder above it exists"
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, so {path} cannot be made"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable, so {path} cannot be made"
    return None


def _argos(config: Config) -> dict[str, Any]:
    try:
        packages = argos_packages.list_installed()
    except UsageError as exc:  # argostranslate itself missing or broken
        return {"installed": False, "problem": str(exc), "packages": []}
    for package in packages:
        model = Path(package["path"]) / "sentencepiece.model"
        if not model.is_file():
            package["tokenizer"] = {"problem": f"no {model.name} in {package['path']}"}
            continue
        try:
            package["tokenizer"] = probe_tokenizer_file(model).as_dict()
        except (ImportError, OSError, RuntimeError) as exc:
            package["tokenizer"] = {"problem": f"{type(exc).__name__}: {exc}"}
    wanted = (config.source_lang, language_of(config.target_lang))  # "es-419" is served by en->es
    pair = [p for p in packages if (p["from_code"], p["to_code"]) == wanted]
    return {"installed": True, "packages": packages, "pair_installed": bool(pair)}


def _apertium(config: Config) -> dict[str, Any]:
    mode = apertium.mode_file(config.source_lang, language_of(config.target_lang))
    return {"program": shutil.which("apertium"), "mode_file": str(mode), "mode_found": mode.is_file()}


def _names(config: Config) -> dict[str, Any]:
    """Whether the names posts use are kept ([translate] keep_names), and what that needs."""
    morphology = shared_morphology()
    return {"setting": config.keep_names, "kept": keeps_names(config.keep_names, morphology),
            "english_analyser": str(morphology.english_analyser), "analyser_found": morphology.english_available}


def _glossaries(config: Config) -> dict[str, Any]:
    paths = config.glossary_paths()
    missing = [str(p) for p in paths if not p.is_file()]
    present = [p for p in paths if p.is_file()]
    problems = check_files(present) if present else []
    errors = [p for p in problems if p.severity == "error"]
    return {
        "in_use": config.use_glossary,
        "files": [str(p) for p in paths],
        "missing": missing,
        "problems": [{"file": p.file, "line": p.line, "severity": p.severity, "message": p.message} for p in problems],
        "valid": not missing and not errors,
    }


def _settings(config: Config) -> dict[str, Any]:
    found = {}
    for item in fields(Config):
        if item.name in HIDDEN_SETTINGS:
            continue
        origin, where = config.origin(item.name)
        found[item.name] = {"value": getattr(config, item.name), "from": origin, "where": where}
    return found


def diagnose(config: Config) -> dict[str, Any]:
    usable = available_engines(config.source_lang, language_of(config.target_lang))
    wanted = config.engine
    engine_ok = bool(usable) if wanted == "auto" else wanted in usable
    db = Path(config.db_path)
    out = Path(config.out_dir)
    report: dict[str, Any] = {
        "pair": f"{config.source_lang}->{config.target_lang}",
        "engines": {"registered": engine_names(), "usable": usable, "configured": wanted,
                    "would_use": (usable[0] if usable else None) if wanted == "auto" else wanted,
                    "apertium": _apertium(config), "argos": _argos(config)},
        "glossaries": _glossaries(config),
        "names": _names(config),
        "database": {"path": str(db), "exists": db.is_file(), "problem": writable_problem(db, "file")},
        "output": {"path": str(out), "exists": out.is_dir(), "problem": writable_problem(out, "folder")},
        "config_file": config.config_path,
        "settings": _settings(config),
    }
    problems = []
    if not engine_ok:
        problems.append(f"engine {wanted!r} cannot run here for {report['pair']}" if wanted != "auto"
                        else f"no engine can translate {report['pair']} here (`polypost models install`, "
                             "or apt-get install apertium apertium-eng-spa)")
    if not report["glossaries"]["valid"]:
        problems.append("a glossary is missing or has errors")
    for part in ("database", "output"):
        if report[part]["problem"]:
            problems.append(report[part]["problem"])
    report["problems"] = problems
    report["ok"] = not problems
    return report


def format_diagnosis(report: dict[str, Any]) -> str:
    engines = report["engines"]
    lines = [f"pair: {report['pair']}",
             f"engines: usable {', '.join(engines['usable']) or 'none'} (registered: "
             f"{', '.join(engines['registered'])}); {engines['configured']} -> {engines['would_use'] or 'none'}"]
    ap = engines["apertium"]
    lines.append(f"  apertium: program {ap['program'] or 'not found'}, mode {ap['mode_file']} "
                 f"{'found' if ap['mode_found'] else 'not found'}")
    argos = engines["argos"]
    if not argos["installed"]:
        lines.append(f"  argos: {argos['problem']}")
    elif not argos["packages"]:
        lines.append("  argos: no packages installed (polypost models install)")
    for package in argos["packages"]:
        probe = package.get("tokenizer", {})
        if "problem" in probe:
            said = f"tokenizer: {probe['problem']}"
        else:
            unk = ", ".join(probe["placeholders_unk"])
            said = (f"placeholders {'-> <unk>: ' + unk if unk else 'encode'}; digits "
                    f"{'split ' + ' '.join(probe['digit_pieces']) if probe['digits_split'] else 'kept whole'}; "
                    f"markup by {probe['transport']}")
        lines.append(f"  argos {package['from_code']}->{package['to_code']} {package['package_version']} "
                     f"{package['path']}: {said}")
    glossaries = report["glossaries"]
    if not glossaries["in_use"]:
        lines.append("glossaries: off")
    else:
        lines.append(f"glossaries: {', '.join(glossaries['files']) or 'none found'}"
                     + ("" if glossaries["valid"] else " (INVALID)"))
    lines += [f"  missing: {path}" for path in glossaries["missing"]]
    lines += [f"  {p['file']}:{p['line']}: {p['severity']}: {p['message']}" for p in glossaries["problems"]]
    names = report["names"]
    lines.append("names: " + ("kept as written" if names["kept"] else "left to the engine") + " ("
                 + ("keep_names = false" if not names["setting"] else
                    f"English analyser {names['english_analyser']} "
                    + ("found" if names["analyser_found"] else "not found: apt-get install apertium-eng-spa")) + ")")
    for part, label in (("database", "database"), ("output", "output folder")):
        item = report[part]
        state = item["problem"] or ("writable" if item["exists"] else "can be created")
        lines.append(f"{label}: {item['path']}: {state}")
    lines.append(f"config file: {report['config_file'] or 'none'}")
    for name, item in report["settings"].items():
        lines.append(f"  {name} = {item['value']!r}  ({item['from']}"
                     + (f": {item['where']}" if item["where"] not in ("default", item["from"]) else "") + ")")
    lines.append("ok: the nightly job can run" if report["ok"] else
                 "NOT OK: " + "; ".join(report["problems"]))
    return "\n".join(lines)
