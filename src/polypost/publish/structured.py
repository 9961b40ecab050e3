"""What a post page says about itself to machines: Open Graph article times and schema.org JSON-LD.

The pair is linked both ways: the original's `BlogPosting` lists its `workTranslation`, the
translation names its `translationOfWork`, each with `inLanguage`, so a search engine or a
reader app knows the two are one work in two languages, and which one was written first.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from polypost.publish.dates import datetime_attribute
from polypost.publish.records import PageVersion, PostEntry, PublishSettings
from polypost.records import ORIGINAL


def article_times(version: PageVersion) -> dict[str, str]:
    """article:published_time and article:modified_time, where the post has them."""
    times = {}
    if version.published is not None:
        times["published_time"] = datetime_attribute(version.published, version.date_only)
    if version.updated is not None:
        times["modified_time"] = datetime_attribute(version.updated, version.date_only and version.updated == version.published)
    return times


def blog_posting(entry: PostEntry, lang: str, description: str, settings: PublishSettings) -> Markup:
    """The JSON-LD of one page, ready for a <script type="application/ld+json"> element."""
    version = entry.versions[lang]
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": version.url,
        "url": version.url,
        "mainEntityOfPage": version.url,
        "headline": version.title,
        "inLanguage": lang,
    }
    if description:
        data["description"] = description
    times = article_times(version)
    if "published_time" in times:
        data["datePublished"] = times["published_time"]
    if "modified_time" in times:
        data["dateModified"] = times["modified_time"]
    if version.author:
        data["author"] = {"@type": "Person", "name": version.author}
    if version.image:
        data["image"] = version.image
    if version.tags:
        data["keywords"] = ", ".join(version.tags)
    if settings.site_title.get(lang):
        data["isPartOf"] = {"@type": "Blog", "name": settings.site_title[lang], "url": settings.lang_base(lang)}
    others = [(code, other) for code, other in entry.versions.items() if code != lang]
    if version.status == ORIGINAL:
        if others:
            data["workTranslation"] = [_reference(other, code) for code, other in others]
    else:
        original = entry.versions[settings.source_lang]
        data["translationOfWork"] = _reference(original, settings.source_lang)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Inside <script>, "</script>" or "<!--" in a title would end or change the element.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _reference(version: PageVersion, lang: str) -> dict[str, str]:
    return {"@type": "BlogPosting", "@id": version.url, "url": version.url, "inLanguage": lang}
