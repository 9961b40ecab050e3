"""Shared test setup.

argostranslate reads ARGOS_* and XDG_* settings once, at import: point them at a private
temp folder before anything imports it, so no test ever reads or writes a real user's
Argos packages.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_ARGOS_HOME = Path(tempfile.mkdtemp(prefix="polypost-tests-argos-"))
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    os.environ[_name] = str(_ARGOS_HOME / _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(_ARGOS_HOME / "packages")
os.environ.pop("POLYPOST_DB", None)
os.environ.pop("POLYPOST_CONFIG", None)

# Fixtures of the Argos package builder (argos_home, argos_package_file, installed_argos) and of
# the local HTTP server (server).
pytest_plugins = ["argos_fixture", "http_server"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real-world corpus beside the checkout; skip only where it is absent."""
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip(f"{path} is absent (the shared corpus is not beside this checkout)")
    return path


@pytest.fixture(scope="session")
def samples() -> Path:
    return REPO / "data" / "samples"


@pytest.fixture
def leftover_threads_ignored(monkeypatch):
    """The threads other tests left behind (a slow test server's handlers, ending on their own
    time) are not this test's: the fork checks (`polypost.forking`) count only the threads alive
    besides those, so a test of work shared with a child does not depend on the tests before it."""
    from polypost import forking

    before = set(forking.threads_besides_this())
    real = forking.threads_besides_this
    monkeypatch.setattr(forking, "threads_besides_this", lambda: [t for t in real() if t not in before])

