"""A full web page -> the post: title, body (markup intact), metadata and reader comments.

How the body is found (measured on the 21 pages of corpus/pages/readability, see
`tests/test_extract.py`): trafilatura is good at *choosing* the article but rewrites its markup
(`<em>` -> `<i>`, drops classes, flattens comments), while a rule-based bs4 cleaner keeps the markup
but cannot tell an article from a long sidebar. So trafilatura reads the page once, and its text
picks the element of the original tree that matches it best (word-level F1); that element, cleaned
of navigation, share bars, forms, scripts and the like, is the body, with its original markup.
When trafilatura finds nothing, the usual containers (article, main, ...) are tried instead.
"""

from __future__ import annotations

import codecs
import copy
import json
import re
from collections import Counter
from datetime import datetime
from typing import Iterable
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, Comment as HtmlComment, Tag
from bs4.element import NavigableString

from polypost.models import Comment, SourcePost

__all__ = ["ExtractError", "decode_html", "extract_page", "is_full_page", "clean_title"]


class ExtractError(ValueError):
    """A page that cannot be read at all (its bytes do not decode)."""


# Elements that are never part of a post body, wherever they are.
DROP_TAGS = ("script", "style", "noscript", "template", "nav", "form", "button", "input", "select",
             "textarea", "dialog", "link", "meta")
# Page furniture: dropped inside the chosen region unless the article text lives there.
FURNITURE_TAGS = ("header", "footer", "aside")
# class/id words of page furniture (after Readability's "unlikely candidates" list).
FURNITURE_RE = re.compile(
    r"(^|[-_\s])(share|sharing|sharedaddy|social|addthis|sociable|related|sidebar|widget|breadcrumbs?|"
    r"comments?|comment-respond|respond|disqus|newsletter|subscribe|signup|advert|ads|ad-slot|sponsor|"
    r"promo|popup|modal|cookie|banner|masthead|menu|navbar|pagination|pager|skip-link|print-only|"
    r"post-navigation|nav-links|author-bio|jp-relatedposts|wpcnt|tags-links|entry-meta)($|[-_\s])",
    re.I,
)
WORD_RE = re.compile(r"\w+", re.UNICODE)
# Separators between a title and a site name: "Title | Site", "Title - Blog", "Title · V8".
TITLE_SEPARATOR_RE = re.compile(r"\s+(?:\||-|–|—|·|»|::|/|\\)\s+")
URL_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src",
                  "iframe": "src", "track": "src"}


