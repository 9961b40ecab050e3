"""Counting characters as the networks count them (X's weighted rules, UTF-16 elsewhere)."""

from __future__ import annotations

import unicodedata
from typing import Callable

from polypost.share.twitter_text import weighted_length
from polypost.share.twitter_text_data import CONFIG

# twitter-text v3 (its config/v3.json): code points in these ranges weigh 1, all others 2.
X_LIGHT_RANGES = tuple((r["start"], r["end"]) for r in CONFIG["ranges"] if r["weight"] == CONFIG["scale"])
X_URL_LENGTH = CONFIG["transformedURLLength"]  # every link becomes a t.co link of this length
X_LIMIT = CONFIG["maxWeightedTweetLength"]
X_EMOJI_WEIGHT = CONFIG["defaultWeight"] // CONFIG["scale"]


def x_length(text: str) -> int:
    """The length X shows for `text`: twitter-text's parseTweet weighted length, links included
    as twitter-text finds them (bare domains with a known TLD too: "bit.ly", "marca.es")."""
    return weighted_length(text)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (JavaScript's `string.length`), after NFC."""
    return len(unicodedata.normalize("NFC", text).encode("utf-16-le")) // 2


COUNTERS: dict[str, Callable[[str], int]] = {"x-weighted": x_length, "utf-16": utf16_length}
