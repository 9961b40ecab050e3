"""doctor: can the main job run here, and with which settings."""

from __future__ import annotations

import sys

import click

from polypost.cli.app import EXIT_FAILED, App, emit, handles_errors, main_group
from polypost.cli.session import settings
from polypost.doctor import diagnose, format_diagnosis


@main_group.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.pass_obj
@handles_errors
def doctor_cmd(app: App, as_json: bool) -> None:
    """Engines, models, glossaries, folders, and the settings in effect.

    Exits 0 when the main job can run here, 1 otherwise. Creates nothing."""
    report = diagnose(settings(app))
    emit(report, as_json, format_diagnosis)
    if not report["ok"]:
        sys.exit(EXIT_FAILED)