# ---------------------------------------------------------------- reading bytes

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes, origin: str = "<page>") -> str:
    """Bytes -> text: the BOM wins, then a <meta charset> in the first 4 KiB, then UTF-8.

    Undecodable bytes raise ExtractError naming the origin, the encoding and the byte offset,
    rather than turning text into replacement characters the translator would carry along.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom) and not (bom == codecs.BOM_UTF16_LE and data.startswith(codecs.BOM_UTF32_LE)):
            return _decode(data, encoding, origin)
    encoding = "utf-8"
    match = _META_CHARSET_RE.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii", "replace").lower()
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            encoding = "utf-8"  # an unknown label: UTF-8 is what browsers mostly meet today
        if encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            encoding = "utf-8"  # a meta tag readable as ASCII cannot be in UTF-16 (HTML spec rule)
    return _decode(data, encoding, origin)


def _decode(data: bytes, encoding: str, origin: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ExtractError(
            f"{origin}: cannot decode as {encoding}: byte 0x{data[err.start]:02x} at offset {err.start} "
            f"is invalid ({err.reason})"
        ) from None


_DOCUMENT_RE = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)


def is_full_page(html: str | bytes) -> bool:
    """True for a document (doctype, <html>, <head> or <body>), False for an HTML fragment."""
    if isinstance(html, bytes):
        html = html[:1_000_000].decode("utf-8", "replace")
    without_comments = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return bool(_DOCUMENT_RE.search(without_comments))


# ---------------------------------------------------------------- the page

def extract_page(html: str | bytes, origin: str, url: str | None = None) -> SourcePost:
    """Read one full web page into a SourcePost (source "url"; callers may set another)."""
    if isinstance(html, bytes):
        html = decode_html(html, origin)
    soup = BeautifulSoup(html, "lxml")
    for node in soup.find_all(string=lambda s: isinstance(s, HtmlComment)):
        node.extract()
    meta = _meta_tags(soup)
    ld = _json_ld(soup)
    base = _base_url(soup, url)

    site_names = [n for n in (meta.get("og:site_name"), meta.get("application-name"), ld.get("site")) if n]
    traf = _trafilatura(html, url)
    author = _author(soup, meta, ld, traf.get("author"))
    raw_title = (meta.get("og:title") or meta.get("twitter:title") or ld.get("headline")
                 or _text(soup.title) or _text(soup.find("h1")) or "")
    h1s = [_text(h) for h in soup.find_all("h1")]
    title = clean_title(raw_title, site_names=site_names, headings=h1s, author=author)

    comments = extract_comments(soup)
    body = _body(soup, traf.get("text") or "", title, base)

    canonical = _attr(soup.find("link", rel="canonical"), "href") or meta.get("og:url")
    published = _published(soup, meta, ld) or _iso_date(traf.get("date"))
    html_tag = soup.find("html")
    lang_hint = (_attr(html_tag, "lang") or meta.get("content-language") or "").strip() or None
    comments = extract_comments(soup)
    body = _body(soup, traf.get("text") or "", title, base)  # last: it prunes the tree
    if canonical and base:
        canonical = urljoin(base, canonical)
    image = meta.get("og:image") or meta.get("twitter:image") or ld.get("image")
    if image and base:
        image = urljoin(base, image)
    return SourcePost(
        origin=origin,
        title=title or (traf.get("title") or ""),
        html=body,
        source="url",
        url=canonical or None,
        author=author or None,
        published=published,
        description=meta.get("description") or meta.get("og:description") or meta.get("twitter:description")
        or ld.get("description") or None,
        image=image or None,
        tags=_tags(meta, ld, soup),
        comments=comments,
        lang_hint=lang_hint,
    )


def _trafilatura(html: str, url: str | None) -> dict:
    """trafilatura's reading of the page (text, title, author, date), or {} when it finds nothing."""
    import trafilatura  # imported here: loading it costs ~0.5 s and only page extraction needs it

    try:
        # extensive_search off: without it htmldate guesses from copyright lines ("1998-01-01")
        doc = trafilatura.bare_extraction(html, url=url, favor_recall=True, include_comments=False,
                                          include_tables=True, with_metadata=True,
                                          date_extraction_params={"extensive_search": False,
                                                                  "original_date": True})
    except Exception:  # trafilatura raises assorted errors on odd trees; the rule-based path still works
        return {}
    if doc is None:
        return {}
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


# ---------------------------------------------------------------- body

_CONTENT_SELECTORS = ("[itemprop=articleBody]", "article .entry-content", ".entry-content", ".post-content",
                      ".post-body", ".article-body", "article", "main", "[role=main]", "#content")


def _body(soup: BeautifulSoup, article_text: str, title: str, base: str | None) -> str:
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    root = soup.body or soup
    hits = _hit_counts(root, article_text)
    region = _best_region(root, hits, article_text) or _container_region(soup) or root
    region = copy.copy(region)  # cleaning must not disturb the page tree (comments live there)
    _drop_furniture(region, _hit_counts(region, article_text) if article_text else {})
    _drop_leading_title(region, title)
    _fix_lazy_images(region)
    for tag in region.find_all(True):
        for name in [a for a in tag.attrs if a.lower().startswith("on")]:
            del tag[name]  # event handlers are script, and script is never part of a body
        if base and tag.name in URL_ATTRIBUTES and tag.get(URL_ATTRIBUTES[tag.name]):
            tag[URL_ATTRIBUTES[tag.name]] = urljoin(base, tag[URL_ATTRIBUTES[tag.name]])
    inner = "".join(str(child) for child in region.contents) if region.name in ("body", "[document]") \
        else str(region)
    return inner.strip()


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def _hit_counts(root: Tag, article_text: str) -> dict[int, tuple[int, int]]:
    """id(element) -> (words under it, of which words of the article text), summed bottom-up."""
    wanted = set(_words(article_text))
    counts: dict[int, list[int]] = {}
    for node in root.find_all(string=True):
        if isinstance(node, HtmlComment):
            continue
        words = _words(node)
        if not words:
            continue
        hit = sum(1 for w in words if w in wanted)
        for parent in node.parents:
            entry = counts.setdefault(id(parent), [0, 0])
            entry[0] += len(words)
            entry[1] += hit
            if parent is root:
                break
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _best_region(root: Tag, hits: dict[int, tuple[int, int]], article_text: str) -> Tag | None:
    """The element whose words best match trafilatura's text (F1 over word counts)."""
    target = len(_words(article_text))
    if target < 20:  # too little text to trust as a guide
        return None
    best, best_score = None, 0.0
    for tag in [root, *root.find_all(True)]:
        total, hit = hits.get(id(tag), (0, 0))
        if hit < target * 0.3:
            continue
        score = 2 * min(hit, target) / (total + target)
        if score > best_score + 1e-9:
            best, best_score = tag, score
    return best


