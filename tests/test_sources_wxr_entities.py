"""WXR text with entities: HTML named entities read as characters, others kept and reported,
an entity bomb refused without losing the file's posts."""

from __future__ import annotations

import time

from polypost.records import SourcePost, SourceProblem
from polypost.sources.wxr import read_wxr

ITEMS = """<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>S</title>
<item><title>Caf&eacute; opening hours</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<content:encoded>The caf&eacute; opens at 8 &amp; closes at 5 &mdash; &nosuch; too.</content:encoded></item>
<item><title>Second &ndash; plain</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<content:encoded><![CDATA[<p>Plain &amp; simple</p>]]></content:encoded></item>
</channel></rss>"""

LAUGHS = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10 if i else "lol"}">' for i in range(10))


def read(tmp_path, text: str) -> list:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text, encoding="utf-8")
    return list(read_wxr(str(path)))


def test_html_named_entities_are_kept_as_text(tmp_path):
    items = read(tmp_path, ITEMS)
    posts = [i for i in items if isinstance(i, SourcePost)]
    assert [p.title for p in posts] == ["Café opening hours", "Second – plain"]
    assert "The café opens at 8 & closes at 5 — &nosuch; too." in posts[0].html
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert len(problems) == 1  # the file is well-formed: no "not well-formed" report
    assert problems[0].origin.endswith("#item-1") and "&nosuch;" in problems[0].error


def test_an_entity_bomb_is_refused_and_the_posts_are_still_read(tmp_path):
    bomb = f"<!DOCTYPE rss [{LAUGHS}]>\n" + ITEMS.replace("&nosuch;", "&l9;")
    started = time.monotonic()
    items = read(tmp_path, bomb)
    assert time.monotonic() - started < 2.0
    posts = [i for i in items if isinstance(i, SourcePost)]
    assert [p.title for p in posts] == ["Café opening hours", "Second – plain"]
    assert "lol" not in posts[0].html and "&l9;" in posts[0].html
    file_problems = [i for i in items if isinstance(i, SourceProblem) and "#" not in i.origin]
    assert len(file_problems) == 1 and "declares 10 entities" in file_problems[0].error
