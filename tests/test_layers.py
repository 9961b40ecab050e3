"""The layers of ARCHITECTURE.md, read from the source: no import circles (function-level
imports counted), parts below a stage never reach the store, the config or a stage, imports
at module top, no SQL outside the store, no module past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "polypost"
STAGE_FOLDERS = ("sources", "segment", "glossary", "translate", "publish", "review", "share", "postedit", "cluster")
# What only a stage's own entry (FOLDER/stage.py), the pipeline and the CLI may import.
UPPER = ("polypost.store", "polypost.config", "polypost.pipeline", "polypost.cli", "polypost.status")
# The foundation every layer may use; it imports nothing above itself.
FOUNDATION = ("polypost.records", "polypost.errors", "polypost.languages", "polypost.hookspecs",
              "polypost.plugins", "polypost.slugs", "polypost.progress", "polypost.forking")
# Third-party modules a function may import lazily on purpose (each with a comment saying why).
LAZY_ALLOWED = {"trafilatura", "tqdm", "translate.storage", "argostranslate", "ctranslate2", "sentencepiece",
                "babel.dates", "tomllib", "tomli", "distributed"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports_of(name: str) -> list[tuple[str, ast.AST, bool]]:
    """(imported polypost module, node, at module level) for every import in module `name`."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set()
    for node in tree.body:
        # A module-level `try:`/`if:` (tomllib vs tomli) is still the module's top.
        for inner in ast.walk(node) if isinstance(node, (ast.Try, ast.If)) else [node]:
            top.add(id(inner))
    found = []
    package = name if is_package(path) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                       for alias in node.names]
        else:
            continue
        for target in targets:
            found.append((target, node, id(node) in top))
    return found


def resolve(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in imports_of(name):
            module = resolve(target) if target.startswith("polypost") else None
            if module is None or module == name:
                continue
            edges[name].add(module)
            # Importing polypost.a.b runs polypost/a/__init__.py first: an edge to each package
            # above the target, except packages the importer is itself inside.
            parent = module.rpartition(".")[0]
            while parent and parent != "polypost":
                if not (name == parent or name.startswith(parent + ".")):
                    edges[name].add(parent)
                parent = parent.rpartition(".")[0]
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def is_under(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGE_FOLDERS else None


def is_stage_entry(name: str) -> bool:
    return stage_of(name) is not None and name.endswith(".stage")


def test_no_import_circles():
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("name", [n for n in MODULES if stage_of(n) and not is_stage_entry(n)])
def test_parts_below_a_stage_take_plain_values(name):
    """A part (engine, reader, renderer, matcher) imports no store, config, pipeline or stage."""
    for module in graph()[name]:
        assert not is_under(module, UPPER), f"{name} imports {module}"
        assert not is_stage_entry(module), f"{name} imports the stage {module}"


@pytest.mark.parametrize("name", [n for n in MODULES if is_under(n, FOUNDATION)])
def test_the_foundation_imports_nothing_above_it(name):
    for module in graph()[name]:
        assert is_under(module, FOUNDATION), f"{name} imports {module}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_sit_at_the_top_of_modules(name):
    """Only a heavy optional dependency is imported in a function, with a comment saying why."""
    lines = MODULES[name].read_text(encoding="utf-8").splitlines()
    for target, node, at_top in imports_of(name):
        if at_top:
            continue
        assert not target.startswith("polypost"), f"{name}:{node.lineno}: {target} imported in a function"
        assert is_under(target, LAZY_ALLOWED), f"{name}:{node.lineno}: {target} imported in a function"
        nearby = lines[max(0, node.lineno - 3):node.lineno]
        assert any("#" in line for line in nearby), f"{name}:{node.lineno}: lazy import of {target} without a why"


@pytest.mark.parametrize("name", [n for n in MODULES if not is_under(n, ("polypost.store",))])
def test_no_module_outside_the_store_reaches_into_the_database(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "db" and \
                isinstance(node.value, ast.Name) and node.value.id in ("store", "scratch"):
            pytest.fail(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
    for target, node, _ in imports_of(name):
        assert target.split(".")[0] not in ("sqlite3", "sqlite_utils"), f"{name}:{node.lineno}: imports {target}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_400_lines(name):
    assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) <= 400


def test_every_stage_folder_has_its_entry():
    for folder in ("sources", "glossary", "translate", "publish", "review", "share"):
        assert f"polypost.{folder}.stage" in MODULES, folder


def test_names_the_config_checks_are_the_ones_the_parts_know():
    from polypost.records import QA_CHECKS, SHARE_NETWORKS
    from polypost.share.texts import NETWORKS

    assert tuple(NETWORKS) == SHARE_NETWORKS
    qa_source = (SRC / "translate" / "qa.py").read_text(encoding="utf-8") + \
        (SRC / "translate" / "qa_text.py").read_text(encoding="utf-8") + \
        (SRC / "translate" / "apertium.py").read_text(encoding="utf-8") + \
        (SRC / "translate" / "stage.py").read_text(encoding="utf-8") + \
        (SRC / "translate" / "chunk.py").read_text(encoding="utf-8") + \
        (SRC / "segment" / "document.py").read_text(encoding="utf-8") + \
        (SRC / "translate" / "argos_transport.py").read_text(encoding="utf-8")
    for check in QA_CHECKS:
        assert f'"{check}"' in qa_source, check
