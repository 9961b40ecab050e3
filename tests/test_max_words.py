"""[sources] max_words: a page or post with more words of text than the limit is refused, by name,
before a page is parsed; the rest of the batch goes on (benchmarks/big_page.py measures the cost
of a post at the limit)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from http_server import Route
from polypost.cli import cli
from polypost.config import SECTIONS, Config
from polypost.records import SourcePost, SourceProblem
from polypost.sources import files, web
from polypost.sources.http import Fetcher
from polypost.sources.words import DEFAULT_MAX_WORDS, count_words, words_problem

SENTENCE = "Our community manager measures the reach of the campaign every week. "  # 11 words


def page(sentences: int) -> str:
    return (f"<!doctype html><html lang=en><head><title>Long</title></head><body><article><h1>Long</h1>"
            f"<p>{SENTENCE * sentences}</p></article></body></html>")


def test_words_are_runs_of_letters_in_text_outside_scripts_styles_and_svg():
    html = ("<p>Caf&eacute; opening hours: 9&ndash;17, table 2.5 <b>every</b>day</p><script>var a = b c d;</script>"
            "<style>p { color: red }</style><svg><text>icon words</text></svg><!-- a b c --><td>10 20 30</td>")
    assert count_words(html, 1000) == 6  # Café, opening, hours, table, every, day
    assert count_words("<p>" + "word " * 500 + "</p>", 100) > 100
    # An alt text or a title is translated as a segment of its own: its words count too.
    assert count_words('<p title="Reach and engagement"><img alt="A chart of our reach" src="c.png"></p>', 100) == 8
    assert count_words("".join(f'<img alt="{SENTENCE}">' for _ in range(20)), 100) > 100
    assert words_problem("<p>" + "word " * 50 + "</p>", 100) is None
    message = words_problem("<p>" + "word " * 200 + "</p>", 100)
    assert message == ("more than 100 words of text in one post, over the limit of [sources] max_words "
                       "(raise it to read this post)")


def test_the_setting_is_real_and_checked():
    assert SECTIONS["sources"]["max_words"] == "max_words" and Config().max_words == DEFAULT_MAX_WORDS == 400_000


def test_a_page_past_the_limit_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    path = tmp_path / "long.html"
    path.write_text(page(40), encoding="utf-8")  # 440 words

    def no_parse(*args, **kwargs):
        raise AssertionError("the page was parsed")

    monkeypatch.setattr(files, "extract_page", no_parse)
    refused = files.read_file_post(str(path), max_words=400)
    assert isinstance(refused, SourceProblem) and not refused.skipped
    assert refused.origin == str(path) and "more than 400 words" in refused.error
    monkeypatch.undo()
    read = files.read_file_post(str(path), max_words=500)
    assert isinstance(read, SourcePost) and read.html.count("campaign") == 40


def run_cli(tmp_path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "--config", str(tmp_path / "polypost.toml"),
                                      *args, "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_every_kind_of_post_past_the_limit_is_a_failure_named_and_the_batch_goes_on(tmp_path):
    (tmp_path / "polypost.toml").write_text("[sources]\nmax_words = 300\n", encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "long.html").write_text(page(30), encoding="utf-8")
    (posts / "long-fragment.html").write_text(f"<h1>Fragment</h1><p>{SENTENCE * 30}</p>", encoding="utf-8")
    (posts / "long.md").write_text(f"---\ntitle: Long notes\n---\n\n{SENTENCE * 30}\n", encoding="utf-8")
    (posts / "short.md").write_text(f"---\ntitle: Short notes\n---\n\n{SENTENCE * 3}\n", encoding="utf-8")
    code, report = run_cli(tmp_path, "ingest", str(posts))
    assert code == 1 and report["ingested"] == 1
    failed = {row["post"]: row["error"] for row in report["failed"]}
    assert set(failed) == {str(posts / name) for name in ("long.html", "long-fragment.html", "long.md")}
    assert all("more than 300 words" in error and "[sources] max_words" in error for error in failed.values())

    feed = tmp_path / "feed.xml"  # a feed entry is a post read whole, counted before it is stored
    items = "".join(f"<item><title>Entry {n}</title><link>https://blog.example/{n}</link>"
                    f"<description>{SENTENCE * (40 if n == 1 else 2)}</description></item>" for n in range(3))
    feed.write_text(f"<rss version='2.0'><channel><title>Blog</title>{items}</channel></rss>", encoding="utf-8")
    code, report = run_cli(tmp_path, "ingest", str(feed))
    assert code == 1 and report["ingested"] == 2
    assert [row["post"] for row in report["failed"]] == [f"{feed}#item-2"]
    assert "[sources] max_words" in report["failed"][0]["error"]

    (tmp_path / "polypost.toml").write_text("[sources]\nmax_words = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "--config", str(tmp_path / "polypost.toml"),
                                      "ingest", str(posts)])
    assert result.exit_code == 2 and "max_words" in result.output and "at least 1" in result.output


def test_a_fetched_page_past_the_limit_is_refused_by_its_url(server):
    server.routes["/long"] = Route(body=page(30))
    server.routes["/short"] = Route(body=page(3))
    fetcher = Fetcher(delay=0.0, timeout=2.0, retries=0)
    refused, read = web.iter_url_posts([server.url("/long"), server.url("/short")], fetcher, max_words=300)
    assert isinstance(refused, SourceProblem) and refused.origin == server.url("/long")
    assert refused.error == f"{server.url('/long')}: " + words_problem(page(30), 300)
    assert isinstance(read, SourcePost) and read.html.count("campaign") == 3
