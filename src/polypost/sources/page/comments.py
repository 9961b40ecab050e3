"""Reader comments of a full web page, kept apart from the body: author, date, text with its
links, and reply nesting (each reply points at its parent's index)."""

from __future__ import annotations

import copy
import re

from bs4 import BeautifulSoup, Tag

from polypost.records import Comment
from polypost.sources.page.metadata import iso_date, norm, tag_attr, tag_text

# Elements that are never part of an article or a comment's text.
DROP_TAGS = ("script", "style", "noscript", "template", "nav", "form", "button", "input", "select",
             "textarea", "dialog", "link", "meta")

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
    # li.comment > article.comment: the inner item is the outer comment's own body; but
    # div.comment > div.comment beside the outer's own text is a reply (Disqus-like themes).
    item_ids = {id(t) for t in items}
    items = [t for t in items if not (id(t.parent) in item_ids and _is_body_of(t, t.parent))]
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


def _is_body_of(inner: Tag, outer: Tag) -> bool:
    """Whether a comment item right inside another is that comment's body rather than a reply:
    the outer holds no comment text of its own beside it (replies' lists aside)."""
    for child in outer.children:
        if child is inner or not isinstance(child, Tag) or child.name in DROP_TAGS:
            continue
        if _is_comment_item(child) or any(_is_comment_item(t) for t in child.find_all(["li", "article", "div"])):
            continue  # another reply, or a list of them
        if any(child.select_one(s) is not None or _matches(child, s)
               for s in _COMMENT_TEXT_SELECTORS):
            return False
    return True


def _matches(tag: Tag, selector: str) -> bool:
    """The tag itself matches (select_one looks only below it)."""
    parent = tag.parent
    return parent is not None and tag in parent.select(f":scope > {selector}")


def _comment_of(item: Tag) -> Comment | None:
    own = copy.copy(item)
    for nested in [t for t in own.find_all(["li", "article", "div"]) if _is_comment_item(t)]:
        if nested.decomposed:
            continue
        if nested.parent is not own or not _is_body_of(nested, own):
            nested.decompose()  # a reply: it is a comment of its own
    author = next((tag_text(t) for s in _COMMENT_AUTHOR_SELECTORS for t in own.select(s) if tag_text(t)), "")
    author = re.sub(r"\s+says:?$", "", author, flags=re.I)
    time_tag = own.find("time")
    published = (iso_date(tag_attr(time_tag, "datetime")) or iso_date(tag_text(time_tag))) if time_tag else None
    if not published:
        meta = own.select_one(".comment-meta, .comment-metadata, .commentmetadata")
        published = iso_date(tag_text(meta)) if meta else None
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
        if not tag.decomposed and not norm(tag.get_text()) and not tag.find(["img", "br", "hr"]) \
                and tag.name not in ("img", "br", "hr"):
            tag.decompose()
    html = "".join(str(c) for c in text_tag.contents).strip()
    if not norm(BeautifulSoup(html, "lxml").get_text(" ")):
        return None
    return Comment(author=author, html=html, published=published)
