"""A reply nested right inside another comment's element (Disqus-like and some WordPress themes)
is a reply of its own, in its own language; an item that is only the outer comment's body is not."""

from __future__ import annotations

from bs4 import BeautifulSoup

from polypost.languages.detect import detect_language
from polypost.sources.page.comments import extract_comments

NESTED = """<html><body><article><p>Post.</p></article>
<section id="comments">
 <div class="comment" id="comment-7">
   <div class="comment-author"><span class="fn">Ana Reader</span></div>
   <div class="comment-content"><p>Great post! Could you write about hashtags on LinkedIn next time?</p></div>
   <div class="comment reply" id="comment-8">
     <div class="comment-author"><span class="fn">Clara Benton</span></div>
     <div class="comment-content"><p>¡Gracias, Ana! Sí, la próxima entrada será sobre los hashtags en LinkedIn y cómo medirlos.</p></div>
   </div>
 </div>
 <div class="comment" id="comment-9">
   <div class="comment-author"><span class="fn">Ben</span></div>
   <div class="comment-content"><p>Thanks for the checklist, it helps a lot.</p></div>
 </div>
</section></body></html>"""

WRAPPED = """<html><body><ol class="comment-list">
 <li class="comment" id="li-comment-5"><article class="comment" id="comment-5">
   <footer><b class="fn">Ana</b></footer><div class="comment-content"><p>First!</p></div></article>
   <ol class="children"><li class="comment" id="li-comment-6"><article class="comment" id="comment-6">
     <footer><b class="fn">Clara</b></footer><div class="comment-content"><p>Welcome.</p></div></article></li></ol>
 </li></ol></body></html>"""


def test_a_reply_nested_in_a_comments_element_is_kept_as_a_reply_in_its_language():
    comments = extract_comments(BeautifulSoup(NESTED, "lxml"))
    assert [(c.author, c.parent) for c in comments] == [("Ana Reader", None), ("Clara Benton", 0), ("Ben", None)]
    assert "Gracias" not in comments[0].html and "hashtags on LinkedIn" in comments[0].html
    assert "¡Gracias, Ana!" in comments[1].html
    langs = [detect_language(BeautifulSoup(c.html, "lxml").get_text(" "), ("en", "es"))[0] for c in comments]
    assert langs == ["en", "es", "en"]


def test_an_item_that_is_only_its_comments_body_is_not_a_reply():
    comments = extract_comments(BeautifulSoup(WRAPPED, "lxml"))
    assert [(c.author, c.parent) for c in comments] == [("Ana", None), ("Clara", 0)]
    assert "First!" in comments[0].html and "Welcome" not in comments[0].html
