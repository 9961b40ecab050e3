"""The coordinator's side of a cluster run: connect to the scheduler, check every worker's
engine before any work goes out, then send chunks and hand back their results in order.

The coordinator (the `polypost` process) keeps the store, the lock and the memory: it looks a
chunk's keys up between the chunk's two tasks (tasks.py) and writes each result itself. Results
come back in the order the chunks were sent, so slugs are given out exactly as on one machine;
at most `window` chunks are out at a time, so a million-post archive never sits in memory.
"""

from __future__ import annotations

import itertools
import logging
import math
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from distributed import Client, as_completed

from polypost.cluster import tasks
from polypost.cluster.plugin import GPU, PLUGIN_NAME, EnginePlugin
from polypost.errors import UsageError
from polypost.glossary import Glossary
from polypost.postedit import Rules
from polypost.records import Post
from polypost.translate.chunk import ChunkResult, Failure, Lookup, TranslateOptions

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0  # seconds: a scheduler that does not answer by then is a wrong address
WORKER_WAIT = 10.0  # seconds to wait for a first worker on a scheduler that has none
MAX_CHUNK_POSTS = 200
GPU_CHECK = 5.0  # seconds without any result before asking whether a GPU worker is still there


class ClusterError(UsageError):
    """The cluster cannot run this job: unreachable, no workers, a worker without the engine."""

    kind = "cluster"


@dataclass
class _Chunk:
    items: list[tuple[Post, str]]
    options: TranslateOptions
    lookup: Lookup
    prepared: Any = None  # the prepare task's future, held until the translate task takes it
    known: Any = None  # the memory's answer to the chunk's keys


def connect(address: str, engine: str, source_lang: str, target_lang: str, glossary: Glossary,
            engine_options: dict[str, dict[str, Any]], postedit_rules: Rules | None = None,
            connect_timeout: float = CONNECT_TIMEOUT) -> ClusterChunks:
    """A runner on the cluster behind `address` whose every worker has built the engine."""
    _probe(address, connect_timeout)
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}); "
                           "is `dask scheduler` running there, and is the address right?") from None
    try:
        return _checked(client, address, EnginePlugin(engine, source_lang, target_lang, glossary, engine_options,
                                                          postedit_rules))
    except BaseException:
        client.close()
        raise


