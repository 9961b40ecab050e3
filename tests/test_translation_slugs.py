"""A translation's slug: from its translated title, the original's (`translation_slugs =
"source"`), or the one the post's author gave (`slug_es`); a published slug changes only when
the author gives another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from polypost.config import ConfigError, load_config
from polypost.pipeline import load_glossary, open_engine, translate_options
from polypost.publish.stage import publish_store
from polypost.slugs import slugify
from polypost.sources.stage import ingest
from polypost.store import Store
from polypost.translate.stage import translate_posts

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
pytestmark = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")

REACH = """---
title: Grow your reach on a small budget
{extra}---
Our community manager measures the engagement rate every week.
"""
LEADS = """---
title: Turn followers into leads
---
A newsletter turns followers into qualified leads.
"""


def run(tmp_path: Path, extra: str = "", slugs: str = "translated") -> dict[str, str]:
    """Ingest, translate and publish the two posts; post slug -> its translation's slug."""
    posts = tmp_path / "posts"
    posts.mkdir(exist_ok=True)
    (posts / "reach.md").write_text(REACH.format(extra=extra), encoding="utf-8")
    (posts / "leads.md").write_text(LEADS, encoding="utf-8")
    config = load_config(environ={}, db_path=str(tmp_path / "p.db"), out_dir=str(tmp_path / "site"),
                         engine="apertium", use_glossary=False)
    config.translation_slugs = slugs
    store = Store.open(config.db_path)
    try:
        ingest(store, [str(posts)])
        engine = open_engine(config)
        try:
            report = translate_posts(store, engine, load_glossary(config), translate_options(store, config))
        finally:
            engine.close()
        assert not report.failed, report.failed
        publish_store(store, config)
        return {post.slug: store.get_translation(post.id, "es").slug for post in store.iter_posts()}
    finally:
        store.close()


def test_by_default_the_slug_comes_from_the_translated_title(tmp_path):
    slugs = run(tmp_path)
    store = Store.open(tmp_path / "p.db")
    titles = {t.slug: t.title for t in store.iter_translations("es")}
    assert set(slugs) == {"reach", "leads"}
    for slug in slugs.values():
        assert slug == slugify(titles[slug])
        assert slug not in ("reach", "leads")


def test_source_slugs_keep_the_originals_address_in_the_other_language(tmp_path):
    assert run(tmp_path, slugs="source") == {"reach": "reach", "leads": "leads"}
    assert (tmp_path / "site" / "es" / "reach" / "index.html").is_file()
    assert (tmp_path / "site" / "en" / "reach" / "index.html").is_file()


def test_the_authors_slug_wins_and_changing_it_moves_the_page(tmp_path):
    slugs = run(tmp_path, extra="slug_es: Crecer en Instagram\n")
    assert slugs["reach"] == "crecer-en-instagram"
    assert (tmp_path / "site" / "es" / "crecer-en-instagram" / "index.html").is_file()
    slugs = run(tmp_path, extra="slugs:\n  es: alcance-sin-presupuesto\n")
    assert slugs["reach"] == "alcance-sin-presupuesto"
    assert (tmp_path / "site" / "es" / "alcance-sin-presupuesto" / "index.html").is_file()
    assert not (tmp_path / "site" / "es" / "crecer-en-instagram").exists()  # its old page is gone with it


def test_a_setting_changed_later_never_moves_a_published_page(tmp_path):
    first = run(tmp_path)
    (tmp_path / "posts" / "reach.md").write_text(REACH.format(extra="") + "\nOne more line.\n", encoding="utf-8")
    again = run(tmp_path, slugs="source")  # reach is translated again; leads is unchanged
    assert again == first


def test_an_unknown_choice_names_the_setting(tmp_path):
    config_file = tmp_path / "polypost.toml"
    config_file.write_text('[site]\ntranslation_slugs = "english"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"polypost.toml:2: site.translation_slugs"):
        load_config(config_file, environ={})
