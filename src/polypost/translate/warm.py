"""What a process's first chunk would load, loaded before any chunk arrives.

The first chunk a process works out pays for what its parts load on first use: the parser, the
glossary's compiled matcher, the Apertium analysers behind post-editing and the names finder. A
cluster worker pays it here, when it takes the engine plugin: otherwise every worker pays it at the
same moment, on the first chunk, and on a machine with fewer cores than workers that first round of
chunks is a second slower than the next (benchmarks/cluster.py).
"""

from __future__ import annotations

import logging
from typing import Any

from polypost.glossary import Glossary
from polypost.glossary.names import keeps_names
from polypost.records import Post
from polypost.translate.chunk import TranslateOptions, prepare_jobs, translate_chunk
from polypost.translate.qa import Thresholds

log = logging.getLogger(__name__)

# Markup, a link, a name, a sentence long enough for the language check: every part runs once.
_SAMPLE = Post(
    id="warm-up", source="warm-up", origin="(warm-up)", slug="warm-up", content_hash="",
    title="How a Community Manager Plans the Week",
    html=('<h2>Before the launch</h2><p>Our community manager shares the <a href="/reach/">engagement rate</a> '
          "with <strong>Maria Lopez</strong> every week, and the whole team reviews the new campaign.</p>"
          "<ul><li>Plan the content calendar.</li><li>Measure the organic reach.</li></ul>"),
    description="A week of social media work, step by step.",
)


class _Echo:
    """The texts back as they came, with the real engine's post-editor: everything of a chunk
    runs except the engine, which loaded its own model when it was built."""

    def __init__(self, engine: Any) -> None:
        self.name, self.version = engine.name, engine.version
        self.post_editor = getattr(engine, "post_editor", None)

    def translate(self, texts: list[str], **_: Any) -> list[str]:
        return list(texts)


def warm_up(engine: Any, glossary: Glossary, source_lang: str, target_lang: str) -> None:
    """One sample post through every part of a chunk, its result thrown away. A failure here is
    only logged: the same part fails again, with the post named, in the chunk that needs it."""
    try:
        options = TranslateOptions(source_lang=source_lang, target_lang=target_lang, thresholds=Thresholds(),
                                   keep_names=keeps_names(True))
        echo = _Echo(engine)
        jobs, _ = prepare_jobs([(_SAMPLE, "")], glossary, echo.name, echo.version, options)
        translate_chunk(jobs, {}, echo, glossary, options)
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.debug("warming up: %s: %s", type(exc).__name__, exc)
