"""The share kit: lengths counted as the networks count, whole words, UTM links, hashtags,
the `share` command in every format, `--new` across runs, and the links on the real pages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings, strategies as st
from click.testing import CliRunner
from lxml import html as lxml_html
from markdown_it import MarkdownIt

import polypost.cli.share_cmd  # noqa: F401  (registers `share` until cli/__init__ imports it)
from polypost.cli import cli
from polypost.share import (
    NETWORKS,
    X_LIMIT,
    compose,
    hashtag,
    hashtags,
    share_version,
    shorten,
    utf16_length,
    with_utm,
    x_length,
)
from polypost.store import Store

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)")

BASE = "https://blog.example.com/"
PAGE_ES = "https://blog.example.com/es/como-medir-el-alcance/"

# --- counting ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,weight", [
    ("hola", 4),
    ("Señor Ñandú: ¿qué tal? ¡Bien!", 29),  # accented Latin and Spanish punctuation weigh 1
    ("e\u0301", 1),  # NFD é: normalised to one code point first
    ("“cita” — guion", 14),  # curly quotes and em dash are in the light ranges
    ("…", 2),  # the ellipsis is not
    ("日本語", 6),
    ("👍", 2),
    ("👍🏽", 2),  # skin tone: one emoji
    ("👨\u200d👩\u200d👧", 2),  # ZWJ family: one emoji
    ("🏳️\u200d🌈", 2),
    ("🇪🇸", 2),  # a flag: two regional indicators, one emoji
    ("1️⃣", 2),  # keycap
    ("a\nb", 3),
    ("lee https://blog.example.com/es/un-post-con-un-slug-muy-largo/?utm_source=x&a=b hoy", 4 + 23 + 4),
    ("en www.elpais.es hoy", 3 + 23 + 4),  # a bare domain is a link too
    ("Node.js y bit.ly", 7 + 3 + 23),  # "bit.ly" is a link (ly is a known TLD), "Node.js" is not
    ("bit.ly/abc", 23),
    ("https://example.com.", 24),  # the final full stop is not part of the link
])
def test_x_counts_by_the_twitter_text_v3_weights(text, weight):
    assert x_length(text) == weight


def test_other_networks_count_utf16_code_units_after_nfc():
    assert utf16_length("diseño") == 6
    assert utf16_length("disen\u0303o") == 6
    assert utf16_length("👍") == 2 and utf16_length("👍🏽") == 4


# --- fitting: limits and whole words ------------------------------------------------------------------

LONG_TITLE_ES = "Cómo medir el alcance real de tus publicaciones en redes sociales sin perder la cabeza"
LONG_DESCRIPTION_ES = (
    "Una guía práctica para community managers: qué métricas importan, cómo leer el alcance orgánico "
    "frente al pagado, por qué las impresiones engañan, cómo montar un panel sencillo con enlaces UTM "
    "y qué decirle a tu cliente cuando el algoritmo cambia de la noche a la mañana. 🚀📈"
)


def words_of(text: str) -> list[str]:
    return text.removesuffix("…").split()


def assert_whole_words(kept: str, original: str) -> None:
    """`kept` is `original` or its first words (trailing punctuation may go) plus an ellipsis."""
    if kept == " ".join(original.split()):
        return
    assert kept.endswith("…"), kept
    kept_words, all_words = words_of(kept), original.split()
    assert kept_words[:-1] == all_words[: len(kept_words) - 1]
    assert all_words[len(kept_words) - 1].startswith(kept_words[-1]), (kept_words[-1], "cut mid-word")
    assert kept_words[-1].rstrip(",;:.") == kept_words[-1] or kept_words[-1] == all_words[len(kept_words) - 1]


def test_shorten_keeps_whole_words_and_marks_the_cut():
    text = "Primero, segundo: tercero cuarto"
    assert shorten(text, lambda t: len(t) <= 40) == text
    assert shorten(text, lambda t: len(t) <= 26) == "Primero, segundo: tercero…"
    assert shorten(text, lambda t: len(t) <= 20) == "Primero, segundo…"  # the colon before the cut goes
    assert shorten(text, lambda t: len(t) <= 12) == "Primero…"
    assert shorten(text, lambda t: len(t) <= 5) == ""  # no word fits: nothing, never "Prim…"
    assert shorten("uno dos tres cuatro", lambda t: len(t) <= 9, min_words=3) == ""


@pytest.mark.parametrize("limit", range(0, 90, 3))
def test_shorten_finds_the_longest_fit(limit):
    text = "Una guía práctica, para community managers: qué métricas importan — y por qué las impresiones engañan."
    words = text.split()
    fitting = [" ".join(words[:n]).rstrip(" ,;:.–—-") + "…" for n in range(1, len(words))]
    expected = text if len(text) <= limit else max((c for c in fitting if len(c) <= limit), key=len, default="")
    assert shorten(text, lambda t: len(t) <= limit) == expected


def test_every_network_text_fits_its_limit_counted_its_way():
    tags = hashtags(["social media", "métricas", "analytics", "community management"])
    for network in NETWORKS.values():
        post = compose(network, LONG_TITLE_ES, LONG_DESCRIPTION_ES, tags, PAGE_ES, "alcance")
        count = x_length if network.counting == "x-weighted" else utf16_length
        assert post.length == count(post.text) <= min(network.limit, network.target), network.name
        assert post.url in post.text or network.name == "x"
        assert post.text.startswith(("*" if network.name == "whatsapp" else "") + LONG_TITLE_ES)


def test_x_post_is_cut_at_a_word_with_an_ellipsis_and_fills_the_280():
    post = compose(NETWORKS["x"], LONG_TITLE_ES, LONG_DESCRIPTION_ES + " " + LONG_DESCRIPTION_ES,
                   ["#SocialMedia"], PAGE_ES, "alcance")
    title, description, rest = post.text.split("\n\n")
    assert title == LONG_TITLE_ES
    assert_whole_words(description, LONG_DESCRIPTION_ES + " " + LONG_DESCRIPTION_ES)
    assert description.endswith("…")
    assert rest.startswith("#SocialMedia https://blog.example.com/es/como-medir-el-alcance/?")
    assert X_LIMIT - 25 < x_length(post.text) <= X_LIMIT  # full, with the link counted as 23


def test_x_weights_not_code_points_decide_the_cut():
    # 14 CJK words: 139 code points but a weight of 265, so the post (title, text and a link
    # of 23) is over 280 by X's count though a code-point count (177) says it fits.
    title, description = "Título corto", " ".join(["日本語の説明文です"] * 14)
    assert len(title) + 2 + len(description) + 1 + 23 < X_LIMIT
    post = compose(NETWORKS["x"], title, description, [], PAGE_ES, "c")
    assert x_length(post.text) <= X_LIMIT
    kept = post.text.split("\n\n")[1].rsplit(" https://", 1)[0]
    # 12 words: 14 + (12 * 18 + 11 + 2) + 24 = 267; a 13th would make it 286.
    assert kept.endswith("…") and len(words_of(kept)) == 12
    assert_whole_words(kept, description)
    # The same length in accented Latin is not cut.
    latin = " ".join(["ñandúes"] * 15)
    assert "…" not in compose(NETWORKS["x"], "Título corto", latin, [], PAGE_ES, "c").text


def test_emoji_sequences_count_as_one_emoji_when_fitting():
    family = "👨\u200d👩\u200d👧\u200d👦"  # 7 code points, 11 UTF-16 units, one emoji on X
    description = " ".join([f"familia{family}"] * 40)
    post = compose(NETWORKS["x"], "Familias", description, [], PAGE_ES, "c")
    kept = post.text.split("\n\n")[1].rsplit(" https://", 1)[0]
    assert_whole_words(kept, description)
    assert x_length(post.text) <= X_LIMIT
    # 9 per word (7 letters + one emoji as 2) + 1 space: about 24 words fit, far more than
    # counting code points (16 per word) would allow.
    assert len(words_of(kept)) >= 20
    whatsapp = compose(NETWORKS["whatsapp"], "Familias", description, [], PAGE_ES, "c")
    assert utf16_length(whatsapp.text) <= NETWORKS["whatsapp"].target


def test_a_title_too_long_for_x_is_cut_at_a_word():
    title = "Palabra " * 60
    post = compose(NETWORKS["x"], title, "", [], PAGE_ES, "c")
    assert x_length(post.text) <= X_LIMIT
    assert_whole_words(post.text.split("\n\n")[0].rsplit(" https://", 1)[0], title)


def test_hashtags_are_dropped_before_the_limit_is_passed():
    title = "Palabra " * 31  # 247; with "\n\n#Uno" and " " + a link of 23: 277; with " #Dos" too: 282
    post = compose(NETWORKS["x"], title.strip(), "", ["#Uno", "#Dos"], PAGE_ES, "c")
    assert "#Uno" in post.text and "#Dos" not in post.text and x_length(post.text) <= X_LIMIT


# --- hashtags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tag,expected", [
    ("social media", "#SocialMedia"),
    ("devops", "#devops"),  # one word: as written
    ("DevOps", "#DevOps"),
    ("diseño gráfico", "#DiseñoGráfico"),  # accents kept
    ("disen\u0303o", "#diseño"),  # and normalised to NFC
    ("#SocialMedia", "#SocialMedia"),  # already a hashtag: kept
    ("iPhone tips", "#iPhoneTips"),
    ("women's day", "#WomensDay"),
    ("open-source", "#OpenSource"),
    ("inbound_marketing", "#inbound_marketing"),
    ("2025", None),  # X does not link a hashtag of digits only
    ("marketing 2025", "#Marketing2025"),
    ("!!!", None),
    ("", None),
])
def test_hashtag_normalisation(tag, expected):
    assert hashtag(tag) == expected


def test_hashtags_have_no_duplicates_and_keep_order():
    assert hashtags(["DevOps", "devops", "#devops", "social media", "Social Media", "2025", "café"]) == [
        "#DevOps", "#SocialMedia", "#café"]


# --- UTM -----------------------------------------------------------------------------------------------


def test_utm_on_a_plain_url():
    url = with_utm(PAGE_ES, "x", "alcance")
    assert url == PAGE_ES + "?utm_source=x&utm_medium=social&utm_campaign=alcance"


def test_utm_keeps_an_existing_query_and_the_fragment_last():
    url = with_utm("https://blog.example.com/es/post/?ref=home&q=a+b&utm_source=old#comentarios",
                   "linkedin", "primavera 2025 & más")
    parts = urlsplit(url)
    assert parts.fragment == "comentarios" and url.endswith("#comentarios")
    assert parts.query.startswith("ref=home&q=a+b&")  # the site's own parameters, byte for byte
    query = parse_qs(parts.query)
    assert query["utm_source"] == ["linkedin"]  # replaced, not doubled
    assert query["utm_medium"] == ["social"]
    assert query["utm_campaign"] == ["primavera 2025 & más"]
    assert query["q"] == ["a b"] and query["ref"] == ["home"]


def test_share_links_carry_the_page_url_with_utm():
    version = share_version("es", "Título", "Descripción breve del artículo.", PAGE_ES,
                            ["social media"], "alcance")
    for name, post in version.posts.items():
        shared = urlsplit(post.share_url)
        assert shared.scheme == "https"
        query = parse_qs(shared.query)
        page = query.get("url", query.get("u", [None]))[0]
        if name == "whatsapp":
            assert query["text"][0] == post.text and post.url in post.text
            assert post.share_url.startswith("https://wa.me/?text=")
        else:
            assert page == post.url
        assert parse_qs(urlsplit(post.url).query)["utm_source"] == [NETWORKS[name].utm_source]
    assert version.posts["x"].share_url.startswith("https://x.com/intent/tweet?")
    assert version.posts["linkedin"].share_url.startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert version.posts["facebook"].share_url.startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert version.posts["telegram"].share_url.startswith("https://t.me/share/url?url=")
    # X joins text and url with a space: the kit's text is exactly what the intent posts.
    x_query = parse_qs(urlsplit(version.posts["x"].share_url).query)
    assert x_query["text"][0] + " " + x_query["url"][0] == version.posts["x"].text


# --- the command, on a real store made by the real pipeline --------------------------------------------

POSTS = {
    "measure-reach.md": """---
