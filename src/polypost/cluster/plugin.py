"""The engine of one Dask worker, built once when the worker takes the plugin (and again on
each worker that joins later), with the run's glossary beside it.

A worker started with `--resources GPU=1` runs Argos on cuda (CTranslate2 then picks
`int8_float16`) unless the settings name a device. The engine is driven under a lock: a
worker with several threads shares one Apertium process or one CTranslate2 translator.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from distributed import WorkerPlugin

from polypost.glossary import Glossary
from polypost.postedit import PostEditor, Rules
from polypost.postedit.engine import PostEditing
from polypost.translate.base import Engine, available_engines, get_engine
from polypost.translate.warm import warm_up

log = logging.getLogger(__name__)

PLUGIN_NAME = "polypost-engine"
GPU = "GPU"  # the Dask resource a GPU worker is started with


class EnginePlugin(WorkerPlugin):
    """What a worker needs to translate chunks: the engine, its identity and the glossary."""

    idempotent = False  # a new run's plugin replaces the last run's (another glossary, engine)

    def __init__(self, engine: str, source_lang: str, target_lang: str, glossary: Glossary,
                 engine_options: dict[str, dict[str, Any]], postedit_rules: Rules | None = None) -> None:
        self.requested = engine
        self.source_lang, self.target_lang = source_lang, target_lang
        self.glossary = glossary
        self.engine_options = engine_options  # engine name -> the options it understands
        self.postedit_rules = postedit_rules
        self.engine: Engine | None = None
        self.error: str | None = None
        self.device = "cpu"
        self.lock: threading.Lock | None = None  # made on the worker: a lock does not pickle

    def setup(self, worker: Any) -> None:
        self.lock = threading.Lock()
        # Errors are kept, not raised: the coordinator asks every worker for its state and names
        # the ones that cannot translate before it sends any work.
        try:
            name = self.requested
            if name == "auto":
                found = available_engines(self.source_lang, self.target_lang)
                name = found[0] if found else "auto"
            options = dict(self.engine_options.get(name, {}))
            if name == "argos" and worker.state.total_resources.get(GPU) and "device" not in options:
                options["device"] = "cuda"
            self.device = options.get("device", "cpu")
            self.engine = get_engine(name, source_lang=self.source_lang, target_lang=self.target_lang, **options)
            if self.postedit_rules is not None:  # the variant's rules ride with the engine, as on one machine
                self.engine = PostEditing(self.engine, PostEditor(self.postedit_rules))
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("polypost: no engine on this worker: %s", self.error)
            return
        warm_up(self.engine, self.glossary, self.source_lang, self.target_lang)

    def teardown(self, worker: Any) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    def state(self) -> dict[str, Any]:
        if self.engine is None:
            return {"ok": False, "error": self.error or "the engine was not built"}
        return {"ok": True, "engine": self.engine.name, "version": self.engine.version, "device": self.device}


class LockedEngine:
    """The worker's engine, one batch at a time."""

    def __init__(self, plugin: EnginePlugin) -> None:
        assert plugin.engine is not None
        self._plugin = plugin
        self.name, self.version = plugin.engine.name, plugin.engine.version
        # What the translate stage asks of an engine besides translate(): the variant's rules
        # (postedit.PostEditing) and whether it writes forced terms itself (Argos' prefix strategy).
        self.post_editor = getattr(plugin.engine, "post_editor", None)
        self.accepts_forms = getattr(plugin.engine, "accepts_forms", False)

    def translate(self, texts: list[str], **options: Any) -> list[str]:
        assert self._plugin.lock is not None
        with self._plugin.lock:
            assert self._plugin.engine is not None
            return self._plugin.engine.translate(texts, **options)

    def close(self) -> None:  # the plugin's teardown closes the engine
        pass
