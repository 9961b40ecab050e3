"""Kind `wxr`: a WordPress export file (WXR 1.0-1.2) -> its posts and pages.

Published items only by default (`status` chooses others); password-protected items are
never public, so never read. Each post keeps its categories and tags, author (display name),
dates, slug, and its approved reader comments with their replies (pingbacks and trackbacks
are not comments). The body is `post_content` as WordPress stores it:
- Gutenberg block comments (`<!-- wp:paragraph -->`) are HTML comments: kept as written,
  never text to the segmenter.
- Classic-editor bodies carry paragraphs as blank lines (WordPress adds the <p> when it
  renders them, `wpautop`): WordPress's own rules are run here (`wpautop.py`), or a post would
  be one run of text.
- Shortcodes (`[gallery ids="1,2"]`, `[caption ...]...[/caption]`) are markup to WordPress but
  text to an HTML parser: each bracket token is wrapped in `<span class="notranslate"
  translate="no">`, which the segmenter restores verbatim; the words between an opening and a
  closing token (a caption) stay translatable. The token text itself is never changed.
- Relative URLs are resolved against the post's permalink (else the site's base URL).
The XML is read with lxml, entity expansion, DTDs and the network off. WordPress writes HTML
named entities (`Caf&eacute;`) that XML does not define: they are read as the characters they
stand for. Any other undefined entity is kept as text (`&foo;`) and reported per item. Entities
declared in the file's own DTD are never expanded (a "billion laughs" file declares a few that
expand to gigabytes): the file is reported, their references are kept as text, and the posts are
read. A file that is not well-formed is read again in recovery mode: what can be read is
yielded, and a SourceProblem names the file, the line and what was wrong.
"""

from __future__ import annotations

import email.utils
import re
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString
from lxml import etree

from polypost.records import Comment, SourcePost, SourceProblem
from polypost.sources.wpautop import shortcode_unautop, wpautop
from polypost.sources.sanitize import DEFAULT_EMBED_HOSTS, sanitize_html
from polypost.sources.sitemap import safe_xml_parser
from polypost.sources.wxr_entities import replace_entities
from polypost.hookspecs import hookimpl
from polypost.sources.registry import FILES, ReadSettings, SourceKind

__all__ = ["DEFAULT_STATUS", "WxrError", "iter_wxr_posts", "read_wxr", "wordpress_body", "wrap_shortcodes"]

DEFAULT_STATUS = ("publish",)
POST_TYPES = ("post", "page")
WP_NS_PREFIXES = ("http://wordpress.org/export/", "https://wordpress.org/export/")  # both are in the wild
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MAX_BYTES = 512 * 1024 * 1024  # exports of big sites are large; lxml streams the text nodes anyway

# Shortcodes WordPress itself (and the most common plugins) register: a bare `[gallery]` is one.
# Any other bracket word counts only with attributes or a closing tag, so "[sic]" stays text.
KNOWN_SHORTCODES = frozenset("""audio caption embed gallery playlist video wp_caption contact-form
    contact-form-7 youtube vimeo soundcloud googlemaps code sourcecode""".split())
SHORTCODE_RE = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*?)?)(/?)\](\]?)")
URL_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src",
                  "iframe": "src", "track": "src", "embed": "src"}
NEVER_WRAP = frozenset({"code", "pre", "script", "style", "kbd", "samp", "var", "textarea"})
class WxrError(ValueError):
    pass


def iter_wxr_posts(paths: Sequence[str | Path], limit: int | None = None,
                   status: Sequence[str] = DEFAULT_STATUS, sanitize: bool = False,
                   embed_hosts: Sequence[str] = DEFAULT_EMBED_HOSTS) -> Iterator[SourcePost | SourceProblem]:
    """`sanitize`: pass bodies through the untrusted-markup allowlist (an export of a site whose
    authors the user does not trust); off by default, an export is the user's own."""
    posts = 0
    for path in paths:
        for item in read_wxr(str(path), status=status):
            if sanitize and isinstance(item, SourcePost):
                item.html = sanitize_html(item.html, embed_hosts, keep_comments=True)
            if isinstance(item, SourcePost):
                if limit is not None and posts >= limit:
                    return
                posts += 1
            yield item


