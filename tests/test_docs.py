"""The README and --help stay in step with the CLI: every command and option is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from polypost.cli import all_commands, cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    # The top group imports its commands when used: all_commands() imports them all.
    commands = all_commands() if group is cli else group.commands
    for name, command in sorted(commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


COMMANDS = list(_commands(cli))
OPTIONS = [(path, opt, param) for path, command in COMMANDS for param in command.params
           if isinstance(param, click.Option) and not param.hidden for opt in param.opts]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_documented(path, command):
    assert command.help or command.short_help, f"polypost {' '.join(path)} has no help text"
    assert f"  {path[-1]} " in README or f"  {' '.join(path)} " in README, \
        f"polypost {' '.join(path)} is not in the README's command list"


@pytest.mark.parametrize("path,opt,param", OPTIONS, ids=[f"{' '.join(p)} {o}" for p, o, _ in OPTIONS])
def test_option_documented(path, opt, param):
    assert param.help, f"polypost {' '.join(path)} {opt} has no help text"
    if opt.startswith("--"):
        assert opt in README, f"polypost {' '.join(path)} {opt} is not in the README"


def test_global_options_documented():
    for param in cli.params:
        if isinstance(param, click.Option):
            assert param.help, f"polypost {param.opts[0]} has no help text"
            assert any(opt in README for opt in param.opts if opt.startswith("--")), param.opts
