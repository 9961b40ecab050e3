"""Counting characters as the networks count them (X's weighted rules, UTF-16 elsewhere)."""

from __future__ import annotations

import unicodedata
from typing import Callable

import regex

# twitter-text v3 (config/v3.json): code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
X_URL_LENGTH = 23  # every link becomes a t.co link of this length
X_LIMIT = 280
X_EMOJI_WEIGHT = 2

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
# Links X would shorten: with a scheme, or a bare domain. twitter-text links a bare domain
# when its TLD is a known one (see `_unlinked_short_domain` for country TLDs). Without the
# full TLD list, any TLD of three letters or more counts as a link here ("index.html" too):
# that over-counts, which makes a text shorter than needed, never too long.
_LINK = regex.compile(
    r"\bhttps?://\S+|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,})\b(?P<path>/\S*)?",
    regex.IGNORECASE,
)
_LINK_TRAILING = ".,;:!?)]}'\"»”’"


def _x_weight(char: str) -> int:
    point = ord(char)
    return 1 if any(start <= point <= end for start, end in X_LIGHT_RANGES) else 2


def _x_plain_length(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster):
            total += X_EMOJI_WEIGHT
        else:
            total += sum(_x_weight(char) for char in cluster)
    return total


def _unlinked_short_domain(match: regex.Match) -> bool:
    """twitter-text leaves a bare "name.cc" (one label, a country TLD, no path) unlinked,
    except t.co: "bit.ly" and "Node.js" are text, "bit.ly/x" and "www.elpais.es" links."""
    tld, domain = match.group("tld"), match.group()
    return bool(tld) and len(tld) == 2 and not match.group("path") and domain.count(".") == 1 \
        and domain.lower() != "t.co"


def x_length(text: str) -> int:
    """The length X shows for `text` (twitter-text v3 weighted length)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    total, position = 0, 0
    for match in _LINK.finditer(text):
        if _unlinked_short_domain(match):
            continue
        link = match.group().rstrip(_LINK_TRAILING)
        total += _x_plain_length(text[position : match.start()]) + X_URL_LENGTH
        position = match.start() + len(link)
    return total + _x_plain_length(text[position:])


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (JavaScript's `string.length`), after NFC."""
    return len(unicodedata.normalize("NFC", text).encode("utf-16-le")) // 2


COUNTERS: dict[str, Callable[[str], int]] = {"x-weighted": x_length, "utf-16": utf16_length}
