"""init, ingest, translate, publish, run, status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from polypost import pipeline
from polypost.config import write_config_template
from polypost.errors import UsageError
from polypost.sources.stage import IngestOptions
from polypost.status import collect_status, format_status
from polypost.cli.app import EXIT_FAILED, App, emit, handles_errors, main_group
from polypost.cli.session import open_store, settings, warn_if_base_url_moved

json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
workers_option = click.option(
    "--workers", "scheduler", metavar="tcp://HOST:PORT", envvar="POLYPOST_WORKERS", show_envvar=True,
    help="Translate on the workers of this Dask scheduler (needs polypost[distributed]; default: [cluster] scheduler).")


def source_options(command):
    """Options that choose what a source yields (ingest and run share them)."""
    for option in reversed([
        click.option("--kind", default="auto", show_default=True,
                     help="What SOURCE is (auto, files, url, sitemap, feed, wxr, or a plugin's kind); guessed when auto."),
        click.option("--limit", type=click.IntRange(min=1), help="At most N posts."),
        click.option("--status", "statuses", multiple=True,
                     help="WordPress export: post statuses to take (repeatable; default publish)."),
        click.option("--include", multiple=True, help="Sitemap: only URLs matching this glob or substring."),
        click.option("--exclude", multiple=True, help="Sitemap: skip URLs matching this glob or substring."),
        click.option("--fetch-full", is_flag=True, help="Feed: fetch each linked page when the feed has a summary only."),
    ]):
        command = option(command)
    return command


def ingest_options(kind, limit, statuses, include, exclude, fetch_full) -> IngestOptions:
    return IngestOptions(kind=kind, limit=limit, status=tuple(statuses) or ("publish",), include=tuple(include),
                         exclude=tuple(exclude), fetch_full=fetch_full)


def _exit_for(failed: list) -> None:
    if failed:
        sys.exit(EXIT_FAILED)


def ingest_counts(d: dict[str, Any]) -> str:
    """The ingest counts in the words `ingest` and `run` both use."""
    return (f"ingested {d['ingested']} ({d['new']} new, {d['updated']} updated), {d['unchanged']} unchanged, "
            f"{d['skipped']} skipped" + (f", {len(d['gone'])} gone from their source (taken off the site)"
                                         if d.get("gone") else ""))


def translate_counts(d: dict[str, Any]) -> str:
    segments = d.get("segments") or {}
    glossary = d.get("glossary") or {"met": 0, "expected": 0}
    return (f"translated {d['translated']}" + (f" with {d['engine']}" if d.get("engine") else "")
            + (f", {d['unchanged']} unchanged" if "unchanged" in d and "new" not in d else "")
            + f", flagged {d.get('flagged', 0)}, held back {d['held_back']}; "
            f"segments: {segments.get('from_memory', 0)} from memory, {segments.get('from_engine', 0)} from the engine; "
            f"glossary terms: {glossary['met']} of {glossary['expected']} met")


def worker_counts(d: dict[str, Any]) -> str:
    return "".join(f"\n  worker {address}: {did['posts']} posts, {did['segments']} segments"
                   for address, did in sorted((d.get("workers") or {}).items()))


def _unresolved(data: dict[str, Any]) -> str:
    found = data.get("unresolved") or []
    if not found:
        return ""
    return (f"; {len(found)} references in {len({u['post'] for u in found})} posts name what their source lacks "
            "(`polypost check` lists them)")


def _failures(data: dict[str, Any]) -> str:
    return "".join(f"\n  failed [{f['stage']}] {f['post']}: {f['error']}" for f in data.get("failed", []))


@main_group.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@handles_errors
def init_cmd(folder: str) -> None:
    """Write a commented polypost.toml and the data folder."""
    path = write_config_template(Path(folder))
    click.echo(f"wrote {path}; edit base_url and [sources] paths, then run `polypost run`")


@main_group.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@source_options
@json_option
@click.pass_obj
@handles_errors
def ingest_cmd(app: App, sources: tuple[str, ...], kind: str, limit: int | None, statuses, include, exclude,
               fetch_full, as_json: bool) -> None:
    """Read posts (files, folders, pages, sitemaps, feeds, WordPress exports) into the store."""
    config = settings(app)
    store = open_store(app, config)
    options = ingest_options(kind, limit, statuses, include, exclude, fetch_full)
    data = pipeline.recorded_stage(store, config, "ingest", lambda run_id: pipeline.ingest_stage(
        store, config, sources, options, run_id=run_id).to_dict())
    emit(data, as_json, lambda d: (
        f"{ingest_counts(d)}, {len(d['failed'])} failed; languages: "
        + (", ".join(f"{lang} {count}" for lang, count in sorted(d["languages"].items())) or "none") + _failures(d)
        + "".join(f"\n  skipped {s['origin']}: {s['reason']}" for s in d["skipped_inputs"])))
    _exit_for(data["failed"])


@main_group.command("translate")
@click.option("--engine", envvar="POLYPOST_ENGINE", show_envvar=True,
              help="auto, argos, apertium, or an engine a plugin adds (default: configured, auto).")
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False, exists=True), help="Glossary TSV (repeatable).")
@click.option("--no-glossary", is_flag=True, help="Use no glossary.")
@click.option("--glossary-strict", is_flag=True, default=None, help="Hold back posts with a missed term.")
@click.option("--post", "post_ids", multiple=True, help="Only this post (id or slug; repeatable).")
@workers_option
@json_option
@click.pass_obj
@handles_errors
def translate_cmd(app: App, engine, glossaries, no_glossary, glossary_strict, post_ids, scheduler, as_json) -> None:
    """Translate what needs it: the memory first, then one engine call."""
    config = settings(app, engine=engine, glossaries=glossaries, use_glossary=False if no_glossary else None,
                        glossary_strict=glossary_strict, scheduler=scheduler)
    store = open_store(app, config)
    data = pipeline.recorded_stage(store, config, "translate", lambda run_id: pipeline.translate_stage(
        store, config, run_id=run_id, post_ids=list(post_ids) or None).to_dict())
    emit(data, as_json, lambda d: translate_counts(d) + worker_counts(d) + _failures(d))
    _exit_for(data["failed"])


@main_group.command("publish")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), envvar="POLYPOST_OUT", show_envvar=True,
              help="Output folder (default: configured, site/).")
@click.option("--base-url", envvar="POLYPOST_BASE_URL", show_envvar=True,
              help="Absolute URL of the site root (default: configured, else the one the site was published under).")
@click.option("--format", "fmt", help="Output format: html, hugo, or a plugin's (default: configured, html).")
@json_option
@click.pass_obj
@handles_errors
def publish_cmd(app: App, out_dir, base_url, fmt, as_json) -> None:
    """Write the bilingual site: page pairs, indexes, sitemap, feeds."""
    config = settings(app, out_dir=out_dir, base_url=base_url, format=fmt)
    warn_if_base_url_moved(config)
    store = open_store(app, config)
    data = pipeline.recorded_stage(store, config, "publish",
                                   lambda run_id: pipeline.publish_stage(store, config, run_id=run_id))
    emit(data, as_json, lambda d: (
        f"published {d['published']} pages to {d['out']}: {d['written']} written, {d['unchanged']} unchanged, "
        f"{d['removed']} removed" + _unresolved(d) + _failures(d)))
    _exit_for(data["failed"])


@main_group.command("run")
@click.argument("sources", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), envvar="POLYPOST_OUT", show_envvar=True,
              help="Folder the site is written to (default: configured, site/).")
@click.option("--base-url", envvar="POLYPOST_BASE_URL", show_envvar=True,
              help="URL the site is published under, for canonical links, feeds and the sitemap "
                   "(default: configured, else the one the site was last published under).")
@click.option("--engine", envvar="POLYPOST_ENGINE", show_envvar=True, help="auto, argos, apertium, or a plugin's engine.")
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Glossary TSV (repeatable); default: the shipped glossaries.")
@click.option("--no-glossary", is_flag=True, help="Translate without any glossary.")
@click.option("--glossary-strict", is_flag=True, default=None, help="Hold back posts with a missed glossary term.")
@click.option("--format", "fmt", help="Output format: html, hugo, or a plugin's (default: configured, html).")
@source_options
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only posts published or changed since DATE (YYYY-MM-DD).")
@workers_option
@json_option
@click.pass_obj
@handles_errors
def run_cmd(app: App, sources, out_dir, base_url, engine, glossaries, no_glossary, glossary_strict, fmt,
            kind, limit, statuses, include, exclude, fetch_full, dry_run, since, scheduler, as_json) -> None:
    """Every stage: ingest, detect, translate, check, publish."""
    config = settings(app, out_dir=out_dir, base_url=base_url, engine=engine, glossaries=glossaries,
                        use_glossary=False if no_glossary else None, glossary_strict=glossary_strict,
                        format=fmt, scheduler=scheduler)
    if not sources and not config.sources and not config.config_path and not Path(config.db_path).is_file():
        raise UsageError("nothing to run: give SOURCE... (files, folders, URLs), or a polypost.toml with "
                         "[sources] paths (`polypost init` writes one)")
    warn_if_base_url_moved(config)
    store = open_store(app, config)
    options = pipeline.RunOptions(sources=sources, dry_run=dry_run, since=since.date().isoformat() if since else None,
                                  ingest=ingest_options(kind, limit, statuses, include, exclude, fetch_full))
    with pipeline.data_lock(config.data_dir()):
        summary = pipeline.run(store, config, options)
    emit(summary, as_json, lambda d: (
        ("dry run: " if d["dry_run"] else "") + ingest_counts(d) + "\n" + translate_counts(d) + "\n"
        + (f"published {d['published']} pages" + (f" to {d['out']}" if d.get("out") else "") + "; " if not d["dry_run"] else "")
        + f"{len(d['failed'])} failed; {d['seconds']} s" + worker_counts(d) + _failures(d)))
    _exit_for(summary["failed"])


@main_group.command("status")
@json_option
@click.pass_obj
@handles_errors
def status_cmd(app: App, as_json: bool) -> None:
    """Posts by language and state, the last run, its failures."""
    config = settings(app)
    data = collect_status(open_store(app, config, create=False), config)
    emit(data, as_json, format_status)
