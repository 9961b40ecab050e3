"""The plugin manager: built-in modules and installed plugins register the same way.

It is built on first use, not at import: `polypost --help` and a no-change run never import
an engine module. Each family (engines, sources, publishers) collects its members through
`collect`, once per process until `refresh()`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import pluggy

from polypost import hookspecs

# Built-in plugins, loaded exactly like third-party ones (as in simonw/llm's plugins.py).
DEFAULT_PLUGINS = (
    "polypost.translate.argos",
    "polypost.translate.apertium",
    "polypost.sources.files",
    "polypost.sources.wxr",
    "polypost.sources.feed",
    "polypost.sources.sitemap",
    "polypost.sources.web",
    "polypost.publish.html",
    "polypost.publish.markdown",
)

_collected: dict[str, dict[str, Any]] = {}


@functools.lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("polypost")
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints("polypost")
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=f"polypost-default:{module_name}")
    return pm


def collect(hook: str, make_register: Callable[[dict[str, Any]], Callable[..., None]]) -> dict[str, Any]:
    """name -> member of one family: calls the hook `hook` with the `register` function that
    `make_register(members)` returns, the first time only."""
    if hook not in _collected:
        members: dict[str, Any] = {}
        getattr(plugin_manager().hook, hook)(register=make_register(members))
        _collected[hook] = members
    return _collected[hook]


def refresh() -> None:
    """Forget what the families collected, so newly registered plugins are seen."""
    _collected.clear()


def get_plugins() -> list[dict[str, object]]:
    """Name and hooks of every registered plugin (for `polypost plugins`-like listings)."""
    pm = plugin_manager()
    plugins = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        plugins.append({"name": name, "hooks": hooks})
    return plugins
