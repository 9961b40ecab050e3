"""Installing Argos packages: safe local files, the index over HTTP, listing."""

from __future__ import annotations

import http.server
import json
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from polypost.translate import get_engine
from polypost.translate.argos_packages import (
    PackageError,
    install_from_file,
    install_from_index,
    list_installed,
)


def test_install_from_file_then_list(argos_home, argos_package_file):
    path = Path(install_from_file(argos_package_file))
    assert path.parent == argos_home
    assert (path / "metadata.json").is_file() and (path / "model" / "model.bin").is_file()
    assert list_installed() == [
        {"from_code": "en", "to_code": "es", "package_version": "1.0", "path": str(path)}
    ]


def test_list_skips_a_folder_without_metadata(installed_argos, argos_home):
    (argos_home / "half-deleted").mkdir()
    assert [p["path"] for p in list_installed()] == [str(installed_argos)]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


GOOD_METADATA = json.dumps({"from_code": "en", "to_code": "es", "package_version": "1"}).encode()


@pytest.mark.parametrize(
    "members, problem",
    [
        ({"/etc/evil/metadata.json": GOOD_METADATA}, "absolute path"),
        ({"pkg/metadata.json": GOOD_METADATA, "pkg/model/x": b"", "pkg/../../escape.txt": b"x"},
         "'..' component"),
        ({"pkg/model/model.bin": b"x"}, "missing pkg/metadata.json"),
        ({"pkg/metadata.json": GOOD_METADATA}, "missing the model folder"),
        ({"a/metadata.json": GOOD_METADATA, "a/model/x": b"", "b/other": b""},
         "exactly one top-level folder, found a, b"),
        ({"pkg/metadata.json": b"{not json", "pkg/model/x": b""}, "not valid JSON"),
        ({"pkg/metadata.json": b'{"from_code": "en"}', "pkg/model/x": b""}, "has no to_code"),
    ],
)
def test_unsafe_or_broken_packages_are_rejected_before_extraction(argos_home, tmp_path, members, problem):
    bad = _zip(tmp_path / "bad.argosmodel", members)
    with pytest.raises(PackageError) as info:
        install_from_file(bad)
    assert str(bad) in str(info.value) and problem in str(info.value)
    assert not (tmp_path / "escape.txt").exists()
    assert not argos_home.exists() or list(argos_home.iterdir()) == []


def test_symlink_member_is_rejected(argos_home, tmp_path):
    bad = tmp_path / "link.argosmodel"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("pkg/metadata.json", GOOD_METADATA)
        link = zipfile.ZipInfo("pkg/model/model.bin")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(PackageError, match="symbolic link"):
        install_from_file(bad)


def test_not_a_zip_is_rejected(argos_home, tmp_path):
    bad = tmp_path / "notes.argosmodel"
    bad.write_text("just text")
    with pytest.raises(PackageError, match=rf"{bad}: not a zip archive"):
        install_from_file(bad)


def test_missing_file_is_named(argos_home, tmp_path):
    with pytest.raises(PackageError, match="no such file"):
        install_from_file(tmp_path / "nowhere.argosmodel")


class _Server:
    """A real HTTP server on 127.0.0.1 serving a folder, in a thread."""

    def __init__(self, folder: Path):
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(folder), **k)
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def index_server(tmp_path, argos_package_file, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "en_es.argosmodel").write_bytes(argos_package_file.read_bytes())
    server = _Server(site)
    index = [
        {"code": "translate-en_fr", "from_code": "en", "to_code": "fr", "package_version": "1.0",
         "links": [server.url + "missing.argosmodel"]},
        {"code": "translate-en_es", "from_code": "en", "to_code": "es", "package_version": "1.0",
         "argos_version": "1.9", "type": "translate", "links": [server.url + "en_es.argosmodel"]},
    ]
    (site / "index.json").write_text(json.dumps(index))
    yield site, server
    server.close()


def test_install_from_index_over_http(argos_home, index_server, monkeypatch):
    _, server = index_server
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.url)
    path = install_from_index("en", "es")
    assert Path(path).parent == argos_home
    engine = get_engine("auto")
    try:
        assert engine.name == "argos"
        assert engine.translate(["Downloaded ⟦1⟧model⟦/1⟧ works."]) == ["Downloaded ⟦1⟧model⟦/1⟧ works."]
    finally:
        engine.close()


def test_index_without_the_pair_says_so(argos_home, index_server, monkeypatch):
    _, server = index_server
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.url)
    with pytest.raises(PackageError, match="has no en->de package"):
        install_from_index("en", "de")


def test_failed_package_download_is_clear(argos_home, index_server, monkeypatch):
    _, server = index_server
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", server.url)
    with pytest.raises(PackageError, match=r"Download of the en->fr Argos package .* failed"):
        install_from_index("en", "fr")


def test_offline_index_is_a_clear_error(argos_home):
    # argos_home points ARGOS_PACKAGE_INDEX at a closed port on 127.0.0.1
    with pytest.raises(PackageError, match=r"Could not download the Argos package index .*offline"):
        install_from_index("en", "es")
    assert list_installed() == []


def test_a_top_folder_dot_is_refused(argos_home, tmp_path):
    bad = _zip(tmp_path / "dot.argosmodel", {"./metadata.json": GOOD_METADATA, "./model/x": b"x"})
    with pytest.raises(PackageError, match=r"one named top-level folder, not at the archive's root"):
        install_from_file(bad)


def test_an_archive_that_unpacks_past_the_limit_is_refused(tmp_path):
    from polypost.translate.argos_packages import validate_package_file

    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/metadata.json", GOOD_METADATA)
        archive.writestr("pkg/model/model.bin", b"\0" * 5_000_000)  # 5 MB of zeros: a few KB packed
    assert bomb.stat().st_size < 50_000
    with pytest.raises(PackageError, match="unpacks to 5,000,"):
        validate_package_file(bomb, max_unpacked_bytes=1_000_000)
    assert validate_package_file(bomb)["from_code"] == "en"  # the default limit is far above a real model
