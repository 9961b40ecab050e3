"""A new engine, a new source kind and a new publisher are each one module plus one hook
registration: a small one of each, registered through the plugin manager, runs the whole job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from polypost.config import load_config
from polypost.hookspecs import hookimpl
from polypost.pipeline import RunOptions, run
from polypost.plugins import plugin_manager, refresh
from polypost.publish.records import Publisher
from polypost.records import SourcePost, SourceProblem
from polypost.sources.registry import FILES, ReadSettings, SourceKind
from polypost.sources.stage import IngestOptions
from polypost.store import Store


class ReverseWords:
    """An engine that reverses the order of words: its output is known exactly."""

    name = "reverse-words"
    version = "1"

    def __init__(self, source_lang, target_lang, **options):
        pass

    def translate(self, texts):
        return [" ".join(reversed(text.split(" "))) for text in texts]

    def close(self):
        pass


def read_lines(sources: list[str], settings: ReadSettings) -> Iterator[SourcePost | SourceProblem]:
    """One post per line of a text file: `title | body`; a line without a bar is a problem."""
    for source in sources:
        with open(source, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                title, bar, body = line.rstrip("\n").partition(" | ")
                if not bar:
                    yield SourceProblem(origin=f"{source}:{number}", error="no ' | ' between title and body")
                    continue
                yield SourcePost(origin=f"{source}:{number}", title=title, html=f"<p>{body}</p>", source="lines",
                                 slug=f"line-{number}", lang_hint="en")


def locate(post, lang, slug, settings):
    return f"{lang}/{slug}.txt", f"{settings.lang_base(lang)}{slug}.txt"


def write(entries, writer, settings):
    for entry in entries:
        for version in entry.versions.values():
            writer.write(version.path, f"{version.title}\n{version.html}\n")


class SmallPlugin:
    @hookimpl
    def register_engines(self, register):
        register("reverse-words", ReverseWords)

    @hookimpl
    def register_sources(self, register):
        register(SourceKind("lines", read_lines, inputs=FILES))

    @hookimpl
    def register_publishers(self, register):
        register(Publisher(name="plain-text", locate=locate, write=write))


@pytest.fixture
def small_plugin():
    plugin_manager().register(SmallPlugin(), name="small-plugin")
    refresh()
    yield
    plugin_manager().unregister(name="small-plugin")
    refresh()


POSTS = (
    "How to grow your audience this year | Write for the readers you already have and they will share your posts.\n"
    "Why we measure reach every week | Numbers tell you which stories your readers keep coming back to.\n"
    "no bar on this line\n"
)


def test_an_engine_a_source_and_a_publisher_from_one_plugin_run_the_whole_job(small_plugin, tmp_path):
    posts = tmp_path / "posts.txt"
    posts.write_text(POSTS, encoding="utf-8")
    config = load_config(None, environ={}, db_path=str(tmp_path / "p.db"), engine="reverse-words",
                         format="plain-text", out_dir=str(tmp_path / "site"), use_glossary=False)
    store = Store.open(config.db_path)
    summary = run(store, config, RunOptions(sources=[str(posts)], ingest=IngestOptions(kind="lines")))
    assert summary["ingested"] == 2 and summary["translated"] == 2
    # The plugin's engine, with the "es" post-editing rules it runs under (their fingerprint).
    assert summary["engine"].startswith("reverse-words 1+pe-es-")
    assert [f["post"] for f in summary["failed"]] == [f"{posts}:3"]
    spanish = (tmp_path / "site" / "es" / "year-this-audience-your-grow-to-how.txt").read_text(encoding="utf-8")
    assert spanish == "year this audience your grow to How\n<p>posts. your share will they and have already you readers the for Write</p>\n"
    assert (tmp_path / "site" / "en" / "line-1.txt").read_text(encoding="utf-8").startswith("How to grow")


def test_without_the_plugin_its_names_are_unknown(tmp_path):
    from polypost.config import ConfigError

    with pytest.raises(ConfigError, match="must be one of html, hugo, got .plain-text."):
        load_config(None, environ={}, format="plain-text")