title: How to measure reach on social media
date: 2024-04-01
description: The metrics that matter, and why impressions lie.
tags: [social media, analytics, Social Media, "#growth"]
image: https://blog.example.com/img/reach.png
---

Measuring the reach of a post is essential for any content strategy on social networks.
Reach tells you how many people really saw your message.
""",
    "newsletter.md": """---
title: Why your community manager needs a newsletter
date: 2024-03-05
description: A newsletter turns followers into leads.
tags: [newsletter, community]
---

Every community manager knows that social media reach is rented. A newsletter is owned.
""",
}
NEW_POST = """---
title: Writing better UTM links
date: 2024-05-10
tags: [utm, analytics]
---

A consistent naming scheme for your campaign links saves hours of cleaning data later.
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class Blog:
    def __init__(self, root: Path):
        self.root = root
        self.posts = root / "posts"
        self.out = root / "out"
        self.db = str(root / "p.db")
        self.posts.mkdir()
        for name, text in POSTS.items():
            (self.posts / name).write_text(text, encoding="utf-8")

    def run(self) -> None:
        result = invoke("--db", self.db, "run", str(self.posts), "--out", str(self.out), "--engine", "apertium",
                        "--base-url", BASE, "--json")
        assert result.exit_code == 0, result.output

    def share(self, *args: str):
        return invoke("--db", self.db, "share", "--base-url", BASE, *args)

    def kits(self, *args: str) -> list[dict]:
        result = self.share(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["posts"]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Blog:
    if not APERTIUM:
        pytest.skip("apertium-eng-spa is not installed (.ci/setup installs it)")
    blog = Blog(tmp_path_factory.mktemp("blog"))
    blog.run()
    return blog


def test_json_kit_has_both_languages_of_every_published_post(published):
    kits = published.kits()
    assert len(kits) == 2
    store = Store.open(published.db)
    for kit in kits:
        assert list(kit["versions"]) == ["es", "en"]  # Spanish first
        translation = store.get_translation(kit["post_id"], "es")
        spanish = kit["versions"]["es"]
        assert spanish["title"] == translation.title
        for name, post in spanish["posts"].items():
            assert post["text"].startswith(("*" if name == "whatsapp" else "") + translation.title[:20])
            assert post["length"] <= post["limit"]
            assert parse_qs(urlsplit(post["url"]).query)["utm_campaign"] == [kit["slug"]]
    reach = next(kit for kit in kits if kit["slug"] == "measure-reach")
    # Each language's hashtags from its own tags: the Spanish kit's from the translated ones.
    assert reach["versions"]["es"]["hashtags"] == ["#RedesSociales", "#analítica", "#growth"]
    assert "#RedesSociales #analítica" in reach["versions"]["es"]["posts"]["x"]["text"]
    assert reach["versions"]["en"]["hashtags"] == ["#SocialMedia", "#analytics", "#growth"]


def test_kit_urls_are_the_urls_the_pages_were_published_at(published):
    for kit in published.kits():
        for lang, version in kit["versions"].items():
            page = published.out / urlsplit(version["url"]).path.lstrip("/") / "index.html"
            doc = lxml_html.fromstring(page.read_bytes())
            assert doc.xpath("//link[@rel='canonical']/@href") == [version["url"]]
            assert doc.get("lang") == lang


def test_csv_and_markdown_parse(published):
    result = published.share("--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 * 2 * len(NETWORKS)  # posts x languages x networks
    assert {row["network"] for row in rows} == set(NETWORKS)
    multiline = [row for row in rows if "\n" in row["text"]]
    assert multiline and all(row["url"] in row["text"] for row in rows if row["network"] != "x")
    assert all(int(row["length"]) <= int(row["limit"]) for row in rows)

    markdown = published.share("--format", "md").stdout
    tokens = MarkdownIt().parse(markdown)
    fences = [token for token in tokens if token.type == "fence"]
    assert len(fences) == len(rows)
    assert {fence.content.rstrip("\n") for fence in fences} == {row["text"] for row in rows}
    assert sum(1 for token in tokens if token.type == "heading_open" and token.tag == "h2") == 2
    # the default format is Markdown
    assert published.share().stdout == markdown


def test_one_post_by_slug_and_a_campaign(published):
    kits = published.kits("measure-reach", "--campaign", "spring-{slug}")
    assert len(kits) == 1
    url = kits[0]["versions"]["es"]["posts"]["linkedin"]["url"]
    assert parse_qs(urlsplit(url).query)["utm_campaign"] == ["spring-measure-reach"]


def test_unknown_post_and_post_with_new_are_usage_errors(published):
    result = published.share("--base-url", "/blog/")
    assert result.exit_code == 2 and "--base-url: base URL '/blog/' needs an http:// or https:// scheme" in result.stderr
    local = invoke("--db", published.db, "share", "--format", "csv")
    assert local.exit_code == 0 and "http://localhost:8000/" in local.stderr and "base_url" in local.stderr
    result = published.share("no-such-post")
    assert result.exit_code == 2 and "no-such-post" in result.stderr
    result = published.share("measure-reach", "--new")
    assert result.exit_code == 2 and "--new" in result.stderr


def test_spanish_page_has_twitter_card_tags_and_share_links(published):
    kit = next(k for k in published.kits() if k["slug"] == "measure-reach")
    spanish = kit["versions"]["es"]
    doc = lxml_html.fromstring((published.out / urlsplit(spanish["url"]).path.lstrip("/") / "index.html")
                               .read_bytes())

    def meta(attribute: str, name: str) -> list[str]:
        return doc.xpath(f"//head/meta[@{attribute}='{name}']/@content")

    assert meta("name", "twitter:card") == ["summary_large_image"]
    assert meta("name", "twitter:title") == meta("property", "og:title") == [spanish["title"]]
    assert meta("name", "twitter:description") == meta("property", "og:description") == [spanish["description"]]
    assert meta("name", "twitter:image") == meta("property", "og:image") == ["https://blog.example.com/img/reach.png"]
    links = doc.xpath("//nav[@class='share']//a")
    assert [link.text for link in links] == ["X", "LinkedIn", "Facebook", "WhatsApp", "Telegram"]
    assert [link.get("href") for link in links] == [post["share_url"] for post in spanish["posts"].values()]
    assert not doc.xpath("//script[not(@type='application/ld+json')]")  # plain links, no scripts (JSON-LD is data)
    newsletter = next(k for k in published.kits() if k["slug"] != kit["slug"])
    english = lxml_html.fromstring((published.out / urlsplit(newsletter["versions"]["en"]["url"]).path.lstrip("/")
                                    / "index.html").read_bytes())
    assert english.xpath("//meta[@name='twitter:card']/@content") == ["summary"]  # no image
    assert english.xpath("//nav[@class='share']/@aria-label") == ["Share on"]


@needs_apertium
def test_new_hands_out_each_spanish_page_once(tmp_path):
    blog = Blog(tmp_path)
    blog.run()
    assert len(blog.kits("--new")) == 2
    assert blog.kits("--new") == []
    rows = sqlite3.connect(blog.db).execute("select post_id, lang from shares order by lang").fetchall()
    assert len(rows) == 4 and {lang for _, lang in rows} == {"en", "es"}

    # A changed post is translated and republished at the same address: not new.
    changed = POSTS["newsletter.md"].replace("A newsletter is owned.", "A newsletter is yours to keep.")
    (blog.posts / "newsletter.md").write_text(changed, encoding="utf-8")
    blog.run()
    assert blog.kits("--new") == []

    (blog.posts / "utm-links.md").write_text(NEW_POST, encoding="utf-8")
    blog.run()
    new = blog.kits("--new")
    assert [kit["slug"] for kit in new] == ["utm-links"]
    assert blog.kits("--new") == []
    assert len(blog.kits()) == 3  # without --new: everything, and nothing recorded

    # A Spanish page taken down and put back later is a new page.
    store = Store.open(blog.db)
    translation = store.get_translation(new[0]["post_id"], "es")
    translation.status = "held"
    store.save_translation(translation)
    assert invoke("--db", blog.db, "publish", "--out", str(blog.out), "--base-url", BASE).exit_code == 0
    assert blog.kits("--new") == [] and len(blog.kits()) == 2
    translation.status = "machine"
    store.save_translation(translation)
    assert invoke("--db", blog.db, "publish", "--out", str(blog.out), "--base-url", BASE).exit_code == 0
    assert [kit["slug"] for kit in blog.kits("--new")] == ["utm-links"]

    # A Spanish page that moves to a new address is new to share there.
    translation.slug = "enlaces-utm-sin-lagrimas"
    store.save_translation(translation)
    assert invoke("--db", blog.db, "publish", "--out", str(blog.out), "--base-url", BASE).exit_code == 0
    moved = blog.kits("--new")
    assert [kit["slug"] for kit in moved] == ["utm-links"]
    assert "/es/enlaces-utm-sin-lagrimas/" in json.dumps(moved)
    assert blog.kits("--new") == []


def test_unnormalised_input_is_counted_after_nfc():
    nfd = unicodedata.normalize("NFD", LONG_DESCRIPTION_ES)
    post = compose(NETWORKS["x"], "Título", nfd, [], PAGE_ES, "c")
    assert x_length(post.text) <= X_LIMIT


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_share_links_percent_encode_as_urllib_does(text):
    from urllib.parse import quote

    from polypost.share.texts import quote_all

    assert quote_all(text) == quote(text, safe="")


def test_a_lone_surrogate_is_refused_as_urllib_refuses_it():
    from polypost.share.texts import quote_all

    with pytest.raises(UnicodeEncodeError):
        quote_all("a\ud800")
