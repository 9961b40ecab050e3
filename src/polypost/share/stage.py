"""The share stage: the kits of published posts, from the store; what `--new` has handed out
before. The only module of sharing that takes the store and the config."""

from __future__ import annotations

from collections.abc import Sequence

from polypost.config import Config, ConfigError
from polypost.errors import NoSuchPost
from polypost.publish.html import summarize
from polypost.publish.records import Publisher, PublishSettings
from polypost.publish.registry import get_publisher
from polypost.publish.stage import publish_settings
from polypost.publish.urls import check_slug
from polypost.records import HIDDEN_STATUSES, Post, Translation
from polypost.share.texts import DEFAULT_NETWORKS, ShareKit, campaign_for, share_version
from polypost.store import Store


def is_published(translation: Translation | None) -> bool:
    """A target-language page exists for readers: published and not held back."""
    return bool(translation and translation.published_path and translation.status not in HIDDEN_STATUSES)


def share_kits(store: Store, config: Config, post: str | None = None, new_only: bool = False,
               campaign: str | None = None, networks: Sequence[str] | None = None) -> list[ShareKit]:
    """The kits of every post with a published target-language page (or of `post`, an id or
    slug). With `new_only`, only posts not handed out before, and they are recorded as handed
    out (in the `shares` table) so that the next call leaves them out."""
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


def _published_pairs(store: Store, config: Config, post: str | None) -> list[tuple[Post, Translation]]:
    if post is not None:
        found = store.get_post(post)
        if found is None:
            raise NoSuchPost(f"no post with id or slug {post!r}")
        translation = store.get_translation(found.id, config.target_lang)
        if not is_published(translation):
            raise NoSuchPost(f"post {post!r} has no published {config.target_lang} page (publish it first)")
        return [(found, translation)]
    pairs = []
    for item in store.iter_posts("lang = ?", [config.source_lang]):
        translation = store.get_translation(item.id, config.target_lang)
        if is_published(translation):
            pairs.append((item, translation))
    return pairs


def _unshared(store: Store, config: Config, pairs: list) -> list:
    shared = store.shared_slugs(config.target_lang)
    live = {post.id for post, _ in pairs}
    # A page taken down (held, unpublished) and later put back is a new page: hand it out again.
    store.forget_shares(sorted(set(shared) - live))
    # New: never handed out, or handed out for an address the page has since left. (Rows from
    # before slugs were recorded have none: they count as handed out.)
    return [(post, translation) for post, translation in pairs
            if post.id not in shared or shared[post.id] not in (None, translation.slug)]


def _record(store: Store, pairs: list, config: Config) -> None:
    store.record_shares([(post.id, lang, slug) for post, translation in pairs
                         for lang, slug in ((config.target_lang, translation.slug), (config.source_lang, post.slug))])


def _kit(post: Post, translation: Translation, settings: PublishSettings, publisher: Publisher,
         campaign: str | None, networks: Sequence[str]) -> ShareKit:
    name = campaign_for(campaign or settings.share_campaign, post.slug)
    versions = {}
    for lang, title, description, html, slug, tags in (
        # Hashtags in each language's own words: the translated tags (those of a translation
        # made before tags were translated: the post's own).
        (settings.target_lang, translation.title, translation.description, translation.html, translation.slug,
         translation.tags or post.tags),
        (settings.source_lang, post.title, post.description, post.html, post.slug, post.tags),
    ):
        # The same URL the publisher gave the page, and the description its og:description has.
        _, url = publisher.locate(post, lang, check_slug(slug, post.id), settings)
        versions[lang] = share_version(lang, title, description or summarize(html), url, tags, name, networks)
    return ShareKit(post_id=post.id, slug=post.slug, campaign=name, versions=versions)
