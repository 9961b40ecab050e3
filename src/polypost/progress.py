"""Progress bars for people, silence for cron: a bar only when stderr is a terminal."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T] | Iterable[T]:
    quiet = logging.getLogger("polypost").getEffectiveLevel() > logging.WARNING
    if quiet or not sys.stderr.isatty():
        return items
    from tqdm import tqdm  # only on a terminal: cron and pipes never pay for importing it

    return tqdm(items, desc=description, total=total, file=sys.stderr, leave=False, unit="post")
