"""Hostile input to the sources: untrusted markup, alias bombs, symlinks out of the tree, limits."""

from __future__ import annotations

import os
import time

from http_server import Route
from polypost.records import SourcePost, SourceProblem
from polypost.sources.files import iter_file_posts, read_file_post
from polypost.sources.http import Fetcher
from polypost.sources.sanitize import sanitize_html
from polypost.sources.web import iter_url_posts

HOSTILE = """<p onclick="steal()">Read <a href="javascript:alert(1)">this</a> and
<a href="https://example.org/ok">that</a>.</p><script>alert(1)</script>
<iframe src="https://www.youtube.com/embed/abc"></iframe><iframe src="https://evil.example/x"></iframe>
<object data="x.swf"></object><embed src="x.swf"><svg><script>1</script></svg>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<div style="position:fixed;top:0;left:0;width:100%;z-index:9999;color:red">overlay</div>
<img src="/a.png" onerror="steal()" alt="A"><figure><img src="/b.png" alt="B"><figcaption>Cap</figcaption></figure>
<table><tr><th>h</th><td>1</td></tr></table><pre><code class="language-py">x &lt; 1</code></pre>
<h2>Head</h2><ul><li><em>e</em> <strong>s</strong></li></ul><blockquote>q</blockquote>"""


def test_sanitiser_keeps_article_markup_and_drops_what_runs():
    out = sanitize_html(HOSTILE)
    for gone in ("javascript:", "<script", "onclick", "onerror", "<object", "<embed", "<svg", "<meta",
                 "position", "z-index", "evil.example"):
        assert gone not in out, gone
    for kept in ('href="https://example.org/ok"', '<iframe src="https://www.youtube.com/embed/abc"', "<figure>",
                 "<figcaption>Cap</figcaption>", "<table>", '<code class="language-py">x &lt; 1</code>', "<h2>",
                 "<em>e</em>", "<blockquote>", '<img src="/a.png" alt="A">', "color:red"):
        assert kept in out, kept


def test_embed_hosts_are_configurable():
    html = '<iframe src="https://player.example.tv/v/1"></iframe>'
    assert "<iframe" not in sanitize_html(html)
    assert "<iframe" in sanitize_html(html, embed_hosts=["example.tv"])


def test_a_scraped_page_is_sanitised(server):
    server.routes["/post"] = Route(body=f"<html><head><title>T</title></head><body><article><h1>T</h1>"
                                        f"<p>{'Words of the article. ' * 20}</p>{HOSTILE}</article></body></html>")
    [post] = list(iter_url_posts([server.url("/post")], Fetcher(delay=0, timeout=2)))
    assert isinstance(post, SourcePost)
    assert "javascript:" not in post.html and "<script" not in post.html and "onerror" not in post.html


def test_own_files_are_trusted_unless_asked(tmp_path):
    (tmp_path / "p.html").write_text("<h1>T</h1><p>x</p><script>own()</script>")
    [post] = list(iter_file_posts([tmp_path]))
    assert "<script>own()</script>" in post.html
    [post] = list(iter_file_posts([tmp_path], sanitize=True))
    assert "<script" not in post.html


BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
tags: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
Body.
"""


def test_a_yaml_alias_bomb_is_refused_quickly_with_the_file_named(tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(BOMB)
    started = time.monotonic()
    item = read_file_post(str(path))
    assert time.monotonic() - started < 2.0
    assert isinstance(item, SourceProblem)
    assert str(path) in item.error and "aliases" in item.error


def test_ordinary_aliases_still_work(tmp_path):
    path = tmp_path / "ok.md"
    path.write_text("---\ntitle: &t Hello\nseo_title: *t\ntags: [a, b]\n---\nBody.\n")
    post = read_file_post(str(path))
    assert isinstance(post, SourcePost) and post.title == "Hello" and post.tags == ["a", "b"]


def test_symlinks_out_of_the_source_folder_are_reported_and_skipped(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("<h1>Secret</h1><p>root:x:0:0</p>")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "real.html").write_text("<h1>Real</h1><p>text</p>")
    os.symlink(outside / "secret.html", posts / "about.html")
    os.symlink(outside, posts / "more")
    os.symlink(posts / "real.html", posts / "alias.html")  # inside the tree: fine
    items = list(iter_file_posts([posts]))
    titles = sorted(i.title for i in items if isinstance(i, SourcePost))
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert titles == ["Real", "Real"]
    assert sorted(os.path.basename(p.origin) for p in problems) == ["about.html", "more"]
    assert all("outside" in p.error and "follow_symlinks" in p.error for p in problems)
    followed = list(iter_file_posts([posts], follow_symlinks=True))
    assert sorted(i.title for i in followed if isinstance(i, SourcePost)) == ["Real", "Real", "Secret", "Secret"]


def test_the_size_limit_message_names_a_real_setting(tmp_path):
    path = tmp_path / "big.html"
    path.write_text("<h1>x</h1>" + "<p>x</p>" * 200)
    item = read_file_post(str(path), max_bytes=100)
    assert isinstance(item, SourceProblem) and "[sources] max_bytes" in item.error


def test_embed_hosts_setting_reaches_the_sanitiser(tmp_path):
    from click.testing import CliRunner

    from polypost.cli import cli
    from polypost.store import Store

    (tmp_path / "polypost.toml").write_text(
        '[sources]\nsanitize_own = true\nembed_hosts = ["example.tv"]\n', encoding="utf-8")
    (tmp_path / "post.html").write_text(
        "<h1>Embeds</h1><p>Our community manager shares two videos with the whole team every week.</p>"
        '<iframe src="https://player.example.tv/v/1"></iframe><iframe src="https://www.youtube.com/embed/x"></iframe>',
        encoding="utf-8")
    db = tmp_path / "p.db"
    args = ["--db", str(db), "--config", str(tmp_path / "polypost.toml"), "ingest", str(tmp_path / "post.html")]
    assert CliRunner().invoke(cli, args, catch_exceptions=False).exit_code == 0
    body = next(Store.open(db).iter_posts()).html
    assert 'src="https://player.example.tv/v/1"' in body and "youtube" not in body

    (tmp_path / "polypost.toml").write_text('[sources]\nembed_hosts = "example.tv"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2 and "sources.embed_hosts" in result.stderr


def test_default_embed_hosts_are_youtube_and_the_vimeo_player():
    assert "<iframe" in sanitize_html('<iframe src="https://player.vimeo.com/video/1"></iframe>')
    assert "<iframe" in sanitize_html('<iframe src="https://www.youtube-nocookie.com/embed/1"></iframe>')
    assert "<iframe" not in sanitize_html('<iframe src="https://vimeo.com.evil.example/x"></iframe>')
    assert "<iframe" not in sanitize_html('<iframe src="http://www.youtube.com/embed/1"></iframe>')
