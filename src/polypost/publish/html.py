"""The static HTML publisher: post pages, home pages, the language chooser.

Layout (CLI.md, "Output layout"): `OUT/<lang>/<slug>/index.html` for posts,
`OUT/<lang>/index.html` and `OUT/<lang>/page/<n>/index.html` for homes, `OUT/index.html`
for the chooser. With language subdomains the files stay in `OUT/<lang>/` and only the
URLs change. The sitemap and feeds are written by their own modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from polypost.hookspecs import hookimpl
from polypost.publish import feeds, sitemap
from polypost.publish.atomic import OutputWriter
from polypost.publish.extras import write_extras
from polypost.publish.parallel import write_pages
from polypost.publish import incremental
from polypost.publish.dates import datetime_attribute, format_day, parse_datetime
from polypost.publish.records import PageVersion, PostEntry, Publisher, PublishSettings
from polypost.publish.structured import article_times, blog_posting
from polypost.publish.summary import DESCRIPTION_LENGTH, summarize
from polypost.publish.tags import tag_links, write_tag_pages
from polypost.publish.urls import url_path_segment
from polypost.records import ORIGINAL, REVIEWED, Comment, Post
from polypost.share.texts import NETWORKS, campaign_for, share_version

ROOT_PATH = "index.html"
__all__ = ["DESCRIPTION_LENGTH", "summarize"]  # share/stage.py takes summarize from here


def description(version: PageVersion) -> str:
    """The version's description, else a summary of its body (made once: post page and home list share it)."""
    if version.description:
        return version.description
    if version.summary is None:
        version.summary = summarize(str(getattr(version.html, "source", version.html)))
    return version.summary


def html_locate(post: Post, lang: str, slug: str, settings: PublishSettings) -> tuple[str, str]:
    return f"{lang}/{slug}/index.html", f"{settings.lang_base(lang)}{url_path_segment(slug)}/"


def home_location(lang: str, page: int, settings: PublishSettings) -> tuple[str, str]:
    if page == 1:
        return f"{lang}/index.html", settings.lang_base(lang)
    return f"{lang}/page/{page}/index.html", f"{settings.lang_base(lang)}page/{page}/"


def root_url(settings: PublishSettings) -> str:
    return settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"


def root_folder(settings: PublishSettings) -> str:
    """The folder of OUT that is served at base_url.

    Normally OUT itself (""). With language subdomains where one language's own base URL
    is the site root (example.com for en, es.example.com for es), that language's folder
    is: the sitemap goes there, and there is no room for a chooser page.
    """
    root = root_url(settings)
    for lang in settings.langs():
        if settings.lang_base(lang) == root:
            return f"{lang}/"
    return ""


def homes_fallback(settings: PublishSettings) -> str:
    """x-default of the home pages: the chooser, or the default language's home without one."""
    return root_url(settings) if root_folder(settings) == "" else settings.lang_base(settings.x_default)


def make_environment(settings: PublishSettings) -> Environment:
    """Jinja2 with the user's templates folder (if any) searched before ours."""
    loaders = []
    if settings.templates_dir is not None:
        if not settings.templates_dir.is_dir():
            raise ValueError(f"templates_dir {settings.templates_dir}: not a folder")
        loaders.append(FileSystemLoader(str(settings.templates_dir)))
    loaders.append(PackageLoader("polypost.publish", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,  # a typo in a user template fails loudly, naming the variable
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per publish: a stat of each template per page is wasted
    )


@dataclass
class Link:
    url: str
    label: str
    lang: str


@dataclass
class PageContext:
    """What every template sees as `page`."""

    lang: str
    title: str
    url: str
    description: str
    site_title: str
    home_url: str
    feed_url: str
    alternates: list[tuple[str, str]]
    switcher: list[Link]
    og_locale: str
    og_locale_alternates: list[str]
    text: dict[str, str]
    og_type: str = "website"
    image: str | None = None


def _page_context(lang: str, title: str, url: str, description: str, alternates: list[tuple[str, str]],
                  switcher: list[Link], settings: PublishSettings) -> PageContext:
    other_langs = [code for code, _ in alternates if code not in (lang, "x-default")]
    return PageContext(
        lang=lang,
        title=title,
        url=url,
        description=description,
        site_title=settings.site_title.get(lang, ""),
        home_url=settings.lang_base(lang),
        feed_url=settings.lang_base(lang) + "feed.xml",
        alternates=alternates,
        switcher=switcher,
        og_locale=settings.og_locale(lang),
        og_locale_alternates=[settings.og_locale(code) for code in other_langs],
        text=settings.text(lang),
    )


def _translation_note(version: PageVersion, original: PageVersion, settings: PublishSettings) -> Markup | None:
    if version.status == ORIGINAL:
        return None
    wording = settings.note(version.lang, reviewed=version.status == REVIEWED)
    if not wording:
        return None
    link = Markup('<a href="{}" hreflang="{}">{}</a>').format(
        original.url, original.lang, settings.text(version.lang)["original"]
    )
    if "{original}" not in wording:
        return escape(wording) + Markup(" ") + link
    before, _, after = wording.partition("{original}")
    return escape(before) + link + escape(after)


# What a reader's comment may keep: text formatting and links, nothing that runs or loads.
COMMENT_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "i", "li", "ol", "p",
                "pre", "q", "s", "strong", "sub", "sup", "ul"}
