"""Target variants end to end (files -> Apertium -> post-editing -> site): `target_lang = "es-419"`
picks the en->es engine, glossary and memory, publishes `es-419` pages, and its Spanish has
opening marks, "ustedes" and no "coger"; `es-ES` keeps "vosotros"; a block already in Spanish
and a person's translation are never post-edited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import polypost.cli.review_cmd  # noqa: F401  (registers review/export/import)
from polypost.cli import cli
from polypost.config import ConfigError, load_config
from polypost.store import Store

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
pytestmark = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")

POST = """---
title: Staying Human in the Age of Bots
date: 2019-03-20
---

What does social media really do for you? Do you get it?

You should all check your phones and your feeds every day.

On March 20, 2019 we launched the new plan!

> ¿Y vosotros qué pensáis? Os leo en los comentarios, que me encanta saber de vosotros.
"""


def site_for(tmp_path: Path, tag: str, formality: str = "default") -> tuple[str, dict]:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "bots.md").write_text(POST, encoding="utf-8")
    config = tmp_path / "polypost.toml"
    config.write_text(f'[site]\ntarget_lang = "{tag}"\nout_dir = "site"\n[translate]\nformality = "{formality}"\n'
                      f'[store]\ndb = "p.db"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "run", str(tmp_path / "posts"), "--engine",
                                      "apertium", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [page] = (tmp_path / "site" / tag).glob("*/index.html")
    return page.read_text(encoding="utf-8"), json.loads(result.stdout)


def body(html: str) -> str:
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def test_latin_american_page(tmp_path: Path):
    html, _report = site_for(tmp_path, "es-419")
    assert '<html lang="es-419"' in html and 'hreflang="es-419"' in html
    text = body(html)
    own = text.split("<blockquote", 1)[0]  # what the machine wrote
    assert "¿Qué " in own and "¿Lo entiendes?" in own and "¡" in own
    assert not re.search(r"\b(vosotros|vuestr[oa]s?|os|coges?)\b", own, re.IGNORECASE)
    assert "20 de marzo de 2019" in own and "Marcha" not in own
    assert "Quedándose humano en la edad de Bots" in html
    # The reader's Spanish reply is kept as written, vosotros and all.
    assert "¿Y vosotros qué pensáis? Os leo" in text
    store = Store.open(tmp_path / "p.db")
    [translation] = list(store.iter_translations("es-419"))
    assert "+pe-es-419-" in translation.engine  # the rules are part of what made it
    # One memory per language: the variant's machine entries are told apart by their version.
    assert store.length_ratios("en", "es") and not store.length_ratios("en", "es-419")


def test_spain_keeps_vosotros(tmp_path: Path):
    html, _ = site_for(tmp_path, "es-ES")
    own = body(html).split("<blockquote", 1)[0]
    assert '<html lang="es-ES"' in html
    assert re.search(r"\bvuestr[oa]s\b", own) and "¿Lo coges?" in own


def test_formal_register(tmp_path: Path):
    html, _ = site_for(tmp_path, "es-MX", "formal")
    own = body(html).split("<blockquote", 1)[0]
    assert "para usted" in own and " ti?" not in own


def test_formality_and_variant_settings_are_checked(tmp_path: Path):
    config = tmp_path / "polypost.toml"
    config.write_text('[translate]\nformality = "polite"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="formality.*informal"):
        load_config(config)
    config.write_text('[site]\ntarget_lang = "es-419"\n', encoding="utf-8")
    loaded = load_config(config)
    assert [p.name for p in loaded.glossary_paths()] == [p.name for p in load_config().glossary_paths()]
