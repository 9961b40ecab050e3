"""Output formats by name, collected from the `register_publishers` hook (built-ins included)."""

from __future__ import annotations

from collections.abc import Callable

from polypost.plugins import collect
from polypost.publish.records import Publisher


def _publisher_register(publishers: dict[str, Publisher]) -> Callable[[Publisher], None]:
    def register(publisher: Publisher) -> None:
        if publisher.name in publishers:
            raise ValueError(f"two plugins register a publisher named {publisher.name!r}")
        publishers[publisher.name] = publisher

    return register


def publishers() -> dict[str, Publisher]:
    return collect("register_publishers", _publisher_register)


def get_publisher(name: str) -> Publisher:
    found = publishers()
    if name not in found:
        raise ValueError(f"format {name!r}: no such publisher (known: {', '.join(sorted(found))})")
    return found[name]
