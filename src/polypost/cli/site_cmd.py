"""check, remove, exclude: the published site as a whole, and taking posts off it."""

from __future__ import annotations

import sys

import click

from polypost.publish.stage import check_published
from polypost.cli.app import EXIT_FAILED, App, emit, handles_errors, main_group
from polypost.cli.session import settings

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
