"""Glossary files: reading and checking them.

A glossary file is `glossaries/NAME.SRC-TGT.tsv`: UTF-8, tab-separated, a header row naming
at least `source`, `target` and `note`; `#` comments and blank lines are allowed. A target
equal to its source means "do not translate". Optional columns describe the target form so
that the words around a forced term can agree with it:

    pos      noun | propn | adj | verb | adv | phrase       (free text is refused: typos matter)
    gender   m | f                                          (of the target, for Spanish agreement)
    number   sg | pl
    case     sensitive | insensitive                        (default insensitive)
    plural   the target's plural, when the simple Spanish rule would get it wrong

This module owns the file format; `terms.py` holds the `Glossary` the pipeline uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from polypost.glossary.gender import gender_notes
from polypost.glossary.term import (
    CASE_VALUES,
    GENDER_VALUES,
    NUMBER_VALUES,
    OPTIONAL_COLUMNS,
    POS_VALUES,
    REQUIRED_COLUMNS,
    RESERVED_CHARS,
    Problem,
    Term,
)


def default_glossary_paths(glossary_dir: Path, src: str = "en", tgt: str = "es") -> list[Path]:
    """Every `*.SRC-TGT.tsv` in the folder, sorted (so later names override earlier ones)."""
    glossary_dir = Path(glossary_dir)
    if not glossary_dir.is_dir():
        return []
    return sorted(p for p in glossary_dir.glob(f"*.{src}-{tgt}.tsv") if p.is_file())


# --------------------------------------------------------------------------------------
# Reading and checking one file
# --------------------------------------------------------------------------------------

def parse_file(path: Path) -> tuple[list[Term], list[Problem]]:
    """All the terms we could read and every problem found, in line order."""
    name = str(path)
    problems: list[Problem] = []

    def problem(line: int, severity: str, message: str) -> None:
        problems.append(Problem(name, line, severity, message))

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        problem(0, "error", f"cannot read: {exc.strerror or exc}")
        return [], problems
    if raw.startswith(b"\xef\xbb\xbf"):
        problem(1, "warning", "starts with a UTF-8 byte order mark (ignored)")
        raw = raw[3:]

    terms: list[Term] = []
    header: list[str] | None = None
    seen: dict[str, Term] = {}
    for number, line_bytes in enumerate(raw.split(b"\n"), start=1):
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem(number, "error", f"not UTF-8 (byte 0x{line_bytes[exc.start]:02x} at column "
                                     f"{exc.start + 1}); save the file as UTF-8")
            continue
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = _check_header(cells, number, problem)
            if header is None:
                return [], problems
            continue
        term = _parse_row(cells, header, name, number, problem)
        if term is None:
            continue
        earlier = seen.get(term.key)
        if earlier is not None:
            if earlier.target == term.target:
                problem(number, "warning", f"duplicate of line {earlier.line}: {term.source!r}")
            else:
                problem(number, "error", f"conflict: {term.source!r} -> {term.target!r} here, "
                                         f"but -> {earlier.target!r} on line {earlier.line}")
            continue
        seen[term.key] = term
        terms.append(term)
    if header is None:
        problem(1, "error", "no header row (expected columns: " + ", ".join(REQUIRED_COLUMNS) + ")")
    return terms, problems


def _check_header(cells: list[str], line: int, problem) -> list[str] | None:
    names = [c.strip().lower() for c in cells]
    ok = True
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problem(line, "error", f"header lacks column(s) {', '.join(missing)}; "
                               f"found: {', '.join(repr(c) for c in cells)}")
        ok = False
    for name in {n for n in names if names.count(n) > 1}:
        problem(line, "error", f"column {name!r} appears twice in the header")
        ok = False
    for name in names:
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS:
            problem(line, "warning", f"unknown column {name!r} is ignored "
                                     f"(known: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})")
    return names if ok else None


def _parse_row(cells: list[str], header: list[str], file: str, line: int, problem) -> Term | None:
    if len(cells) != len(header):
        problem(line, "error", f"{len(cells)} cells but the header has {len(header)} columns "
                               "(cells are separated by one tab)")
        return None
    row = dict(zip(header, cells))
    for column, value in row.items():
        if value != value.strip() and value.strip():
            problem(line, "warning", f"{column!r} has leading or trailing spaces")
    row = {k: " ".join(v.split()) for k, v in row.items()}
    bad = False
    for column in ("source", "target"):
        if not row[column]:
            problem(line, "error", f"empty {column!r} cell")
            bad = True
        elif any(ch in row[column] for ch in RESERVED_CHARS):
            problem(line, "error", f"{column!r} contains a reserved character ({RESERVED_CHARS})")
            bad = True
    pos = row.get("pos", "").lower() or None
    if pos is not None and pos not in POS_VALUES:
        problem(line, "error", f"pos {pos!r} is not one of {', '.join(sorted(POS_VALUES))}")
        bad = True
    gender = row.get("gender", "").lower() or None
    if gender is not None and gender not in GENDER_VALUES:
        problem(line, "error", f"gender {gender!r} is not 'm' or 'f'")
        bad = True
    number = row.get("number", "").lower() or None
    if number is not None and number not in NUMBER_VALUES:
        problem(line, "error", f"number {number!r} is not 'sg' or 'pl'")
        bad = True
    case = row.get("case", "").lower() or "insensitive"
    if case not in CASE_VALUES:
        problem(line, "error", f"case {case!r} is not 'sensitive' or 'insensitive'")
        bad = True
    if bad:
        return None
    source = row["source"]
    if CASE_VALUES[case] is False and len(source) > 1 and source.isupper() and source.isalpha():
        problem(line, "warning", f"{source!r} looks like an acronym: mark it case 'sensitive' so "
                                 "that the ordinary word is left alone")
    return Term(source=source, target=row["target"], note=row.get("note", ""), pos=pos,
                gender=gender, number=number, case_sensitive=CASE_VALUES[case], file=file,
                line=line, plural=row.get("plural") or None)


def check_files(paths: Sequence[Path]) -> list[Problem]:
    """Every problem in these files, in order; later files overriding earlier ones is noted."""
    problems: list[Problem] = []
    active: dict[str, Term] = {}
    for path in paths:
        terms, file_problems = parse_file(Path(path))
        problems.extend(file_problems)
        for term in terms:
            earlier = active.get(term.key)
            if earlier is not None and earlier.file != term.file and earlier.target != term.target:
                problems.append(Problem(term.file, term.line, "warning",
                                        f"overrides {earlier.file}:{earlier.line} "
                                        f"({term.source!r} -> {earlier.target!r} becomes "
                                        f"{term.target!r})"))
            active[term.key] = term
        if _target_language(Path(path)) == "es":
            problems.extend(gender_notes(terms))
    return problems


def _target_language(path: Path) -> str | None:
    """"marketing.en-es.tsv" -> "es"; "terms.en-es-419.tsv" -> "es"; None when the name does not say."""
    parts = path.name.split(".")
    if len(parts) < 3:
        return None
    pair = parts[-2].split("-")
    return pair[1].lower() if len(pair) >= 2 else None