def _container_region(soup: BeautifulSoup) -> Tag | None:
    for selector in _CONTENT_SELECTORS:
        found = soup.select(selector)
        if found:
            return max(found, key=lambda t: len(t.get_text(" ", strip=True)))
    return None


def _is_furniture(tag: Tag) -> bool:
    if tag.name in FURNITURE_TAGS:
        return True
    if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
    return bool(names.strip()) and bool(FURNITURE_RE.search(names))


def _drop_furniture(region: Tag, hits: dict[int, tuple[int, int]]) -> None:
    """Remove furniture inside the region, sparing blocks that carry the article's own words."""
    for tag in list(region.find_all(True)):
        if tag.decomposed or not _is_furniture(tag):
            continue
        total, hit = hits.get(id(tag), (0, 0))
        # trafilatura saw most of these words as article text: keep (e.g. a figure caption in a footer)
        if total >= 30 and hit / total > 0.9 and tag.name not in FURNITURE_TAGS[1:]:
            continue
        tag.decompose()


def _drop_leading_title(region: Tag, title: str) -> None:
    """The title is stored apart, so a heading that repeats it at the top of the body goes."""
    if not title:
        return
    heading = region.find(["h1", "h2"])
    if heading is not None and _norm(heading.get_text(" ")) == _norm(title):
        heading.decompose()


def _fix_lazy_images(region: Tag) -> None:
    for img in region.find_all("img"):
        if not img.get("src") or img["src"].startswith("data:"):
            lazy = img.get("data-src") or img.get("data-lazy-src") or img.get("data-original")
            if lazy:
                img["src"] = lazy


# ---------------------------------------------------------------- comments

# "comment", "epoch-single-comment", "comment-item", "dsq-comment": one reader comment each
_COMMENT_ITEM_RE = re.compile(r"^([a-z0-9]+-)*(single-)?comment(-item)?$", re.I)
_COMMENT_AUTHOR_SELECTORS = ("[class*=comment-author] .fn", ".fn", "[class*=author-link]", "[itemprop=author]",
                             "[class*=comment-author]", ".author", "cite")
_COMMENT_TEXT_SELECTORS = ("[class*=comment-content]", ".comment-text", ".comment-body-text",
                           ".dsq-comment-message", "[itemprop=text]", ".comment-body")
_COMMENT_META_SELECTORS = (".comment-author", ".comment-meta", ".comment-metadata", ".commentmetadata",
                           ".reply", ".says", ".avatar", ".comment-reply-link", "footer", "header",
                           ".vcard", ".children", "[class*=comment-actions]", "form")


def extract_comments(soup: BeautifulSoup) -> list[Comment]:
    """Reader comments in document order, each reply pointing at its parent's index."""
    items = [t for t in soup.find_all(["li", "article", "div"]) if _is_comment_item(t)]
    # li.comment > article.comment-body: the inner item is the outer comment's own body.
    item_ids = {id(t) for t in items}
    items = [t for t in items if id(t.parent) not in item_ids]
    item_ids = {id(t) for t in items}
    comments: list[Comment] = []
    index_of: dict[int, int] = {}
    for item in items:
        parent_item = next((p for p in item.parents if id(p) in item_ids), None)
        comment = _comment_of(item)
        if comment is None:
            continue
        comment.parent = index_of.get(id(parent_item)) if parent_item is not None else None
        index_of[id(item)] = len(comments)
        comments.append(comment)
    return comments


