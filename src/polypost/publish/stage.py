"""The publish stage: stored posts and their translations -> the site on disk.

The only module of publishing that takes the store and the config."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from polypost.config import Config
from polypost.errors import UsageError
from polypost.publish.atomic import MANIFEST_NAME, load_manifest
from polypost.publish.check import check_site
from polypost.publish.heap import publishing, records_built
from polypost.publish.html import root_folder, root_url
from polypost.publish.incremental import settings_fingerprint
from polypost.publish.pairing import HUMAN, human_translation, pair_translations
from polypost.publish.records import PublishItem, PublishSettings
from polypost.publish.site import publish_site
from polypost.records import HIDDEN_STATUSES
from polypost.store import Store

log = logging.getLogger(__name__)


def publish_settings(config: Config) -> PublishSettings:
    settings = PublishSettings(
        base_url=config.base_url,
        lang_base_urls=dict(config.lang_base_urls),
        source_lang=config.source_lang,
        target_lang=config.target_lang,
        x_default=config.x_default,
        site_title={lang: config.site_titles.get(lang, config.site_title)
                    for lang in (config.source_lang, config.target_lang)},
        templates_dir=Path(config.templates_dir) if config.templates_dir else None,
        format=config.format,
        share_campaign=config.share_campaign,
        hugo_content_ext=config.hugo_content_ext,
        hugo_layout=config.hugo_layout,
        page_size=config.page_size,
        feed_size=config.feed_size,
    )
    if config.share_networks:
        settings.share_networks = tuple(config.share_networks)
    if config.mt_note:
        settings.mt_note = {**settings.mt_note, config.target_lang: config.mt_note}
    return settings


def publish_store(store: Store, config: Config, run_id: int | None = None) -> dict[str, Any]:
    with publishing():
        return _publish(store, config, run_id)


def _publish(store: Store, config: Config, run_id: int | None) -> dict[str, Any]:
    with records_built():
        items = publishable_items(store, config)
    out = Path(config.out_dir)
    settings = publish_settings(config)
    fingerprint = site_fingerprint(items, settings)
    state = store.publish_state(str(out.resolve()))
    if state and state["fingerprint"] == fingerprint and _site_intact(out):
        log.info("nothing changed since the last publish to %s", out)
        return {"published": state["pages"], "written": 0, "unchanged": state["pages"], "removed": 0,
                "out": str(out), "failed": []}
    log.info("publishing %d posts to %s", len(items), out)
    try:
        result = publish_site(items, out, settings)
    except (OSError, ValueError) as exc:  # a full disk, a read-only folder, a foreign manifest: the stage fails, the data stays
        where = getattr(exc, "filename", None)
        error = (f"cannot write the site to {out}: " + (f"{where}: " if where and str(where) != str(out) else "")
                 + f"{getattr(exc, 'strerror', None) or exc}")
        log.error(error)
        store.record_failure(run_id, "(site)", "publish", error, origin=str(out))
        store.save_publish_state(str(out.resolve()), None, 0)
        return {"published": 0, "written": 0, "unchanged": 0, "removed": 0, "out": str(out),
                "failed": [{"post": "(site)", "stage": "publish", "error": error}]}
    failed = [{"post": problem["post"], "stage": "publish", "error": problem["error"]} for problem in result.failed]
    others = other_language_posts(store, config)
    if others:
        log.warning("%d posts are in neither %s nor %s, not published (`polypost status` lists them)",
                    len(others), config.source_lang, config.target_lang)
    for problem in failed:
        store.record_failure(run_id, problem["post"], "publish", problem["error"])
    paths = {post_id: None for post_id in store.post_states()}  # taken off the site: no page any more
    for item in items:
        path = result.paths.get((item.post.id, config.target_lang))
        # Most rows already say where their page is: the store is asked to change only the others.
        if path is None or item.translation is None or item.translation.published_path != path:
            paths[item.post.id] = path
    store.set_published_paths(config.target_lang, paths)
    # A publish with failed posts is not a finished state: the next run tries again.
    store.save_publish_state(str(out.resolve()), None if failed else fingerprint, len(result.paths))
    return {
        "published": len(result.paths),
        "written": len(result.written),
        "unchanged": len(result.unchanged),
        "removed": len(result.removed),
        "assets": result.assets,
        "unresolved": result.unresolved,
        "other_languages": others,
        "out": str(out),
        "failed": failed,
    }


def publishable_items(store: Store, config: Config) -> list[PublishItem]:
    """Posts in the source language with their translations, and posts written in the target
    language (published as they are, with no twin)."""
    translations = {t.post_id: t for t in store.iter_translations(config.target_lang, reports=False)}
    posts = list(store.iter_posts("lang in (?, ?)", [config.source_lang, config.target_lang], bodies=False))
    # A translation the blogger already has is published instead of the machine's.
    human = pair_translations([p for p in posts if p.lang == config.source_lang],
                              [p for p in posts if p.lang == config.target_lang], config.target_lang, config.source_lang)
    paired = {translation.id for translation in human.values()}
    items = []
    for post in posts:
        if post.lang == config.target_lang:
            if post.id not in paired:
                items.append(PublishItem(post=post, translation=None))
            continue
        if post.id in human:
            stored = translations.get(post.id)  # stored by the translate stage, its slug made unique
            if stored is None or stored.engine != HUMAN or stored.source_hash != human[post.id].content_hash:
                stored = human_translation(post, human[post.id], config.target_lang)
            items.append(PublishItem(post=post, translation=stored))
            continue
        translation = translations.get(post.id)
        if translation is not None and translation.status in HIDDEN_STATUSES:
            translation = None
        items.append(PublishItem(post=post, translation=translation))
    return items


def other_language_posts(store: Store, config: Config) -> list[dict[str, Any]]:
    """Posts in neither of the site's languages: stored, never translated nor published, and said so."""
    return [{"post": post.id, "lang": post.lang or "und", "confidence": post.lang_confidence, "title": post.title,
             "origin": post.origin}
            for post in store.iter_posts("lang is null or lang not in (?, ?)", [config.source_lang, config.target_lang],
                                         bodies=False)]


