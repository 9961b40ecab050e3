"""The first chunk and the last are small (nothing overlaps them: the engine waits for the first
to be segmented, the run for the last to be assembled); the chunks between are full."""

from __future__ import annotations

from polypost.glossary import Glossary
from polypost.records import SourcePost
from polypost.store import Store
from polypost.translate.chunk import FIRST_CHUNK, chunk_size
from polypost.translate.stage import TranslateOptions, translate_posts


def sizes_for(posts: int, full: int = 200) -> list[int]:
    sizes, pending, submitted = [], 0, 0
    for considered in range(1, posts + 1):
        pending += 1
        if pending >= chunk_size(full, submitted, pending, posts - considered):
            sizes.append(pending)
            submitted, pending = submitted + 1, 0
    return sizes + ([pending] if pending else [])


def test_chunks_grow_from_the_first_and_shrink_towards_the_last():
    sizes = sizes_for(5000)
    assert sum(sizes) == 5000
    assert sizes[:4] == [25, 50, 100, 200] and max(sizes) == 200
    assert sizes[-1] <= FIRST_CHUNK and sizes[-3:] == sorted(sizes[-3:], reverse=True)
    assert sizes.count(200) >= 20  # the archive still goes in full chunks
    assert sizes_for(10) == [10] and sizes_for(600, full=1) == [1] * 600 and sizes_for(400, full=50)[:3] == [25, 50, 50]


class CountingEngine:
    name = "counting"
    version = "1"

    def __init__(self):
        self.calls = []

    def translate(self, texts):
        self.calls.append(len(texts))
        return [f"es {text}" for text in texts]

    def close(self):
        pass


def test_the_stage_sends_the_engine_chunks_of_those_sizes(tmp_path):
    store = Store.open(tmp_path / "p.db")
    for number in range(600):  # one paragraph each, none alike: one text per post to the engine
        store.upsert_post(SourcePost(origin=f"posts/{number}.html", title=f"Post number {number}",
                                     html=f"<p>The body of post number {number} is about social media.</p>"), "en", 0.99)
    engine = CountingEngine()
    report = translate_posts(store, engine, Glossary.empty(), TranslateOptions())
    assert report.failed == [] and report.translated == 600
    texts_per_post = sum(engine.calls) // 600
    assert [count // texts_per_post for count in engine.calls] == sizes_for(600)
