"""One thread that writes a publish's files while the publish renders the next pages.

Rendering a page is Python and holds the GIL; writing it is system calls (a folder made, a
temporary file created and renamed, a stat), which release it. On a first publish the writing
was about half of the stage's time, spent while the second core sat idle. One thread only: the
files are written one after another, in the order they were handed over, as before, and no
two writes in one folder race. At most `depth` rendered files wait in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

_STOP = None


class BackgroundWrites:
    def __init__(self, depth: int = 64) -> None:
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=depth)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` on the writing thread; raises the error of an earlier job, if one failed."""
        self._raise()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="polypost-writer", daemon=True)
            self._thread.start()
        self._queue.put(job)

    def wait(self) -> None:
        """Every job handed over done; the first error any of them raised is raised here."""
        self.stop()
        self._raise()

    def stop(self) -> None:
        """Let the jobs handed over finish and end the thread, raising nothing: for a publish that
        is failing already, whose own error is the one to report."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP:
                return
            if self._error is None:  # after a failure the rest are skipped: the publish stops
                try:
                    job()
                except BaseException as error:  # noqa: BLE001 (handed to the publishing thread)
                    self._error = error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