def site_fingerprint(items: list, settings) -> str:
    """Everything a published page is made from: the records, the settings, the templates."""
    digest = hashlib.sha256(settings_fingerprint(settings).encode("ascii"))
    for item in items:
        post, translation = item.post, item.translation
        parts = [post.id, post.content_hash, post.slug, post.lang or ""]  # content_hash covers the body
        if translation is not None:
            # The body's hash is saved with it; a translation made before that has its translated_at.
            parts += [translation.slug, translation.status, translation.title, translation.description or "",
                      translation.translated_at or "", translation.source_hash or "", translation.html_hash or ""]
        digest.update("\x1f".join(parts).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def _site_intact(out: Path) -> bool:
    """Every file the last publish wrote is still there (someone may have deleted some)."""
    try:
        files = load_manifest(out)
    except (OSError, ValueError):
        return False
    return bool(files) and all((out / name).is_file() for name in files)


def check_published(config: Config) -> dict[str, Any]:
    """`polypost check`: every internal reference of the HTML site in `out_dir`, and what is broken."""
    out = Path(config.out_dir)
    if config.format != "html":
        raise UsageError(f"polypost check reads the HTML site; [site] format is {config.format!r} (build it with "
                         "its generator and check that output)")
    if not (out / MANIFEST_NAME).is_file():
        raise UsageError(f"no published site at {out} (no {MANIFEST_NAME}); `polypost publish --out {out}` writes one")
    settings = publish_settings(config)
    bases = {root_url(settings): root_folder(settings)}
    bases.update({settings.lang_base(lang): f"{lang}/" for lang in settings.langs()})
    report = check_site(out, bases)
    for item in report.broken:
        log.warning("%s: broken reference %s (%s)", item.page, item.reference, item.reason)
    return {"out": str(out), **report.to_dict()}
