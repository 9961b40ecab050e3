"""Settings: defaults < polypost.toml < environment < command-line options.

A bad config file is a configuration error (exit code 2) whose message names the file,
the line and the key, so a cron user can fix it without reading code.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from collections.abc import Callable
from typing import Any

from polypost.glossary.shipped import shipped_glossary_paths
from polypost.languages import language_of
from polypost.postedit.rules import FORMALITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from polypost.config_checks import ANCHORED_DEFAULTS, OPTION_NAMES, ConfigError, anchor_paths, check_config
from polypost.config_template import CONFIG_TEMPLATE
from polypost.publish.atomic import MANIFEST_NAME, published_base_url
from polypost.publish.registry import publishers
from polypost.records import DEFAULT_HOLD_BACK, QA_CHECKS, SHARE_NETWORKS
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS
from polypost.sources.words import DEFAULT_MAX_WORDS

PACKAGE_ROOT = Path(__file__).resolve().parent
# An editable install or a checkout keeps the shipped glossaries beside src/.
CHECKOUT_GLOSSARIES = PACKAGE_ROOT.parent.parent / "glossaries"


@dataclass
class Config:
    # [site]
    base_url: str = "http://localhost:8000/"
    site_title: str = "Blog"
    site_titles: dict[str, str] = field(default_factory=dict)  # per language: {es = "Notas de campo"}
    source_lang: str = "en"
    target_lang: str = "es"
    out_dir: str = "site"
    format: str = "html"
    x_default: str = "en"
    lang_base_urls: dict[str, str] = field(default_factory=dict)
    templates_dir: str | None = None
    mt_note: str | None = None
    hugo_content_ext: str = "html"  # "html": content files a stock Hugo renders as they are; "md" needs unsafe = true
    hugo_layout: str = "bundles"  # "bundles": index.es.html beside index.html; "folders": content/<lang>/
    translation_slugs: str = "translated"  # a new translation's slug: from its title, or "source": the original's
    page_size: int = 20  # posts per home page
    feed_size: int = 50  # newest posts per feed; 0: every post
    # [sources]
    sources: list[str] = field(default_factory=list)
    max_bytes: int = 20 * 1024 * 1024  # a source file or fetched page bigger than this is refused
    max_words: int = DEFAULT_MAX_WORDS  # a page or post with more words of text than this is refused
    sanitize_own: bool = False  # own files and WordPress exports through the untrusted-markup allowlist
    follow_symlinks: bool = False  # read symlinks that lead out of a source folder
    embed_hosts: list[str] = field(default_factory=lambda: list(DEFAULT_EMBED_HOSTS))  # iframes kept from these
    # [translate]
    engine: str = "auto"
    glossaries: list[str] = field(default_factory=list)  # empty: the shipped *.<src>-<tgt>.tsv
    use_glossary: bool = True
    glossary_strict: bool = False
    beam_size: int = 2
    threads: int = 0  # 0: as many as the machine has
    device: str = "auto"
    formality: str = "default"  # "informal" (tú), "formal" (usted); "default": informal for Spanish
    postedit: bool = True  # the target variant's post-editing rules on machine output
    keep_names: bool = True  # names a post uses that the engine would translate kept as written
    # [share]
    share_campaign: str | None = None  # utm_campaign; "{slug}" becomes the post's slug
    share_networks: list[str] = field(default_factory=list)  # empty: every network polypost knows
    # [qa]
    hold_back: list[str] = field(default_factory=lambda: list(DEFAULT_HOLD_BACK))  # QA checks that keep a post unpublished
    min_length_ratio: float = 0.0  # 0: learned from the memory (or the default)
    max_length_ratio: float = 0.0
    # [cluster]
    scheduler: str = ""  # a Dask scheduler (tcp://HOST:PORT): translate on its workers; "": here
    # where things are
    db_path: str = "data/polypost.db"
    config_path: str | None = None
    # field -> (default | config file | environment | option | published site, where exactly)
    origins: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def glossary_paths(self) -> list[Path]:
        if not self.use_glossary:
            return []
        if self.glossaries:
            return [Path(p) for p in self.glossaries]
        # The language's files, then the variant's own ("*.en-es.tsv", then "*.en-es-419.tsv").
        target = language_of(self.target_lang)
        folder = self.project_dir() / "glossaries"
        found = sorted(folder.glob(f"*.{self.source_lang}-{target}.tsv"))
        if target != self.target_lang:
            found += sorted(folder.glob(f"*.{self.source_lang}-{self.target_lang}.tsv"))
        return found or shipped_glossary_paths(self.source_lang, target)

    def postedit_files(self) -> list[Path]:
        """The user's post-editing rules: postedit/<language>.toml, then postedit/<tag>.toml."""
        folder = self.project_dir() / "postedit"
        names = dict.fromkeys([language_of(self.target_lang), self.target_lang])
        return [folder / f"{name}.toml" for name in names if (folder / f"{name}.toml").is_file()]

    def ingest_settings(self) -> dict[str, Any]:
        """The [sources] limits and trust settings, as `ingest` takes them."""
        return {"max_bytes": self.max_bytes, "max_words": self.max_words, "sanitize_own": self.sanitize_own,
                "follow_symlinks": self.follow_symlinks, "embed_hosts": tuple(self.embed_hosts)}

    def project_dir(self) -> Path:
        """The config file's folder (relative paths in it are read from there), else the current one."""
        return Path(self.config_path).parent if self.config_path else Path(".")

    def origin(self, name: str) -> tuple[str, str]:
        return self.origins.get(name, ("default", "default"))

    def data_dir(self) -> Path:
        return Path(self.db_path).resolve().parent


