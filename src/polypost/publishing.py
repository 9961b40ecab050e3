"""The publish stage: stored posts and their translations -> the site on disk."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .config import Config
from .store import Store

log = logging.getLogger(__name__)

# A translation in one of these states is not shown to readers: no Spanish page, and the
# English page names no twin.
HELD_STATUSES = ("held", "flagged-held")


def publish_settings(config: Config):
    from .publish import PublishSettings

    settings = PublishSettings(
        base_url=config.base_url,
        lang_base_urls=dict(config.lang_base_urls),
        source_lang=config.source_lang,
        target_lang=config.target_lang,
        x_default=config.x_default,
        site_title={config.source_lang: config.site_title, config.target_lang: config.site_title},
        templates_dir=Path(config.templates_dir) if config.templates_dir else None,
        format=config.format,
    )
    if config.mt_note:
        settings.mt_note = {**settings.mt_note, config.target_lang: config.mt_note}
    return settings


def publish_store(store: Store, config: Config, run_id: int | None = None) -> dict[str, Any]:
    from .publish import PublishItem, publish_site

    items = []
    for post in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(post.id, config.target_lang)
        if translation is not None and translation.status in HELD_STATUSES:
            translation = None
        items.append(PublishItem(post=post, translation=translation))
    out = Path(config.out_dir)
    log.info("publishing %d posts to %s", len(items), out)
    failed: list[dict] = []
    try:
        result = publish_site(items, out, publish_settings(config))
    except (OSError, ValueError) as exc:  # a full disk, a read-only folder, a foreign manifest: the stage fails, the data stays
        error = f"cannot write the site to {out}: {getattr(exc, 'strerror', None) or exc}"
        log.error(error)
        store.record_failure(run_id, "(site)", "publish", error, origin=str(out))
        return {"published": 0, "written": 0, "unchanged": 0, "removed": 0, "out": str(out),
                "failed": [{"post": "(site)", "stage": "publish", "error": error}]}
    for problem in result.failed:
        failed.append({"post": problem["post"], "stage": "publish", "error": problem["error"]})
        store.record_failure(run_id, problem["post"], "publish", problem["error"])
    for post_id, lang in result.paths:
        if lang == config.target_lang:
            store.set_published_path(post_id, lang, result.paths[(post_id, lang)])
    for item in items:
        if item.translation is None and (item.post.id, config.target_lang) not in result.paths:
            store.set_published_path(item.post.id, config.target_lang, None)
    return {
        "published": len(result.paths),
        "written": len(result.written),
        "unchanged": len(result.unchanged),
        "removed": len(result.removed),
        "urls": {f"{post_id}:{lang}": url for (post_id, lang), url in result.urls.items()},
        "out": str(out),
        "failed": failed,
    }
