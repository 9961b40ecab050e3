"""The translate stage (`stage.py`), one chunk's work in plain values (`chunk.py`, run here or on a
cluster's workers), its keys (`keys.py`) and QA (`qa.py`), and the engines:
the protocol and registry (`base.py`), `argos.py`, `apertium.py`, Argos packages (`argos_packages.py`)."""

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
