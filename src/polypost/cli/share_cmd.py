"""share: the share kit for community managers (texts per network, UTM links, hashtags)."""

from __future__ import annotations

import contextlib
import logging

import click

from polypost import pipeline
from polypost.config import Config
from polypost.share.formats import FORMATS, render_kits
from polypost.share.stage import share_kits
from polypost.cli.app import App, fail, handles_errors, main_group
from polypost.cli.session import open_store, settings, warn_if_base_url_moved

log = logging.getLogger(__name__)


@main_group.command("share")
@click.argument("post", required=False)
@click.option("--new", "new_only", is_flag=True,
              help="Only posts not handed out by an earlier --new, and record these (for a nightly job).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Markdown for people or CSV for a scheduler (json: deprecated, use --json).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout (the kits).")
@click.option("--campaign", help="utm_campaign; {slug} becomes the post's slug (default: the post's slug).")
@click.option("--base-url", envvar="POLYPOST_BASE_URL", show_envvar=True,
              help="Absolute URL of the site root (default: configured, else the one the site was published under).")
@click.pass_obj
@handles_errors
def share_cmd(app: App, post: str | None, new_only: bool, fmt: str, as_json: bool, campaign: str | None,
              base_url: str | None) -> None:
    """Ready-to-post texts for X, LinkedIn, Facebook, WhatsApp and Telegram.

    For every post with a published Spanish page (or POST, an id or slug), in both languages."""
    if post and new_only:
        fail("give POST or --new, not both")
    if fmt == "json" and not as_json:
        # CLI.md: a name changes only with a deprecation period; the old form keeps working.
        log.warning("--format json is deprecated and will be removed: use --json")
    config = settings(app, base_url=base_url)
    store = open_store(app, config, create=False)
    _warn_if_local(config)
    warn_if_base_url_moved(config)
    # --new writes what it handed out: not while a run is writing the same store.
    guard = pipeline.data_lock(config.data_dir()) if new_only else contextlib.nullcontext()
    with guard:
        kits = share_kits(store, config, post=post, new_only=new_only, campaign=campaign)
    click.echo(render_kits(kits, "json" if as_json else fmt), nl=False)


def _warn_if_local(config: Config) -> None:
    if "://localhost" in config.base_url or "://127.0.0.1" in config.base_url:
        log.warning("links point to %s: set [site] base_url or --base-url to the published site", config.base_url)
