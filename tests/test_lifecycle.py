"""Posts leaving the site: a source file deleted, a WordPress item turned draft or trashed,
`polypost remove` and `polypost exclude`; and coming back. Each takes exactly that pair off the
disk, the homes, the feeds and the sitemap, is recorded, and survives kill -9 like publishing."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from polypost.cli import cli
from polypost.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
BASE = "https://blog.example.com/"
pytestmark = pytest.mark.skipif(not shutil.which("apertium"), reason="Apertium is not installed")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run(work: Path, *sources: str):
    result = invoke("--db", str(work / "p.db"), "run", *sources, "--out", str(work / "site"), "--engine", "apertium",
                    "--base-url", BASE, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def site_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def mentions(out: Path, text: str) -> list[str]:
    """Every file of the site that names `text` (a slug): pages, homes, feeds, sitemap."""
    return [name for name, data in site_files(out).items()
            if text.encode() in data and not name.startswith(".polypost")]


@pytest.fixture
def blog(tmp_path) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "posts")
    return tmp_path


def test_a_deleted_source_file_takes_exactly_its_pair_off_the_site_and_back(blog):
    first = run(blog, str(blog / "posts"))
    assert first["published"] == 16 and first["gone"] == []
    out = blog / "site"
    assert mentions(out, "utm-links-without-tears")
    spanish = [name for name in site_files(out) if name.startswith("es/") and "utm" in name]
    assert spanish, "the Spanish twin is published"
    (blog / "posts" / "utm-links-without-tears.md").unlink()
    second = run(blog, str(blog / "posts"))
    assert [g["origin"] for g in second["gone"]] == [str(blog / "posts" / "utm-links-without-tears.md")]
    assert second["published"] == 14
    assert mentions(out, "utm-links-without-tears") == []  # pages, homes, feeds, sitemap
    assert not any((out / name).exists() for name in spanish)
    store = Store.open(blog / "p.db")
    states = store.post_states()
    assert [s["state"] for s in states.values()] == ["gone"]
    assert store.get_post(next(iter(states))) is not None  # the post itself is kept
    store.close()
    status = invoke("--db", str(blog / "p.db"), "status", "--json")
    assert json.loads(status.stdout)["taken_down"] == {"gone": 1}
    # Back at its source: published again, with its translation from the memory.
    shutil.copy(SAMPLES / "utm-links-without-tears.md", blog / "posts")
    third = run(blog, str(blog / "posts"))
    assert len(third["back"]) == 1 and third["published"] == 16 and third["segments"]["from_engine"] == 0
    assert mentions(out, "utm-links-without-tears")


def test_a_wordpress_item_turned_draft_or_trashed_is_taken_down(tmp_path, corpus):
    export = tmp_path / "export.xml"
    text = (corpus / "wxr" / "small-export.xml").read_text(encoding="utf-8")
    export.write_text(text, encoding="utf-8")
    first = run(tmp_path, str(export))
    assert first["published"] > 4
    assert mentions(tmp_path / "site", "hello-world")
    hello = text.index("<title>Hello world!</title>")
    status = text.index("<wp:status>publish</wp:status>", hello)
    export.write_text(text[:status] + "<wp:status>trash</wp:status>" + text[status + len("<wp:status>publish</wp:status>"):],
                      encoding="utf-8")
    second = run(tmp_path, str(export))
    assert len(second["gone"]) == 1 and second["gone"][0]["origin"].startswith(f"{export}#item-")
    assert second["published"] == first["published"] - 2
    assert mentions(tmp_path / "site", "hello-world") == []


def test_a_damaged_export_or_a_limited_read_takes_nothing_down(tmp_path, corpus):
    export = tmp_path / "export.xml"
    shutil.copy(corpus / "wxr" / "small-export.xml", export)
    first = run(tmp_path, str(export))
    export.write_text("<rss><channel>", encoding="utf-8")  # a truncated download
    result = invoke("--db", str(tmp_path / "p.db"), "run", str(export), "--out", str(tmp_path / "site"),
                    "--engine", "apertium", "--base-url", BASE, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["gone"] == [] and summary["published"] == first["published"]
    shutil.copy(corpus / "wxr" / "small-export.xml", export)
    limited = invoke("--db", str(tmp_path / "p.db"), "ingest", str(export), "--limit", "1", "--json")
    assert json.loads(limited.stdout)["gone"] == []


def test_remove_and_exclude_take_a_post_down_until_undone(blog):
    run(blog, str(blog / "posts"))
    out, db = blog / "site", str(blog / "p.db")
    before = site_files(out)
    removed = invoke("--db", db, "remove", "hashtags-that-bring-reach", "--out", str(out), "--json")
    data = json.loads(removed.stdout)
    assert removed.exit_code == 0 and data["state"] == "removed" and data["removed"] == 6
    assert mentions(out, "hashtags-that-bring-reach") == []
    # Only the pair's files went, with the pages of the two tags no other post carries ("hashtag",
    # "reach"); the others changed only where they listed it.
    after = site_files(out)
    assert {n for n in before if n not in after} == {"en/hashtags-that-bring-reach/index.html",
                                                      "es/hashtags-que-de-hecho-traer-alcance/index.html",
                                                      "en/tags/hashtag/index.html", "en/tags/reach/index.html",
                                                      "es/tags/hashtag/index.html", "es/tags/alcance/index.html"}
    # A removed post stays down on the next nightly run, though its file is still there.
    assert run(blog, str(blog / "posts"))["published"] == 14
    assert mentions(out, "hashtags-that-bring-reach") == []
    # Excluded: never translated, even when asked by name.
    excluded = invoke("--db", db, "exclude", "utm-links-without-tears", "--out", str(out), "--json")
    assert json.loads(excluded.stdout)["state"] == "excluded"
    store = Store.open(blog / "p.db")
    post = store.get_post("utm-links-without-tears")
    store.close()
    translate = invoke("--db", db, "translate", "--post", post.id, "--engine", "apertium", "--json")
    assert json.loads(translate.stdout)["translated"] == 0
    undo = invoke("--db", db, "remove", "hashtags-that-bring-reach", "--undo", "--out", str(out), "--json")
    assert json.loads(undo.stdout)["state"] is None
    assert mentions(out, "hashtags-that-bring-reach")
    unknown = invoke("--db", db, "remove", "no-such-post", "--json")
    assert unknown.exit_code == 2 and json.loads(unknown.stdout)["error"]["kind"] == "usage"


@pytest.mark.slow
def test_a_removal_killed_with_sigkill_is_finished_by_the_next_run(blog):
    run(blog, str(blog / "posts"))
    (blog / "posts" / "social-media-is-a-conversation.html").unlink()
    clean = blog / "clean"
    shutil.copytree(blog / "posts", clean / "posts")
    run(clean, str(clean / "posts"))
    command = [sys.executable, "-m", "polypost", "--db", str(blog / "p.db"), "-v", "run", str(blog / "posts"),
               "--out", str(blog / "site"), "--engine", "apertium", "--base-url", BASE]
    for delay in (0.0, 0.05, 0.2):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in process.stderr:
            if "publishing " in line or "no longer in" in line:
                break
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    final = run(blog, str(blog / "posts"))
    assert final["published"] == 14
    ours, theirs = site_files(blog / "site"), site_files(clean / "site")
    assert sorted(ours) == sorted(theirs)
    assert not [name for name in ours if ".tmp" in name]
