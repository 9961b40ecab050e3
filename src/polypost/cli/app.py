"""The group, its global options, and the shared plumbing of every command: logging to
stderr, JSON to stdout, and exit codes.

This module is all that `polypost --help` loads: it imports click and the foundation only.
A command's module (and with it the pipeline, the store, BeautifulSoup, sqlite-utils) is
imported by name when that command runs (`LazyGroup`), so help and completion stay fast.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import click

from polypost.errors import InternalError, LockedError, StorageError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_STORAGE = 74  # EX_IOERR in sysexits.h: the database is damaged, read-only or its disk full
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: an internal error, a bug
KIND_OF_EXIT = {EXIT_FAILED: "failed", EXIT_USAGE: "usage", EXIT_LOCKED: "lock", EXIT_STORAGE: "storage",
                EXIT_INTERNAL: "internal"}

log = logging.getLogger("polypost")

# name -> (module that defines it, its one-line help). The help is written here as well so that
# `polypost --help` can list every command without importing any of them; tests/test_cli_lazy.py
# checks that it matches each command's own.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("polypost.cli.stages", "Write a commented polypost.toml and the data folder."),
    "ingest": ("polypost.cli.stages", "Read posts (files, folders, pages, sitemaps, feeds, WordPress exports) into the store."),
    "translate": ("polypost.cli.stages", "Translate what needs it: the memory first, then one engine call."),
    "publish": ("polypost.cli.stages", "Write the bilingual site: page pairs, indexes, sitemap, feeds."),
    "run": ("polypost.cli.stages", "Every stage: ingest, detect, translate, check, publish."),
    "status": ("polypost.cli.stages", "Posts by language and state, the last run, its failures."),
    "models": ("polypost.cli.models_cmd", "Argos Translate model packages."),
    "glossary": ("polypost.cli.glossary_cmd", "Glossary files and compliance reports."),
    "review": ("polypost.cli.review_cmd", "Flagged posts and segments: check, evidence, source and target."),
    "export": ("polypost.cli.review_cmd", "Write translated segments for review in a translation tool."),
    "import": ("polypost.cli.review_cmd", "Reviewed XLIFF or PO targets into the memory as human translations; rebuild and republish."),
    "share": ("polypost.cli.share_cmd", "Ready-to-post texts for X, LinkedIn, Facebook, WhatsApp and Telegram."),
    "remove": ("polypost.cli.site_cmd", "Take a published pair down everywhere (pages, homes, feeds, sitemap)."),
    "exclude": ("polypost.cli.site_cmd", "Never translate or publish this post (and take it down if it is up)."),
    "check": ("polypost.cli.site_cmd", "Broken internal references (links, images, anchors) on the published site."),
    "doctor": ("polypost.cli.doctor_cmd", "Engines, models, glossaries, folders, and the settings in effect."),
}


def json_error(kind: str, message: str, exit_code: int) -> None:
    """The one JSON object a failed command prints on stdout under --json."""
    click.echo(json.dumps({"error": {"kind": kind, "message": message, "exit_code": exit_code}}, ensure_ascii=False))


def json_requested(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return False
    argv = ctx.find_root().meta.get("polypost.argv", [])
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


class LazyGroup(click.Group):
    """A group whose commands are imported when used; a usage error under --json is JSON too."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[name][0])  # its decorators add it to this group
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
            else:
                rows.append((name, LAZY_COMMANDS[name][1]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as exc:
            if parent is None and "--json" in argv:
                json_error("usage", exc.format_message(), exc.exit_code)
            raise
        if parent is None:
            ctx.meta["polypost.argv"] = argv
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if ctx.parent is None and json_requested(ctx):
                json_error("usage", exc.format_message(), exc.exit_code)
            raise


@dataclass
class App:
    """The global options; `cli/session.py` turns them into settings and a store."""

    db: str | None = None
    config_file: str | None = None
    verbosity: int = 0
    origins: dict[str, str] = field(default_factory=dict)  # global option -> "option" or "environment"
    opened_store: Any = field(default=None, repr=False)  # the Store, once a command opened it


def setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("polypost: %(message)s"))
    root = logging.getLogger("polypost")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _origin(ctx: click.Context, name: str) -> str:
    source = ctx.get_parameter_source(name)
    return "environment" if source == click.core.ParameterSource.ENVIRONMENT else "option"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polypost")
@click.option("--db", type=click.Path(dir_okay=False), envvar="POLYPOST_DB", show_envvar=True,
              help="SQLite database (default: [store] db of the config, else data/polypost.db).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), envvar="POLYPOST_CONFIG",
              show_envvar=True, help="Settings file; its relative paths are read from its folder (default: ./polypost.toml).")
@click.option("--verbose", "-v", "verbosity", flag_value=1, help="Say what each stage does.")
@click.option("--quiet", "-q", "verbosity", flag_value=-1, help="Errors only (for cron).")
@click.pass_context
def main_group(ctx: click.Context, db: str | None, config_file: str | None, verbosity: int | None) -> None:
    """polypost: turn an English blog archive into a bilingual English/Spanish one, offline.

    Shell completion: eval "$(_POLYPOST_COMPLETE=bash_source polypost)" (zsh_source, fish_source)."""
    setup_logging(verbosity or 0)
    origins = {name: _origin(ctx, name) for name, value in (("db", db), ("config_file", config_file)) if value}
    ctx.obj = App(db=db, config_file=config_file, verbosity=verbosity or 0, origins=origins)


def emit(data: dict[str, Any], as_json: bool, human: Callable[[dict[str, Any]], str]) -> None:
    """Machine-readable output to stdout with --json; a human summary otherwise (stdout too:
    it is the command's result, not a log line)."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(human(data))


def fail(message: str, code: int = EXIT_USAGE, kind: str | None = None) -> None:
    """One line on stderr, one JSON object on stdout under --json, and the exit code."""
    click.echo(f"polypost: error: {message}", err=True)
    if json_requested():
        json_error(kind or KIND_OF_EXIT.get(code, "error"), message, code)
    sys.exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn the API's errors into messages and the CLI contract's exit codes: a usage error is
    the user's to fix (2; 3 for the lock); anything else is a bug (70, traceback with -v)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LockedError as exc:
            fail(str(exc), EXIT_LOCKED, exc.kind)
        except UsageError as exc:
            fail(str(exc), EXIT_USAGE, exc.kind)
        except StorageError as exc:
            fail(str(exc), EXIT_STORAGE, exc.kind)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say where, and how to see more
            command = click.get_current_context().info_name
            message = str(exc) if isinstance(exc, InternalError) else (
                f"internal error in `polypost {command}`: {type(exc).__name__}: {exc}")
            verbose = log.isEnabledFor(logging.INFO)
            if verbose:
                traceback.print_exc(file=sys.stderr)
            hint = "" if verbose else " (run with --verbose for the traceback)"
            fail(f"{message}; this is a bug in polypost, please report it{hint}", EXIT_INTERNAL, "internal")

    return wrapper
