"""Translations the blogger already has are published instead of machine output: the real
Kubernetes EN/ES pair, Hugo's two layouts, `translationKey` and `translation_of`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from polypost.cli import cli

BASE = "https://blog.example.com/"
pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")


def run(tmp_path: Path, *sources: Path) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "run", *map(str, sources), "--out",
                                      str(tmp_path / "site"), "--engine", "apertium", "--base-url", BASE, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def pages(out: Path, lang: str) -> dict[str, object]:
    return {p.parent.name: lxml_html.fromstring(p.read_bytes()) for p in (out / lang).glob("*/index.html")
            if p.parent.name != "page"}


def body_text(doc) -> str:
    return " ".join(" ".join(doc.xpath('//div[@class="post-body"]//text()')).split())


def test_the_human_spanish_kubernetes_post_is_published_instead_of_apertium_s(tmp_path, corpus):
    pair = corpus / "markdown" / "k8s-blog-en-es"
    human = (pair / "es__introducing-node-readiness-controller.index.md").read_text(encoding="utf-8")
    summary = run(tmp_path, pair)
    assert summary["published"] == 2  # one pair, not an English post and two Spanish ones
    assert summary["translated"] == 0 and summary["segments"]["from_engine"] == 0  # nothing for Apertium to do
    kits = json.loads(CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "share", "--json",
                                               "--base-url", BASE]).stdout)
    assert f"{BASE}es/introducing-node-readiness-controller/" in json.dumps(kits)  # the kit links the human page
    spanish = pages(tmp_path / "site", "es")
    assert list(spanish) == ["introducing-node-readiness-controller"]
    doc = spanish["introducing-node-readiness-controller"]
    assert doc.findtext(".//h1") == "Presentamos Node Readiness Controller"
    text = body_text(doc)
    assert text.startswith("En el modelo estándar de Kubernetes, que un nodo sea adecuado para ejecutar cargas de trabajo")
    assert "me complace anunciar el Node Readiness Controller" in text and "me complace anunciar" in human
    links = {link.get("hreflang"): link.get("href") for link in doc.xpath('//head/link[@rel="alternate"][@hreflang]')}
    assert links["en"] == f"{BASE}en/introducing-node-readiness-controller/"
    assert doc.xpath('//p[@class="translation-note"]/@data-status') == ["reviewed"]  # a person's, not a machine's


def write(path: Path, front: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")


EN = "We measure the reach of every post on social media and we share what we learn with our readers each week."
ES = "Medimos el alcance de cada publicación en las redes sociales y compartimos lo que aprendemos cada semana."


@pytest.mark.parametrize("layout", ["bundle suffix", "file suffix", "content folders", "content root",
                                    "translationKey", "translation_of"])
def test_hugo_layouts_and_front_matter_pair_a_human_translation(tmp_path, layout):
    site = tmp_path / "blog"
    english, spanish = {
        "bundle suffix": (site / "posts" / "reach" / "index.md", site / "posts" / "reach" / "index.es.md"),
        "file suffix": (site / "posts" / "reach.md", site / "posts" / "reach.es.md"),
        "content folders": (site / "content" / "en" / "posts" / "reach.md", site / "content" / "es" / "posts" / "reach.md"),
        "content root": (site / "content" / "posts" / "reach.md", site / "content" / "es" / "posts" / "reach.md"),
        "translationKey": (site / "posts" / "reach.md", site / "posts" / "alcance.md"),
        "translation_of": (site / "posts" / "reach.md", site / "posts" / "alcance.md"),
    }[layout]
    extra = {"translationKey": "translationKey: reach-2024", "translation_of": "translation_of: reach"}.get(layout, "")
    write(english, "title: Measuring reach\ndate: 2024-03-01" + ("\ntranslationKey: reach-2024" if layout == "translationKey" else ""), EN)
    write(spanish, "title: Cómo medimos el alcance\ndate: 2024-03-02\n" + extra, ES)
    # A Spanish post of its own beside them stays one.
    write(site / "posts" / "otro.md", "title: Otra entrada\ndate: 2024-03-03", "Esta es otra entrada escrita en "
          "español, sin original en inglés, sobre las redes sociales y los datos.")
    summary = run(tmp_path, site)
    assert summary["published"] == 3
    spanish_pages = pages(tmp_path / "site", "es")
    assert len(spanish_pages) == 2
    human = next(doc for doc in spanish_pages.values() if doc.findtext(".//h1") == "Cómo medimos el alcance")
    assert body_text(human) == ES
    assert human.xpath('//head/link[@hreflang="en"]/@href') == [f"{BASE}en/reach/"]
    english_page = pages(tmp_path / "site", "en")["reach"]
    assert english_page.xpath('//head/link[@hreflang="es"]/@href') == [human.xpath('//link[@rel="canonical"]/@href')[0]]


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Agency blog</title><link>https://agency.example.com</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version>
"""


