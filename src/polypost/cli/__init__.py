"""The command line: each command parses options and calls one function of the API."""

from __future__ import annotations

from polypost.cli import glossary_cmd, models_cmd, review_cmd, share_cmd, stages  # noqa: F401  (importing them registers their commands)
from polypost.cli.app import App, main_group

cli = main_group


def main() -> None:
    cli(prog_name="polypost")


__all__ = ["cli", "main", "App"]