def read_wxr(path: str, status: Sequence[str] = DEFAULT_STATUS) -> Iterator[SourcePost | SourceProblem]:
    """The posts and pages of one export file, then a SourceProblem if it was not well-formed."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            yield SourceProblem(origin=path, error=f"file is {size:,} bytes, over the limit of {MAX_BYTES:,}")
            return
        data = Path(path).read_bytes()
    except OSError as err:
        yield SourceProblem(origin=path, error=f"cannot read: {err.strerror or err}")
        return
    data, dtd_note, undefined = replace_entities(data)
    if dtd_note:
        yield SourceProblem(origin=path, error=dtd_note)
    damage = None
    try:
        root = etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as err:
        damage = f"not well-formed XML (line {err.lineno}: {err.msg})"
        try:
            root = etree.fromstring(data, parser=safe_xml_parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
    channel = _channel(root)
    if channel is None:
        reason = damage or f"not a WordPress export (root element <{_local(root)}>, no <rss><channel>)"
        yield SourceProblem(origin=path, error=f"{reason}; no posts could be read")
        return
    if damage is None and not any(_is_wp(el) for el in channel.iter() if isinstance(el.tag, str)):
        yield SourceProblem(origin=path, error="an RSS feed, not a WordPress export (no wp: elements); "
                                               "read it with --kind feed")
        return
    context = _Context(path=path, status=tuple(status), authors=_authors(channel),
                       site=_wp_text(channel, "base_site_url") or _wp_text(channel, "base_blog_url"),
                       lang=_child_text(channel, "language") or None)
    count = 0
    for number, item in enumerate((c for c in channel if _local(c) == "item"), start=1):
        origin = f"{path}#item-{number}"
        try:
            post = _item_post(item, origin, context)
        except Exception as err:  # one odd item must not lose the rest of the export
            post = SourceProblem(origin=origin, error=f"cannot read item: {type(err).__name__}: {err}")
        if post is not None:
            count += isinstance(post, SourcePost)
            yield post
            if undefined and isinstance(post, SourcePost):
                found = sorted(n for n in undefined if f"&{n};" in post.title or f"&amp;{n};" in post.html
                               or f"&{n};" in post.html)
                if found:
                    yield SourceProblem(origin=origin, skipped=True,
                                        error=f"undefined entit{'y' if len(found) == 1 else 'ies'} "
                                              f"{', '.join('&' + n + ';' for n in found)} kept as text")
    if damage:
        yield SourceProblem(origin=path, error=f"{damage}; read as far as possible ({count} posts)")


class _Context:
    def __init__(self, path: str, status: tuple[str, ...], authors: dict[str, str], site: str, lang: str | None):
        self.path, self.status, self.authors, self.site, self.lang = path, status, authors, site, lang


# ---------------------------------------------------------------- items

def _item_post(item: etree._Element, origin: str, context: _Context) -> SourcePost | SourceProblem | None:
    post_type = _wp_text(item, "post_type")
    if post_type not in POST_TYPES:
        return None  # attachments, menu items, blocks: parts of a site, not posts
    title = " ".join(_child_text(item, "title").split())
    state = _wp_text(item, "status") or "publish"
    if state not in context.status:
        return SourceProblem(origin=origin, error=f"{post_type} {title!r} is {state}, not {'/'.join(context.status)} "
                                                  "(--status chooses)", skipped=True)
    if _wp_text(item, "post_password"):
        return SourceProblem(origin=origin, error=f"{post_type} {title!r} is password-protected", skipped=True)
    link = _child_text(item, "link") or None
    base = link or context.site or None
    categories = [(c.get("domain") or "category", " ".join((c.text or "").split()))
                  for c in item if _local(c) == "category" and c.get("domain") in ("category", "post_tag", None)]
    tags = [name for domain, name in categories if domain == "post_tag" and name]
    tags += [name for domain, name in categories if domain == "category" and name and name not in tags]
    creator = _ns_text(item, DC_NS, "creator")
    lang, translation_keys = _multilingual(item)
    return SourcePost(
        origin=origin,
        title=title,
        html=wordpress_body(_ns_text(item, CONTENT_NS, "encoded", raw=True), base),
        source="wxr",
        url=link,
        slug=_wp_text(item, "post_name") or None,
        author=context.authors.get(creator, creator) or None,
        published=_date(_wp_text(item, "post_date_gmt"), _wp_text(item, "post_date"), _child_text(item, "pubDate")),
        modified=_date(_wp_text(item, "post_modified_gmt"), _wp_text(item, "post_modified"), ""),
        description=_excerpt(item) or None,
        tags=tags,
        comments=_comments(item, base),
        translation_keys=translation_keys,
        lang_hint=lang or context.lang,
    )


def _multilingual(item: etree._Element) -> tuple[str | None, list[str]]:
    """The item's language and translation group, where a multilingual plugin exported them:
    Polylang as the taxonomies `language` and `post_translations` (WordPress's exporter writes every
    taxonomy of a post as a <category domain=...>), WPML (its Export and Import add-on) as the
    post meta `_wpml_import_language_code` and `_wpml_import_translation_group`."""
    terms = {c.get("domain"): (c.get("nicename") or "").strip() for c in item
             if _local(c) == "category" and c.get("domain") in ("language", "post_translations")}
    meta: dict[str, str] = {}
    for node in (c for c in item if _local(c) == "postmeta" and _is_wp(c)):
        key = _wp_text(node, "meta_key")
        if key in ("_wpml_import_language_code", "_wpml_import_translation_group"):
            meta[key] = _wp_text(node, "meta_value")
    keys = [f"key:polylang:{terms['post_translations']}"] if terms.get("post_translations") else []
    if meta.get("_wpml_import_translation_group"):
        keys.append(f"key:wpml:{meta['_wpml_import_translation_group']}")
    return terms.get("language") or meta.get("_wpml_import_language_code") or None, keys


def _comments(item: etree._Element, base: str | None) -> list[Comment]:
    """Approved comments (not pingbacks), replies pointing at their parent's index."""
    kept: list[tuple[str, str, Comment]] = []
    for node in (c for c in item if _local(c) == "comment" and _is_wp(c)):
        if _wp_text(node, "comment_approved") != "1" or _wp_text(node, "comment_type") not in ("", "comment"):
            continue
        comment = Comment(author=_wp_text(node, "comment_author"),
                          html=wordpress_body(_wp_text(node, "comment_content", raw=True), base),
                          published=_date(_wp_text(node, "comment_date_gmt"), _wp_text(node, "comment_date"), ""))
        kept.append((_wp_text(node, "comment_id"), _wp_text(node, "comment_parent"), comment))
    index = {comment_id: i for i, (comment_id, _, _) in enumerate(kept) if comment_id}
    for comment_id, parent_id, comment in kept:
        # a reply to a comment that is not kept (unapproved, spam) hangs from the post itself
        comment.parent = index.get(parent_id) if parent_id not in ("", "0") else None
    return [comment for _, _, comment in kept]


