"""The translate stage on a Dask cluster (`--workers tcp://HOST:PORT`, extra `polypost[distributed]`).

`coordinator.py` connects and sends chunks; `tasks.py` is what workers run, the same per-chunk
work as one machine (translate/chunk.py); `plugin.py` builds each worker's engine once. Only
`connect` is imported by the pipeline: it loads the modules that import `distributed` by name,
so that a run without a scheduler never imports it.
"""

from __future__ import annotations

import importlib
from typing import Any

from polypost.errors import UsageError

INSTALL_HINT = "install it with `pip install 'polypost[distributed]'`"


def connect(address: str, **settings: Any) -> Any:
    """A chunk runner (translate/chunk.py `ChunkRunner`) on the scheduler at `address`."""
    try:
        # Loaded by name: distributed brings tornado, msgpack and psutil, which only a cluster run needs.
        coordinator = importlib.import_module("polypost.cluster.coordinator")
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("distributed", "dask"):
            raise UsageError(f"--workers {address}: the Dask `distributed` package is missing; {INSTALL_HINT}") from None
        raise
    return coordinator.connect(address, **settings)
