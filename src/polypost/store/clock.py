"""Timestamps as the store writes them: ISO 8601, UTC."""

from __future__ import annotations

import datetime as dt


def now(precise: bool = False) -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds" if precise else "seconds")
