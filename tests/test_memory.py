"""The translation memory over the real migrated SQLite database."""

from __future__ import annotations

import time

import pytest

from polypost.store import open_db
from polypost.records import MemoryEntry, MemoryKey, source_hash
from polypost.store import Memory


@pytest.fixture
def memory(tmp_path):
    return Memory(open_db(tmp_path / "polypost.db"))


def key(text: str, engine="argos", version="v1", terms="") -> MemoryKey:
    return MemoryKey(source_hash(text), "en", "es", engine, version, terms)


def entry(text: str, target: str, origin="machine", **key_parts) -> MemoryEntry:
    return MemoryEntry(key(text, **key_parts), text, target, origin=origin)


def test_put_then_lookup_exact_keys(memory):
    memory.put([entry("Hello.", "Hola."), entry("Bye.", "Adiós.")])
    found = memory.lookup([key("Hello."), key("Bye."), key("Unknown.")])
    assert {k: e.target_text for k, e in found.items()} == {key("Hello."): "Hola.", key("Bye."): "Adiós."}


def test_machine_entry_needs_the_same_engine_version_and_terms(memory):
    memory.put([entry("Hello.", "Hola.")])
    assert memory.lookup([key("Hello.", version="v2")]) == {}
    assert memory.lookup([key("Hello.", engine="apertium")]) == {}
    assert memory.lookup([key("Hello.", terms="t1")]) == {}


def test_human_entry_wins_over_any_engine_version_or_terms(memory):
    memory.put([entry("Hello.", "Hola (máquina).")])
    memory.put([entry("Hello.", "¡Hola!", origin="human", engine="review", version="", terms="")])
    wanted = [key("Hello."), key("Hello.", version="v9", terms="t2"), key("Hello.", engine="apertium")]
    found = memory.lookup(wanted)
    assert all(found[k].target_text == "¡Hola!" and found[k].origin == "human" for k in wanted)
    # another language pair is not affected
    other_pair = MemoryKey(source_hash("Hello."), "en", "fr", "argos", "v1", "")
    assert memory.lookup([other_pair]) == {}


def test_machine_never_overwrites_human_but_human_overwrites_human(memory):
    memory.put([entry("Hello.", "¡Hola!", origin="human")])
    memory.put([entry("Hello.", "Hola.")])  # same full key, machine: ignored
    assert memory.lookup([key("Hello.")])[key("Hello.")].target_text == "¡Hola!"
    memory.put([entry("Hello.", "¡Buenas!", origin="human")])
    assert memory.lookup([key("Hello.")])[key("Hello.")].target_text == "¡Buenas!"
    memory.put([entry("Bye.", "Adiós.")])
    memory.put([entry("Bye.", "Chao.")])  # machine refreshes machine
    assert memory.lookup([key("Bye.")])[key("Bye.")].target_text == "Chao."


def test_qa_flags_round_trip_as_a_list(memory):
    memory.put([MemoryEntry(key("Hi."), "Hi.", "Hola.", qa_flags=["placeholder_missing", "repeat"])])
    assert memory.lookup([key("Hi.")])[key("Hi.")].qa_flags == ["placeholder_missing", "repeat"]


def test_put_is_one_transaction(memory):
    with pytest.raises(ValueError, match="origin must be"):
        memory.put([entry("A.", "A."), entry("B.", "B.", origin="robot")])
    assert memory.stats()["total"] == 0


def test_stats_count_by_origin_and_engine(memory):
    memory.put([entry("A.", "A."), entry("B.", "B.", engine="apertium"), entry("C.", "C.", origin="human")])
    assert memory.stats() == {
        "total": 3,
        "by_origin": {"human": 1, "machine": 2},
        "by_engine": {"apertium": 1, "argos": 2},
    }


def test_lookup_of_thousands_of_keys_is_fast_and_chunked(memory):
    entries = [entry(f"Sentence number {i}.", f"Frase número {i}.") for i in range(5000)]
    memory.put(entries)
    keys = [e.key for e in entries] + [key(f"Missing {i}.") for i in range(2000)]
    statements: list[str] = []
    memory.db.conn.set_trace_callback(statements.append)
    started = time.perf_counter()
    found = memory.lookup(keys)
    elapsed = time.perf_counter() - started
    memory.db.conn.set_trace_callback(None)
    assert len(found) == 5000 and found[keys[4321]].target_text == "Frase número 4321."
    assert len([s for s in statements if s.lstrip().lower().startswith("select")]) <= 20
    assert elapsed < 2.0
