"""review, export, import: the human review round trip."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from polypost import pipeline
from polypost.review.errors import ExchangeError
from polypost.review.files import FORMATS
from polypost.review.formatting import format_review
from polypost.review.stage import export_review_file, review_list
from polypost.cli.app import EXIT_FAILED, App, emit, fail, handles_errors, main_group
from polypost.cli.session import open_store, settings, warn_if_base_url_moved

json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")


def _exchange_errors(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ExchangeError as exc:
            fail(str(exc))

    return wrapper


@main_group.command("review")
@json_option
@click.pass_obj
@handles_errors
def review_cmd(app: App, as_json: bool) -> None:
    """Flagged posts and segments: check, evidence, source and target."""
    config = settings(app)
    emit(review_list(open_store(app, config, create=False), config, pipeline.load_glossary(config)), as_json,
         lambda d: format_review(d, config.source_lang, config.target_lang))


@main_group.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="XLIFF 1.2 or gettext PO.")
@click.option("--post", "post_id", help="Only this post (id or slug).")
@click.option("--flagged", is_flag=True, help="Only posts with QA flags or held back.")
@click.argument("out", type=click.Path(dir_okay=False))
@json_option
@click.pass_obj
@handles_errors
@_exchange_errors
def export_cmd(app: App, fmt: str, post_id: str | None, flagged: bool, out: str, as_json: bool) -> None:
    """Write translated segments for review in a translation tool."""
    if post_id and flagged:
        fail("--post and --flagged exclude each other")
    config = settings(app)
    data = export_review_file(open_store(app, config, create=False), config, pipeline.load_glossary(config), fmt, Path(out),
                              post_id=post_id, flagged=flagged)
    emit(data, as_json, lambda d: (
        f"wrote {d['units']} units of {d['posts']} posts to {d['file']} ({d['format']}); "
        f"{d['marked_for_review']} marked for review") if d["file"] else "nothing to export: no translated post matches")


@main_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--engine", envvar="POLYPOST_ENGINE", show_envvar=True, help="The engine later runs use (default: configured, auto); keys the human entries.")
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False, exists=True), help="Glossary TSV (repeatable).")
@click.option("--no-glossary", is_flag=True, help="Use no glossary.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), envvar="POLYPOST_OUT", show_envvar=True,
              help="Site folder to republish (default: configured, site/).")
@click.option("--base-url", envvar="POLYPOST_BASE_URL", show_envvar=True,
              help="Absolute URL of the site root (default: configured, else the one the site was published under).")
@click.option("--format", "fmt", help="Output format: html, hugo, or a plugin's (default: configured, html).")
@json_option
@click.pass_obj
@handles_errors
@_exchange_errors
def import_cmd(app: App, file: str, engine, glossaries, no_glossary, out_dir, base_url, fmt, as_json: bool) -> None:
    """Reviewed XLIFF or PO targets into the memory as human translations; rebuild and republish.

    Exits 1 when some units were rejected or stale, or a post failed to rebuild or publish."""
    config = settings(app, engine=engine, glossaries=glossaries, use_glossary=False if no_glossary else None,
                        out_dir=out_dir, base_url=base_url, format=fmt)
    warn_if_base_url_moved(config)
    store = open_store(app, config)
    data = pipeline.recorded_stage(store, config, "import", lambda run_id: pipeline.import_review(
        store, config, Path(file), run_id=run_id).to_dict())
    emit(data, as_json, _format_import)
    if data["rejected"] or data["stale"] or data["failed"]:
        sys.exit(EXIT_FAILED)


def _format_import(d: dict[str, Any]) -> str:
    lines = [(
        f"{d['file']} ({d['format']}): imported {len(d['imported'])}, approved unchanged {len(d['approved'])}, "
        f"untouched {len(d['untouched'])}, "
        f"still marked for review {len(d['pending'])}, rejected {len(d['rejected'])}, stale {len(d['stale'])}; "
        f"posts rebuilt {len(d['posts_rebuilt'])}, republished {len(d['posts_republished'])}"
    )]
    lines += [f"  rejected: {r['reason']}" for r in d["rejected"]]
    lines += [f"  stale {r['unit']}: {r['reason']}" for r in d["stale"]]
    lines += [f"  warning {w['unit']}: {w['check']}: {w['evidence']}" for w in d["warnings"]]
    lines += [f"  failed [{f['stage']}] {f['post']}: {f['error']}" for f in d["failed"]]
    return "\n".join(lines)
