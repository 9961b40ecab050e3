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
import re
from collections import Counter
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment as HtmlComment, Tag

from polypost.sources.page.comments import DROP_TAGS, extract_comments
from polypost.records import SourcePost
from polypost.segment.inert import set_aside
from polypost.sources.page.metadata import (
    base_url,
    clean_title,
    iso_date,
    json_ld,
    meta_tags,
    norm,
    page_author,
    page_published,
    page_tags,
    select_by_priority,
    tag_attr,
    tag_text,
)

__all__ = ["ExtractError", "decode_html", "extract_page", "is_full_page", "clean_title"]


class ExtractError(ValueError):
    """A page that cannot be read at all (its bytes do not decode)."""


# Elements that are never part of a post body, wherever they are.
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


# Past this many characters a page is first stripped of what can never be part of a post, in
# one pass of C regex: every later pass (bs4's tree, trafilatura, matching) is Python per node,
# and on big pages most bytes are script state, styles, inline SVG and comments.
BIG_PAGE = 1_000_000
# Past this many characters (after that stripping) trafilatura is not asked: it builds trees of
# its own that double the memory and take most of the time, so the article is chosen by its
# container (article, main, ...) as when trafilatura finds nothing.
TRAFILATURA_LIMIT = 4_000_000
# Raw-text elements end at the first closing tag (HTML spec), so a lazy match is exact; JSON-LD
# scripts stay, for metadata. An SVG nested in another is rare, and either way nothing of it is text.
_RAW_TEXT_RE = re.compile(r"<(script|style|noscript|template|svg)\b(?![^>]*ld\+json)[^>]*>.*?</\1\s*>|<!--.*?-->",
                          re.I | re.S)


def _without_raw_text(html: str) -> str:
    return _RAW_TEXT_RE.sub("", html)


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
    aside = None
    if len(html) > BIG_PAGE:
        aside = set_aside(_without_raw_text(html))
        html = aside.html
    soup = BeautifulSoup(html, "lxml")
    for node in soup.find_all(string=lambda s: isinstance(s, HtmlComment)):
        node.extract()
    meta = meta_tags(soup)
    ld = json_ld(soup)
    base = base_url(soup, url)

    site_names = [n for n in (meta.get("og:site_name"), meta.get("application-name"), ld.get("site")) if n]
    traf = _trafilatura(html, url) if len(html) <= TRAFILATURA_LIMIT else {}
    author = page_author(soup, meta, ld, traf.get("author"))
    raw_title = (meta.get("og:title") or meta.get("twitter:title") or ld.get("headline")
                 or tag_text(soup.title) or tag_text(soup.find("h1")) or "")
    h1s = [tag_text(h) for h in soup.find_all("h1")]
    title = clean_title(raw_title, site_names=site_names, headings=h1s, author=author)

    canonical = tag_attr(soup.find("link", rel="canonical"), "href") or meta.get("og:url")
    published = page_published(soup, meta, ld) or iso_date(traf.get("date"))
    html_tag = soup.find("html")
    lang_hint = (tag_attr(html_tag, "lang") or meta.get("content-language") or "").strip() or None
    tags = page_tags(meta, ld, soup)
    comments = extract_comments(soup)
    body = _body(soup, traf.get("text") or "", title, base)  # last: it prunes the tree
    if aside is not None:
        body = aside.put_back(body)
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
        tags=tags,
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
    # Cleaned in place, not on a copy (a deep copy costs as much as the parse on a big page):
    # the comments and metadata were read from the tree before.
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
    for matching in select_by_priority(soup, _CONTENT_SELECTORS):
        if matching:
            return max(matching, key=lambda t: len(t.get_text(" ", strip=True)))
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
    if heading is not None and norm(heading.get_text(" ")) == norm(title):
        heading.decompose()


def _fix_lazy_images(region: Tag) -> None:
    for img in region.find_all("img"):
        if not img.get("src") or img["src"].startswith("data:"):
            lazy = img.get("data-src") or img.get("data-lazy-src") or img.get("data-original")
            if lazy:
                img["src"] = lazy


# ---------------------------------------------------------------- comments

# "comment", "epoch-single-comment", "comment-item", "dsq-comment": one reader comment each
def word_counts(html: str) -> Counter:
    """Lowercased word multiset of an HTML fragment's text (used to measure extraction)."""
    return Counter(_words(BeautifulSoup(html, "lxml").get_text(" ")))
