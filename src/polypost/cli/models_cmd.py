"""models install / models list: Argos packages."""

from __future__ import annotations

import click

from polypost.cli.app import App, emit, fail, handles_errors, main_group
from polypost.cli.session import settings
from polypost.translate import argos_packages


@main_group.group("models")
def models_group() -> None:
    """Argos Translate model packages."""


@models_group.command("install")
@click.option("--file", "path", type=click.Path(dir_okay=False, exists=True), help="A local .argosmodel file.")
@click.option("--from", "from_code", default=None, help="Source language (default: configured, en).")
@click.option("--to", "to_code", default=None, help="Target language (default: configured, es).")
@click.pass_obj
@handles_errors
def install_cmd(app: App, path: str | None, from_code: str | None, to_code: str | None) -> None:
    """Install the en->es package from the Argos index, or a local file."""
    config = settings(app)
    try:
        if path:
            installed = argos_packages.install_from_file(path)
        else:
            installed = argos_packages.install_from_index(from_code or config.source_lang, to_code or config.target_lang)
    except argos_packages.PackageError as exc:
        fail(str(exc), 1)
    click.echo(f"installed {installed}")


@models_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.pass_obj
@handles_errors
def list_cmd(app: App, as_json: bool) -> None:
    """Installed Argos packages."""
    packages = argos_packages.list_installed()
    emit({"packages": packages}, as_json, lambda d: "\n".join(
        f"{p['from_code']}->{p['to_code']} {p['package_version']}  {p['path']}" for p in d["packages"]
    ) or "no Argos packages installed (polypost models install)")
