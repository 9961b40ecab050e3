"""Hugo content output: page bundles whose front matter Hugo (and python-frontmatter) can read."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest

from polypost.records import Post, Translation
from polypost.hookspecs import hookimpl
from polypost.plugins import plugin_manager, refresh
from polypost.publish.records import Publisher, PublishItem, PublishSettings
from polypost.publish.registry import get_publisher
from polypost.publish.site import publish_site

HUGO = PublishSettings(base_url="https://blog.example.com/", format="hugo", hugo_content_ext="md")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def items() -> list[PublishItem]:
    espresso = Post(
        id="p-espresso", source="files", origin="posts/espresso.md", slug="dialing-in-espresso",
        title="Dialing in espresso: a beginner's notes", content_hash="h1", author="Sam Ortega",
        published="2025-02-14T07:30:00+01:00", description="Grind, dose and time, in that order.",
        tags=["coffee", "how-to"],
        html='<p>Start with <strong>18 g</strong> in and <a href="https://example.com/ratio">36 g out</a>.</p>'
             "<ul><li>Grind finer if it runs fast.</li><li>Coarser if it chokes.</li></ul>",
    )
    espresso_es = Translation(
        post_id="p-espresso", lang="es", title="Ajustar el espresso: notas de principiante",
        slug="ajustar-el-espresso", description="Molienda, dosis y tiempo, en ese orden.",
        html='<p>Empieza con <strong>18 g</strong> de café y '
             '<a href="https://example.com/ratio">36 g de bebida</a>.</p>'
             "<ul><li>Muele más fino si sale rápido.</li><li>Más grueso si se ahoga.</li></ul>",
    )
    draft = Post(id="p-draft", source="files", origin="posts/draft.md", slug="grinder-review",
                 title="Grinder review", content_hash="h2", html="<p>Burrs matter.</p>", published="2025-01-02")
    draft_es = Translation(post_id="p-draft", lang="es", title="Reseña del molinillo", slug="resena-del-molinillo",
                           html="<p>Las muelas importan.</p>", status="held")
    return [PublishItem(espresso, espresso_es), PublishItem(draft, draft_es)]


def test_hugo_bundles_hold_both_languages_with_front_matter(tmp_path):
    result = publish_site(items(), tmp_path, HUGO)
    en = frontmatter.load(tmp_path / "content/posts/dialing-in-espresso/index.md")
    es = frontmatter.load(tmp_path / "content/posts/dialing-in-espresso/index.es.md")
    assert en["title"] == "Dialing in espresso: a beginner's notes"
    assert es["title"] == "Ajustar el espresso: notas de principiante"
    assert en["translationKey"] == es["translationKey"] == "p-espresso"
    assert (en["slug"], es["slug"]) == ("dialing-in-espresso", "ajustar-el-espresso")
    assert en["date"].isoformat() == es["date"].isoformat() == "2025-02-14T07:30:00+01:00"
    assert es["description"] == "Molienda, dosis y tiempo, en ese orden."
    assert en["author"] == es["author"] == "Sam Ortega"
    assert en["tags"] == es["tags"] == ["coffee", "how-to"]
    assert es["translation"] == "machine" and "translation" not in en.metadata
    assert '<a href="https://example.com/ratio">36 g de bebida</a>' in es.content
    assert result.urls[("p-espresso", "es")] == "https://blog.example.com/es/posts/ajustar-el-espresso/"
    assert result.urls[("p-espresso", "en")] == "https://blog.example.com/posts/dialing-in-espresso/"
    assert not (tmp_path / "en").exists() and not (tmp_path / "sitemap.xml").exists()


def test_hugo_held_post_has_no_spanish_file_and_republish_writes_nothing(tmp_path):
    publish_site(items(), tmp_path, HUGO)
    assert (tmp_path / "content/posts/grinder-review/index.md").is_file()
    assert not (tmp_path / "content/posts/grinder-review/index.es.md").exists()
    again = publish_site(items(), tmp_path, HUGO)
    assert again.written == [] and len(again.unchanged) == 3


def test_hugo_front_matter_reads_like_a_real_hugo_translation_pair(tmp_path):
    """The k8s blog's own en/es pair is the model: same keys Hugo needs, parsed the same way."""
    pair = CORPUS / "markdown" / "k8s-blog-en-es"
    if not pair.is_dir():
        pytest.skip("shared/corpus is absent")
    real = [frontmatter.load(path) for path in sorted(pair.rglob("*.md"))]
    assert real and all("title" in post.metadata and "date" in post.metadata for post in real)
    publish_site(items(), tmp_path, HUGO)
    ours = frontmatter.load(tmp_path / "content/posts/dialing-in-espresso/index.es.md")
    assert {"title", "date", "slug"} <= set(ours.metadata)
    for key in ("title", "date", "slug"):  # YAML types as Hugo reads them: dates are timestamps, not strings
        assert type(ours[key]) is type(real[0][key]), key
    grinder = frontmatter.load(tmp_path / "content/posts/grinder-review/index.md")
    assert grinder["date"].isoformat() == "2025-01-02"


def test_html_content_files_for_sites_without_unsafe_markdown_by_default(tmp_path):
    publish_site(items(), tmp_path, PublishSettings(format="hugo"))
    assert (tmp_path / "content/posts/dialing-in-espresso/index.es.html").is_file()
    publish_site(items(), tmp_path / "folders", PublishSettings(format="hugo", hugo_layout="folders"))
    assert (tmp_path / "folders/content/es/posts/dialing-in-espresso/index.html").is_file()
    assert (tmp_path / "folders/content/en/posts/dialing-in-espresso/index.html").is_file()


def test_switching_format_removes_the_other_formats_files(tmp_path):
    publish_site(items(), tmp_path, PublishSettings(format="html"))
    assert (tmp_path / "es/ajustar-el-espresso/index.html").is_file()
    result = publish_site(items(), tmp_path, HUGO)
    assert "es/ajustar-el-espresso/index.html" in result.removed
    assert not (tmp_path / "es").exists()


def test_a_new_generator_is_one_registered_publisher(tmp_path, request):
    def locate(post, lang, slug, settings):
        return f"{lang}/{slug}.txt", f"{settings.lang_base(lang)}{slug}.txt"

    def write(entries, writer, settings):
        for entry in entries:
            for version in entry.versions.values():
                writer.write(version.path, version.title + "\n")

    class PlainTextPlugin:
        @hookimpl
        def register_publishers(self, register):
            register(Publisher(name="plain-text-test", locate=locate, write=write))

    plugin_manager().register(PlainTextPlugin(), name="plain-text-test")
    refresh()
    request.addfinalizer(lambda: (plugin_manager().unregister(name="plain-text-test"), refresh()))
    assert get_publisher("plain-text-test").name == "plain-text-test"
    result = publish_site(items(), tmp_path, PublishSettings(format="plain-text-test"))
    assert (tmp_path / "es/ajustar-el-espresso.txt").read_text() == "Ajustar el espresso: notas de principiante\n"
    assert sorted(result.written) == [
        "en/dialing-in-espresso.txt", "en/grinder-review.txt", "es/ajustar-el-espresso.txt",
    ]
