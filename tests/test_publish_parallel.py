"""A publish that renders many pages shares them with a forked second process: the site, the
manifest and the report are the ones one process makes, the next publish keeps every page, and
what goes wrong in the second process is reported by the publish."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import pytest

from polypost.config import load_config
from polypost.publish import html as html_publisher
from polypost.publish import parallel
from polypost.publish.atomic import MANIFEST_NAME
from polypost.publish.stage import publish_store
from polypost.records import Comment, SourcePost, Translation
from polypost.store import Store

POSTS = 24
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'

pytestmark = [pytest.mark.usefixtures("leftover_threads_ignored"), pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="a second process is forked only on Linux with a second core")]


def archive(tmp_path: Path, out: str):
    """A store on disk (bodies read from it as each page renders) of Markdown-folder posts: each
    names an image beside it, a file it lacks and the next post (one Spanish version names an image
    of its own, which only the process that renders it sees); every third has no description
    (its home page shows a summary of the body) and every fifth a reader's comment."""
    folder = tmp_path / "posts"
    if not (folder / "img").is_dir():  # once: its size and mtime name its copy on the site
        (folder / "img").mkdir(parents=True)
        (folder / "img" / "chart.svg").write_bytes(SVG)
        (folder / "img" / "grafico.svg").write_bytes(SVG.replace(b"4", b"5"))
    config = load_config(environ={}, db_path=str(tmp_path / "p.db"), out_dir=str(tmp_path / out))
    config.page_size, config.feed_size = 5, 5
    store = Store.open(config.db_path)
    if not store.post_states() and not list(store.iter_posts(bodies=False)):
        translations = []
        for n in range(POSTS):
            origin = folder / f"post-{n}.html"
            body = (f'<p>Post {n} measures the engagement rate. <img src="img/chart.svg" alt="chart"> '
                    f'<img src="gone-{n % 3}.png" alt="gone"> <a href="post-{(n + 1) % POSTS}.html">next</a></p>')
            origin.write_text(body, encoding="utf-8")
            comments = [Comment(author="Luz", html="<p>Gracias</p>", lang="es")] if n % 5 == 0 else []
            post_id, _ = store.upsert_post(SourcePost(
                origin=str(origin), title=f"Post {n}", html=body, slug=f"post-{n}", published=f"2024-01-{n + 1:02d}",
                description=None if n % 3 == 0 else f"What post {n} says.", comments=comments), "en", 0.99)
            translations.append(Translation(
                post_id=post_id, lang="es", title=f"Entrada {n}", slug=f"entrada-{n}",
                html=body.replace("measures the engagement rate", "mide la tasa de interacción")
                + ('<p><img src="img/grafico.svg" alt="gráfico"></p>' if n == 5 else ""),
                translated_at="2024-06-01T00:00:00+00:00"))
        store.save_translations(translations)
    return config, store


@pytest.fixture
def rendered_by(monkeypatch, tmp_path):
    """Which process rendered each post page: a line per page in a file both processes append to."""
    log = tmp_path / "rendered.txt"
    real = html_publisher.render_post

    def render_post(env, entry, lang, settings):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {entry.versions[lang].path}\n")
        return real(env, entry, lang, settings)

    monkeypatch.setattr(html_publisher, "render_post", render_post)

    def read() -> dict[str, str]:
        lines = log.read_text(encoding="utf-8").split() if log.exists() else []
        log.unlink(missing_ok=True)
        return dict(zip(lines[1::2], lines[0::2]))
    return read


def files_of(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST_NAME}


def manifest_without_stats(out: Path) -> dict:
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    for record in manifest["pages"].values():
        assert record.pop("stat")
    return manifest


