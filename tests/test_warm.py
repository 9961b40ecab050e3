"""A cluster worker loads what a chunk needs when it takes the engine plugin, not on its first
chunk (translate/warm.py)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from types import SimpleNamespace

import pytest

from polypost.glossary import Glossary
from polypost.translate.warm import warm_up

pytest.importorskip("distributed")

from polypost.cluster.plugin import EnginePlugin  # noqa: E402

# Run in a fresh interpreter: in the test process another test may have loaded it all already.
_PROBE = """
import json, sys
from pathlib import Path
from polypost.glossary import Glossary
from polypost.postedit.morphology import shared
from polypost.translate.warm import warm_up

calls = []

class Engine:
    name, version = "echo", "1"
    def translate(self, texts):
        calls.append(texts)  # (an error raised here would only be logged by warm_up)
        return list(texts)

glossary = Glossary.load([Path(sys.argv[1])])
before = {"matcher": glossary._matcher is not None}
warm_up(Engine(), glossary, "en", "es")
after = {"matcher": glossary._matcher is not None,
         "english": shared().english_available, "analysers": sorted(shared()._processes),
         "engine_calls": len(calls)}
print(json.dumps({"before": before, "after": after}))
"""


def _glossary_path(tmp_path):
    path = tmp_path / "marketing.en-es.tsv"
    path.write_text("source\ttarget\tnote\ncommunity manager\tcommunity manager\trole\n"
                    "engagement rate\ttasa de interacción\tmetric\n",
                    encoding="utf-8")
    return path


def test_warm_up_compiles_the_matcher_and_starts_the_analysers(tmp_path):
    done = subprocess.run([sys.executable, "-c", _PROBE, str(_glossary_path(tmp_path))],
                          capture_output=True, text=True, check=True)
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["before"]["matcher"] is False
    assert state["after"]["matcher"]
    assert state["after"]["engine_calls"] == 0  # the engine loaded its model when it was built
    if state["after"]["english"]:  # Apertium's English analyser, for the names finder
        assert state["after"]["analysers"], "the names finder's analyser was not started"


class _Failing:
    name, version = "failing", "1"

    class post_editor:  # noqa: N801 - stands in for postedit.PostEditor
        @staticmethod
        def edit(pairs, keep):
            raise RuntimeError("the Spanish analyser is gone")

    def translate(self, texts):
        return list(texts)


def test_a_part_that_fails_while_warming_up_is_only_logged(tmp_path, caplog):
    with caplog.at_level(logging.DEBUG, logger="polypost.translate.warm"):
        warm_up(_Failing(), Glossary.load([_glossary_path(tmp_path)]), "en", "es")
    assert "the Spanish analyser is gone" in caplog.text


def test_the_engine_plugin_warms_up_when_a_worker_takes_it(tmp_path):
    glossary = Glossary.load([_glossary_path(tmp_path)])
    plugin = EnginePlugin("apertium", "en", "es", glossary, {})
    worker = SimpleNamespace(state=SimpleNamespace(total_resources={}))
    plugin.setup(worker)
    try:
        if plugin.engine is None:
            pytest.skip(f"no Apertium here: {plugin.error}")
        assert plugin.glossary._matcher is not None
    finally:
        plugin.teardown(worker)