COMMENT_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "q": {"cite"}, "*": {"lang"}}


def clean_comment(html: str) -> str:
    """Comments are written by readers (a WordPress export or a scraped page carries them as
    HTML): publish them through an allowlist, never as the page's own trusted markup."""
    return nh3.clean(html, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow ugc noopener")


def _comment_tree(comments: list[Comment], lang: str) -> list[dict[str, Any]]:
    """Comments as nested nodes for a recursive template loop; bad parents become top level."""
    nodes = []
    for comment in comments:
        moment, date_only = parse_datetime(comment.published)
        nodes.append({
            "author": comment.author,
            "html": Markup(clean_comment(comment.html or "")),
            "lang": comment.lang or "",  # "" tells readers and screen readers "unknown"
            "date": format_day(moment, lang) if moment else None,
            "datetime": datetime_attribute(moment, date_only) if moment else None,
            "replies": [],
        })
    roots = []
    for index, comment in enumerate(comments):
        parent = comment.parent
        if parent is not None and 0 <= parent < index:
            nodes[parent]["replies"].append(nodes[index])
        else:
            roots.append(nodes[index])
    return roots


def share_links(version: PageVersion, description: str, campaign_slug: str, settings: PublishSettings) -> list[Link]:
    """Plain links to each network's share page for this page's own URL (with UTM), no scripts."""
    campaign = campaign_for(settings.share_campaign, campaign_slug)
    kit = share_version(version.lang, version.title, description, version.url, version.tags, campaign,
                              settings.share_networks)
    return [Link(url=post.share_url, label=NETWORKS[name].label, lang=version.lang)
            for name, post in kit.posts.items()]


def render_post(env: Environment, entry: PostEntry, lang: str, settings: PublishSettings) -> str:
    version = entry.versions[lang]
    original = entry.versions.get(settings.source_lang) or version  # a Spanish post has no English page
    switcher = [
        Link(url=other.url, label=settings.text(code)["switch_to"], lang=code)
        for code, other in entry.versions.items()
        if code != lang
    ]
    page = _page_context(
        lang, version.title, version.url, description(version),
        entry.alternates(settings), switcher, settings,
    )
    page.og_type = "article"
    page.image = version.image
    text = settings.text(lang)
    share_heading = text["share"]
    return env.get_template("post.html").render(
        page=page,
        post={
            "title": version.title,
            "author": version.author,
            "date": format_day(version.published, lang) if version.published else None,
            "datetime": datetime_attribute(version.published, version.date_only) if version.published else None,
            "body": Markup(str(version.html)),  # trusted: segmented and reassembled by the pipeline
            "tags": tag_links(version, settings),
            "tags_lang": version.tags_lang or version.lang,
            "note": _translation_note(version, original, settings),
            "status": version.status,
            "comments": _comment_tree(version.comments, lang),
            "share": {"heading": share_heading,
                      "links": share_links(version, page.description, entry.post.slug, settings)},
        },
        # The card a shared link shows on X; Facebook, LinkedIn and the others read og:.
        twitter={"card": "summary_large_image" if version.image else "summary"},
        article={"times": article_times(version), "tags": version.tags,
                 "structured": blog_posting(entry, lang, page.description, settings)},
    )


def render_home(env: Environment, lang: str, versions: list[PageVersion], page_number: int, page_count: int,
                settings: PublishSettings, page_counts: dict[str, int] | None = None) -> str:
    """`page_counts`: how many home pages each language has (page N of each is page N's alternate)."""
    _, url = home_location(lang, page_number, settings)
    alternates: list[tuple[str, str]] = []
    switcher = [
        Link(url=settings.lang_base(code), label=settings.text(code)["switch_to"], lang=code)
        for code in settings.langs()
        if code != lang
    ]
    if page_number == 1:
        # The homes are a pair too; the chooser at the root is their fallback.
        alternates = [(code, settings.lang_base(code)) for code in settings.langs()]
        alternates.append(("x-default", homes_fallback(settings)))
    elif page_counts and all(page_counts.get(code, 0) >= page_number for code in settings.langs()):
        # Page N of the English home and page N of the Spanish one are the same place of the site.
        alternates = [(code, home_location(code, page_number, settings)[1]) for code in settings.langs()]
        alternates.append(("x-default", home_location(settings.x_default, page_number, settings)[1]))
    text = settings.text(lang)
    title = settings.site_title.get(lang, "")
    if page_number > 1:
        title = f"{title} · {text['page_of'].format(page=page_number, pages=page_count)}"
    page = _page_context(lang, title, url, title, alternates, switcher, settings)
    items = [
        {
            "title": version.title,
            "url": version.url,
            "date": format_day(version.published, lang) if version.published else None,
            "datetime": datetime_attribute(version.published, version.date_only) if version.published else None,
            "summary": description(version),
        }
        for version in versions
    ]
    newer = home_location(lang, page_number - 1, settings)[1] if page_number > 1 else None
    older = home_location(lang, page_number + 1, settings)[1] if page_number < page_count else None
    return env.get_template("home.html").render(
        page=page,
        items=items,
        pagination={"page": page_number, "pages": page_count, "newer": newer, "older": older},
    )


def render_chooser(env: Environment, settings: PublishSettings) -> str:
    lang = settings.x_default
    alternates = [(code, settings.lang_base(code)) for code in settings.langs()]
    alternates.append(("x-default", root_url(settings)))
    choices = [
        Link(url=settings.lang_base(code), label=settings.text(code)["language_name"], lang=code)
        for code in settings.langs()
    ]
    title = settings.site_title.get(lang, "")
    page = _page_context(lang, title, root_url(settings), title, alternates, [], settings)
    headings = [(code, settings.text(code)["choose"]) for code in settings.langs()]
    return env.get_template("chooser.html").render(page=page, choices=choices, headings=headings)


def write_html_site(entries: list[PostEntry], writer: OutputWriter, settings: PublishSettings) -> None:
    """Every page of the site; a page whose inputs did not change since the last publish into this
    folder is kept as it is, unrendered (`incremental.py`)."""
    env = make_environment(settings)
    site = incremental.settings_fingerprint(settings)
    # Before the homes and feeds, which show the summaries rendering made.
    write_pages(entries, writer, site, "post", lambda entry, lang, version: render_post(env, entry, lang, settings))
    size = max(1, settings.page_size)
    page_counts = {lang: max(1, math.ceil(sum(lang in entry.versions for entry in entries) / size))
                   for lang in settings.langs()}
    for lang in settings.langs():
        versions = [entry.versions[lang] for entry in entries if lang in entry.versions]
        page_count = page_counts[lang]
        for number in range(1, page_count + 1):
            chunk = versions[(number - 1) * size : number * size]
            path, _ = home_location(lang, number, settings)
            listing = [incremental.listed(version, with_body=not version.description) for version in chunk]
            incremental.write_listing(
                writer, path, incremental.page_fingerprint(site, "home", lang, number, page_counts, listing),
                lambda: render_home(env, lang, chunk, number, page_count, settings, page_counts=page_counts))
        kept = versions[: settings.feed_size] if settings.feed_size > 0 else versions
        listing = [[incremental.listed(version, with_body=True), incremental.resolved(version)] for version in kept]
        incremental.write_listing(writer, f"{lang}/feed.xml", incremental.page_fingerprint(site, "feed", lang, listing),
                                  lambda: feeds.render_feed(lang, versions, settings))
    tag_urls = write_tag_pages(env, writer, entries, settings, site, _page_context)
    folder = root_folder(settings)
    if folder == "":
        writer.write(ROOT_PATH, render_chooser(env, settings))
    home_pair = sitemap.SitemapUrl.pair(
        {code: settings.lang_base(code) for code in settings.langs()}, homes_fallback(settings)
    )
    if folder == "":  # the chooser is where x-default points: a page of the site, listed with the homes
        home_pair.append(sitemap.SitemapUrl(loc=root_url(settings), alternates=home_pair[0].alternates))
    urls = home_pair + [url for entry in entries for url in sitemap.urls_for_entry(entry, settings)] + tag_urls
    # One repr of plain tuples (in C), not a dataclass repr per URL.
    listing_key = incremental.page_fingerprint(site, "sitemap", repr([(url.loc, url.lastmod, url.alternates)
                                                                      for url in urls]))
    rendered: dict[str, bytes] = {}

    def sitemap_file(name: str) -> bytes:
        if not rendered:
            rendered.update(sitemap.render_sitemaps(urls, root_url(settings), settings.sitemap_max_urls))
        return rendered[name]

    for name in sitemap.sitemap_names(len(urls), settings.sitemap_max_urls):
        incremental.write_listing(writer, folder + name, listing_key, lambda: sitemap_file(name))
    write_extras(env, writer, settings, folder, root_url(settings), _page_context)


@hookimpl
def register_publishers(register) -> None:
    register(Publisher(name="html", locate=html_locate, write=write_html_site,
                       media=lambda settings: (root_folder(settings), root_url(settings))))
