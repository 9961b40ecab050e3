"""The command line as a good CLI: paths read from the config's folder, read-only commands
that create nothing, settings checked once with their origin named, a JSON error object for
every failure under --json, and a fast --help. Real SQLite files, CliRunner and subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from polypost.cli import all_commands, cli
from polypost.cli.app import LAZY_COMMANDS
from polypost.pipeline import data_lock
from polypost.sources.http import Fetcher, FetchError
from polypost.store import Store

SRC = Path(__file__).resolve().parents[1] / "src"
POST = "---\ntitle: A post\ndate: 2024-03-05\n---\n\nEvery community manager knows that reach is rented.\n"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def polypost(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run([sys.executable, "-m", "polypost", *args], capture_output=True, text=True, cwd=cwd,
                          env=environ, timeout=120)


# --------------------------------------------------------------------------- --help


def test_help_loads_no_command_module_and_is_fast():
    code = ("import sys, time; t = time.perf_counter(); from polypost.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='polypost')\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('polypost.pipeline', 'polypost.store', 'polypost.config', 'sqlite_utils', 'bs4',"
            " 'trafilatura', 'polypost.cli.stages') if m in sys.modules]\n"
            "print('HEAVY', heavy, time.perf_counter() - t, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=60)
    assert "HEAVY [] " in result.stderr, result.stderr
    assert "run " in result.stdout and "doctor " in result.stdout
    started = time.perf_counter()
    assert polypost("--help").returncode == 0
    # 0.07 s on a developer machine; the bound leaves room for a loaded CI runner.
    assert time.perf_counter() - started < 1.0


def test_the_lazy_list_says_what_each_command_says():
    commands = all_commands()
    assert set(commands) == set(LAZY_COMMANDS)
    for name, command in commands.items():
        assert LAZY_COMMANDS[name][1] == command.get_short_help_str(limit=200), name


def test_environment_variables_are_shown_in_help():
    assert "env var: POLYPOST_DB" in invoke("--help").output
    assert "env var: POLYPOST_CONFIG" in invoke("--help").output
    run_help = invoke("run", "--help").output
    for variable in ("POLYPOST_BASE_URL", "POLYPOST_OUT", "POLYPOST_ENGINE"):
        assert variable in run_help


def test_every_option_of_every_command_has_help():
    for name, command in all_commands().items():
        for sub in ([command] + list(getattr(command, "commands", {}).values())):
            for param in sub.params:
                if isinstance(param, click.Option):
                    assert param.help, f"{name} {param.opts}"


# --------------------------------------------------------------------------- paths


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """/srv/blog-like folder: a config with relative paths, its posts and its glossary beside it."""
    blog = tmp_path / "blog"
    (blog / "posts").mkdir(parents=True)
    (blog / "posts" / "a-post.md").write_text(POST, encoding="utf-8")
    (blog / "terms.en-es.tsv").write_text("source\ttarget\nnewsletter\tboletín\n", encoding="utf-8")
    (blog / "polypost.toml").write_text(
        '[site]\nbase_url = "https://blog.example.com/"\nout_dir = "public"\n'
        '[sources]\npaths = ["posts", "https://example.com/feed.xml"]\n'
        '[translate]\nglossaries = ["terms.en-es.tsv"]\n[store]\ndb = "var/p.db"\n', encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    return blog


def test_relative_paths_of_a_config_are_read_from_its_folder(project, monkeypatch):
    monkeypatch.chdir(project.parent / "elsewhere")
    result = invoke("--config", str(project / "polypost.toml"), "doctor", "--json")
    settings = json.loads(result.stdout)["settings"]
    assert settings["db_path"]["value"] == str(project / "var" / "p.db")
    assert settings["out_dir"]["value"] == str(project / "public")
    assert settings["glossaries"]["value"] == [str(project / "terms.en-es.tsv")]
    assert settings["sources"]["value"] == [str(project / "posts"), "https://example.com/feed.xml"]
    assert settings["db_path"]["from"] == "config file"
    assert not (project / "var").exists() and not (project / "public").exists()  # doctor creates nothing
    # the paths are the ones a stage uses: ingest writes the config's database
    assert invoke("--config", str(project / "polypost.toml"), "ingest", str(project / "posts")).exit_code == 0
    assert (project / "var" / "p.db").is_file() and not (project.parent / "elsewhere" / "data").exists()


def test_defaults_of_a_config_file_live_in_its_folder(tmp_path, monkeypatch):
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "polypost.toml").write_text('[site]\ntitle = "T"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = json.loads(invoke("--config", "blog/polypost.toml", "doctor", "--json").stdout)["settings"]
    assert settings["db_path"]["value"] == str(Path("blog") / "data" / "polypost.db")
    assert settings["out_dir"]["value"] == str(Path("blog") / "site")


@pytest.mark.parametrize("command", [["status"], ["review"], ["glossary", "report"], ["share"],
                                     ["export", "--format", "po", "out.po"]])
def test_read_only_commands_create_nothing(tmp_path, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "nonexistent" / "dir" / "x.db"
    result = invoke("--db", str(db), *command, "--json") if command[0] != "export" else invoke("--db", str(db), *command)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0] and lines[0].startswith("polypost: error: no database at")
    assert not (tmp_path / "nonexistent").exists() and list(tmp_path.iterdir()) == []


def test_models_list_creates_no_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("models", "list").exit_code == 0
    assert not (tmp_path / "data").exists()


# --------------------------------------------------------------------------- settings checked once


@pytest.mark.parametrize("toml,expected", [
    ('[site]\nbase_url = "ftp://blog.example.com/"\n', ":2: site.base_url: base URL 'ftp://blog.example.com/' needs an http:// or https:// scheme"),
    ('[site]\n\nbase_url = "https:///nohost"\n', ":3: site.base_url: base URL 'https:///nohost/' needs a host name"),
    ('[site]\ntarget_lang = "spanish language"\n', ":2: site.target_lang: target_lang 'spanish language' is not a BCP 47"),
    ('[site]\ntarget_lang = "en"\n', ":2: site.target_lang: source_lang and target_lang are both 'en'"),
    ('[site]\nout_dir = "a-file"\n', ":2: site.out_dir: output folder"),
])
def test_bad_settings_are_refused_before_any_work_naming_file_and_key(tmp_path, toml, expected):
    config = tmp_path / "polypost.toml"
    config.write_text(toml, encoding="utf-8")
    (tmp_path / "a-file").write_text("not a folder")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(POST)
    result = invoke("--config", str(config), "run", str(posts))
    assert result.exit_code == 2
    assert result.stderr.count("polypost: error:") == 1, result.stderr
    assert f"{config}{expected}".replace("https:///nohost/", "https:///nohost") in result.stderr or \
        f"{config}{expected}" in result.stderr, result.stderr
    assert not (tmp_path / "data").exists()  # refused before the database was made


def test_a_bad_base_url_names_the_environment_variable_or_the_option(tmp_path):
    db = str(tmp_path / "p.db")
    result = invoke("--db", db, "publish", env={"POLYPOST_BASE_URL": "blog.example.com"})
    assert result.exit_code == 2 and "environment variable POLYPOST_BASE_URL: base URL" in result.stderr
    result = invoke("--db", db, "publish", "--base-url", "/blog/")
    assert result.exit_code == 2 and "--base-url: base URL '/blog/'" in result.stderr
    assert not Path(db).exists()


def test_run_with_nothing_to_run_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "--json")
    assert result.exit_code == 2 and "nothing to run: give SOURCE" in result.stderr
    assert json.loads(result.stdout)["error"]["kind"] == "usage"
    assert list(tmp_path.iterdir()) == []


def test_a_refused_connection_is_not_called_a_timeout():
    # urllib3's NewConnectionError is a ConnectTimeoutError: the order of the checks matters.
    fetcher = Fetcher(retries=0, obey_robots=False)
    with pytest.raises(FetchError, match="connection refused") as caught:
        fetcher.fetch(f"http://127.0.0.1:{_free_port()}/post")
    assert "timed out" not in str(caught.value)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_output_folder_that_cannot_be_made_is_named(tmp_path):
    """The run's translations are kept (the next run publishes them); the failure names the folder."""
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "site"
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(POST)
    result = invoke("--db", str(tmp_path / "p.db"), "publish", "--out", str(out), "--json")
    assert result.exit_code == 1, result.output
    (failure,) = json.loads(result.stdout)["failed"]
    assert failure["stage"] == "publish" and str(out) in failure["error"]


