"""polypost doctor: what can run here, checked without creating anything; the tokenizer probe;
`models install` offline; the base URL a site was published under."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from argos_fixture import train_tokenizer
from polypost.cli import cli
from polypost.translate.argos_probe import probe_tokenizer_file

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)")
POST = "---\ntitle: A post\ndate: 2024-03-05\n---\n\nEvery community manager knows that reach is rented.\n"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.mark.parametrize("byte_fallback,unk", [(True, []), (False, ["⟦", "⟧"])])
def test_the_probe_says_whether_placeholders_become_unk(tmp_path, byte_fallback, unk):
    model = train_tokenizer(tmp_path, byte_fallback=byte_fallback)
    probe = probe_tokenizer_file(model).as_dict()
    # Every placeholder character the tokenizer cannot encode is named ("/" too, for this one).
    assert set(unk) <= set(probe["placeholders_unk"]) and (unk or not probe["placeholders_unk"])
    assert probe["transport"] == ("placeholders" if byte_fallback else "alignment")
    assert probe["digits_split"] == (len(probe["digit_pieces"]) > 1)
    assert "".join(probe["digit_pieces"]).replace("▁", "") == "2024"


def test_doctor_reports_argos_packages_with_their_tokenizer(tmp_path, installed_argos):
    result = invoke("--db", str(tmp_path / "p.db"), "doctor", "--json")
    report = json.loads(result.stdout)
    assert "argos" in report["engines"]["usable"] and report["engines"]["would_use"] == "argos"
    (package,) = report["engines"]["argos"]["packages"]
    assert package["path"] == str(installed_argos)
    assert package["tokenizer"]["placeholders_unk"] == []  # the test package's tokenizer falls back to bytes
    assert result.exit_code == 0, result.output
    assert "placeholders encode" in invoke("--db", str(tmp_path / "p.db"), "doctor").stdout


def test_doctor_fails_when_an_engine_is_missing_and_names_it(tmp_path, argos_home, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = invoke("doctor", "--json", env={"POLYPOST_ENGINE": "argos"})
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["settings"]["engine"] == {"value": "argos", "from": "environment",
                                            "where": "environment variable POLYPOST_ENGINE"}
    assert any("engine 'argos' cannot run here" in p for p in report["problems"])
    assert list(work.iterdir()) == []  # nothing created: no data/, no site/
    assert not argos_home.exists()  # nor Argos's package folder


def test_doctor_checks_glossaries_and_folders_without_creating_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    bad = tmp_path / "bad.en-es.tsv"
    bad.write_text("source\ttarget\nnewsletter\tboletín\nnewsletter\tcarta\n", encoding="utf-8")
    result = invoke("--db", str(tmp_path / "file" / "p.db"), "doctor", "--json", env={"POLYPOST_OUT": "out/site"})
    report = json.loads(result.stdout)
    assert report["database"]["problem"] == f"{tmp_path / 'file'} is a file, so {tmp_path / 'file' / 'p.db'} cannot be made"
    assert report["output"] == {"path": "out/site", "exists": False, "problem": None}
    assert report["settings"]["db_path"]["from"] == "option"
    assert report["settings"]["out_dir"]["from"] == "environment"
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    (tmp_path / "polypost.toml").write_text(f'[translate]\nglossaries = ["{bad}", "missing.tsv"]\n')
    report = json.loads(invoke("doctor", "--json").stdout)
    assert report["glossaries"]["missing"] == ["missing.tsv"] and not report["glossaries"]["valid"]
    assert report["settings"]["glossaries"]["where"] == "polypost.toml:2: translate.glossaries"


def test_models_install_offline_is_one_line(argos_home, capfd):
    result = invoke("models", "install")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Could not download the Argos package index" in lines[0]
    assert result.stdout == "" and "URLError" not in result.output
    assert "URLError" not in capfd.readouterr().out


@needs_apertium
def test_the_base_url_of_a_published_site_is_kept_and_reused(tmp_path):
    posts, db, out = tmp_path / "posts", str(tmp_path / "p.db"), tmp_path / "site"
    posts.mkdir()
    (posts / "2024-03-05-a-post.md").write_text(POST)
    first = invoke("--db", db, "run", str(posts), "--out", str(out), "--engine", "apertium",
                   "--base-url", "https://blog.example.com/")
    assert first.exit_code == 0, first.output
    manifest = json.loads((out / ".polypost-manifest.json").read_text())
    assert manifest["site"] == {"base_url": "https://blog.example.com/"}
    # share and a later run without --base-url use it, and say nothing
    share = invoke("--db", db, "share", "--json", env={"POLYPOST_OUT": str(out)})
    assert share.exit_code == 0, share.output
    urls = [p["url"] for kit in json.loads(share.stdout)["posts"] for v in kit["versions"].values()
            for p in v["posts"].values()]
    assert urls and all(url.startswith("https://blog.example.com/") for url in urls)
    assert "localhost" not in share.stderr and "differs" not in share.stderr
    again = invoke("--db", db, "run", "--out", str(out), "--engine", "apertium", "--json")
    assert again.exit_code == 0 and "differs" not in again.stderr
    assert "https://blog.example.com/es/" in (out / "sitemap.xml").read_text()
    # a different one is used as asked, with a warning
    moved = invoke("--db", db, "publish", "--out", str(out), "--base-url", "https://new.example.org/")
    assert moved.exit_code == 0
    assert "differs from https://blog.example.com/" in moved.stderr
    assert json.loads((out / ".polypost-manifest.json").read_text())["site"]["base_url"] == "https://new.example.org/"


def test_share_format_json_still_works_and_warns(tmp_path):
    from polypost.store import Store

    Store.open(tmp_path / "p.db").close()
    old = invoke("--db", str(tmp_path / "p.db"), "share", "--format", "json", "--base-url", "https://b.example/")
    new = invoke("--db", str(tmp_path / "p.db"), "share", "--json", "--base-url", "https://b.example/")
    assert old.exit_code == new.exit_code == 0
    assert json.loads(old.stdout) == json.loads(new.stdout) == {"posts": []}
    assert "--format json is deprecated" in old.stderr and "deprecated" not in new.stderr
