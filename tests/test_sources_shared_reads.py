"""A folder of many files is read two files of every three in a forked child: the posts, the
problems and the unchanged files are the ones, in the order, that one process reads."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict

import pytest

from polypost import forking
from polypost.sources import files
from polypost.sources.files import iter_file_posts

pytestmark = [pytest.mark.usefixtures("leftover_threads_ignored"), pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="a child is forked only on Linux with a second core")]


def as_records(items) -> list[tuple[str, dict]]:
    return [(type(item).__name__, asdict(item)) for item in items]


def read_alone(monkeypatch, *args, **options):
    monkeypatch.setattr(files, "SHARED_READS", 10**9)
    try:
        return as_records(iter_file_posts(*args, **options))
    finally:
        monkeypatch.setattr(files, "SHARED_READS", 3)


def mixed_folder(tmp_path):
    """Posts of every kind the reader takes, and files it refuses, in one folder."""
    folder = tmp_path / "posts"
    (folder / "2024").mkdir(parents=True)
    for n in range(12):
        (folder / f"fragment-{n:02d}.html").write_text(
            f'<meta name="date" content="2024-02-{n + 1:02d}"><h1>Fragment {n}</h1>'
            f'<p>Body {n} with <a href="https://example.com/{n}">a link</a>.</p>', encoding="utf-8")
        (folder / "2024" / f"2024-03-{n + 1:02d}-note-{n}.md").write_text(
            f"---\ntitle: Note {n}\ntags: [a, b]\n---\nA *Markdown* note, number {n}.\n", encoding="utf-8")
    (folder / "empty.html").write_text("", encoding="utf-8")
    (folder / "binary.html").write_bytes(b"<p>\x00\x01</p>")
    (folder / "notes.txt").write_text("not a post", encoding="utf-8")
    (folder / "draft.md").write_text("---\ntitle: Draft\ndraft: true\n---\nNot yet.\n", encoding="utf-8")
    (folder / "outside.html").symlink_to("/etc/hostname")
    return folder


def test_a_folder_read_in_two_processes_gives_what_one_process_reads(tmp_path, monkeypatch):
    folder = mixed_folder(tmp_path)
    alone = read_alone(monkeypatch, [folder])
    forks = []
    real_child = forking.Child
    monkeypatch.setattr(forking, "Child", lambda *args: forks.append(1) or real_child(*args))
    shared = as_records(iter_file_posts([folder]))
    assert forks == [1]
    assert shared == alone
    assert [kind for kind, _ in shared].count("SourcePost") == 24 and len(shared) == 29
    # Files whose post is stored are passed over in the child too: its digests are looked up here.
    digests = {record["origin"]: record["source_digest"] for kind, record in shared if kind == "SourcePost"}
    again = as_records(iter_file_posts([folder], known_digest=digests.get))
    assert again == read_alone(monkeypatch, [folder], known_digest=digests.get)
    assert [kind for kind, _ in again].count("Unchanged") == 24


def test_the_real_markdown_corpus_reads_the_same_in_two_processes(corpus, monkeypatch):
    folder = corpus / "markdown"
    alone = read_alone(monkeypatch, [folder])
    assert as_records(iter_file_posts([folder])) == alone
    assert sum(kind == "SourcePost" for kind, _ in alone) >= 15


def test_a_limit_reads_its_few_files_here(tmp_path, monkeypatch):
    folder = mixed_folder(tmp_path)
    monkeypatch.setattr(files, "SHARED_READS", 3)
    monkeypatch.setattr(forking, "Child", lambda *args: pytest.fail("a child for a --limit"))
    items = list(iter_file_posts([folder], limit=5))
    assert sum(type(item).__name__ == "SourcePost" for item in items) == 5
