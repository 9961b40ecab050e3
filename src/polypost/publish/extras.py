"""The rest of a real site: robots.txt and a 404 page per language.

robots.txt is read per host: the site root gets one, and so does each language on a host of its own
(`lang_base_urls`), each pointing at the sitemap (a sitemap on another host is allowed when robots.txt
names it). A web server shows `<lang>/404.html` for a missing page under that language (nginx
`error_page 404 /es/404.html;` in the `/es/` location; Netlify, GitHub Pages and Apache can do the
same); the root's is the default language's. A 404 page is never in the sitemap and asks not to be
indexed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import Environment

from polypost.publish.atomic import OutputWriter, content_hash
from polypost.publish.records import PublishSettings


def robots_txt(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def write_extras(env: Environment, writer: OutputWriter, settings: PublishSettings, root: str, root_url: str,
                 page_context) -> None:
    """`root`: the folder served at `root_url` ("" or a language's); `page_context` makes a page's context."""
    sitemap_url = f"{root_url}sitemap.xml"
    hosts = {urlsplit(root_url).netloc: root}
    _write_if_ours(writer, f"{root}robots.txt", robots_txt(sitemap_url))
    for lang in settings.langs():
        base = settings.lang_base(lang)
        host = urlsplit(base).netloc
        if host not in hosts and urlsplit(base).path in ("", "/"):
            hosts[host] = f"{lang}/"
            _write_if_ours(writer, f"{lang}/robots.txt", robots_txt(sitemap_url))
        text = settings.text(lang)
        page = page_context(lang, text["not_found"], f"{base}404.html", text["not_found"], [], [], settings)
        _write_if_ours(writer, f"{lang}/404.html", env.get_template("404.html").render(page=page, robots="noindex"))
    if root == "":
        lang = settings.x_default
        text = settings.text(lang)
        page = page_context(lang, text["not_found"], f"{root_url}404.html", text["not_found"], [], [], settings)
        _write_if_ours(writer, "404.html", env.get_template("404.html").render(page=page, robots="noindex"))


def _write_if_ours(writer: OutputWriter, relpath: str, text: str) -> None:
    """A robots.txt or 404 page the user put in the output folder, or edited after polypost wrote
    it, is theirs: never overwritten (and, no longer ours, it leaves the manifest). One that holds
    what polypost would write is ours: a run killed before its manifest was saved left it."""
    path = writer.out_dir / relpath
    if not path.exists():
        writer.write(relpath, text)
        return
    data = path.read_bytes()
    if data == text.encode("utf-8") or content_hash(data) == writer.previous.get(relpath):
        writer.write(relpath, text)
