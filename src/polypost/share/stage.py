"""The kits of published posts, from the store; what `--new` has handed out before."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from polypost.share.texts import DEFAULT_NETWORKS, ShareKit, campaign_for, share_version

if TYPE_CHECKING:
    from polypost.config import Config
    from polypost.records import Post, Translation
    from polypost.publish.site import Publisher, PublishSettings
    from polypost.store import Store

def is_published(translation: "Translation | None") -> bool:
    """A target-language page exists for readers: published and not held back."""
    from polypost.publish.stage import HELD_STATUSES

    return bool(translation and translation.published_path and translation.status not in HELD_STATUSES)


def share_kits(store: "Store", config: "Config", post: str | None = None, new_only: bool = False,
               campaign: str | None = None, networks: Sequence[str] | None = None) -> list[ShareKit]:
    """The kits of every post with a published target-language page (or of `post`, an id or
    slug). With `new_only`, only posts not handed out before, and they are recorded as handed
    out (in the `shares` table) so that the next call leaves them out."""
    from polypost.config import ConfigError
    from polypost.publish.site import get_publisher
    from polypost.publish.stage import publish_settings

    # The URLs are the publisher's own, from the settings publishing uses.
    settings = publish_settings(config)
    try:
        settings.check()
        publisher = get_publisher(settings.format)
    except ValueError as exc:  # links to a site that cannot exist: a configuration error
        raise ConfigError(str(exc)) from exc
    pairs = _published_pairs(store, config, post)
    if new_only:
        pairs = _unshared(store, config, pairs)
    networks = tuple(networks or settings.share_networks or DEFAULT_NETWORKS)
    kits = [_kit(post_, translation, settings, publisher, campaign, networks) for post_, translation in pairs]
    if new_only:
        _record(store, pairs, config)
    return kits


def _published_pairs(store: "Store", config: "Config", post: str | None) -> list[tuple["Post", "Translation"]]:
    if post is not None:
        found = store.get_post(post)
        if found is None:
            raise LookupError(f"no post with id or slug {post!r}")
        translation = store.get_translation(found.id, config.target_lang)
        if not is_published(translation):
            raise LookupError(f"post {post!r} has no published {config.target_lang} page (publish it first)")
        return [(found, translation)]
    pairs = []
    for item in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(item.id, config.target_lang)
        if is_published(translation):
            pairs.append((item, translation))
    return pairs


def _unshared(store: "Store", config: "Config", pairs: list) -> list:
    shared = {row["post_id"]: row["slug"] for row in store.db.query(
        "select post_id, slug from shares where lang = ?", [config.target_lang])}
    live = {post.id for post, _ in pairs}
    gone = set(shared) - live
    if gone:
        # A page taken down (held, unpublished) and later put back is a new page: hand it out again.
        with store.db.conn:
            store.db.execute(
                f"delete from shares where post_id in ({', '.join('?' * len(gone))})", sorted(gone))
    # New: never handed out, or handed out for an address the page has since left. (Rows from
    # before slugs were recorded have none: they count as handed out.)
    return [(post, translation) for post, translation in pairs
            if post.id not in shared or shared[post.id] not in (None, translation.slug)]


def _record(store: "Store", pairs: list, config: "Config") -> None:
    from polypost.store import now

    stamp = now()
    rows = [{"post_id": post.id, "lang": lang, "shared_at": stamp, "slug": slug}
            for post, translation in pairs
            for lang, slug in ((config.target_lang, translation.slug), (config.source_lang, post.slug))]
    if rows:
        with store.db.conn:
            store.db["shares"].upsert_all(rows, pk=("post_id", "lang"))


def _kit(post: "Post", translation: "Translation", settings: "PublishSettings", publisher: "Publisher",
         campaign: str | None, networks: Sequence[str]) -> ShareKit:
    from polypost.publish.html import summarize
    from polypost.publish.site import check_slug

    name = campaign_for(campaign or settings.share_campaign, post.slug)
    versions = {}
    for lang, title, description, html, slug in (
        (settings.target_lang, translation.title, translation.description, translation.html, translation.slug),
        (settings.source_lang, post.title, post.description, post.html, post.slug),
    ):
        # The same URL the publisher gave the page, and the description its og:description has.
        _, url = publisher.locate(post, lang, check_slug(slug, post.id), settings)
        versions[lang] = share_version(lang, title, description or summarize(html), url, post.tags, name, networks)
    return ShareKit(post_id=post.id, slug=post.slug, campaign=name, versions=versions)
