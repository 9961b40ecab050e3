"""The translate stage's chunks worked out in this process, as a pipeline of three: the caller's
thread segments chunk N+2 and protects its terms, one thread has the engine translate chunk N+1,
another post-edits, checks and assembles chunk N. Before, a chunk's post-editing and QA ran
between two engine calls, so the engine (Apertium's processes, CTranslate2's threads) waited for
them on every chunk.

A text that two chunks in flight both lack is sent to the engine once, with the first: the later
chunk borrows the earlier one's memory entry (or its failure) when it is assembled, as it would
have found it in the memory had the chunks run one after the other.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from polypost.glossary import Glossary
from polypost.records import MemoryEntry, MemoryKey, Post
from polypost.translate.base import Engine
from polypost.translate.chunk import (ChunkResult, Failure, Job, Lookup, TranslateOptions, assemble_chunk, call_engine,
                                      chunk_keys, missing_texts, prepare_jobs, translate_chunk)


@dataclass
class _Flight:
    """A chunk submitted and not yet handed back: what it sends the engine, and its futures."""

    missing: dict[MemoryKey, tuple[str, Any]]
    translated: Future  # the engine's answers by key (call_engine)
    assembled: Future  # the ChunkResult
    borrowed: dict[MemoryKey, "_Flight"] = field(default_factory=dict)


_IN_FLIGHT = 2  # chunks not yet assembled when the next one is submitted


class LocalChunks:
    """A `ChunkRunner` in this process: chunks pipelined over two threads of their own."""

    def __init__(self, engine: Engine, glossary: Glossary) -> None:
        self.engine, self.glossary = engine, glossary
        self.name, self.version = engine.name, engine.version
        self._flights: deque[_Flight] = deque()
        self._sending: dict[MemoryKey, _Flight] = {}  # what the chunks in flight send the engine
        self._engine = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polypost-engine")
        self._assembler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polypost-assemble")

    def submit(self, items: list[tuple[Post, str]], options: TranslateOptions, lookup: Lookup) -> None:
        jobs, failures = prepare_jobs(items, self.glossary, self.name, self.version, options)
        if len(self._flights) >= _IN_FLIGHT:
            # At most one chunk at the engine and one being assembled while this one was segmented:
            # an engine slower than segmenting must not let prepared chunks pile up in memory.
            self._flights[-_IN_FLIGHT].assembled.result()
        keys = chunk_keys(jobs)
        known = lookup(list(keys))
        if options.dry_run:  # no engine: the counts of this chunk alone, as before
            result = translate_chunk(jobs, known, None, self.glossary, options)
            result.failures[:0] = failures
            self._flights.append(_Flight({}, _done({}), _done(result)))
            return
        borrowed = {key: self._sending[key] for key in keys if key not in known and key in self._sending}
        missing = missing_texts(jobs, known.keys() | borrowed.keys())
        translated = self._engine.submit(call_engine, self.engine, self.glossary, missing) if missing else _done({})
        flight = _Flight(missing, translated, Future(), borrowed)
        flight.assembled = self._assembler.submit(self._assemble, jobs, known, flight, failures, options)
        self._sending.update(dict.fromkeys(missing, flight))
        self._flights.append(flight)

    def _assemble(self, jobs: list[Job], known: dict[MemoryKey, MemoryEntry], flight: _Flight,
                  failures: list[Failure], options: TranslateOptions) -> ChunkResult:
        # The chunks this one borrows from were assembled before it, on this same thread.
        known = dict(known)
        failed_before: dict[MemoryKey, Exception] = {}
        entries_of: dict[int, dict[MemoryKey, MemoryEntry]] = {}
        for key, earlier in flight.borrowed.items():
            entries = entries_of.get(id(earlier))
            if entries is None:
                entries = entries_of[id(earlier)] = {entry.key: entry for entry in earlier.assembled.result().entries}
            if key in entries:
                known[key] = entries[key]
            else:  # the engine failed on it there
                failed_before[key] = earlier.translated.result()[key]
        result = assemble_chunk(jobs, known, flight.missing, flight.translated.result(), self.engine, self.glossary,
                                options, failed_before)
        result.failures[:0] = failures
        return result

    def completed(self, wait: bool) -> Iterator[ChunkResult]:
        """Chunks assembled, in the order they were submitted; an error of a chunk's own code is
        raised here, in that order."""
        while self._flights and (wait or self._flights[0].assembled.done()):
            flight = self._flights.popleft()
            result = flight.assembled.result()
            # Handed back, the caller writes it to the store: later chunks find it there.
            for key in flight.missing:
                if self._sending.get(key) is flight:
                    del self._sending[key]
            yield result
        if wait:
            self._engine.shutdown(wait=True)
            self._assembler.shutdown(wait=True)


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future
