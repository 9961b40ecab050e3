"""The translate stage through the API: the glossary gate, glossary edits touching only their
segments, and a failing post that does not stop the batch. Real store, real segmenter, real
glossary; the engines are real Apertium or small test engines that fail the way engines do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from polypost.config import load_config
from polypost.glossary import Glossary
from polypost.records import SourcePost
from polypost.publish.stage import publish_store
from polypost.store import Store
from polypost.translate.stage import TranslateOptions, translate_posts

APERTIUM = shutil.which("apertium") and Path("/usr/share/apertium/modes/eng-spa.mode").exists()
needs_apertium = pytest.mark.skipif(not APERTIUM, reason="apertium-eng-spa is not installed")

POSTS = {
    "reach.md": ("Grow your reach", "<p>Our <strong>followers</strong> love a clear call to action.</p>"
                 "<p>Measure the conversion rate every week.</p><p>Write for people, not for robots.</p>"),
    "leads.md": ("Leads and newsletters", "<p>A newsletter turns followers into leads.</p>"
                 "<p>Keep every form short.</p>"),
}


class TokenDroppingEngine:
    """Returns its input minus the glossary's protection tokens: an engine that loses them."""

    name, version = "dropper", "1"

    def translate(self, texts: list[str]) -> list[str]:
        return [re.sub(r"⟦T\d+⟧", "", text) for text in texts]

    def close(self) -> None:
        pass


class ExplodingEngine:
    """Fails on any batch that holds the word BOOM, like an engine that crashes on one input."""

    name, version = "exploding", "1"

    def __init__(self):
        self.calls = 0

    def translate(self, texts: list[str]) -> list[str]:
        self.calls += 1
        if any("BOOM" in text for text in texts):
            raise RuntimeError("engine crashed")
        return [text.upper() for text in texts]

    def close(self) -> None:
        pass


def make_store(tmp_path: Path, posts=POSTS) -> Store:
    store = Store.open(tmp_path / "p.db")
    for origin, (title, html) in posts.items():
        store.upsert_post(SourcePost(origin=origin, title=title, html=html), "en", 0.99)
    return store


def shipped_glossary() -> Glossary:
    return Glossary.load(load_config(environ={}).glossary_paths())


def test_strict_gate_holds_back_posts_with_missed_terms(tmp_path):
    store = make_store(tmp_path)
    report = translate_posts(store, TokenDroppingEngine(), shipped_glossary(), TranslateOptions(strict=True))
    assert report.held_back == 2 and report.translated == 2
    assert report.glossary["missed"] > 0
    for post in store.iter_posts():
        translation = store.get_translation(post.id, "es")
        assert translation.status == "held"
        assert any(flag["check"] == "glossary" for flag in translation.qa_report)
    config = load_config(environ={}, db_path=str(tmp_path / "p.db"), out_dir=str(tmp_path / "site"),
                         base_url="https://blog.example.com/")
    published = publish_store(store, config)
    assert published["failed"] == []
    assert not (tmp_path / "site" / "es").exists() or not any((tmp_path / "site" / "es").glob("*/index.html"))
    english = (tmp_path / "site" / "en" / "grow-your-reach" / "index.html").read_text()
    assert 'hreflang="es"' not in english


def test_without_strict_the_same_misses_are_reported_not_held(tmp_path):
    store = make_store(tmp_path)
    report = translate_posts(store, TokenDroppingEngine(), shipped_glossary(), TranslateOptions(strict=False))
    assert report.held_back == 0 and report.glossary["missed"] > 0
    rows = store.get_translation(store.get_post("grow-your-reach").id, "es").glossary_report
    assert any(not row["met"] and row["term"].lower().startswith("follower") for row in rows)


@needs_apertium
def test_editing_one_glossary_term_retranslates_only_its_segments(tmp_path):
    from polypost.translate import get_engine

    store = make_store(tmp_path)
    glossary_file = tmp_path / "mine.en-es.tsv"
    glossary_file.write_text(
        "source\ttarget\tnote\tgender\tnumber\n"
        "newsletter\tnewsletter\t\tf\tsg\n"
        "follower\tseguidor\t\tm\tsg\n", encoding="utf-8")
    engine = get_engine("apertium")
    try:
        first = translate_posts(store, engine, Glossary.load([glossary_file]))
        assert first.translated == 2 and first.segments["from_memory"] == 0
        glossary_file.write_text(
            "source\ttarget\tnote\tgender\tnumber\n"
            "newsletter\tboletín\t\tm\tsg\n"
            "follower\tseguidor\t\tm\tsg\n", encoding="utf-8")
        second = translate_posts(store, engine, Glossary.load([glossary_file]))
    finally:
        engine.close()
    # Only "A newsletter turns followers into leads." and the title "Leads and newsletters" hold
    # the edited term; every other segment comes from the memory.
    assert second.translated == 2
    assert second.segments["from_engine"] == 2
    assert second.segments["from_memory"] == first.segments["from_engine"] - 2
    leads = store.get_translation(store.get_post("leads-and-newsletters").id, "es")
    assert "boletín" in leads.html and "newsletter" not in leads.html.lower()


