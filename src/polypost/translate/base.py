"""The engine protocol, its errors, and the registry that finds engines by name.

Engines register through the pluggy hook `register_engines` (see polypost.hookspecs); the
registry is collected once from the plugin manager (polypost.plugins.collect).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from polypost.errors import UsageError
from polypost.plugins import collect, refresh


@runtime_checkable
class Engine(Protocol):
    name: str
    version: str  # changes whenever the model (and so the output) may change

    def translate(self, texts: list[str]) -> list[str]:
        """Translate a whole batch; the result has the same length and order."""
        ...

    def close(self) -> None: ...


class Translated(str):
    """An engine's text, with what the engine itself saw go wrong as QA flags (markup it could
    not place, a sentence cut at the decoding limit); a plain str is a Translated with none."""

    flags: tuple[dict, ...] = ()

    def __new__(cls, text: str, flags: Any = ()) -> Translated:
        made = super().__new__(cls, text)
        made.flags = tuple(flags)
        return made


def engine_flags(text: str) -> list[dict]:
    return list(getattr(text, "flags", ()))


class EngineUnavailable(UsageError):
    """No engine can run here; the message says how to get one."""


class EngineError(Exception):
    """An engine failed on a batch (crash, hang, bad model); the caller records it."""

    def __init__(self, message: str, index: int | None = None):
        super().__init__(message)
        self.index = index  # which text of the batch it failed on, when known


NO_ENGINE_MESSAGE = (
    "No translation engine for {src}->{tgt}. Install an Argos package "
    "(`polypost models install`, or `polypost models install --file X.argosmodel`) "
    "or Apertium (`apt-get install apertium-eng-spa`)."
)


@dataclass(frozen=True)
class EngineSpec:
    name: str
    factory: Callable[..., Engine]
    available: Callable[[str, str], bool] | None = None
    auto_priority: int | None = None  # None: never picked by "auto"

    def is_available(self, source_lang: str, target_lang: str) -> bool:
        if self.available is None:
            return True
        return bool(self.available(source_lang, target_lang))


def _registry() -> dict[str, EngineSpec]:
    return collect("register_engines", _engine_register)


def _engine_register(specs: dict[str, EngineSpec]) -> Callable[..., None]:
    def register(
        name: str,
        factory: Callable[..., Engine],
        available: Callable[[str, str], bool] | None = None,
        auto_priority: int | None = None,
    ) -> None:
        if name == "auto":
            raise ValueError("'auto' is reserved and cannot name an engine")
        if name in specs:
            raise ValueError(f"Two plugins register an engine named {name!r}")
        specs[name] = EngineSpec(name, factory, available, auto_priority)

    return register


def refresh_registry() -> None:
    """Forget the registry so newly registered plugins are seen (tests, long-lived processes)."""
    refresh()


def engine_names() -> list[str]:
    """Every registered engine, available here or not."""
    return sorted(_registry())


def available_engines(source_lang: str = "en", target_lang: str = "es") -> list[str]:
    """Registered engines that can run here for this pair, "auto" order first."""
    specs = [s for s in _registry().values() if s.is_available(source_lang, target_lang)]
    specs.sort(key=lambda s: (s.auto_priority is None, -(s.auto_priority or 0), s.name))
    return [s.name for s in specs]


def get_engine(
    name: str = "auto", source_lang: str = "en", target_lang: str = "es", **options: Any
) -> Engine:
    """The engine `name` (or the best available one for "auto"), ready to translate."""
    registry = _registry()
    if name == "auto":
        candidates = sorted(
            (s for s in registry.values() if s.auto_priority is not None),
            key=lambda s: -(s.auto_priority or 0),
        )
        problems = []
        for spec in candidates:
            if spec.is_available(source_lang, target_lang):
                try:
                    return spec.factory(source_lang, target_lang, **options)
                except EngineUnavailable as exc:  # installed but broken: try the next one
                    problems.append(f"{spec.name}: {exc}")
        message = NO_ENGINE_MESSAGE.format(src=source_lang, tgt=target_lang)
        raise EngineUnavailable(" ".join([message, *problems]))
    if name not in registry:
        known = ", ".join(["auto", *sorted(registry)])
        raise EngineUnavailable(f"Unknown translation engine {name!r}; known engines: {known}.")
    return registry[name].factory(source_lang, target_lang, **options)