def _excerpt(item: etree._Element) -> str:
    for child in item:
        if _local(child) == "encoded" and _namespace(child).endswith("/excerpt/"):
            return " ".join(BeautifulSoup(child.text or "", "html.parser").get_text(" ").split())
    return ""


def _date(gmt: str, local: str, rfc822: str) -> str | None:
    """post_date_gmt (UTC) first, then post_date (site time, no zone), then pubDate."""
    for value, zone in ((gmt, "+00:00"), (local, "")):
        if value and not value.startswith("0000"):
            return value.strip().replace(" ", "T") + zone
    if rfc822:
        try:
            return email.utils.parsedate_to_datetime(rfc822).isoformat()
        except (TypeError, ValueError):
            return None
    return None


def _authors(channel: etree._Element) -> dict[str, str]:
    authors = {}
    for node in channel:
        if _local(node) == "author" and _is_wp(node):
            login = _wp_text(node, "author_login")
            if login:
                authors[login] = _wp_text(node, "author_display_name") or login
    return authors


# ---------------------------------------------------------------- the body

def wordpress_body(raw: str, base: str | None) -> str:
    """post_content -> the HTML body: paragraphs added, URLs absolute, shortcodes protected."""
    text = raw.strip()
    if not text:
        return ""
    if "<!-- wp:" not in text:  # block content is already HTML; only classic content needs <p>
        text = autop(text)
    needs_links = base is not None and re.search(r"""(?:href|src)\s*=\s*["']?(?!https?:|mailto:|#|data:|//)""",
                                                 text, re.I)
    if not needs_links and not _shortcode_spans(text):
        return text  # nothing to change: keep the stored bytes exactly
    soup = BeautifulSoup(text, "html.parser")
    if needs_links:
        for tag in soup.find_all(list(URL_ATTRIBUTES)):
            attribute = URL_ATTRIBUTES[tag.name]
            if tag.get(attribute):
                tag[attribute] = urljoin(base, tag[attribute].strip())
    wrap_shortcodes(soup)
    return str(soup)


