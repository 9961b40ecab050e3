"""glossary check / glossary report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from polypost.glossary import check_files
from polypost.glossary.stage import format_reports, glossary_reports
from polypost.cli.app import EXIT_FAILED, App, emit, fail, handles_errors, main_group
from polypost.cli.session import open_store, settings


@main_group.group("glossary")
def glossary_group() -> None:
    """Glossary files and compliance reports."""


@glossary_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@handles_errors
def check_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """Duplicates, conflicts, empty cells, bad columns, encoding problems."""
    problems = check_files([Path(f) for f in files])
    rows = [{"file": p.file, "line": p.line, "severity": p.severity, "message": p.message} for p in problems]
    emit({"problems": rows}, as_json, lambda d: "\n".join(
        f"{r['file']}:{r['line']}: {r['severity']}: {r['message']}" for r in d["problems"]) or "no problems")
    if any(p.severity == "error" for p in problems):
        sys.exit(EXIT_FAILED)


@glossary_group.command("report")
@click.argument("post", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.pass_obj
@handles_errors
def report_cmd(app: App, post: str | None, as_json: bool) -> None:
    """Each expected term occurrence, met or missed, per post."""
    config = settings(app)
    store = open_store(app, config, create=False)
    data = glossary_reports(store, config.target_lang, post)
    if post and not data["posts"]:
        fail(f"no translated post with id or slug {post!r}")
    emit(data, as_json, format_reports)