def test_two_processes_publish_the_site_one_process_publishes(tmp_path, monkeypatch, rendered_by):
    """Rendered in two processes, and then looked at again in two: the child keeps its unchanged
    pages as this process would, and what it kept is in the manifest."""
    config, store = archive(tmp_path, "one")
    monkeypatch.setattr(parallel, "MIN_PAGES", 10**6)
    alone = publish_store(store, config)
    assert len(set(rendered_by().values())) == 1
    monkeypatch.setattr(parallel, "MIN_PAGES", 4)
    config, store = archive(tmp_path, "two")
    shared = publish_store(store, config)
    by = rendered_by()
    # Every post page was rendered once, half of them by a second process.
    assert len(by) == 2 * POSTS and sorted(set(by.values())) == sorted({str(os.getpid()), *by.values()})
    assert len(set(by.values())) == 2
    one, two = tmp_path / "one", tmp_path / "two"
    assert files_of(one) == files_of(two)
    assert manifest_without_stats(one) == manifest_without_stats(two)
    assert {k: v for k, v in alone.items() if k != "out"} == {k: v for k, v in shared.items() if k != "out"}
    assert shared["assets"] == 2 and len(shared["unresolved"]) == 2 * POSTS
    assert [u["post"] for u in shared["unresolved"]] == [u["post"] for u in alone["unresolved"]]
    # What the second process wrote is this publish's own: the next publish (told that something
    # changed, so that it looks at every page) keeps every page but the one someone deleted.
    shutil.rmtree(tmp_path / "two" / "es" / "entrada-3")
    store.save_publish_state(str(two.resolve()), None, 0)
    again = publish_store(store, config)
    assert again["written"] == 1 and files_of(one) == files_of(two)
    assert again["unchanged"] == shared["written"] - 1
    assert manifest_without_stats(one) == manifest_without_stats(two)


def misbehaving_in_the_child(monkeypatch, misbehave):
    """render_post calls `misbehave(entry, lang)` first in the forked child only; gives back the
    real one."""
    parent = os.getpid()
    real = html_publisher.render_post

    def render_post(env, entry, lang, settings):
        if os.getpid() != parent:
            misbehave(entry, lang)
        return real(env, entry, lang, settings)

    monkeypatch.setattr(parallel, "MIN_PAGES", 4)
    monkeypatch.setattr(html_publisher, "render_post", render_post)
    return real


def test_a_page_that_fails_in_the_second_process_fails_the_publish(tmp_path, monkeypatch):
    config, store = archive(tmp_path, "site")

    def fail(entry, lang):
        if lang == "es":
            raise ValueError(f"the template cannot show {entry.versions[lang].slug}")

    real = misbehaving_in_the_child(monkeypatch, fail)
    result = publish_store(store, config)
    assert result["published"] == 0 and "the template cannot show entrada-" in result["failed"][0]["error"]
    assert not (tmp_path / "site" / MANIFEST_NAME).exists()  # nothing claims the half-written site
    monkeypatch.setattr(html_publisher, "render_post", real)
    assert publish_store(store, config)["failed"] == []  # the next run publishes it whole


def test_a_second_process_that_dies_is_reported_and_the_next_publish_recovers(tmp_path, monkeypatch):
    config, store = archive(tmp_path, "site")
    # The kernel's OOM killer, say.
    real = misbehaving_in_the_child(monkeypatch, lambda entry, lang: os.kill(os.getpid(), signal.SIGKILL))
    result = publish_store(store, config)
    assert "ended without an answer (killed by signal 9)" in result["failed"][0]["error"]
    monkeypatch.setattr(html_publisher, "render_post", real)
    assert publish_store(store, config)["failed"] == []
    assert len(list((tmp_path / "site" / "es").glob("entrada-*/index.html"))) == POSTS


def test_with_another_thread_running_every_page_is_rendered_here(tmp_path, monkeypatch, rendered_by):
    """A fork copies only the thread that calls it: with another one alive (a lock it holds would
    stay held in the child), the pages are rendered in this process."""
    config, store = archive(tmp_path, "site")
    monkeypatch.setattr(parallel, "MIN_PAGES", 4)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert publish_store(store, config)["failed"] == []
    finally:
        stop.set()
        other.join()
    assert set(rendered_by().values()) == {str(os.getpid())}
