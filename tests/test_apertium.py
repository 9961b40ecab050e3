"""The Apertium engine against the real Debian eng-spa pipeline."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest

from polypost.translate import EngineError, get_engine
from polypost.translate.apertium import MODES_DIR

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not (MODES_DIR / "eng-spa.mode").is_file(),
    reason="Apertium eng-spa is not installed (apt-get install apertium apertium-eng-spa)",
)


@pytest.fixture
def engine():
    engine = get_engine("apertium", timeout=10)
    yield engine
    engine.close()


def test_real_spanish_comes_out(engine):
    assert engine.translate(["Hello world.", "The cats were running."]) == [
        "Hola Mundo.", "Los gatos corrían."]


def test_placeholders_pass_through_verbatim(engine):
    [out] = engine.translate(["Click ⟦1⟧here⟦/1⟧ to read ⟦T1⟧ and ⟦2/⟧ more."])
    for token in ("⟦1⟧", "⟦/1⟧", "⟦T1⟧", "⟦2/⟧"):
        assert out.count(token) == 1, out
    assert "\\" not in out and "leer" in out


def test_stream_format_characters_are_escaped_and_come_back(engine):
    [out] = engine.translate(["Costs $5 [maybe] a^b {x} <y> back\\slash and a/b."])
    for piece in ("$5", "[", "]", "^", "{x}", "<y>", "\\", "/"):
        assert piece in out, (piece, out)
    assert "\\[" not in out and "\\$" not in out


def test_no_unknown_word_marks(engine):
    [out] = engine.translate(["The frobnicator xyzzies the gizmo with blorptastic zeal."])
    assert "frobnicator" in out
    assert not any(mark in out for mark in "*#@"), out


def test_writers_hashtags_and_handles_are_kept(engine):
    [out] = engine.translate(["Follow @polypost and #offline news."])
    assert "@polypost" in out and "#" in out


def test_whitespace_and_empty_texts_are_kept(engine):
    assert engine.translate(["", "  ", "  Hello world.\n"]) == ["", "  ", "  Hola Mundo.\n"]


def test_batch_keeps_order(engine):
    texts = [f"I have {n} dogs." for n in range(30)]
    outs = engine.translate(texts)
    assert [o for o in outs] == [f"Tengo {n} perros." for n in range(30)]


def test_one_persistent_process_and_restart_after_kill(engine):
    engine.translate(["Good morning."])
    first = engine.process
    engine.translate(["Good night."])
    assert engine.process is first  # persistent, not one process per text
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert engine.translate(["The house is big."]) == ["La casa es grande."]
    assert engine.process is not first and engine.restarts == 1


def test_hung_process_is_killed_and_the_segment_errors(engine):
    engine.translate(["Hello."])
    real_command = engine.command
    engine.command, engine.timeout = "sleep 60", 0.5  # a pipeline that never answers
    engine._stop()
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"no answer within 0.5 s for text 2 of the batch") as info:
        engine.translate(["", "Hello."])
    assert info.value.index == 1
    assert time.monotonic() - started < 5
    assert engine.process is None  # killed, restarts next time
    engine.command, engine.timeout = real_command, 10
    assert engine.translate(["Hello world."]) == ["Hola Mundo."]


def test_a_pipeline_that_keeps_dying_is_a_clear_error(engine):
    engine.command = "echo broken pipeline >&2; exit 3"
    with pytest.raises(EngineError, match=r"exited while translating text 1 .*broken pipeline"):
        engine.translate(["Hello."])


def test_version_is_the_debian_package_version(engine):
    expected = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "apertium-eng-spa"], capture_output=True, text=True, check=False
    ).stdout.strip()
    assert expected and engine.version == expected


def test_long_segment_does_not_deadlock(engine):
    [out] = engine.translate(["The cat is on the table. " * 4000])
    assert out.count("El gato") == 4000


def test_spacing_left_by_dropped_words_is_tidied():
    engine = get_engine("apertium")
    try:
        [out] = engine.translate(["It sounds like something that software companies do, with ebooks."])
    finally:
        engine.close()
    assert "  " not in out and " ," not in out, out


def test_a_batch_in_flight_gives_the_same_text_as_one_at_a_time(engine):
    texts = [f"Our team publishes post number {n} on social media every week." for n in range(80)]
    texts[40] = "  The house is big.  "
    batch = engine.translate(texts)
    one_by_one = [engine.translate([text])[0] for text in texts]
    assert batch == one_by_one
    assert batch[40] == "  La casa es grande.  "


def test_a_process_that_dies_mid_batch_is_restarted_and_nothing_is_lost(engine, tmp_path):
    texts = [f"Our team publishes post number {n} on social media every week." for n in range(40)]
    expected = [engine.translate([text])[0] for text in texts]
    flag = tmp_path / "died-once"
    real_command = engine.command
    # The first process answers about two texts' worth of bytes, then its whole group dies.
    engine.command = (f"if [ -e {flag} ]; then {real_command}; "
                      f"else touch {flag}; {real_command} | (head -c 150; kill -9 0); fi")
    engine._stop()
    try:
        assert engine.translate(texts) == expected
        assert engine.restarts >= 1
    finally:
        engine.command = real_command


def test_unknown_words_come_back_as_flags_and_the_marks_go(engine):
    [out] = engine.translate(["Damn, that heck will skyrocket. Ask Zorblax about the #growth plan, @clara."])
    assert not any(f"{mark}{word}" in out for mark in "*#" for word in ("Damn", "heck", "skyrocket", "Zorblax"))
    assert "@clara" in out and "#" in out  # the writer's marks stay
    # A capitalised word is most often a name, not a fault: "Damn" at the start is missed so.
    assert out.flags == ({"check": "unknown-words", "evidence": "heck, skyrocket"},)
    [plain] = engine.translate(["The cat sleeps."])
    assert plain.flags == ()
