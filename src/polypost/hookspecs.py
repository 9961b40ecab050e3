"""Plugin hooks: what a polypost plugin can add.

A plugin is a module (or an installed package with an entry point in the "polypost" group)
that implements these hooks with `@polypost.hookspecs.hookimpl`. polypost's own engines,
sources and publishers use the very same hooks, so a third-party one is a first-class citizen.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookspec = pluggy.HookspecMarker("polypost")
hookimpl = pluggy.HookimplMarker("polypost")


@hookspec
def register_engines(register: Callable[..., None]) -> None:
    """Register translation engines.

    Call `register(name, factory, available=None, auto_priority=None)` once per engine:
    - `factory(source_lang, target_lang, **options)` returns an Engine;
    - `available(source_lang, target_lang)` says cheaply whether it can run here;
    - `auto_priority`: engines with a priority are tried by `get_engine("auto")`, highest first.
    """


@hookspec
def register_sources(register: Callable[..., None]) -> None:
    """Register source kinds (`--kind NAME`).

    Call `register(polypost.sources.registry.SourceKind(...))` once per kind: its `read(sources,
    settings)` yields `SourcePost` and `SourceProblem` records (and `Unchanged` for a 304).
    """


@hookspec
def register_publishers(register: Callable[..., None]) -> None:
    """Register output formats (`--format NAME`).

    Call `register(polypost.publish.records.Publisher(name, locate, write))` once per format.
    """
