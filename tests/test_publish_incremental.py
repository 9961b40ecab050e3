"""A publish renders only the pages whose inputs changed, and the site it leaves is the one a
full render into an empty folder makes."""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from polypost.publish import html as html_publisher
from polypost.publish import markdown as hugo_publisher
from polypost.publish.atomic import MANIFEST_NAME
from polypost.publish.records import PublishItem, PublishSettings
from polypost.publish.site import publish_site
from polypost.records import Comment, Post, Translation

SETTINGS = PublishSettings(base_url="https://new.example.org/", page_size=2, feed_size=2)


def post(n: int, body: str | None = None, slug: str | None = None) -> Post:
    slug = slug or f"post-{n}"
    return Post(id=f"id-{n}", source="url", origin=f"https://old.example.com/post-{n}/", title=f"Post {n}",
                html=body or f"<p>The body of post {n}, with some words to summarize.</p>", slug=slug,
                content_hash=f"hash-{n}-{body}", url=f"https://old.example.com/post-{n}/", lang="en",
                published=f"2024-05-{n + 1:02d}")


def twin(p: Post, body: str | None = None) -> PublishItem:
    return PublishItem(post=p, translation=Translation(
        post_id=p.id, lang="es", title=f"{p.title} (es)", slug=f"{p.slug}-es",
        html=body or f"<p>El cuerpo de {p.title}.</p>", translated_at="2024-06-01T00:00:00+00:00"))


def archive(**bodies: str) -> list[PublishItem]:
    """Six posts with twins; post-0 links to post-3 by its old URL."""
    items = [twin(post(n)) for n in range(6)]
    items[0] = twin(post(0, '<p>See <a href="https://old.example.com/post-3/">post three</a>.</p>'))
    return items


@pytest.fixture
def renders(monkeypatch):
    """The pages rendered in a publish, by kind."""
    seen: dict[str, list] = {"post": [], "home": [], "content": []}
    real_post, real_home, real_content = (html_publisher.render_post, html_publisher.render_home,
                                          hugo_publisher.render_content)

    def render_post(env, entry, lang, settings):
        seen["post"].append(entry.versions[lang].path)
        return real_post(env, entry, lang, settings)

    def render_home(env, lang, versions, number, count, settings, **options):
        seen["home"].append((lang, number))
        return real_home(env, lang, versions, number, count, settings, **options)

    def render_content(version, entry, settings):
        seen["content"].append(version.path)
        return real_content(version, entry, settings)

    monkeypatch.setattr(html_publisher, "render_post", render_post)
    monkeypatch.setattr(html_publisher, "render_home", render_home)
    monkeypatch.setattr(hugo_publisher, "render_content", render_content)

    def clear():
        for found in seen.values():
            found.clear()
        return seen

    seen_clear = clear
    seen_clear.seen = seen  # type: ignore[attr-defined]
    return seen_clear


def stats(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in out.rglob("*") if p.is_file() and p.name != MANIFEST_NAME}


def assert_same_as_fresh(items, out: Path, tmp_path: Path, settings=SETTINGS) -> None:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    publish_site(items, fresh, replace(settings))
    names = set(stats(out))
    assert names == set(stats(fresh))
    different = [name for name in sorted(names) if not filecmp.cmp(out / name, fresh / name, shallow=False)]
    assert different == []


def test_a_rerun_after_one_edit_renders_that_post_and_the_lists_that_show_it(tmp_path, renders):
    out = tmp_path / "site"
    items = archive()
    publish_site(items, out, replace(SETTINGS))
    before = stats(out)
    seen = renders()
    # post-4 is the second newest: on the first home page, in both feeds.
    items[4] = twin(post(4, "<p>An edited body.</p>"), "<p>Un cuerpo editado.</p>")
    result = publish_site(items, out, replace(SETTINGS))
    assert sorted(seen["post"]) == ["en/post-4/index.html", "es/post-4-es/index.html"]
    assert sorted(seen["home"]) == [("en", 1), ("es", 1)]
    expected = {"en/post-4/index.html", "es/post-4-es/index.html", "en/index.html", "es/index.html",
                "en/feed.xml", "es/feed.xml"}
    assert set(result.written) == expected
    after = stats(out)
    assert {name for name in before if before[name] != after[name]} == expected
    assert len(result.unchanged) == len(before) - len(expected)
    assert_same_as_fresh(items, out, tmp_path)


