"""A rerun passes over files whose bytes and reading settings are those of their stored post,
without parsing them; anything that could change the post makes it read again."""

from __future__ import annotations

from pathlib import Path

import pytest

import polypost.sources.files as files
from polypost.sources.stage import IngestOptions, ingest
from polypost.store import Store

POST = """<h1>Reach on a budget {n}</h1>
<p>Our community manager plans the content calendar every week, and the team shares it.</p>
<p>Small brands grow organic reach with clear goals and a steady voice.</p>
"""


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for n in range(3):
        (folder / f"post-{n}.html").write_text(POST.format(n=n), encoding="utf-8")
    return folder


@pytest.fixture()
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose HTML the files reader parses."""
    seen: list[str] = []
    original = files._html_post

    def counting(path: str, text: str):
        seen.append(Path(path).name)
        return original(path, text)

    monkeypatch.setattr(files, "_html_post", counting)
    return seen


def test_a_rerun_parses_no_unchanged_file_and_reports_every_post_unchanged(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    first = ingest(store, [str(archive)])
    assert (first.new, parses) == (3, ["post-0.html", "post-1.html", "post-2.html"])
    parses.clear()
    again = ingest(store, [str(archive)])
    assert parses == []
    assert (again.unchanged, again.ingested, again.failed) == (3, 0, [])
    assert sorted(again.post_ids) == sorted(first.post_ids)


def test_an_edited_file_is_read_again_and_only_it(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    ingest(store, [str(archive)])
    (archive / "post-1.html").write_text(POST.format(n=1).replace("every week", "every day"), encoding="utf-8")
    parses.clear()
    report = ingest(store, [str(archive)])
    assert parses == ["post-1.html"]
    assert (report.updated, report.unchanged) == (1, 2)
    post = store.get_post(report.post_ids[[Path(o).name for o in _origins(store, report)].index("post-1.html")])
    assert "every day" in post.html


def test_bytes_that_change_nothing_in_the_post_are_read_once_then_passed_over(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    ingest(store, [str(archive)])
    path = archive / "post-2.html"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # trailing blank lines
    parses.clear()
    report = ingest(store, [str(archive)])
    assert (parses, report.unchanged, report.updated) == (["post-2.html"], 3, 0)
    parses.clear()
    ingest(store, [str(archive)])
    assert parses == []


def test_a_reading_setting_or_a_database_without_digests_reads_every_file(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    ingest(store, [str(archive)])
    parses.clear()
    ingest(store, [str(archive)], IngestOptions(sanitize_own=True))  # bodies go through the allowlist now
    assert len(parses) == 3
    store.db.execute("update posts set source_digest = null")  # as a database from before digests
    store.db.conn.commit()
    parses.clear()
    report = ingest(store, [str(archive)])
    assert (len(parses), report.unchanged) == (3, 3)


def test_a_deleted_file_is_still_gone_when_the_others_are_passed_over(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    ingest(store, [str(archive)])
    (archive / "post-0.html").unlink()
    parses.clear()
    report = ingest(store, [str(archive)])
    assert parses == []
    assert [Path(gone["origin"]).name for gone in report.gone] == ["post-0.html"]
    assert report.unchanged == 2


def test_limit_counts_unchanged_files(tmp_path, archive, parses):
    store = Store.open(tmp_path / "p.db")
    ingest(store, [str(archive)])
    report = ingest(store, [str(archive)], IngestOptions(limit=2))
    assert report.unchanged == 2


def _origins(store: Store, report) -> list[str]:
    return [store.get_post(post_id).origin for post_id in report.post_ids]
