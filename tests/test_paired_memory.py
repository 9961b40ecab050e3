"""A translation the blogger wrote, cut into the same segments as its original, teaches the
memory: a later post that repeats one of those paragraphs gets the blogger's Spanish for it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.records import MemoryKey, Post
from polypost.segment.document import segment_html
from polypost.store import Store
from polypost.translate.paired import PAIRED_ENGINE, paired_entries

BASE = "https://blog.example.com/"
pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")

EN_PARAGRAPHS = [
    "We measure the <strong>reach</strong> of every post and we share what we learn with our readers.",
    "A steady voice matters more than a big budget when a small brand grows its audience.",
]
ES_PARAGRAPHS = [
    "Medimos el <strong>alcance</strong> de cada publicación y compartimos lo que aprendemos con quienes nos leen.",
    "Una voz constante importa más que un gran presupuesto cuando una marca pequeña hace crecer su público.",
]


def write(path: Path, front: str, paragraphs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(paragraphs)
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")


def run(tmp_path: Path, site: Path) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "run", str(site), "--out",
                                      str(tmp_path / "out"), "--engine", "apertium", "--base-url", BASE, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_later_post_repeating_a_paragraph_gets_the_bloggers_own_spanish(tmp_path):
    site = tmp_path / "blog"
    write(site / "posts" / "reach.md", "title: Measuring reach\ndate: 2024-03-01", EN_PARAGRAPHS)
    write(site / "posts" / "reach.es.md", "title: Cómo medimos el alcance\ndate: 2024-03-02", ES_PARAGRAPHS)
    run(tmp_path, site)
    store = Store.open(tmp_path / "p.db")
    assert store.memory().stats()["by_engine"].get(PAIRED_ENGINE) == 3  # the title and both paragraphs
    store.close()
    write(site / "posts" / "voice.md", "title: A steady voice\ndate: 2024-04-01",
          ["Brands change their logo every year, and readers notice.", EN_PARAGRAPHS[1]])
    summary = run(tmp_path, site)
    assert summary["segments"]["from_memory"] == 1 and summary["segments"]["from_engine"] == 2
    store = Store.open(tmp_path / "p.db")
    voice = next(p for p in store.iter_posts() if p.slug == "voice")
    translation = store.get_translation(voice.id, "es")
    assert "<p>Una voz constante importa más que un gran presupuesto" in translation.html
    assert translation.status != "held"
    assert not [flag for flag in translation.qa_report if flag["check"] == "second-look"]


def _post(html: str, title: str = "Title") -> Post:
    return Post(id="p", source="files", origin="x.md", title=title, html=html, slug="x", content_hash="h")


def test_translations_cut_otherwise_teach_nothing():
    original = _post("".join(f"<p>{p}</p>" for p in EN_PARAGRAPHS))
    split = _post("".join(f"<p>{p}</p>" for p in ES_PARAGRAPHS + ["Un párrafo más."]), "Título")
    assert paired_entries(original, split, "en", "es") == []
    unmarked = _post("".join(f"<p>{p}</p>" for p in [ES_PARAGRAPHS[0].replace("<strong>", "").replace("</strong>", ""),
                                                     ES_PARAGRAPHS[1]]), "Título")
    assert paired_entries(original, unmarked, "en", "es") == []  # the emphasis has no place to go


def test_entries_pair_each_segment_with_its_own_translation():
    original = _post("".join(f"<p>{p}</p>" for p in EN_PARAGRAPHS), "Measuring reach")
    human = _post("".join(f"<p>{p}</p>" for p in ES_PARAGRAPHS), "Cómo medimos el alcance")
    entries = paired_entries(original, human, "en", "es-419")
    sources = [s.text for s in segment_html(original.html).segments]
    targets = [s.text for s in segment_html(human.html).segments]
    assert {(e.source_text, e.target_text) for e in entries} == {("Measuring reach", "Cómo medimos el alcance"),
                                                                 *zip(sources, targets)}
    assert all(e.origin == "human" and isinstance(e.key, MemoryKey) and e.key.target_lang == "es" for e in entries)
