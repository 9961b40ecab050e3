"""The progress bar on a terminal leaves no thread behind: a stage that shares its work with a
forked child (polypost.forking) does so only in a process with one thread."""

from __future__ import annotations

import sys
import threading

from polypost.forking import threads_besides_this
from polypost.progress import progress


class Terminal:
    def __init__(self):
        self.written = []

    def isatty(self):
        return True

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def test_a_bar_on_a_terminal_starts_no_thread_that_outlives_it(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    before = set(threading.enumerate())
    assert list(progress(range(50), "ingesting (files)", total=50)) == list(range(50))
    assert "ingesting (files)" in "".join(terminal.written)  # it was the bar, not the rate lines
    assert [thread for thread in threads_besides_this() if thread not in before] == []