def wrap_shortcodes(soup: BeautifulSoup) -> None:
    """Wrap each shortcode token of the text in a notranslate span; the token text stays as is."""
    closing = {m.group(3).lower() for m in SHORTCODE_RE.finditer(soup.get_text()) if m.group(2)}
    for node in list(soup.find_all(string=True)):
        if isinstance(node, PreformattedString) or any(p.name in NEVER_WRAP for p in node.parents):
            continue
        spans = _shortcode_spans(str(node), closing)
        if not spans:
            continue
        text, pieces, last = str(node), [], 0
        for start, end in spans:
            if start > last:
                pieces.append(NavigableString(text[last:start]))
            span = soup.new_tag("span", attrs={"class": "notranslate", "translate": "no"})
            span.string = text[start:end]
            pieces.append(span)
            last = end
        if last < len(text):
            pieces.append(NavigableString(text[last:]))
        node.replace_with(*pieces)


def _shortcode_spans(text: str, closing: set[str] | None = None) -> list[tuple[int, int]]:
    if closing is None:
        closing = {m.group(3).lower() for m in SHORTCODE_RE.finditer(text) if m.group(2)}
    spans = []
    for match in SHORTCODE_RE.finditer(text):
        name = match.group(3).lower()
        if match.group(2) or name in KNOWN_SHORTCODES or "=" in match.group(4) or name in closing:
            spans.append((match.start(), match.end()))
    return spans


def autop(text: str) -> str:
    """What WordPress shows for a classic post: its wpautop, then shortcode_unautop."""
    html = shortcode_unautop(wpautop(text), lambda token: bool(SHORTCODE_RE.fullmatch(token) and _shortcode_spans(token)))
    return html.strip()


# ---------------------------------------------------------------- XML helpers

def _channel(root: etree._Element | None) -> etree._Element | None:
    if root is None or _local(root) != "rss":
        return None
    return next((c for c in root if _local(c) == "channel"), None)


def _local(node: etree._Element | None) -> str:
    if node is None or not isinstance(node.tag, str):
        return ""
    try:
        return etree.QName(node).localname
    except ValueError:  # recovery mode keeps an undeclared prefix in the name: "wp:post_type"
        return node.tag.rsplit(":", 1)[-1]


def _namespace(node: etree._Element) -> str:
    try:
        return etree.QName(node).namespace or ""
    except ValueError:
        return ""


def _is_wp(node: etree._Element) -> bool:
    if not isinstance(node.tag, str):
        return False
    namespace = _namespace(node)
    return namespace.startswith(WP_NS_PREFIXES) and not namespace.endswith("/excerpt/")


def _wp_text(node: etree._Element, name: str, raw: bool = False) -> str:
    """A wp: child's text, whatever WXR version's namespace it is in (1.0, 1.1, 1.2)."""
    for child in node:
        if _local(child) == name and _is_wp(child):
            return (child.text or "") if raw else (child.text or "").strip()
    return ""


def _ns_text(node: etree._Element, namespace: str, name: str, raw: bool = False) -> str:
    for child in node:
        if isinstance(child.tag, str) and child.tag == f"{{{namespace}}}{name}":
            return (child.text or "") if raw else (child.text or "").strip()
    return ""


def _child_text(node: etree._Element, name: str) -> str:
    for child in node:
        if isinstance(child.tag, str) and child.tag == name:
            return (child.text or "").strip()
    return ""


def _read_kind(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem]:
    return iter_wxr_posts(sources, limit=settings.limit, status=settings.status, sanitize=settings.sanitize_own,
                          embed_hosts=settings.embed_hosts)


@hookimpl
def register_sources(register) -> None:
    register(SourceKind("wxr", _read_kind, inputs=FILES, folders=False, file_is="a WordPress export file"))
