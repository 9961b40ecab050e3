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
