"""The group, its global options, and the shared plumbing of every command:
settings, the store, logging to stderr, JSON to stdout, and exit codes."""

from __future__ import annotations

import functools
import json
import logging
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import click

from polypost.config import Config, load_config
from polypost.errors import InternalError, StorageError, UsageError
from polypost.pipeline import LockedError
from polypost.store import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
EXIT_STORAGE = 74  # EX_IOERR in sysexits.h: the database is damaged, read-only or its disk full
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: an internal error, a bug

log = logging.getLogger("polypost")


@dataclass
class App:
    db: str | None = None
    config_file: str | None = None
    verbosity: int = 0
    _store: Store | None = field(default=None, repr=False)

    def config(self, **overrides: Any) -> Config:
        return load_config(self.config_file, db_path=self.db, **overrides)

    def store(self, config: Config) -> Store:
        if self._store is None:
            self._store = Store.open(config.db_path)
        return self._store


def setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("polypost: %(message)s"))
    root = logging.getLogger("polypost")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polypost")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite database (env POLYPOST_DB; default data/polypost.db).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Settings file (env POLYPOST_CONFIG; default ./polypost.toml).")
@click.option("--verbose", "-v", "verbosity", flag_value=1, help="Say what each stage does.")
@click.option("--quiet", "-q", "verbosity", flag_value=-1, help="Errors only (for cron).")
@click.pass_context
def main_group(ctx: click.Context, db: str | None, config_file: str | None, verbosity: int | None) -> None:
    """polypost: turn an English blog archive into a bilingual English/Spanish one, offline."""
    setup_logging(verbosity or 0)
    ctx.obj = App(db=db, config_file=config_file, verbosity=verbosity or 0)


def emit(data: dict[str, Any], as_json: bool, human: Callable[[dict[str, Any]], str]) -> None:
    """Machine-readable output to stdout with --json; a human summary otherwise (stdout too:
    it is the command's result, not a log line)."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(human(data))


def fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"polypost: error: {message}", err=True)
    sys.exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn the API's errors into messages and the CLI contract's exit codes: a usage error is
    the user's to fix (2; 3 for the lock); anything else is a bug (70, traceback with -v)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LockedError as exc:
            fail(str(exc), EXIT_LOCKED)
        except UsageError as exc:
            fail(str(exc), EXIT_USAGE)
        except StorageError as exc:
            fail(str(exc), EXIT_STORAGE)
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
            fail(f"{message}; this is a bug in polypost, please report it{hint}", EXIT_INTERNAL)

    return wrapper
