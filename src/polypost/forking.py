"""Work shared with a forked second process, where a stage's own Python keeps one core busy.

Python holds the GIL while it parses a file or renders a page, so a thread does not help; a
process does. A forked child starts with this process's memory (the records, the settings, the
templates) at no cost, does its share, and sends the results back pickled through a pipe. A
fork copies only the thread that calls it, so it is used only when this process runs one
thread (a lock another thread held would stay held in the child), and only on a machine with a
second core. The child never returns into its caller: it ends with os._exit, leaving what the
parent owns (the store's connection, its temporary files) alone.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def why_not_fork(count: int, minimum: int) -> str:
    """Why `count` pieces of work stay in this process ("" when a child may take a share)."""
    if count < minimum:
        return f"fewer than {minimum}"
    if not sys.platform.startswith("linux"):  # macOS's system libraries are not safe across a fork
        return "a fork only on Linux"
    others = threads_besides_this()
    if others:
        return f"{len(others)} other threads run"
    # The cores this process may run on: `taskset -c 0 polypost run` keeps it to one.
    return "" if len(os.sched_getaffinity(0)) > 1 else "one core"


def threads_besides_this() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread is not threading.current_thread()]


class Child:
    """A forked process running `work(stream)`, `stream` its pipe to this process."""

    def __init__(self, work: Callable[[BinaryIO], None], what: str) -> None:
        self.what = what  # "the process that rendered half the pages": for errors
        read_end, write_end = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # what is buffered would be written twice
            stream.flush()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            status = 0
            try:
                with os.fdopen(write_end, "wb") as out:
                    work(out)
            except BaseException:  # noqa: BLE001 (a parent that stopped listening; work sends its own errors)
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid: int | None = pid
        self.stream: BinaryIO = os.fdopen(read_end, "rb")

    def receive(self) -> Any:
        """The next object the child sent; OSError when it ended before sending one."""
        try:
            return pickle.load(self.stream)  # noqa: S301 (our own child's answer)
        except EOFError:
            raise OSError(f"{self.what} ended without an answer ({self._reap()})") from None

    def close(self) -> None:
        """Stop the child if it still runs, and wait for it."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.stream.close()
        self._reap()

    def _reap(self) -> str:
        if self.pid is None:
            return "ended"
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.WEXITSTATUS(status)}"


def send(out: BinaryIO, kind: str, value: Any) -> None:
    """One answer to the parent; an error that cannot be pickled goes in words."""
    try:
        data = pickle.dumps((kind, value))
        if kind == "raise":
            pickle.loads(data)  # an error whose class takes other arguments than it keeps cannot be rebuilt there
    except Exception:  # noqa: BLE001
        data = pickle.dumps(("raise", RuntimeError(f"{type(value).__name__}: {value}")))
    out.write(data)
    out.flush()


def answer(child: Child) -> Any:
    """What `send` sent: its value, or the error raised in the child raised here."""
    kind, value = child.receive()
    if kind == "raise":
        raise value
    return value


def map_in_order(fn: Callable[[Any], Result], items: Iterable[Item], minimum: int, what: str,
                 prepare: Callable[[Item], Any] = lambda item: item) -> Iterator[Result]:
    """fn(prepare(item)) for each item, in their order. With `minimum` items or more (and a fork
    possible), a child computes two of every three while this process computes the third and
    takes the child's results as they come; this process keeps the rest of the stage's work (its
    store writes), hence the child's larger share. `prepare` always runs here (it may read the
    store), for the child's items before it starts. An error is raised at its item's place."""
    items = list(items)
    if why_not_fork(len(items), minimum):
        for item in items:
            yield fn(prepare(item))
        return
    theirs = [prepare(item) for index, item in enumerate(items) if index % 3]

    def work(out: BinaryIO) -> None:
        for prepared in theirs:
            try:
                result = ("done", fn(prepared))
            except Exception as error:  # noqa: BLE001 (raised in the parent, at this item)
                result = ("raise", error)
            send(out, *result)

    child = Child(work, what)
    try:
        for index, item in enumerate(items):
            yield answer(child) if index % 3 else fn(prepare(item))
    finally:
        child.close()