def _is_comment_item(tag: Tag) -> bool:
    if any(_COMMENT_ITEM_RE.match(c) for c in (tag.get("class") or [])):
        return True
    return tag.name in ("li", "div") and bool(re.match(r"^(li-)?comment-\d+$", tag.get("id") or ""))


def _comment_of(item: Tag) -> Comment | None:
    own = copy.copy(item)
    for nested in [t for t in own.find_all(["li", "article", "div"]) if _is_comment_item(t)]:
        if not nested.decomposed and nested.parent is not own:
            nested.decompose()  # a reply: it is a comment of its own
    author = next((_text(t) for s in _COMMENT_AUTHOR_SELECTORS for t in own.select(s) if _text(t)), "")
    author = re.sub(r"\s+says:?$", "", author, flags=re.I)
    time_tag = own.find("time")
    published = (_iso_date(_attr(time_tag, "datetime")) or _iso_date(_text(time_tag))) if time_tag else None
    if not published:
        meta = own.select_one(".comment-meta, .comment-metadata, .commentmetadata")
        published = _iso_date(_text(meta)) if meta else None
    text_tag = next((t for s in _COMMENT_TEXT_SELECTORS for t in own.select(s)), own)
    text_tag = copy.copy(text_tag)
    for selector in _COMMENT_META_SELECTORS:
        for tag in text_tag.select(selector):
            if tag is not text_tag and not tag.decomposed:
                tag.decompose()
    for tag in text_tag.find_all(DROP_TAGS):
        tag.decompose()
    for tag in text_tag.find_all(True):
        if tag.decomposed:
            continue
        if (tag.get("href") or "").startswith("javascript:") or "report" in " ".join(tag.get("class") or []):
            tag.decompose()
            continue
        for name in [a for a in tag.attrs if a.lower().startswith("on")]:
            del tag[name]
    for tag in reversed(text_tag.find_all(True)):  # empty leftovers such as <p class="comment-util"></p>
        if not tag.decomposed and not _norm(tag.get_text()) and not tag.find(["img", "br", "hr"]) \
                and tag.name not in ("img", "br", "hr"):
            tag.decompose()
    html = "".join(str(c) for c in text_tag.contents).strip()
    if not _norm(BeautifulSoup(html, "lxml").get_text(" ")):
        return None
    return Comment(author=author, html=html, published=published)


# ---------------------------------------------------------------- metadata

def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """name/property -> content for every <meta>, first one winning, names lowercased."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv") or "")
        content = tag.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _json_ld(soup: BeautifulSoup) -> dict[str, str]:
    """The article fields of the page's JSON-LD (schema.org Article/BlogPosting), flattened."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        for node in _ld_nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ("Article" in k or "Posting" in k) for k in kinds):
                return {
                    "headline": _ld_text(node.get("headline") or node.get("name")),
                    "author": _ld_text(node.get("author")),
                    "published": _ld_text(node.get("datePublished")),
                    "image": _ld_text(node.get("image")),
                    "description": _ld_text(node.get("description")),
                    "keywords": node.get("keywords") or "",
                    "site": _ld_text(node.get("publisher")),
                }
    return {}


def _ld_nodes(data: object) -> Iterable[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_nodes(data.get("@graph", []))


def _ld_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_text(v) for v in value)))
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("url") or "")
    return str(value).strip() if value else ""


def _author(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, str], guessed: str | None) -> str:
    for value in (meta.get("author"), meta.get("article:author"), ld.get("author"), meta.get("dc.creator")):
        if value and not value.startswith("http"):
            return value
    for selector in ("a[rel=author]", "[itemprop=author] [itemprop=name]", ".byline .author", ".author .fn"):
        tag = soup.select_one(selector)
        if tag is not None and _text(tag):
            return re.sub(r"^by\s+", "", _text(tag), flags=re.I)
    # trafilatura's guess, then a social handle: better than nothing
    return guessed or meta.get("twitter:creator") or ""


def _published(soup: BeautifulSoup, meta: dict[str, str], ld: dict[str, str]) -> str | None:
    for key in ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
                "dc.date.issued", "pubdate", "publish_date", "sailthru.date", "parsely-pub-date"):
        if meta.get(key):
            return _iso_date(meta[key])
    if ld.get("published"):
        return _iso_date(ld["published"])
    time_tag = soup.select_one("article time[datetime], time[pubdate], time[itemprop=datePublished]")
    return _iso_date(_attr(time_tag, "datetime")) if time_tag else None


