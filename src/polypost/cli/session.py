"""What a command needs from the global options: the settings in effect and the store.

Kept apart from `cli/app.py` because it imports the config and the store, which `polypost
--help` must not pay for."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from polypost.cli.app import App
from polypost.config import Config, load_config
from polypost.errors import UsageError
from polypost.publish.atomic import MANIFEST_NAME, published_base_url
from polypost.store import Store

log = logging.getLogger("polypost")


def settings(app: App, **overrides: Any) -> Config:
    """The settings: defaults < config file < environment < options.

    An option that click filled from its environment variable is left to `load_config`, which
    reads the same variable, so that `doctor` can say the value came from the environment."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        for name in list(overrides):
            if name in ctx.params and ctx.get_parameter_source(name) == click.core.ParameterSource.ENVIRONMENT:
                overrides.pop(name)
    db = app.db if app.origins.get("db") == "option" else None
    config_file = app.config_file if app.origins.get("config_file") == "option" else None
    return load_config(config_file, db_path=db, **overrides)


def open_store(app: App, config: Config, create: bool = True) -> Store:
    """The store of `config`. With create=False (a command that only reads), a missing database
    or its folder is an error naming the path, and nothing is created."""
    if app.opened_store is None:
        path = Path(config.db_path)
        if not create and not path.is_file():
            raise UsageError(f"no database at {path} ({_where(config)}); `polypost ingest` or `polypost run` makes it")
        app.opened_store = Store.open(path)
    return app.opened_store


def _where(config: Config) -> str:
    kind, where = config.origin("db_path")
    return "the default" if kind == "default" else f"from {where}"


def warn_if_base_url_moved(config: Config) -> None:
    """A base URL given now that differs from the one the site was published under: links
    already handed out (feeds, share kits, search engines) point to the old one."""
    recorded = published_base_url(Path(config.out_dir))
    if recorded and config.origin("base_url")[0] != "published site" and recorded.rstrip("/") != config.base_url.rstrip("/"):
        log.warning("base URL %s (%s) differs from %s, which %s was published under (%s)", config.base_url,
                    config.origin("base_url")[1], recorded, config.out_dir, Path(config.out_dir) / MANIFEST_NAME)

