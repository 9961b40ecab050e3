"""A manifest someone edited must never make publish delete or write outside the output folder."""

from __future__ import annotations

import json
import os
from pathlib import PurePosixPath

import pytest
from hypothesis import given, settings, strategies as st

from polypost.publish.atomic import MANIFEST_NAME, OutputWriter, _is_relative, content_hash


def test_manifest_entries_outside_the_output_folder_are_never_deleted(tmp_path):
    out = tmp_path / "site" / "out"
    out.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    absolute = tmp_path / "absolute.txt"
    absolute.write_bytes(b"precious")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "f.txt").write_bytes(b"precious")
    os.symlink(outside, out / "linked")
    digest = content_hash(b"precious")
    (out / MANIFEST_NAME).write_text(json.dumps({"version": 1, "files": {
        "../../victim.txt": digest, str(absolute): digest, "linked/f.txt": digest, "a/../../../victim.txt": digest,
    }}))
    writer = OutputWriter(out)
    writer.write("index.html", "<p>home</p>")
    assert writer.finish() == []
    assert victim.read_bytes() == absolute.read_bytes() == (outside / "f.txt").read_bytes() == b"precious"


def test_a_write_through_a_symlinked_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "es")
    writer = OutputWriter(out)
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.write("es/index.html", "x")
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.write("../x.html", "x")
    assert list(elsewhere.iterdir()) == []


def test_a_write_through_a_folder_or_file_linked_out_after_the_first_write_is_refused(tmp_path):
    # Each folder is resolved once per publish: a file of a known-good folder may still be a link.
    out = tmp_path / "out"
    (out / "en").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.html").write_text("precious")
    os.symlink(elsewhere / "secret.html", out / "en" / "linked.html")
    os.symlink(elsewhere, out / "en" / "deeper")
    writer = OutputWriter(out)
    writer.write("en/index.html", "fine")
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.write("en/linked.html", "x")
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.write("en/deeper/index.html", "x")
    writer.write("en/other.html", "fine too")
    writer.finish()
    assert (elsewhere / "secret.html").read_text() == "precious" and sorted(p.name for p in elsewhere.iterdir()) == ["secret.html"]
    assert (out / "en" / "other.html").read_text() == "fine too"


def _relative_as_pathlib_says(relpath: str) -> bool:
    pure = PurePosixPath(relpath)
    return not (pure.is_absolute() or ".." in pure.parts or not pure.parts or relpath != pure.as_posix()
                or "\\" in relpath or (len(relpath) > 1 and relpath[1] == ":"))


@given(st.text(alphabet="a./\\:-", max_size=10))
@settings(max_examples=3000, deadline=None)
def test_a_manifest_path_is_relative_exactly_where_pathlib_says_so(relpath):
    assert _is_relative(relpath) == _relative_as_pathlib_says(relpath)