def _probe(address: str, timeout: float) -> None:
    """A refused or unroutable tcp:// address fails at once here; Dask itself would retry it
    until its timeout."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or parts.port is None:
        return
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=timeout).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc.strerror or exc}); "
                           "is `dask scheduler` running there, and is the address right?") from None


def _checked(client: Client, address: str, plugin: EnginePlugin) -> ClusterChunks:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError:
        raise ClusterError(f"no workers are connected to the Dask scheduler at {address} "
                           f"(waited {WORKER_WAIT:.0f} s); start some with `dask worker {address}`") from None
    problem = ""
    try:
        client.register_plugin(plugin, name=PLUGIN_NAME)
    except Exception as exc:  # a worker that cannot even load the plugin (no polypost there)
        problem = f" ({type(exc).__name__}: {exc})"
    states = client.run(tasks.engine_state, on_error="return")
    bad = {worker: (state["error"] + (problem if "not installed" in state["error"] else "")
                    if isinstance(state, dict) else f"{type(state).__name__}: {state}")
           for worker, state in states.items() if not (isinstance(state, dict) and state.get("ok"))}
    if bad:
        raise ClusterError("; ".join(f"worker {worker} cannot translate: {error}" for worker, error in sorted(bad.items()))
                           + " (no work was sent)")
    identities: dict[tuple[str, str], list[str]] = {}
    for worker, state in sorted(states.items()):
        identities.setdefault((state["engine"], state["version"]), []).append(worker)
    if len(identities) > 1:
        raise ClusterError("the workers have different engines, which would translate alike posts differently: "
                           + "; ".join(f"{name} {version} on {', '.join(workers)}"
                                       for (name, version), workers in sorted(identities.items()))
                           + " (no work was sent)")
    (name, version), = identities
    log.info("cluster %s: %d workers, engine %s %s", address, len(states), name, version)
    return ClusterChunks(client, name, version, states)


class ClusterChunks:
    """A `ChunkRunner` (translate/chunk.py) whose chunks run on the cluster's workers."""

    def __init__(self, client: Client, name: str, version: str, states: dict[str, dict[str, Any]]) -> None:
        self.client = client
        self.name, self.version = name, version
        self.workers = sorted(states)
        self.threads = sum(int(state.get("threads") or 1) for state in states.values())
        # Chunks that need the engine go to GPU workers when there are any (a Dask resource).
        self.gpu = any(state.get("gpu") for state in states.values())
        self.window = 2 * self.threads + 1  # each thread busy, with the next chunk already there
        self._token = uuid.uuid4().hex[:12]
        self._counter = itertools.count()
        self._chunks: dict[int, _Chunk] = {}
        self._phase: dict[str, tuple[int, str]] = {}  # task key -> (chunk, "keys" | "translate")
        self._futures = as_completed(loop=client.loop)
        self._pending: dict[str, Any] = {}  # what _futures holds, by key
        self._ready: dict[int, ChunkResult] = {}
        self._next_out = 0

    def chunk_size(self, posts: int) -> int:
        """Posts per chunk: about four chunks per worker thread, so a slow or lost chunk is a
        small part of the run, and no more than one machine's chunk."""
        return max(1, min(MAX_CHUNK_POSTS, math.ceil(posts / (4 * self.threads))))

    def submit(self, items: list[tuple[Post, str]], options: TranslateOptions, lookup: Lookup) -> None:
        while len(self._chunks) - len(self._ready) >= self.window:
            self._pump(block=True)
        index = next(self._counter)
        chunk = self._chunks[index] = _Chunk(list(items), options, lookup)
        chunk.prepared = self.client.submit(tasks.prepare, chunk.items, options,
                                            key=f"polypost-prepare-{self._token}-{index}")
        keys = self.client.submit(tasks.keys, chunk.prepared, key=f"polypost-keys-{self._token}-{index}")
        self._phase[keys.key] = (index, "keys")
        self._add(keys)

    def completed(self, wait: bool) -> Iterator[ChunkResult]:
        self._pump(block=False)
        yield from self._in_order()
        while wait and not self._futures.is_empty():
            self._pump(block=True)
            yield from self._in_order()

    def _in_order(self) -> Iterator[ChunkResult]:
        while self._next_out in self._ready:
            result = self._ready.pop(self._next_out)
            del self._chunks[self._next_out]
            self._next_out += 1
            yield result

    def _pump(self, block: bool) -> None:
        if self._futures.is_empty():
            return
        if block:
            waited = time.monotonic() + GPU_CHECK
            while not self._futures.has_ready():  # as_completed has no wait with a timeout
                if time.monotonic() > waited:
                    self._unless_gpus_left()
                    return
                time.sleep(0.002)
        for future in self._futures.next_batch(block=False):
            self._pending.pop(future.key, None)
            if future.key not in self._phase:  # given up for a copy without the GPU constraint
                future.release()
                continue
            index, phase = self._phase.pop(future.key)
            chunk = self._chunks[index]
            try:
                value = future.result()
            except Exception as exc:  # the task failed, or its workers died too often (KilledWorker)
                error = f"on the cluster: {type(exc).__name__}: {exc}"
                self._ready[index] = ChunkResult(failures=[Failure(post.id, post.origin, error) for post, _ in chunk.items])
                chunk.prepared = None
                continue
            finally:
                future.release()
            if phase == "translate":
                self._ready[index] = value
                continue
            chunk.known = chunk.lookup(value)
            needs_engine = len(chunk.known) < len(value) and not chunk.options.dry_run
            self._translate(index, chunk, gpu=self.gpu and needs_engine)

    def _translate(self, index: int, chunk: _Chunk, gpu: bool) -> None:
        final = self.client.submit(tasks.translate, chunk.prepared, chunk.known, chunk.options,
                                   key=f"polypost-translate-{self._token}-{index}" + ("-gpu" if gpu else ""),
                                   resources={GPU: 1} if gpu else None)
        if not gpu:  # kept only while the chunk may have to leave the GPU workers
            chunk.prepared = chunk.known = None
        self._phase[final.key] = (index, "translate")
        self._add(final)

    def _add(self, future: Any) -> None:
        self._pending[future.key] = future
        self._futures.add(future)

    def _unless_gpus_left(self) -> None:
        """Chunks that wait for a GPU worker when none is left go to any worker."""
        if not self.gpu or any(worker.get("resources", {}).get(GPU)
                               for worker in self.client.scheduler_info(n_workers=-1)["workers"].values()):
            return
        log.warning("no GPU worker is left: the chunks that waited for one go to any worker")
        self.gpu = False
        for key, (index, phase) in list(self._phase.items()):
            if phase == "translate" and key.endswith("-gpu"):
                del self._phase[key]
                self._pending[key].cancel()
                self._translate(index, self._chunks[index], gpu=False)

    def close(self) -> None:
        try:
            self.client.unregister_worker_plugin(PLUGIN_NAME)  # workers close their engines
        except Exception as exc:
            log.debug("unregistering the engine plugin: %s", exc)
        self.client.close()

    def __enter__(self) -> ClusterChunks:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
