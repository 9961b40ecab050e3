"""check, remove, exclude: the published site as a whole, and taking posts off it."""

from __future__ import annotations

import sys

import click

from polypost import pipeline
from polypost.publish.stage import check_published
from polypost.records import EXCLUDED, REMOVED
from polypost.cli.app import EXIT_FAILED, App, emit, handles_errors, main_group
from polypost.cli.session import open_store, settings

json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")


def _check_summary(data: dict) -> str:
    lines = [f"checked {data['references']} internal references on {data['pages']} pages of {data['out']}: "
             f"{len(data['broken'])} broken, {len(data['missing_at_source'])} missing at the source"]
    lines += [f"  broken {item['page']}: {item['reference']} ({item['reason']})" for item in data["broken"]]
    lines += [f"  missing at the source {item['page']}: {item['reference']}" for item in data["missing_at_source"]]
    return "\n".join(lines)


@main_group.command("check")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), envvar="POLYPOST_OUT", show_envvar=True,
              help="The published site's folder (default: configured, site/).")
@click.option("--base-url", envvar="POLYPOST_BASE_URL", show_envvar=True,
              help="URL the site is published under (default: configured, else the one it was published under).")
@json_option
@click.pass_obj
@handles_errors
def check_cmd(app: App, out_dir, base_url, as_json: bool) -> None:
    """Broken internal references (links, images, anchors) on the published site."""
    config = settings(app, out_dir=out_dir, base_url=base_url)
    data = check_published(config)
    emit(data, as_json, _check_summary)
    if data["broken"]:
        sys.exit(EXIT_FAILED)


def _take_down_summary(data: dict) -> str:
    if data["state"] is None:
        head = f"post {data['post']} ({data['slug']}) is back on the site" if data["changed"] else \
            f"post {data['post']} ({data['slug']}) was not {data['was'] or 'taken down'}; nothing to undo"
    else:
        head = f"post {data['post']} ({data['slug']}) is {data['state']}" + ("" if data["changed"] else " (already)")
    return (f"{head}; published {data['published']} pages to {data['out']}, {data['removed']} files removed"
            + "".join(f"\n  failed [{f['stage']}] {f['post']}: {f['error']}" for f in data["failed"]))


def _take_down_command(name: str, state: str, help_text: str):
    @main_group.command(name, help=help_text)
    @click.argument("post")
    @click.option("--undo", is_flag=True, help="Put the post back: translated and published again.")
    @click.option("--out", "out_dir", type=click.Path(file_okay=False), envvar="POLYPOST_OUT", show_envvar=True,
                  help="The published site's folder (default: configured, site/).")
    @json_option
    @click.pass_obj
    @handles_errors
    def command(app: App, post: str, undo: bool, out_dir, as_json: bool) -> None:
        config = settings(app, out_dir=out_dir)
        store = open_store(app, config, create=False)
        data = pipeline.recorded_stage(store, config, name, lambda run_id: pipeline.take_down(
            store, config, post, state, undo=undo, run_id=run_id))
        emit(data, as_json, _take_down_summary)
        if data["failed"]:
            sys.exit(EXIT_FAILED)

    return command


remove_cmd = _take_down_command("remove", REMOVED, "Take a published pair down everywhere (pages, homes, feeds, sitemap).")
exclude_cmd = _take_down_command("exclude", EXCLUDED, "Never translate or publish this post (and take it down if it is up).")
