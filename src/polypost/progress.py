"""Progress for people, silence for cron: a bar on a terminal; otherwise, under --verbose, a
line on stderr every few seconds and one at the end of each stage, with totals and rates."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("polypost")
LOG_EVERY_SECONDS = 10.0


def _quiet() -> bool:
    return log.getEffectiveLevel() > logging.WARNING


def rate_line(description: str, done: int, total: int | None, seconds: float, unit: str,
              words: int | None = None) -> str:
    """ "translating: 8 of 10 posts in 2.0 s (4.0 posts/s)" and, with words, "(..., 310 words/s)"."""
    count = f"{done} of {total}" if total is not None else f"{done}"
    rates = [f"{done / seconds:.1f} {unit}/s"] if seconds > 0 else []
    if words is not None and seconds > 0:
        rates.append(f"{words / seconds:.0f} words/s")
    return f"{description}: {count} {unit} in {seconds:.1f} s" + (f" ({', '.join(rates)})" if rates else "")


def progress(items: Iterable[T], description: str, total: int | None = None, unit: str = "posts") -> Iterator[T]:
    if _quiet():
        yield from items
        return
    if sys.stderr.isatty():
        from tqdm import tqdm  # only on a terminal: cron and pipes never pay for importing it

        # No monitor thread (it outlives the bar): a process with a thread besides its own never
        # shares a stage's work with a forked child (forking.py).
        tqdm.monitor_interval = 0
        yield from tqdm(items, desc=description, total=total, file=sys.stderr, leave=False, unit=unit.rstrip("s"))
        return
    started = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        now = time.monotonic()
        if now - last >= LOG_EVERY_SECONDS:
            log.info("%s", rate_line(description, done, total, now - started, unit))
            last = now
    log.info("%s", rate_line(description, done, total, time.monotonic() - started, unit))


def report_rate(description: str, done: int, total: int | None, seconds: float, unit: str,
                words: int | None = None) -> None:
    """One step that has no loop of its own to wrap (an engine batch, a site write)."""
    log.info("%s", rate_line(description, done, total, seconds, unit, words))