def test_an_older_post_edited_leaves_the_feeds_and_other_homes_alone(tmp_path, renders):
    out = tmp_path / "site"
    items = archive()
    publish_site(items, out, replace(SETTINGS))
    seen = renders()
    items[1] = twin(post(1, "<p>Edited.</p>"))  # the fifth newest: home page 3, not in a feed of 2
    result = publish_site(items, out, replace(SETTINGS))
    # The Spanish page shows its twin's URL, not its body: rendered, the same, not written; the
    # Spanish home lists the Spanish version only, which did not change.
    assert sorted(seen["post"]) == ["en/post-1/index.html", "es/post-1-es/index.html"]
    assert seen["home"] == [("en", 3)]
    assert set(result.written) == {"en/post-1/index.html", "en/page/3/index.html"}


@pytest.mark.parametrize("change", [
    lambda item: setattr(item.post, "author", "Ana"),
    lambda item: setattr(item.post, "image", "https://old.example.com/cover.png"),
    lambda item: setattr(item.post, "tags", ["growth"]),
    lambda item: setattr(item.post, "comments", [Comment(author="Luz", html="<p>Gracias</p>", lang="es")]),
    lambda item: setattr(item.translation, "status", "flagged"),
    lambda item: setattr(item.translation, "title", "Otra entrada"),
], ids=["author", "image", "tags", "comment", "status", "title"])
def test_a_field_a_page_shows_re_renders_it_though_the_body_is_the_same(tmp_path, renders, change):
    """The fingerprint hashes what a page shows, not only the body's hash: a store row changed
    in any field its pages show is published again."""
    out = tmp_path / "site"
    publish_site(archive(), out, replace(SETTINGS))
    seen = renders()
    items = archive()
    change(items[2])
    publish_site(items, out, replace(SETTINGS))
    assert "es/post-2-es/index.html" in seen["post"]
    assert_same_as_fresh(items, out, tmp_path)


def test_nothing_changed_renders_nothing_and_writes_nothing(tmp_path, renders):
    out = tmp_path / "site"
    publish_site(archive(), out, replace(SETTINGS))
    before = stats(out)
    seen = renders()
    result = publish_site(archive(), out, replace(SETTINGS))
    assert seen["post"] == [] and seen["home"] == [] and result.written == []
    assert stats(out) == before


def test_a_slug_change_re_renders_the_post_that_links_to_it(tmp_path, renders):
    out = tmp_path / "site"
    items = archive()
    publish_site(items, out, replace(SETTINGS))
    assert 'href="https://new.example.org/en/post-3/"' in (out / "en/post-0/index.html").read_text()
    seen = renders()
    items[3] = twin(post(3, slug="third-post"))
    publish_site(items, out, replace(SETTINGS))
    # post-0's Spanish body has no link: only its English page changes.
    assert sorted(seen["post"]) == ["en/post-0/index.html", "en/third-post/index.html", "es/third-post-es/index.html"]
    page = (out / "en/post-0/index.html").read_text()
    assert 'href="https://new.example.org/en/third-post/"' in page and "/en/post-3/" not in page
    assert not (out / "en/post-3/index.html").exists()
    assert_same_as_fresh(items, out, tmp_path)


