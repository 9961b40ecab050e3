"""robots.txt rules, read with protego (RFC 9309: `*` and `$` in paths, the longest match wins).

The standard library's `urllib.robotparser` ignores `*` and `$` and takes the first rule that
matches, so it fetched pages that WordPress/Yoast-style rules disallow; protego is the parser
Scrapy uses and follows the RFC.
"""

from __future__ import annotations

from protego import Protego

__all__ = ["RobotsRules", "product_token"]


def product_token(agent: str) -> str:
    """"polypost/0.1 (+https://...)" -> "polypost": RFC 9309 matches groups on the product token."""
    return agent.split("/", 1)[0].split(None, 1)[0].strip().lower() or agent


class RobotsRules:
    """What one site's robots.txt allows; also the two RFC cases without a file to read."""

    def __init__(self, text: str | None = None, *, allow_all: bool = False):
        # text None and allow_all False: the file was unreachable, which RFC 9309 2.3.1.4 says
        # to treat as a complete disallow
        self._parser = Protego.parse(text) if text is not None else None
        self._allow_all = allow_all

    @classmethod
    def everything_allowed(cls) -> "RobotsRules":
        return cls(allow_all=True)

    @classmethod
    def nothing_allowed(cls) -> "RobotsRules":
        return cls()

    def allows(self, url: str, agent: str) -> bool:
        if self._allow_all:
            return True
        if self._parser is None:
            return False
        return self._parser.can_fetch(url, product_token(agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(product_token(agent))
        return float(delay) if delay is not None else None
