"""A benchmark engine whose cost is latency alone: it sleeps a fixed time per batch of texts, as
a remote GPU would answer one forward pass, and gives the texts back as they came.

Loaded into each Dask worker with `dask worker ... --preload benchmarks/latency_engine.py`: it
registers through polypost's own `register_engines` hook, as a third-party engine plugin would.
POLYPOST_BENCH_LATENCY (seconds per batch, default 0.2) and POLYPOST_BENCH_BATCH (texts per batch,
default 32) set the cost.
"""

from __future__ import annotations

import math
import os
import sys
import time

from polypost.hookspecs import hookimpl
from polypost.plugins import plugin_manager, refresh


class LatencyEngine:
    name = "latency"

    def __init__(self, source_lang: str = "en", target_lang: str = "es") -> None:
        self.latency = float(os.environ.get("POLYPOST_BENCH_LATENCY", "0.2"))
        self.batch = int(os.environ.get("POLYPOST_BENCH_BATCH", "32"))
        self.version = f"{self.latency}s-per-{self.batch}"

    def translate(self, texts: list[str]) -> list[str]:
        time.sleep(self.latency * math.ceil(len(texts) / self.batch))
        return list(texts)

    def close(self) -> None:
        pass


@hookimpl
def register_engines(register) -> None:
    register("latency", LatencyEngine)


def install() -> None:
    """Add this module to polypost's plugin manager (once per process)."""
    manager = plugin_manager()
    module = sys.modules[__name__]
    if not manager.is_registered(module):
        manager.register(module, name="benchmark-latency-engine")
        refresh()


def dask_setup(worker) -> None:  # Dask calls this in each worker that preloads the module
    install()
