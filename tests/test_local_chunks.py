"""The translate stage's chunks as a pipeline in this process (translate/local.py): the engine on
chunk N+1 while chunk N is post-edited, checked and assembled; a text two chunks in flight share
sent to the engine once; a text the engine failed on fails the later chunk's post too."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from polypost.glossary import Glossary
from polypost.records import SourcePost
from polypost.store import Store
from polypost.translate.stage import TranslateOptions, translate_posts

SHARED = "Every campaign needs a clear goal before the launch."


class RecordingEngine:
    """Upper-cases each text and records every batch it is given; fails on any text with BOOM."""

    name, version = "recording", "1"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def translate(self, texts: list[str]) -> list[str]:
        self.batches.append(list(texts))
        if any("BOOM" in text for text in texts):
            raise RuntimeError("engine crashed on BOOM")
        return [text.upper() for text in texts]

    def close(self) -> None:
        pass


class WaitingEditor:
    """Post-edits the first chunk only once the engine has been handed a text of another chunk
    (one that is not among this chunk's and holds no BOOM), for 10 s at most."""

    def __init__(self, engine: RecordingEngine) -> None:
        self.engine, self.overlapped = engine, []

    def edit(self, pairs, keep):
        if not self.overlapped:
            own = {source for source, _translated in pairs}
            deadline = time.monotonic() + 10
            while not self._seen_other(own) and time.monotonic() < deadline:
                time.sleep(0.005)
            self.overlapped.append(self._seen_other(own))
        return [SimpleNamespace(text=str(translated)) for _source, translated in pairs]

    def _seen_other(self, own: set[str]) -> bool:
        return any(text not in own and "BOOM" not in text for batch in list(self.engine.batches) for text in batch)


def make_store(tmp_path: Path, bodies: list[str]) -> Store:
    store = Store.open(tmp_path / "p.db")
    for number, body in enumerate(bodies):
        store.upsert_post(SourcePost(origin=f"post-{number}.md", title=f"Note {number}", html=body), "en", 0.99)
    return store


def test_a_text_that_chunks_in_flight_share_is_translated_once_and_reaches_every_post(tmp_path):
    bodies = [f"<p>{SHARED}</p><p>Only post {n} measures this reach.</p>" for n in range(5)]
    store = make_store(tmp_path, bodies)
    engine = RecordingEngine()
    report = translate_posts(store, engine, Glossary.empty(), TranslateOptions(posts_per_engine_call=1))
    assert report.translated == 5 and report.failed == []
    sent = [text for batch in engine.batches for text in batch]
    assert sent.count(SHARED) == 1 and len(sent) == len(set(sent))
    for post in store.iter_posts():
        assert SHARED.upper() in store.get_translation(post.id, "es").html


def test_the_engine_works_on_the_next_chunk_while_a_chunk_is_assembled(tmp_path):
    store = make_store(tmp_path, [f"<p>Post {n} grows the reach of the brand.</p>" for n in range(3)])
    engine = RecordingEngine()
    engine.post_editor = editor = WaitingEditor(engine)
    report = translate_posts(store, engine, Glossary.empty(), TranslateOptions(posts_per_engine_call=1))
    assert report.translated == 3 and len(engine.batches) == 3
    assert editor.overlapped == [True]  # chunk 2 reached the engine before chunk 1 was assembled


def test_a_text_the_engine_failed_on_fails_the_later_post_that_shares_it(tmp_path):
    store = make_store(tmp_path, ["<p>BOOM goes the launch.</p><p>First post.</p>",
                                  "<p>BOOM goes the launch.</p><p>Second post.</p>"])
    engine = RecordingEngine()
    engine.post_editor = editor = WaitingEditor(engine)  # the first chunk is in flight when the second comes
    report = translate_posts(store, engine, Glossary.empty(), TranslateOptions(posts_per_engine_call=1))
    assert editor.overlapped == [True]
    assert report.translated == 0 and len(report.failed) == 2
    assert all("engine crashed on BOOM" in row["error"] for row in report.failed)
    # The failing text went to the engine with the first chunk only (in its batch, then alone): the
    # second chunk borrowed its failure. The next run, with nothing in flight, asks the engine again.
    assert sum(text == "BOOM goes the launch." for batch in engine.batches for text in batch) == 2