# The file's sections and the fields each key sets.
SECTIONS: dict[str, dict[str, str]] = {
    "site": {
        "base_url": "base_url",
        "title": "site_title",
        "titles": "site_titles",
        "source_lang": "source_lang",
        "target_lang": "target_lang",
        "out_dir": "out_dir",
        "format": "format",
        "x_default": "x_default",
        "lang_base_urls": "lang_base_urls",
        "templates_dir": "templates_dir",
        "mt_note": "mt_note",
        "hugo_content_ext": "hugo_content_ext",
        "hugo_layout": "hugo_layout",
        "translation_slugs": "translation_slugs",
        "page_size": "page_size",
        "feed_size": "feed_size",
    },
    "sources": {"paths": "sources", "max_bytes": "max_bytes", "max_words": "max_words", "sanitize_own": "sanitize_own",
                "follow_symlinks": "follow_symlinks", "embed_hosts": "embed_hosts"},
    "translate": {
        "engine": "engine",
        "glossaries": "glossaries",
        "use_glossary": "use_glossary",
        "glossary_strict": "glossary_strict",
        "beam_size": "beam_size",
        "threads": "threads",
        "device": "device",
        "formality": "formality",
        "postedit": "postedit",
        "keep_names": "keep_names",
    },
    "share": {"campaign": "share_campaign", "networks": "share_networks"},
    "qa": {"hold_back": "hold_back", "min_length_ratio": "min_length_ratio", "max_length_ratio": "max_length_ratio"},
    "store": {"db": "db_path"},
    "cluster": {"scheduler": "scheduler"},
}

ENVIRONMENT: dict[str, str] = {
    "POLYPOST_DB": "db_path",
    "POLYPOST_BASE_URL": "base_url",
    "POLYPOST_ENGINE": "engine",
    "POLYPOST_OUT": "out_dir",
    "POLYPOST_WORKERS": "scheduler",
}


CHOICES: dict[str, Callable[[], list[str]]] = {
    # Output formats are publishers, plugins' included: the registry knows them.
    "format": lambda: sorted(publishers()),
    "device": lambda: ["auto", "cpu", "cuda"],
    "formality": lambda: list(FORMALITIES),
    "hugo_content_ext": lambda: ["html", "md"],
    "hugo_layout": lambda: ["bundles", "folders"],
    "translation_slugs": lambda: ["translated", "source"],
}

_FIELD_TYPES = {f.name: f.type for f in fields(Config)}
_AT_LEAST = {"page_size": 1, "feed_size": 0, "max_bytes": 1, "max_words": 1}


