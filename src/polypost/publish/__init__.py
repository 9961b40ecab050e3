"""Publishing: the bilingual static site (or Hugo content), sitemap and feeds.

`publish_site(items, out_dir, settings)` is the whole API; see `site.py`.
"""

from polypost.publish.site import (
    PageVersion,
    PostEntry,
    Publisher,
    PublishItem,
    PublishResult,
    PublishSettings,
    get_publisher,
    publish_site,
    register_publisher,
)

__all__ = [
    "PageVersion",
    "PostEntry",
    "Publisher",
    "PublishItem",
    "PublishResult",
    "PublishSettings",
    "get_publisher",
    "publish_site",
    "register_publisher",
]
