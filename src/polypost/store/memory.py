"""The translation memory table: what each segment became, per engine, version and glossary terms.

Rows live in the `memory` table that the migrations create. Human entries
(reviewed or imported fixes) win over machine ones for the same source text and language pair,
whatever engine or glossary made the machine ones, and a machine entry never replaces them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

from polypost.store.faults import database_path, guarded
from polypost.records import MemoryEntry, MemoryKey

TABLE = "memory"
_CHUNK = 500  # keys per IN (...) query: well under SQLite's 32k variable limit, few round trips


_KEY_FIELDS = ("source_hash", "source_lang", "target_lang", "engine", "engine_version", "terms_hash")


@guarded
class Memory:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.path = database_path(db.conn)

    def lookup(self, keys: Sequence[MemoryKey]) -> dict[MemoryKey, MemoryEntry]:
        """The known entries for these keys; a human entry for the same text and pair wins."""
        wanted = set(keys)
        hashes = sorted({k.source_hash for k in wanted})
        exact: dict[MemoryKey, MemoryEntry] = {}
        human: dict[tuple[str, str, str], MemoryEntry] = {}
        for row in self._rows_for_hashes(hashes):
            entry = _entry_from_row(row)
            if entry.key in wanted:
                exact[entry.key] = entry
            if entry.origin == "human":
                triple = (entry.key.source_hash, entry.key.source_lang, entry.key.target_lang)
                if triple not in human or entry.created_at > human[triple].created_at:
                    human[triple] = entry
        found: dict[MemoryKey, MemoryEntry] = {}
        for key in wanted:
            best = human.get((key.source_hash, key.source_lang, key.target_lang)) or exact.get(key)
            if best is not None:
                found[key] = best
        return found

    def _rows_for_hashes(self, hashes: list[str]) -> Iterable[dict[str, Any]]:
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self.db.query(
                f"select * from [{TABLE}] where source_hash in ({marks})", chunk
            )

    def put(self, entries: Sequence[MemoryEntry]) -> None:
        """Store entries in one transaction; a machine entry never overwrites a human one."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = []
        for entry in entries:
            if entry.origin not in ("machine", "human"):
                raise ValueError(f"memory entry origin must be 'machine' or 'human', not {entry.origin!r}")
            rows.append(
                tuple(getattr(entry.key, f) for f in _KEY_FIELDS)
                + (entry.source_text, entry.target_text, entry.origin,
                   json.dumps(list(entry.qa_flags)), entry.created_at or now)
            )
        columns = _KEY_FIELDS + ("source_text", "target_text", "origin", "qa_flags", "created_at")
        sql = (
            f"insert into [{TABLE}] ({', '.join(columns)}) values ({', '.join('?' * len(columns))}) "
            f"on conflict ({', '.join(_KEY_FIELDS)}) do update set "
            "source_text = excluded.source_text, target_text = excluded.target_text, "
            "origin = excluded.origin, qa_flags = excluded.qa_flags, created_at = excluded.created_at "
            f"where [{TABLE}].origin != 'human' or excluded.origin = 'human'"
        )
        with self.db.conn:
            self.db.conn.executemany(sql, rows)

    def stats(self) -> dict[str, Any]:
        """Entry counts: total, by origin, by engine."""
        by_origin = {r["origin"]: r["n"] for r in self.db.query(
            f"select origin, count(*) as n from [{TABLE}] group by origin order by origin")}
        by_engine = {r["engine"]: r["n"] for r in self.db.query(
            f"select engine, count(*) as n from [{TABLE}] group by engine order by engine")}
        return {"total": sum(by_origin.values()), "by_origin": by_origin, "by_engine": by_engine}


def _entry_from_row(row: dict[str, Any]) -> MemoryEntry:
    try:
        flags = json.loads(row["qa_flags"]) if row["qa_flags"] else []
    except json.JSONDecodeError:
        flags = [row["qa_flags"]]  # a hand-edited row: keep what it says rather than fail
    return MemoryEntry(
        key=MemoryKey(*(row[f] for f in _KEY_FIELDS)),
        source_text=row["source_text"],
        target_text=row["target_text"],
        origin=row["origin"],
        qa_flags=flags,
        created_at=row["created_at"] or "",
    )