def wxr_item(post_id: int, slug: str, title: str, body: str, terms: str = "", meta: dict[str, str] | None = None) -> str:
    postmeta = "".join(f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
                       f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
                       for key, value in (meta or {}).items())
    return (f"<item><title>{title}</title><link>https://agency.example.com/{slug}/</link>"
            f"<dc:creator><![CDATA[ana]]></dc:creator><content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2024-04-0{post_id % 9 + 1} 10:00:00</wp:post_date_gmt>"
            f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
            f"{terms}{postmeta}</item>\n")


def polylang(lang: str, group: str) -> str:
    return (f'<category domain="language" nicename="{lang}"><![CDATA[{lang}]]></category>'
            f'<category domain="post_translations" nicename="{group}"><![CDATA[{group}]]></category>')


def test_polylang_and_wpml_exports_pair_the_blogger_s_own_translations(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(WXR_HEAD + "".join([
        wxr_item(1, "grow-your-community", "Grow your community",
                 "<p>A community grows when people talk to each other, not only to the brand.</p>",
                 polylang("en", "pll_5f2a9c")),
        wxr_item(2, "haz-crecer-tu-comunidad", "Haz crecer tu comunidad",
                 "<p>Una comunidad crece cuando las personas hablan entre sí, no solo con la marca.</p>",
                 polylang("es", "pll_5f2a9c")),
        wxr_item(3, "measure-what-matters", "Measure what matters",
                 "<p>Likes are easy to count and hard to turn into sales, so we measure replies instead.</p>",
                 meta={"_wpml_import_language_code": "en", "_wpml_import_translation_group": "17"}),
        wxr_item(4, "mide-lo-que-importa", "Mide lo que importa",
                 "<p>Los me gusta son fáciles de contar y difíciles de convertir en ventas, así que medimos las "
                 "respuestas.</p>",
                 meta={"_wpml_import_language_code": "es", "_wpml_import_source_language_code": "en",
                       "_wpml_import_translation_group": "17"}),
        wxr_item(5, "a-post-of-its-own", "A post of its own",
                 "<p>This post has no translation yet, so the engine writes its Spanish version.</p>",
                 polylang("en", "pll_77b1e0")),
    ]) + "</channel></rss>\n", encoding="utf-8")
    summary = run(tmp_path, export)
    assert summary["published"] == 6 and summary["translated"] == 1  # three pairs; only post 5 goes to the engine
    spanish = pages(tmp_path / "site", "es")
    # the human translations are not Spanish posts of their own besides
    machine = [slug for slug in spanish if slug not in ("haz-crecer-tu-comunidad", "mide-lo-que-importa")]
    assert len(spanish) == 3 and len(machine) == 1  # post 5's, whatever Apertium calls it
    assert spanish[machine[0]].xpath('//p[@class="translation-note"]/@data-status') == ["machine"]
    for slug, title, twin in (("haz-crecer-tu-comunidad", "Haz crecer tu comunidad", "grow-your-community"),
                              ("mide-lo-que-importa", "Mide lo que importa", "measure-what-matters")):
        doc = spanish[slug]
        assert doc.findtext(".//h1") == title
        assert doc.xpath('//p[@class="translation-note"]/@data-status') == ["reviewed"]
        links = {link.get("hreflang"): link.get("href") for link in doc.xpath('//head/link[@hreflang]')}
        assert links["en"] == f"{BASE}en/{twin}/"
    assert body_text(spanish["mide-lo-que-importa"]).startswith("Los me gusta son fáciles de contar")