def test_a_failing_post_is_recorded_and_the_batch_goes_on(tmp_path):
    posts = dict(POSTS)
    posts["bad.md"] = ("A bad one", "<p>This paragraph makes the engine go BOOM.</p>")
    store = make_store(tmp_path, posts)
    engine = ExplodingEngine()
    report = translate_posts(store, engine, Glossary.empty())
    assert report.translated == 2
    assert [f["post"] for f in report.failed] == [store.get_post("a-bad-one").id]
    assert "engine crashed" in report.failed[0]["error"]
    assert store.get_translation(store.get_post("a-bad-one").id, "es") is None
    assert store.get_translation(store.get_post("grow-your-reach").id, "es").title == "GROW YOUR REACH"
    failures = list(store.db["failures"].rows)
    assert failures and failures[0]["stage"] == "translate"


def test_configured_checks_hold_a_flagged_post_back(tmp_path):
    from polypost.translate.qa import Thresholds

    class CopyEngine:
        name, version = "copy", "1"

        def translate(self, texts):
            return list(texts)  # English out: QA calls it untranslated

        def close(self):
            pass

    store = make_store(tmp_path)
    report = translate_posts(store, CopyEngine(), Glossary.empty(),
                             TranslateOptions(thresholds=Thresholds(), hold_back=("untranslated",)))
    assert report.held_back == 2
    translation = store.get_translation(store.get_post("grow-your-reach").id, "es")
    assert translation.status == "held"
    assert any(flag["check"] == "untranslated" for flag in translation.qa_report)
    # Without the setting the same posts are flagged for review but published.
    store = make_store(tmp_path / "second")
    report = translate_posts(store, CopyEngine(), Glossary.empty(), TranslateOptions(thresholds=Thresholds()))
    assert report.held_back == 0 and report.flagged == 2


def test_length_bounds_are_learned_from_the_memory(tmp_path):
    from polypost.translate.qa import MIN_SEGMENTS_TO_LEARN, Thresholds, learned_thresholds
    from polypost.records import MemoryEntry, MemoryKey
    from polypost.store import Memory

    store = Store.open(tmp_path / "p.db")
    assert learned_thresholds(store.length_ratios("en", "es")) == Thresholds()  # too little data: defaults
    source = "x" * 100
    entries = [
        MemoryEntry(key=MemoryKey(f"{n:064x}", "en", "es", "e", "1", ""), source_text=source,
                    target_text="y" * (110 + n % 20))  # ratios 1.10 .. 1.29
        for n in range(MIN_SEGMENTS_TO_LEARN + 50)
    ]
    Memory(store.db).put(entries)
    learned = learned_thresholds(store.length_ratios("en", "es"))
    assert learned.min_length_ratio == pytest.approx(1.10 * 0.8)
    assert learned.max_length_ratio == pytest.approx(1.29 * 1.2)


class EchoEngine:
    """Gives every text back as it came, the glossary's tokens included: every term is met."""

    name, version = "echo", "1"

    def translate(self, texts: list[str]) -> list[str]:
        return list(texts)

    def close(self) -> None:
        pass


def test_a_post_of_more_segments_than_the_match_cache_is_matched_once_and_reported_whole(tmp_path, monkeypatch):
    from polypost.glossary import match, terms

    monkeypatch.setattr(terms, "_MATCH_CACHE", 2)  # a post far longer than the cache, as a huge page is
    body = "".join(f"<p>Note {n}: our followers love a clear call to action.</p>" for n in range(12))
    store = make_store(tmp_path, {"long.md": ("Followers", body)})
    matched: list[str] = []
    find = match.Matcher.find
    monkeypatch.setattr(match.Matcher, "find", lambda self, text: matched.append(text) or find(self, text))
    report = translate_posts(store, EchoEngine(), shipped_glossary(), TranslateOptions())
    assert report.translated == 1
    assert len(matched) == len(set(matched)) >= 13  # each segment matched once: the report reuses the matches
    rows = store.get_translation(store.get_post("followers").id, "es").glossary_report
    body_rows = [row for row in rows if row["field"] == "body"]
    assert sorted(row["segment"] for row in body_rows if row["term"] == "follower") == list(range(12))
    assert sorted(row["segment"] for row in body_rows if row["term"] == "call to action") == list(range(12))
    assert all(row["met"] and row["expected"] == 1 for row in body_rows)