def _iso_date(value: str | None) -> str | None:
    """Any common date spelling -> ISO 8601 (date only when no time was given), else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.date().isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else parsed.isoformat()
    except ValueError:
        pass
    try:
        from dateutil import parser as dateparser  # a dependency of trafilatura's htmldate

        parsed = dateparser.parse(value, fuzzy=True)
    except (ValueError, OverflowError, ImportError):
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _tags(meta: dict[str, str], ld: dict[str, str], soup: BeautifulSoup) -> list[str]:
    tags = [t.get("content", "").strip() for t in soup.find_all("meta", property="article:tag")]
    if not any(tags):
        raw = meta.get("keywords") or meta.get("news_keywords") or ld.get("keywords") or ""
        tags = list(raw) if isinstance(raw, list) else raw.split(",")
    seen: list[str] = []
    for tag in (t.strip() for t in tags):
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _base_url(soup: BeautifulSoup, url: str | None) -> str | None:
    """The absolute URL relative links resolve against: <base href> over the page URL."""
    href = _attr(soup.find("base", href=True), "href")
    if href:
        href = urljoin(url, href) if url else href
        if urlparse(href).scheme:
            return href
    return url if url and urlparse(url).scheme else None


def clean_title(raw: str, site_names: Iterable[str] = (), headings: Iterable[str] = (),
                author: str | None = None) -> str:
    """A page title without the site name: "Post | site.com", "Post - Blog", "Site: Post" -> "Post"."""
    title = _norm(raw)
    if not title:
        return ""
    heads = [_norm(h) for h in headings if _norm(h)]
    if title in heads:
        return title
    parts = TITLE_SEPARATOR_RE.split(title)
    # A heading on the page that is one leading run of the title's parts is the post's own title.
    for end in range(len(parts) - 1, 0, -1):
        candidate = _join_prefix(title, parts, end)
        if candidate in heads:
            return candidate
    # Drop known suffixes (site name, then author) as often as they appear at the end.
    drops = {_norm(s).lower() for s in site_names if s} | ({_norm(author).lower()} if author else set())
    while len(parts) > 1 and parts[-1].lower() in drops:
        parts.pop()
        title = _join_prefix(title, parts, len(parts))
    for name in sorted(drops, key=len, reverse=True):  # "Site: Post", "Site | Post"
        prefix = re.match(re.escape(name) + r"\s*(?::|\||-|–|—|·|»)\s+(?=\S)", title, re.I) if name else None
        if prefix:
            title = title[prefix.end():]
            parts = TITLE_SEPARATOR_RE.split(title)
            break
    bracket = re.fullmatch(r"(.+?)\s*\[([^\]]+)\]", title)
    if bracket and bracket.group(2).lower() in drops | {"blog"} or (bracket and "." in bracket.group(2)):
        return bracket.group(1)
    # An unknown short last part ("- Blog", "| example.com") after a title of some length goes too.
    if len(parts) > 1:
        head = _join_prefix(title, parts, len(parts) - 1)
        last = parts[-1]
        if len(last.split()) <= 3 and len(head.split()) >= 3 and len(head) > len(last):
            return head
    return title


def _join_prefix(title: str, parts: list[str], count: int) -> str:
    """The original text of the first `count` parts, separators as written."""
    pieces = TITLE_SEPARATOR_RE.split(title)
    seps = TITLE_SEPARATOR_RE.findall(title)
    out = pieces[0]
    for i in range(1, count):
        out += seps[i - 1] + pieces[i]
    return out.strip()


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _text(tag: Tag | NavigableString | None) -> str:
    return _norm(tag.get_text(" ")) if tag is not None else ""


def _attr(tag: Tag | None, name: str) -> str:
    value = tag.get(name) if tag is not None else None
    return value.strip() if isinstance(value, str) else ""


def word_counts(html: str) -> Counter:
    """Lowercased word multiset of an HTML fragment's text (used to measure extraction)."""
    return Counter(_words(BeautifulSoup(html, "lxml").get_text(" ")))