def test_a_link_to_a_post_that_was_missing_is_made_when_the_post_arrives(tmp_path, renders):
    out = tmp_path / "site"
    items = archive()
    items[2] = twin(post(2, '<p>Soon: <a href="https://old.example.com/post-9/">nine</a>.</p>'))
    publish_site(items, out, replace(SETTINGS))
    assert 'href="https://old.example.com/post-9/"' in (out / "en/post-2/index.html").read_text()
    seen = renders()
    publish_site(items + [twin(post(9))], out, replace(SETTINGS))
    assert "en/post-2/index.html" in seen["post"]
    assert 'href="https://new.example.org/en/post-9/"' in (out / "en/post-2/index.html").read_text()
    assert_same_as_fresh(items + [twin(post(9))], out, tmp_path)


def test_a_changed_template_re_renders_every_page(tmp_path, renders):
    out, templates = tmp_path / "site", tmp_path / "templates"
    templates.mkdir()
    publisher_templates = Path(html_publisher.__file__).parent / "templates"
    shutil.copy(publisher_templates / "post.html", templates / "post.html")
    settings = replace(SETTINGS, templates_dir=templates)
    items = archive()
    publish_site(items, out, replace(settings))
    seen = renders()
    (templates / "post.html").write_text((templates / "post.html").read_text().replace(
        "{% block head_extra %}", '{% block head_extra %}<meta name="generator-note" content="changed">', 1))
    result = publish_site(items, out, replace(settings))
    pages = {f"en/post-{n}/index.html" for n in range(6)} | {f"es/post-{n}-es/index.html" for n in range(6)}
    assert set(seen["post"]) == pages
    assert pages <= set(result.written)
    assert_same_as_fresh(items, out, tmp_path, settings)


def test_a_page_deleted_or_edited_by_hand_is_written_again(tmp_path, renders):
    out = tmp_path / "site"
    items = archive()
    publish_site(items, out, replace(SETTINGS))
    (out / "en/post-2/index.html").unlink()
    (out / "es/index.html").write_text("someone's edit")
    seen = renders()
    result = publish_site(items, out, replace(SETTINGS))
    assert sorted(seen["post"]) == ["en/post-2/index.html"]
    assert seen["home"] == [("es", 1)]
    assert set(result.written) == {"en/post-2/index.html", "es/index.html"}
    assert_same_as_fresh(items, out, tmp_path)


def test_a_changed_file_a_body_shows_re_renders_its_page(tmp_path, renders):
    out, folder = tmp_path / "site", tmp_path / "posts"
    folder.mkdir()
    (folder / "pic.svg").write_text("<svg/>")
    items = archive()
    local = replace(post(5, '<p><img src="pic.svg" alt="a picture"></p>'), source="files",
                    origin=str(folder / "post-5.md"), url=None)
    items[5] = PublishItem(post=local, translation=None)
    publish_site(items, out, replace(SETTINGS))
    first = (out / "en/post-5/index.html").read_text()
    seen = renders()
    publish_site(items, out, replace(SETTINGS))
    assert seen["post"] == []
    assert len(list(out.glob("media/*/pic.svg"))) == 1  # kept: a skipped page's file stays on the site
    (folder / "pic.svg").write_text("<svg><rect/></svg>")
    publish_site(items, out, replace(SETTINGS))
    assert seen["post"] == ["en/post-5/index.html"]
    assert (out / "en/post-5/index.html").read_text() != first
    assert [p.read_text() for p in out.glob("media/*/pic.svg")] == ["<svg><rect/></svg>"]
    assert_same_as_fresh(items, out, tmp_path)


def test_hugo_content_files_are_rendered_only_when_their_post_changed(tmp_path, renders):
    out = tmp_path / "site"
    settings = replace(SETTINGS, format="hugo")
    items = archive()
    publish_site(items, out, replace(settings))
    seen = renders()
    items[3] = twin(post(3, slug="third-post"))
    publish_site(items, out, replace(settings))
    assert sorted(seen["content"]) == ["content/posts/post-0/index.html", "content/posts/third-post/index.es.html",
                                       "content/posts/third-post/index.html"]
    assert "https://new.example.org/posts/third-post/" in (out / "content/posts/post-0/index.html").read_text()
    assert_same_as_fresh(items, out, tmp_path, settings)
