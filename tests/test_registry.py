"""Finding engines by name through the pluggy registry, and the "auto" choice."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from polypost.hookspecs import hookimpl
from polypost.plugins import get_plugins, plugin_manager
from polypost.translate import (
    EngineUnavailable,
    available_engines,
    engine_names,
    get_engine,
)
from polypost.translate import apertium as apertium_module
from polypost.translate.base import refresh_registry

apertium_installed = pytest.mark.skipif(
    shutil.which("apertium") is None or not (apertium_module.MODES_DIR / "eng-spa.mode").is_file(),
    reason="Apertium eng-spa is not installed (apt-get install apertium apertium-eng-spa)",
)


@pytest.fixture
def no_apertium(monkeypatch, tmp_path):
    monkeypatch.setattr(apertium_module, "MODES_DIR", tmp_path / "no-modes")


def test_builtin_engines_register_through_the_hook():
    assert {"argos", "apertium"} <= set(engine_names())
    names = [p["name"] for p in get_plugins()]
    assert "polypost-default:polypost.translate.argos" in names


def test_auto_picks_argos_when_a_package_is_installed(installed_argos):
    engine = get_engine("auto")
    try:
        assert engine.name == "argos"
    finally:
        engine.close()
    assert available_engines()[0] == "argos"


@apertium_installed
def test_auto_picks_apertium_without_argos(argos_home):
    engine = get_engine()
    try:
        assert engine.name == "apertium"
    finally:
        engine.close()
    assert "argos" not in available_engines()


def test_no_engine_at_all_says_how_to_get_one(argos_home, no_apertium):
    with pytest.raises(EngineUnavailable) as info:
        get_engine("auto")
    assert str(info.value) == (
        "No translation engine for en->es. Install an Argos package (`polypost models install`, "
        "or `polypost models install --file X.argosmodel`) or Apertium "
        "(`apt-get install apertium-eng-spa`)."
    )


def test_unknown_engine_lists_the_known_ones():
    with pytest.raises(EngineUnavailable, match=r"Unknown translation engine 'deepl'.*apertium.*argos"):
        get_engine("deepl")


class ReverseEngine:
    name = "reverse"
    version = "1"

    def __init__(self, source_lang, target_lang, **options):
        self.options = options

    def translate(self, texts):
        return [t[::-1] for t in texts]

    def close(self):
        pass


class ReversePlugin:
    @hookimpl
    def register_engines(self, register):
        register("reverse", ReverseEngine)


def test_a_third_party_engine_is_found_by_name():
    plugin_manager().register(ReversePlugin(), name="reverse-plugin")
    refresh_registry()
    try:
        engine = get_engine("reverse", flavour="x")
        assert engine.translate(["abc", ""]) == ["cba", ""]
        assert engine.options == {"flavour": "x"}
        assert "reverse" in available_engines()
    finally:
        plugin_manager().unregister(name="reverse-plugin")
        refresh_registry()
    assert "reverse" not in engine_names()


def test_a_plugin_installed_with_an_entry_point_is_loaded(tmp_path, monkeypatch):
    (tmp_path / "polypost_shout.py").write_text(textwrap.dedent("""
        from polypost.hookspecs import hookimpl

        class ShoutEngine:
            name = "shout"
            version = "1"
            def __init__(self, source_lang, target_lang, **options):
                pass
            def translate(self, texts):
                return [t.upper() for t in texts]
            def close(self):
                pass

        @hookimpl
        def register_engines(register):
            register("shout", ShoutEngine, available=lambda s, t: t == "es", auto_priority=1)
    """))
    dist = tmp_path / "polypost_shout-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: polypost-shout\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[polypost]\nshout = polypost_shout\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin_manager().load_setuptools_entrypoints("polypost")
    refresh_registry()
    try:
        assert get_engine("shout").translate(["hola"]) == ["HOLA"]
        assert "shout" in available_engines("en", "es") and "shout" not in available_engines("en", "fr")
    finally:
        plugin_manager().unregister(name="shout")
        refresh_registry()


def test_two_engines_with_one_name_are_refused():
    plugin_manager().register(ReversePlugin(), name="reverse-1")
    plugin_manager().register(ReversePlugin(), name="reverse-2")
    refresh_registry()
    try:
        with pytest.raises(ValueError, match="Two plugins register an engine named 'reverse'"):
            engine_names()
    finally:
        plugin_manager().unregister(name="reverse-1")
        plugin_manager().unregister(name="reverse-2")
        refresh_registry()