def _line_of(text: str, section: str, key: str) -> int | None:
    """The line where `key` is set inside `[section]`, for error messages."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
        elif current == section and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _check_type(name: str, value: Any) -> str | None:
    expected = _FIELD_TYPES[name]
    checks = {
        "str": lambda v: isinstance(v, str),
        "str | None": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
        "bool": lambda v: isinstance(v, bool),
        "list[str]": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "dict[str, str]": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
    }
    if not checks[expected](value):
        return f"expected {expected.replace(' | None', '')}, got {type(value).__name__} {value!r}"
    if name == "share_networks":
        unknown = [network for network in value if network not in SHARE_NETWORKS]
        if unknown:
            return f"unknown network {', '.join(map(repr, unknown))} (known: {', '.join(SHARE_NETWORKS)})"
    if name == "hold_back":
        unknown = [check for check in value if check not in QA_CHECKS]
        if unknown:
            return f"unknown QA check {', '.join(map(repr, unknown))} (known: {', '.join(QA_CHECKS)})"
    if name in _AT_LEAST and value < _AT_LEAST[name]:
        return f"must be at least {_AT_LEAST[name]}, got {value!r}"
    if name in CHOICES and value not in CHOICES[name]():
        return f"must be one of {', '.join(CHOICES[name]())}, got {value!r}"
    return None


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse and validate a polypost.toml; return the Config fields it sets."""
    return _read_config_file(path)[0]


def _read_config_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The Config fields a polypost.toml sets, and where each is set ("FILE:LINE: section.key")."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    settings: dict[str, Any] = {}
    where: dict[str, str] = {}
    for section, values in data.items():
        if section not in SECTIONS or not isinstance(values, dict):
            line = _line_of(text, section, "") or next(
                (n for n, l in enumerate(text.splitlines(), 1) if l.strip() == f"[{section}]"), None
            )
            known = ", ".join(f"[{s}]" for s in SECTIONS)
            raise ConfigError(f"{path}:{line or '?'}: unknown section [{section}] (known: {known})")
        for key, value in values.items():
            line = _line_of(text, section, key) or "?"
            if key not in SECTIONS[section]:
                known = ", ".join(SECTIONS[section])
                raise ConfigError(f"{path}:{line}: unknown key {section}.{key} (known: {known})")
            name = SECTIONS[section][key]
            problem = _check_type(name, value)
            if problem:
                raise ConfigError(f"{path}:{line}: {section}.{key}: {problem}")
            settings[name] = value
            where[name] = f"{path}:{line}: {section}.{key}"
    return settings, where


def load_config(
    config_path: str | Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Build the settings; `overrides` are command-line options (None means not given).

    Relative paths in a config file are read from the file's folder, so `--config
    /srv/blog/polypost.toml` means the same from any folder. Every setting is checked here,
    once, before any work; `Config.origins` says where each came from."""
    environ = dict(os.environ if environ is None else environ)
    config_path = config_path or environ.get("POLYPOST_CONFIG")
    settings: dict[str, Any] = {}
    origins: dict[str, tuple[str, str]] = {}
    if not config_path and Path("polypost.toml").exists():
        config_path = "polypost.toml"
    if config_path:
        path = Path(config_path)
        if not path.exists():
            raise ConfigError(f"{path}: config file not found")
        if path.is_dir():
            raise ConfigError(f"{path}: is a folder, not a config file")
        from_file, where = _read_config_file(path)
        settings.update(anchor_paths(from_file, path.parent))
        origins.update({name: ("config file", where[name]) for name in from_file})
        settings["config_path"] = str(path)
        for name in ANCHORED_DEFAULTS:  # the project's folder is the config's folder
            settings.setdefault(name, str(path.parent / getattr(Config, name)) if path.parent != Path(".")
                                else getattr(Config, name))
    for variable, name in ENVIRONMENT.items():
        if environ.get(variable):
            problem = _check_type(name, environ[variable])
            if problem:
                raise ConfigError(f"environment variable {variable}: {problem}")
            settings[name] = environ[variable]
            origins[name] = ("environment", f"environment variable {variable}")
    for name, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        if name not in _FIELD_TYPES:
            raise ConfigError(f"unknown setting {name}")
        if name in CHOICES and value not in CHOICES[name]():
            raise ConfigError(f"--{name.replace('_', '-')}: must be one of {', '.join(CHOICES[name]())}, got {value!r}")
        settings[name] = list(value) if isinstance(value, tuple) else value
        origins[name] = ("option", OPTION_NAMES.get(name, f"--{name.replace('_', '-')}"))
    config = replace(Config(), **settings)
    config.origins = origins
    if "base_url" not in origins:
        recorded = published_base_url(Path(config.out_dir))
        if recorded:
            config.base_url = recorded
            origins["base_url"] = ("published site", f"{Path(config.out_dir) / MANIFEST_NAME}")
    check_config(config)
    if not config.base_url.endswith("/"):
        config.base_url += "/"
    return config


def write_config_template(folder: Path) -> Path:
    path = folder / "polypost.toml"
    if path.exists():
        raise ConfigError(f"{path} already exists; not overwriting it")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    return path
