"""The functions a worker runs: the same per-chunk work as one machine (translate/chunk.py), with
the worker's own engine and glossary (plugin.py).

A chunk is two tasks. `prepare` segments the posts and keys their segments; the coordinator
fetches only the keys (`keys`), looks them up in its memory, and sends what it found to
`translate`, which Dask runs where the prepared chunk already is. Every task is a pure function
of its inputs, so a chunk whose worker died is simply run again elsewhere, with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distributed import get_worker

from polypost.cluster.plugin import PLUGIN_NAME, EnginePlugin, LockedEngine
from polypost.records import MemoryEntry, MemoryKey, Post
from polypost.translate.chunk import ChunkResult, Failure, Job, TranslateOptions, chunk_keys, prepare_jobs, translate_chunk


@dataclass
class Prepared:
    jobs: list[Job]
    failures: list[Failure]


def _plugin() -> EnginePlugin:
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, EnginePlugin):
        raise RuntimeError(f"worker {worker.address} has no polypost engine plugin")
    if plugin.engine is None:
        raise RuntimeError(f"worker {worker.address} has no engine: {plugin.error}")
    return plugin


def prepare(items: list[tuple[Post, str]], options: TranslateOptions) -> Prepared:
    plugin = _plugin()
    jobs, failures = prepare_jobs(items, plugin.glossary, plugin.engine.name, plugin.engine.version, options)
    return Prepared(jobs, failures)


def keys(prepared: Prepared) -> list[MemoryKey]:
    return list(chunk_keys(prepared.jobs))


def translate(prepared: Prepared, known: dict[MemoryKey, MemoryEntry], options: TranslateOptions) -> ChunkResult:
    plugin = _plugin()
    engine = None if options.dry_run else LockedEngine(plugin)
    result = translate_chunk(prepared.jobs, known, engine, plugin.glossary, options)
    result.failures[:0] = prepared.failures
    result.worker = get_worker().address
    return result


def engine_state(dask_worker: Any) -> dict[str, Any]:
    """Run on every worker (Client.run) before any work: can it translate, with what."""
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, EnginePlugin):
        return {"ok": False, "error": "the polypost engine plugin is not installed on it"}
    state = plugin.state()
    state["gpu"] = bool(dask_worker.state.total_resources.get("GPU"))
    state["threads"] = dask_worker.state.nthreads
    return state