def test_a_read_only_output_folder_is_named(tmp_path, monkeypatch):
    """As root a chmod 0555 folder stays writable: the disk's refusal is simulated where it happens."""
    from polypost.publish import atomic

    def refuse(path, data, durable=True, make_folder=True):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(atomic, "atomic_write", refuse)
    db, out = tmp_path / "p.db", tmp_path / "site"
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(POST)
    assert invoke("--db", str(db), "ingest", str(posts)).exit_code == 0
    result = invoke("--db", str(db), "publish", "--out", str(out), "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["failed"][0]["error"]
    assert "Permission denied" in error and str(out) in error


# --------------------------------------------------------------------------- --json errors


def _error(result) -> dict:
    data = json.loads(result.stdout)
    assert set(data) == {"error"} and data["error"]["exit_code"] == result.exit_code
    assert result.stderr.startswith(("polypost: error:", "Usage:", "Error:")), result.stderr
    return data["error"]


def test_every_failure_is_one_json_object_under_json(tmp_path, monkeypatch):
    db = str(tmp_path / "p.db")
    usage = invoke("--db", db, "run", "--no-such-option", "--json")
    assert usage.exit_code == 2 and _error(usage)["kind"] == "usage"
    assert "--no-such-option" in _error(usage)["message"]
    unknown = invoke("--json-not", "status", "--json")
    assert unknown.exit_code == 2 and _error(unknown)["kind"] == "usage"

    bad = tmp_path / "bad.toml"
    bad.write_text("[translate]\nbeam_size = 'two'\n")
    config = invoke("--config", str(bad), "status", "--json")
    assert config.exit_code == 2 and _error(config)["kind"] == "config" and f"{bad}:2" in _error(config)["message"]

    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(POST)
    with data_lock(tmp_path):
        locked = invoke("--db", db, "ingest", str(posts), "--json")
    assert locked.exit_code == 3 and _error(locked)["kind"] == "lock"

    from polypost.errors import StorageError

    def full_disk(*args, **kwargs):
        raise StorageError(db, "database or disk is full", "free some space and run again")

    monkeypatch.setattr("polypost.pipeline.ingest", full_disk)
    storage = invoke("--db", db, "ingest", str(posts), "--json")
    assert storage.exit_code == 74 and _error(storage)["kind"] == "storage"

    def bug(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr("polypost.pipeline.ingest", bug)
    internal = invoke("--db", db, "ingest", str(posts), "--json")
    assert internal.exit_code == 70 and _error(internal)["kind"] == "internal"
    assert "KeyError" in _error(internal)["message"]


def test_json_errors_from_a_real_process(tmp_path):
    result = polypost("--db", str(tmp_path / "missing" / "x.db"), "status", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"] == {
        "kind": "usage", "exit_code": 2,
        "message": result.stderr.strip().removeprefix("polypost: error: ")}
    assert not (tmp_path / "missing").exists()


def test_without_json_errors_print_nothing_on_stdout(tmp_path):
    result = invoke("--db", str(tmp_path / "x" / "x.db"), "status")
    assert result.exit_code == 2 and result.stdout == ""


def test_a_store_opened_by_a_stage_is_a_real_sqlite_file(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(POST)
    assert invoke("--db", str(tmp_path / "p.db"), "ingest", str(posts)).exit_code == 0
    store = Store.open(tmp_path / "p.db")
    assert store.counts("en", "es")["languages"] == {"en": 1}
    store.close()


APERTIUM = __import__("shutil").which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()


@pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed (.ci/setup installs it)")
def test_summaries_read_as_sentences_and_progress_goes_to_stderr(tmp_path):
    posts, db, out = tmp_path / "posts", str(tmp_path / "p.db"), str(tmp_path / "site")
    posts.mkdir()
    (posts / "2024-03-05-a.md").write_text(POST)
    first = invoke("--db", db, "-v", "run", str(posts), "--out", out, "--engine", "apertium")
    assert first.exit_code == 0, first.output
    assert "ingested 1 (1 new, 0 updated), 0 unchanged, 0 skipped" in first.stdout
    assert "segments: 0 from memory, " in first.stdout and "{" not in first.stdout
    assert "engine apertium: " in first.stderr and " segments in " in first.stderr and "words/s" in first.stderr
    assert "publishing: 2 of 2 pages in " in first.stderr
    assert "ingesting (files): 1 posts in " in first.stderr
    again = invoke("--db", db, "run", str(posts), "--out", out, "--engine", "apertium")
    ingest = invoke("--db", db, "ingest", str(posts))
    assert "ingested 0 (0 new, 0 updated), 1 unchanged, 0 skipped" in again.stdout
    assert "ingested 0 (0 new, 0 updated), 1 unchanged, 0 skipped" in ingest.stdout
    assert again.stderr == "" and "{" not in again.stdout
    translate = invoke("--db", db, "translate", "--engine", "apertium")
    assert "translated 0 with apertium" in translate.stdout and ", 1 unchanged" in translate.stdout
