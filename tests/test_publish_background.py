"""A publish's files are written by one thread while the next pages are rendered: in the order
they were handed over, a failure raised to the publish with the file it was writing, and no
writing thread left behind, whether the publish succeeds or fails."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from polypost.config import load_config
from polypost.publish import atomic, html
from polypost.publish.atomic import MANIFEST_NAME, OutputWriter
from polypost.publish.stage import publish_store
from polypost.records import SourcePost
from polypost.store import Store


def writing_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "polypost-writer"]


def test_files_are_written_on_another_thread_in_the_order_handed_over(tmp_path, monkeypatch):
    threads = []
    real_write = atomic.atomic_write
    monkeypatch.setattr(atomic, "atomic_write", lambda path, data, durable=True, make_folder=True: threads.append(
        threading.current_thread().name) or real_write(path, data, durable))
    out = tmp_path / "site"
    out.mkdir()
    (out / "same.html").write_text("<p>same</p>")
    writer = OutputWriter(out)
    names = [f"p{n}/index.html" for n in range(200)]
    for n, name in enumerate(names):
        writer.write(name, f"<p>{n}</p>", fingerprint=f"f{n}")
    writer.write("same.html", "<p>same</p>")
    writer.finish()
    assert writer.written == names and writer.unchanged == ["same.html"]
    # Every page on the writing thread; the manifest last, by finish itself, once they are written.
    assert threads == ["polypost-writer"] * len(names) + ["MainThread"]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    stat = os.stat(out / "p7/index.html")
    assert manifest["pages"]["p7/index.html"] == {"fingerprint": "f7", "stat": [stat.st_size, stat.st_mtime_ns,
                                                                                 stat.st_ino]}
    assert manifest["files"]["p7/index.html"] == atomic.content_hash(b"<p>7</p>")
    assert writing_threads() == []


def test_a_write_that_fails_is_raised_with_its_file_and_nothing_after_it_is_written(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "blocked").write_text("a file where a folder should be")
    writer = OutputWriter(out)
    writer.write("a/index.html", "<p>a</p>")
    writer.write("blocked/index.html", "<p>b</p>")
    with pytest.raises(OSError) as raised:
        for n in range(100):  # a later write raises it, or else finish does
            writer.write(f"c{n}/index.html", "<p>c</p>")
        writer.finish()
    assert "blocked" in str(raised.value.filename)
    assert (out / "a/index.html").read_text() == "<p>a</p>"
    assert not (out / "c99").exists() and not (out / MANIFEST_NAME).exists()
    writer.close()
    assert writing_threads() == []


def test_a_publish_that_fails_while_rendering_keeps_its_last_manifest_and_leaves_no_thread(tmp_path, monkeypatch):
    config = load_config(environ={}, db_path=str(tmp_path / "p.db"), out_dir=str(tmp_path / "site"))
    store = Store.open(config.db_path)
    for n in range(12):
        store.upsert_post(SourcePost(origin=f"https://old.example.com/p{n}/", url=f"https://old.example.com/p{n}/",
                                     title=f"Post {n}", html=f"<p>Body {n}.</p>", slug=f"p{n}",
                                     published=f"2024-01-{n + 1:02d}"), "en", 0.99)
    assert publish_store(store, config)["failed"] == []
    manifest = (tmp_path / "site" / MANIFEST_NAME).read_bytes()
    for n in (3, 4, 5):
        store.upsert_post(SourcePost(origin=f"https://old.example.com/p{n}/", url=f"https://old.example.com/p{n}/",
                                     title=f"Post {n}", html=f"<p>Body {n}, edited.</p>", slug=f"p{n}",
                                     published=f"2024-01-{n + 1:02d}"), "en", 0.99)
    calls = []
    real_render = html.render_post

    def render_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise OSError(28, "No space left on device", "somewhere")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(html, "render_post", render_then_fail)
    result = publish_store(store, config)
    assert len(calls) == 2
    assert result["failed"] and "No space left on device" in result["failed"][0]["error"]
    assert (tmp_path / "site" / MANIFEST_NAME).read_bytes() == manifest
    assert writing_threads() == []


def test_folders_made_by_the_publish_get_every_file_and_a_rerun_keeps_them(tmp_path):
    # In a folder this publish made nothing is compared or cleared first; a folder made on the way
    # to a deeper one (en/) and a folder that was there (media/) are looked at as before.
    out = tmp_path / "site"
    (out / "media").mkdir(parents=True)
    (out / "media" / "logo.svg").write_text("<svg/>")
    (out / "media" / ".logo.svg.x1.tmp").write_text("half")
    writer = OutputWriter(out)
    files = {"en/a/b/index.html": "<p>deep</p>", "en/a/b/extra.html": "<p>beside</p>", "en/a/index.html": "<p>up</p>",
             "en/index.html": "<p>home</p>", "media/logo.svg": "<svg/>"}
    for relpath, text in files.items():
        writer.write(relpath, text, fingerprint=relpath)
    writer.finish()
    assert {relpath: (out / relpath).read_text() for relpath in files} == files
    assert sorted(writer.written) == sorted(set(files) - {"media/logo.svg"}) and writer.unchanged == ["media/logo.svg"]
    assert not (out / "media" / ".logo.svg.x1.tmp").exists()
    again = OutputWriter(out)
    assert all(again.reusable(relpath, relpath) is not None for relpath in files)


def test_a_publish_into_the_current_folder_writes_and_then_keeps_its_files(tmp_path, monkeypatch):
    # `polypost publish --out .`: a page at the top has the folder "" as os.path.dirname gives it.
    monkeypatch.chdir(tmp_path)
    writer = OutputWriter(Path("."))
    writer.write("index.html", "<p>chooser</p>", fingerprint="top")
    writer.write("en/post/index.html", "<p>post</p>", fingerprint="post")
    writer.finish()
    assert sorted(writer.written) == ["en/post/index.html", "index.html"]
    assert (tmp_path / "index.html").read_text() == "<p>chooser</p>"
    again = OutputWriter(Path("."))
    assert again.reusable("index.html", "top") is not None and again.reusable("en/post/index.html", "post") is not None
