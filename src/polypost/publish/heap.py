"""Python's cyclic garbage collector kept off publishing's long-lived records.

A publish holds a record per page (the plan, the manifest, what each body resolved) and none of
them is garbage until it ends. Each collection the allocations trigger walks all of them again:
a quarter of a 1% edit's publish of 5,000 posts went there. While the records are built the
collector is paused (they hold no cycles to collect); once built they are frozen, left out of
later collections, and given back to it when the publish ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def records_built() -> Iterator[None]:
    """Build the records inside; after it, they are frozen until `publishing()` ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def publishing() -> Iterator[None]:
    """One publish: what `records_built` froze inside it is collected normally again after it."""
    try:
        yield
    finally:
        gc.unfreeze()
