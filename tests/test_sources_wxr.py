"""Kind `wxr`: WordPress exports from the importer's own test suite (counts read by hand)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.sources.kinds import guess_kind
from polypost.sources.stage import ingest
from polypost.records import SourcePost, SourceProblem
from polypost.segment.document import segment_html
from polypost.sources.wxr import autop, read_wxr, wordpress_body
from polypost.store import Store

MALFORMED = ("crazy-cdata.xml", "malformed-simple.xml", "malformed.xml", "namespace-edge-cases.xml")


def read(path) -> tuple[list[SourcePost], list[SourceProblem]]:
    items = list(read_wxr(str(path)))
    return [i for i in items if isinstance(i, SourcePost)], [i for i in items if isinstance(i, SourceProblem)]


# Read off the files: <item>s with post_type post or page and status publish, in file order.
HAND_COUNTED = {
    "valid-wxr-1.0.xml": ["Hello world!", "About", "Alpha post", "Child post", "Child page", "Parent page"],
    "valid-wxr-1.1.xml": ["Hello world!", "About"],
    "small-export.xml": ["Hello world!", "Sample Page", "Child Page", "Parent Page", "1-col page", "Foo-child",
                         "Top-level Foo", "Non-standard post format", "Many Categories"],  # not Draft Page, Private Post
    "e2e-wxr-comprehensive.xml": ["Comprehensive Post", "Comprehensive Page"],
    "post-content-blank-lines.xml": ["Hello world!"],
    "wxr-flat-attachment-same-site.xml": ["Post with Attachment"],  # the attachment is not a post
    "missing-version-tag.xml": [],  # terms and authors only
    "term-formats.xml": [],
}


@pytest.mark.parametrize("name", sorted(HAND_COUNTED))
def test_well_formed_exports_give_their_published_posts(corpus, name):
    posts, problems = read(corpus / "wxr" / name)
    assert [p.title for p in posts] == HAND_COUNTED[name]
    assert all(p.skipped for p in problems)
    assert all(p.source == "wxr" and p.origin.startswith(str(corpus / "wxr" / name) + "#item-") for p in posts)


def test_status_chooses_drafts_and_private(corpus):
    items = list(read_wxr(str(corpus / "wxr" / "small-export.xml"), status=("draft", "private")))
    assert [i.title for i in items if isinstance(i, SourcePost)] == ["Draft Page", "Private Post"]
    skipped = [i for i in items if isinstance(i, SourceProblem)]
    assert len(skipped) == 9 and all(s.skipped and "is publish" in s.error for s in skipped)


def test_theme_unit_test_data(corpus):
    posts, problems = read(corpus / "wxr" / "theme-unit-test-data.xml")
    # 58 posts + 21 pages (https:// WXR namespace); 3 of them are draft, future or private
    assert len(posts) + len(problems) == 79 and len(posts) == 76 and all(p.skipped for p in problems)
    page = next(p for p in posts if p.title == "Page with comments")
    authors = [c.author for c in page.comments]
    assert authors == ["Anon", "tellyworthtest2", "themedemos"]  # the unapproved reply is left out
    threaded = next(p for p in posts if any(c.author == "Jane Bloggs" for c in p.comments))
    jane = next(c for c in threaded.comments if c.author == "Jane Bloggs")
    assert jane.parent is not None and threaded.comments[jane.parent].parent is None
    fred = [c for c in threaded.comments if c.author == "Fred Bloggs"]
    assert fred[0].parent == threaded.comments.index(jane)  # 906 replies to 905
    gallery = next(p for p in posts if p.title == "Post Format: Gallery")
    assert '<span class="notranslate" translate="no">[gallery]</span>' in gallery.html


def test_fields_of_a_gutenberg_post(corpus):
    posts, _ = read(corpus / "wxr" / "e2e-wxr-comprehensive.xml")
    post = posts[0]
    assert post.url == "https://playground.internal/site/?p=1000" and post.slug == "comprehensive-post"
    assert post.author == "Alice" and posts[1].author == "Bob"
    assert post.published == "2024-06-05T16:04:48+00:00"
    assert post.tags == ["T1", "T2", "News", "Updates"]
    assert post.description == "An excerpt for comprehensive post"
    assert [(c.author, c.html, c.parent) for c in post.comments] == [("Commenter", "<p>Great post!</p>", None)]
    assert post.html.startswith("<!-- wp:paragraph -->\n<p>This is a comprehensive post body")
    assert post.html.count("<!-- /wp:paragraph -->") == 2  # block comments kept as written


def test_classic_content_gets_paragraphs(corpus):
    posts, _ = read(corpus / "wxr" / "post-content-blank-lines.xml")
    # WordPress's own output (tests/test_wpautop.py compares with it): the line's tabs are kept.
    assert posts[0].html == ("<p>This is an example of a WordPress post.<br />\n\t\tIt has lines with text (and one "
                             "blank line).</p>\n<p>And more lines with text.</p>")


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_exports_give_a_clear_error_and_what_could_be_read(corpus, name):
    path = corpus / "wxr" / name
    posts, problems = read(path)
    errors = [p for p in problems if not p.skipped]
    assert len(errors) == 1 and errors[0].origin == str(path)
    assert errors[0].error.startswith("not well-formed XML (line ")
    expected = {"crazy-cdata.xml": ["Hello world!"], "malformed-simple.xml": ["Broken"], "malformed.xml": [],
                "namespace-edge-cases.xml": ["Mixed Namespaces", "No Prefix", "Empty Namespace", "Unicode Namespace",
                                             "Namespace Bomb"]}[name]
    assert [p.title for p in posts] == expected


def test_entities_are_never_expanded(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text("""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><item><title>Bomb &c; &ext;</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<content:encoded>x</content:encoded></item></channel></rss>""")
    posts, _ = read(bomb)
    assert len(posts) <= 1
    assert all("aaaaaaaaaa" not in p.title and "root:" not in p.title for p in posts)


def test_shortcodes_are_kept_byte_for_byte_and_never_segmented():
    raw = ('Look at these.\n\n[gallery ids="1,2,3" columns="2"]\n\n'
           '[caption id="attachment_9" align="alignleft" width="300"]<img src="/a.jpg" alt="A dog"> A happy dog'
           '[/caption]\n\nWe wrote [sic] on purpose.')
    html = wordpress_body(raw, "https://blog.example/2020/post/")
    for token in ('[gallery ids="1,2,3" columns="2"]', '[caption id="attachment_9" align="alignleft" width="300"]',
                  "[/caption]"):
        assert f'<span class="notranslate" translate="no">{token}</span>' in html
    assert "[sic]" in html and "notranslate\" translate=\"no\">[sic]" not in html  # a word, not a shortcode
    assert 'src="https://blog.example/a.jpg"' in html
    texts = [s.text for s in segment_html(html).segments]
    assert not any("gallery" in t or "caption" in t for t in texts)
    assert any("happy dog" in t for t in texts) and any("[sic]" in t for t in texts)


def test_autop_leaves_pre_and_blocks_alone():
    text = "Intro line\n\n<pre>a\n\n  b</pre>\n\n<ul>\n<li>x</li>\n</ul>\n\nEnd"
    assert autop(text) == "<p>Intro line</p>\n<pre>a\n\n  b</pre>\n<ul>\n<li>x</li>\n</ul>\n<p>End</p>"
    # A list straight after a line of text: its own block, no <br /> inside it, no <p> around it.
    assert autop("Verify that:\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>") == \
        "<p>Verify that:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert autop('[gallery ids="1,2"]\n\nText') == '[gallery ids="1,2"]\n<p>Text</p>'



def test_ingest_twice_changes_nothing(corpus, tmp_path):
    store = Store.open(tmp_path / "p.db")
    path = str(corpus / "wxr" / "small-export.xml")
    assert guess_kind(path) == "wxr"
    first = ingest(store, [path])
    assert (first.ingested, len(first.skipped), first.failed) == (9, 2, [])
    before = list(store.db.query("select * from posts order by id"))
    second = ingest(store, [path])
    assert (second.ingested, second.unchanged) == (0, 9)
    assert list(store.db.query("select * from posts order by id")) == before


def test_cli_ingests_a_wxr_file(corpus, tmp_path):
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(cli, ["--db", db, "ingest", str(corpus / "wxr" / "valid-wxr-1.1.xml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ingested"] == 2 and data["failed"] == []
    titles = sorted(p.title for p in Store.open(db).iter_posts())
    assert titles == ["About", "Hello world!"]


def test_cli_reports_a_malformed_wxr_as_failed(corpus, tmp_path):
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(cli, ["--db", db, "ingest", "--kind", "wxr", str(corpus / "wxr" / "malformed-simple.xml"),
                                      "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    read_failures = [f for f in data["failed"] if f["stage"] == "ingest"]
    assert read_failures[0]["post"] == str(corpus / "wxr" / "malformed-simple.xml")
    assert data["ingested"] == 1 and "not well-formed XML" in read_failures[0]["error"]
