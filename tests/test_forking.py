"""Work shared with a forked child: results in order, errors at their item, a dead child
reported, a child never left behind, and no fork while another thread runs."""

from __future__ import annotations

import os
import signal
import sys
import threading

import pytest

from polypost.forking import map_in_order
from polypost.store.faults import StoreError

pytestmark = [pytest.mark.usefixtures("leftover_threads_ignored"), pytest.mark.skipif(
    not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
    reason="a child is forked only on Linux with a second core")]


def square_where(item):
    return item * item, os.getpid()


def test_two_of_every_three_results_come_from_a_child_in_their_order():
    prepared_in = []

    def prepare(item):
        prepared_in.append(os.getpid())
        return item

    results = list(map_in_order(square_where, range(30), minimum=10, what="the child", prepare=prepare))
    assert [value for value, _ in results] == [n * n for n in range(30)]
    pids = [pid for _, pid in results]
    assert {pids[n] for n in range(0, 30, 3)} == {os.getpid()}
    child = {pids[n] for n in range(30) if n % 3}
    assert len(child) == 1 and os.getpid() not in child
    assert set(prepared_in) == {os.getpid()} and len(prepared_in) == 30  # the store is read here only
    with pytest.raises(ProcessLookupError):  # and the child is gone
        os.kill(child.pop(), 0)


def test_below_the_minimum_everything_is_done_here():
    assert {pid for _, pid in map_in_order(square_where, range(9), minimum=10, what="the child")} == {os.getpid()}


def test_an_error_in_the_child_is_raised_at_its_item():
    def fail_on_seven(item):
        if item == 7:
            raise ValueError(f"item {item} is bad")
        return item

    seen = []
    with pytest.raises(ValueError, match="item 7 is bad"):
        for value in map_in_order(fail_on_seven, range(20), minimum=10, what="the child"):
            seen.append(value)
    assert seen == list(range(7))


def test_a_result_that_cannot_be_sent_is_an_error_in_words():
    def unpicklable(item):
        return (lambda: item) if item == 4 else item

    with pytest.raises(RuntimeError, match="function"):
        list(map_in_order(unpicklable, range(12), minimum=10, what="the child"))


class NeedsTwo(Exception):
    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")


def test_an_error_that_cannot_be_rebuilt_here_comes_in_words():
    def fail(item):
        if item == 5:
            raise NeedsTwo("p.db", "disk full")
        return item

    with pytest.raises(RuntimeError, match="NeedsTwo: p.db: disk full"):
        list(map_in_order(fail, range(12), minimum=10, what="the child"))


def test_polypost_s_own_errors_arrive_whole():
    """A database fault in the child is the StorageError (exit 74, naming the file) it was there."""
    def fail(item):
        if item == 5:
            raise StoreError("/srv/p.db", "the disk is full", "free some space")
        return item

    with pytest.raises(StoreError) as raised:
        list(map_in_order(fail, range(12), minimum=10, what="the child"))
    assert (raised.value.path, raised.value.problem, raised.value.advice) == (
        "/srv/p.db", "the disk is full", "free some space")


def test_a_child_that_dies_is_reported_with_how_it_ended():
    parent = os.getpid()

    def die(item):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return item

    with pytest.raises(OSError, match=r"the reader ended without an answer \(killed by signal 9\)"):
        list(map_in_order(die, range(12), minimum=10, what="the reader"))


def test_stopping_early_stops_the_child():
    results = map_in_order(square_where, range(3000), minimum=10, what="the child")
    first = [next(results) for _ in range(3)]
    child = first[1][1]
    results.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pids = {pid for _, pid in map_in_order(square_where, range(30), minimum=10, what="the child")}
    finally:
        stop.set()
        other.join()
    assert pids == {os.getpid()}
