"""Front matter of Markdown posts: YAML between --- lines or TOML between +++ lines, parsed
with alias expansion bounded (an alias bomb is refused, not built)."""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class FrontMatterError(ValueError):
    """YAML or TOML front matter that does not parse."""


_FENCES = {"---": "yaml", "+++": "toml"}


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """(front matter, body): YAML between --- lines or TOML between +++ lines; none is fine."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in _FENCES:
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == fence)
    except StopIteration:
        raise FrontMatterError(f"{path}: front matter opened with {fence} on line 1 is never closed") from None
    raw = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1:])
    kind = _FENCES[fence]
    try:
        meta = _parse_yaml(raw) if kind == "yaml" else _parse_toml(raw)
    except FrontMatterError as err:
        raise FrontMatterError(f"{path}: {err}") from None
    except Exception as err:  # each parser has its own error types; all mean the same thing here
        raise FrontMatterError(f"{path}: malformed {kind.upper()} front matter{_error_line(err)}: "
                               f"{_first_line(err)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{path}: {kind.upper()} front matter is a {type(meta).__name__}, "
                               "not a mapping of keys to values")
    return meta, body


MAX_YAML_NODES = 10_000  # front matter is a few keys; an alias bomb expands to billions of nodes


def _parse_yaml(raw: str) -> Any:
    """safe_load, with the document's size *after* alias expansion checked before it is built.

    A 412-byte file of nested aliases (`b: [*a, *a, ...]`) expands to billions of values; PyYAML
    shares them, but everything that walks the values (tags, titles) does not.
    """
    loader = yaml.SafeLoader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}, set()) > MAX_YAML_NODES:
            raise FrontMatterError(f"front matter expands to more than {MAX_YAML_NODES:,} values through "
                                   "aliases (*name); refused")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: Any, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """How many nodes `node` stands for with every alias expanded, counted without expanding."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        return MAX_YAML_NODES + 1  # an alias inside itself expands forever
    open_nodes.add(key)
    children: list[Any] = []
    if isinstance(node.value, list):
        for child in node.value:
            children.extend(child if isinstance(child, tuple) else (child,))
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, open_nodes)
        if total > MAX_YAML_NODES:
            break
    open_nodes.discard(key)
    sizes[key] = total
    return total


def _parse_toml(raw: str) -> Any:
    return tomllib.loads(raw)


def _error_line(err: Exception) -> str:
    """" on line N" of the file (front matter starts on line 2), when the parser says where."""
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        return f" on line {mark.line + 2}"
    match = re.search(r"line (\d+)", str(err))
    return f" on line {int(match.group(1)) + 1}" if match else ""


def _first_line(err: Exception) -> str:
    return (getattr(err, "problem", None) or str(err)).strip().splitlines()[0]


# ---------------------------------------------------------------- names and values
