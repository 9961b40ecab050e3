"""Bounded-time fuzzing of the readers of untrusted input: whatever the bytes, a WXR file, a feed
or a Markdown file's front matter gives posts and clear per-item problems, never a traceback."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from polypost.records import SourcePost, SourceProblem
from polypost.sources.feed import parse_feed
from polypost.sources.files import read_file_post
from polypost.sources.wxr import read_wxr

# 150 inputs per reader keeps the suite's time bounded (about 5 s); POLYPOST_FUZZ_EXAMPLES runs more
FUZZ = settings(max_examples=int(os.environ.get("POLYPOST_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# pieces real files are made of, so that the fuzzer reaches past the first parse error
WXR_PIECES = ['<?xml version="1.0"?>', '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:wp="http://wordpress.org/export/1.2/">', "<channel>", "</channel>", "</rss>", "<item>",
              "</item>", "<title>", "</title>", "<wp:post_type>post</wp:post_type>",
              "<wp:status>publish</wp:status>", "<content:encoded>", "</content:encoded>", "<![CDATA[", "]]>",
              "&eacute;", "&amp;", "&nosuch;", "&#0;", "&#x1F600;", '<!DOCTYPE rss [<!ENTITY a "x&a;">]>',
              "<!ENTITY b 'y'>", "[gallery]", "[caption]x[/caption]", "<p>", "</p>", "\n\n", "<wp:comment>",
              "<wp:comment_approved>1</wp:comment_approved>", "</wp:comment>", "<script>", "\x00", "é", "<"]
FEED_PIECES = ['<?xml version="1.0"?>', '<rss version="2.0">', "<channel>", "</channel>", "</rss>", "<item>",
               "</item>", "<title>", "</title>", "<link>", "</link>", "http://127.0.0.1/x", "<description>",
               "</description>", "<feed xmlns='http://www.w3.org/2005/Atom'>", "</feed>", "<entry>", "</entry>",
               "<content type='html'>", "</content>", "&lt;p&gt;", "&eacute;", "<![CDATA[", "]]>",
               "<pubDate>", "</pubDate>", "Mon, 99 Foo 2020", "<category>", "</category>", "é", "<", "&"]
YAML_PIECES = ["---\n", "title: ", "tags: ", "[", "]", "{", "}", "&a ", "*a", "*b", ", ", "\n", "- ", "  ",
               "date: ", "2020-13-45", "!!python/object:os.system", "!!binary", "'", '"', ":", "draft: true",
               "~", "null", "+++\n", 'title = "x"\n', "é"]


def _text(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=8)), max_size=40).map("".join)


def _only_records(items) -> None:
    for item in items:
        assert isinstance(item, (SourcePost, SourceProblem)), item
        if isinstance(item, SourceProblem):
            assert item.error and "Traceback" not in item.error


@FUZZ
@given(_text(WXR_PIECES))
def test_wxr_reader_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _only_records(read_wxr(str(path)))


@FUZZ
@given(_text(FEED_PIECES))
def test_feed_reader_never_crashes(text):
    _only_records(parse_feed(text.encode("utf-8", "surrogatepass"), "fuzz.xml"))


@FUZZ
@given(_text(YAML_PIECES))
def test_front_matter_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_bytes(("---\n" + text + "\n---\nBody text.\n").encode("utf-8", "surrogatepass"))
        _only_records([read_file_post(str(path))])


HTML_PIECES = ["<p>", "</p>", "<script>", "</script>", "<svg>", "</svg>", "<style>", "<!--", "-->", "<img alt='",
               "'>", '<a title="', '">', "&eacute;", "&", "<", ">", "word ", "Café ", "\x00", "<![CDATA[", "]]>",
               "<template>", "</template>", "<math>", "</math>"]


@FUZZ
@given(_text(HTML_PIECES), st.integers(min_value=1, max_value=50))
def test_the_word_count_never_crashes_and_never_goes_below_zero(text, limit):
    from polypost.sources.words import count_words, words_problem

    assert count_words(text, limit) >= 0
    problem = words_problem(text * 100, limit)
    assert problem is None or f"more than {limit:,} words" in problem
