"""The command line: each command parses options and calls one function of the API.

Commands are imported when used (see `LAZY_COMMANDS` in `cli/app.py`); `all_commands()`
imports every one, for the documentation test and for tools that walk the tree."""

from __future__ import annotations

import importlib

import click

from polypost.cli.app import LAZY_COMMANDS, App, main_group

cli = main_group


def all_commands() -> dict[str, click.Command]:
    for module in sorted({module for module, _ in LAZY_COMMANDS.values()}):
        importlib.import_module(module)
    return dict(main_group.commands)


def main() -> None:
    cli(prog_name="polypost")


__all__ = ["cli", "main", "App", "all_commands"]
