"""Translation engines, their registry, Argos package management and the translation memory."""

from polypost.translate.base import (
    Engine,
    EngineError,
    EngineUnavailable,
    available_engines,
    engine_names,
    get_engine,
)

__all__ = [
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "available_engines",
    "engine_names",
    "get_engine",
]
