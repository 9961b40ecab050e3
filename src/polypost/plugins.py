"""The plugin manager: built-in modules and installed plugins register the same way."""

from __future__ import annotations

import importlib

import pluggy

from polypost import hookspecs

# Built-in plugins, loaded exactly like third-party ones (as in simonw/llm's plugins.py).
DEFAULT_PLUGINS = (
    "polypost.translate.argos",
    "polypost.translate.apertium",
)

pm = pluggy.PluginManager("polypost")
pm.add_hookspecs(hookspecs)
pm.load_setuptools_entrypoints("polypost")

for _module_name in DEFAULT_PLUGINS:
    pm.register(importlib.import_module(_module_name), name=f"polypost-default:{_module_name}")


def get_plugins() -> list[dict[str, object]]:
    """Name and hooks of every registered plugin (for `polypost plugins`-like listings)."""
    plugins = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        plugins.append({"name": name, "hooks": hooks})
    return plugins
