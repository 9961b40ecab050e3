"""What `load_config` checks once, before any work, and how a config file's relative paths
are read from its folder. Each error names where the bad value came from: the file, line and
key, the environment variable, or the option."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from polypost.errors import UsageError


class ConfigError(UsageError):
    """A setting that cannot be used; the message names where it came from."""

    kind = "config"


# Settings that are paths; a relative one in a config file is relative to that file.
PATH_SETTINGS = ("db_path", "out_dir", "templates_dir")
PATH_LIST_SETTINGS = ("glossaries", "sources")
# Defaults that are paths too: with a config file, the project is the file's folder.
ANCHORED_DEFAULTS = ("db_path", "out_dir")
# The command-line option of a setting, where it is not --<name with dashes>.
OPTION_NAMES = {"db_path": "--db", "out_dir": "--out", "use_glossary": "--no-glossary", "glossaries": "--glossary",
                "config_path": "--config", "scheduler": "--workers"}
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)


def _anchor(value: str, folder: Path) -> str:
    if "://" in value:  # a URL source is not a path
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else folder / path)


def anchor_paths(settings: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The file's relative paths made relative to `folder` (the file's own) instead of the
    current folder; unchanged when the file is in the current folder."""
    if folder == Path("."):
        return settings
    anchored = dict(settings)
    for name in PATH_SETTINGS:
        if isinstance(anchored.get(name), str):
            anchored[name] = _anchor(anchored[name], folder)
    for name in PATH_LIST_SETTINGS:
        if isinstance(anchored.get(name), list):
            anchored[name] = [_anchor(value, folder) for value in anchored[name]]
    return anchored


def _where(config: Any, name: str) -> str:
    kind, where = config.origin(name)
    return "default" if kind == "default" else where


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "needs an http:// or https:// scheme"
    if not parts.hostname:
        return "needs a host name"
    return None


def scheduler_problem(address: str) -> str | None:
    """Why a Dask scheduler address cannot be one (None when it can)."""
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError as exc:
        return f"is not an address ({exc})"
    if parts.scheme not in ("tcp", "tls", "ws", "wss", "ucx"):
        return f"has the scheme {parts.scheme!r}; a Dask scheduler is tcp://, tls://, ws://, wss:// or ucx://"
    if not parts.hostname or port is None or parts.path not in ("", "/"):
        return "needs a host and a port, e.g. tcp://10.0.0.5:8786"
    return None


def check_config(config: Any) -> None:
    """Refuse settings that would fail later (broken links, a file where the site goes)."""
    problem = url_problem(config.base_url)
    if problem:
        raise ConfigError(f"{_where(config, 'base_url')}: base URL {config.base_url!r} {problem} "
                          "(e.g. https://blog.example.com/)")
    for lang, url in config.lang_base_urls.items():
        problem = url_problem(url)
        if problem:
            raise ConfigError(f"{_where(config, 'lang_base_urls')}: lang_base_urls[{lang!r}] = {url!r} {problem}")
    for name in ("source_lang", "target_lang"):
        tag = getattr(config, name)
        if not _LANGUAGE_TAG.match(tag):
            raise ConfigError(f"{_where(config, name)}: {name} {tag!r} is not a BCP 47 language tag "
                              "(e.g. en, es, es-419, es-MX)")
    if config.source_lang.lower() == config.target_lang.lower():
        raise ConfigError(f"{_where(config, 'target_lang')}: source_lang and target_lang are both {config.source_lang!r}")
    if config.x_default not in (config.source_lang, config.target_lang):
        raise ConfigError(f"{_where(config, 'x_default')}: x_default {config.x_default!r} must be "
                          f"{config.source_lang!r} or {config.target_lang!r}")
    out = Path(config.out_dir)
    if not config.out_dir.strip():
        raise ConfigError(f"{_where(config, 'out_dir')}: the output folder is empty")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{_where(config, 'out_dir')}: output folder {out} is a file, not a folder")
    problem = config.scheduler and scheduler_problem(config.scheduler)
    if problem:
        raise ConfigError(f"{_where(config, 'scheduler')}: Dask scheduler {config.scheduler!r} {problem}")
    if Path(config.db_path).is_dir():
        raise ConfigError(f"{_where(config, 'db_path')}: database {config.db_path} is a folder, not a file")
