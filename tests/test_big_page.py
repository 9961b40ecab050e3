"""A page near the size limit is read by the same rules as a small one, without the passes that
made it cost minutes (benchmarks/big_page.py measures it; no timings are asserted here)."""

from __future__ import annotations

from polypost.languages.detect import detect_post, opening_text
from polypost.records import SourcePost
from polypost.sources.page.extract import BIG_PAGE, extract_page

LD = '<script type="application/ld+json">{"@type": "BlogPosting", "author": {"name": "Dana Reyes"}}</script>'


def big_page() -> str:
    state = "<script>window.__STATE__ = " + "[1, 2, 3], " * (BIG_PAGE // 10) + "0;</script>"
    svg = '<svg viewBox="0 0 10 10"><path d="M0 0 L10 10"/><text>icon words</text></svg>'
    paragraphs = "".join(f"<p>Our community manager measures the reach of campaign {n} every week.</p>"
                         for n in range(200))
    return (f"<!doctype html><html lang=en><head><title>Big</title>{LD}<style>p {{ color: red }}</style></head>"
            f"<body><nav class=menu><a href=/>Home</a></nav>{state}<article><h1>Big</h1><!-- a note -->"
            f"{svg}{paragraphs}</article></body></html>")


def test_a_big_page_keeps_its_article_and_json_ld_and_drops_scripts_svg_and_comments():
    html = big_page()
    assert len(html) > BIG_PAGE
    post = extract_page(html, origin="big.html")
    assert post.author == "Dana Reyes"  # JSON-LD survives the early strip
    assert post.html.count("<p>") == 200 and "campaign 199" in post.html
    for gone in ("__STATE__", "<svg", "icon words", "a note", "color: red", "Home"):
        assert gone not in post.html


def test_language_is_judged_on_the_opening_without_reading_all_of_a_huge_body():
    body = "<p>" + "The newsletter grows our reach with clear goals every week. " * 20 + "</p>"
    huge = body + "<p>" + "x" * 5_000_000 + "</p>"
    assert opening_text(huge, 800) == opening_text(body, 800)
    assert len(opening_text(huge, 800)) == 800
    assert opening_text("<p>short</p>", 800) == "short"
    assert detect_post(SourcePost(origin="a.html", title="Reach", html=huge))[0] == "en"


def test_a_page_over_the_limit_is_refused_naming_the_setting(tmp_path):
    from click.testing import CliRunner

    from polypost.cli import cli
    from polypost.config import SECTIONS, Config

    assert SECTIONS["sources"]["max_bytes"] == "max_bytes" and Config().max_bytes == 20 * 1024 * 1024
    (tmp_path / "polypost.toml").write_text("[sources]\nmax_bytes = 1000\n", encoding="utf-8")
    (tmp_path / "big.html").write_text("<p>" + "Words of a long post. " * 100 + "</p>", encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<rss><channel>" + "<item><title>t</title></item>" * 100 + "</channel></rss>",
                                       encoding="utf-8")
    for source in ("big.html", "feed.xml"):
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "--config", str(tmp_path / "polypost.toml"),
                                          "ingest", str(tmp_path / source), "--json"], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "over the limit of 1,000" in result.stdout and "[sources] max_bytes" in result.stdout, source
