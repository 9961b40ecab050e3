"""weighted_length's run-at-a-time walk gives what twitter-text's character walk gives."""

from __future__ import annotations

import random
import re
import unicodedata

from polypost.share import twitter_text
from polypost.share.twitter_text_data import CONFIG


def reference_units(text: str) -> str:
    encoded = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(encoded[i : i + 2], "little")) for i in range(0, len(encoded), 2))


def reference_weight(unit: str) -> int:
    for weight_range in CONFIG["ranges"]:
        if weight_range["start"] <= ord(unit) <= weight_range["end"]:
            return weight_range["weight"]
    return CONFIG["defaultWeight"]


def reference_length(text: str) -> int:
    """parseTweet's loop as twitter-text writes it, one code unit at a time."""
    units = reference_units(unicodedata.normalize("NFC", text))
    urls = dict(twitter_text.extract_urls_with_indices(units))
    emoji = {m.start(): m.end() for m in twitter_text._pattern("EMOJI").finditer(units)}
    total, index = 0, 0
    while index < len(units):
        if index in urls:
            total += CONFIG["transformedURLLength"] * CONFIG["scale"]
            index = urls[index]
            continue
        if index in emoji:
            total += CONFIG["defaultWeight"]
            index = emoji[index]
            continue
        if "\ud800" <= units[index] <= "\udbff" and index + 1 < len(units) and "\udc00" <= units[index + 1] <= "\udfff":
            index += 1
        total += reference_weight(units[index])
        index += 1
    return total // CONFIG["scale"]


POOL = ["a", "b", " ", ".", "é", "ñ", "中", "日", "\u2019", "©", "®", "#", "\ufe0f", "\u20e3", "1", "😀", "👍🏽",
        "👨\u200d👩\u200d👧", "\u200d", "https://", "example.com", "bit.ly", "/x?a=1", "t.co/abc", "\u2013", "\u00a0",
        "\n", "€", "\ud83d", "\ude00", "ひ", ".es", "www.", "@", "—", "™", "‼", "🇪🇸", "\U00020000",
        "xn--80ak6aa92e.com", "\u2060", "\u2028", "…", "–", "“", "”", "€", "\u203c", "\u2049", "\u20e3", "*", "#",
        "\ufe0e", "\u2122", "\u2139"]


def test_random_texts_weigh_the_same():
    rng = random.Random(1)
    for _ in range(5000):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 30)))
        assert twitter_text.to_code_units(text) == reference_units(text)
        assert twitter_text.weighted_length(text) == reference_length(text), repr(text)


def test_no_character_the_emoji_shortcut_passes_over_is_an_emoji():
    emoji = twitter_text._pattern("EMOJI")
    passed_over = [chr(c) for c in range(0x10000) if twitter_text._NO_EMOJI.fullmatch(chr(c))]
    assert "©" not in passed_over and "a" in passed_over
    assert [c for c in passed_over if emoji.search(c)] == []


def tlds() -> list[str]:
    """The TLDs of the pinned URL pattern, read out of its two alternations."""
    source = twitter_text.data.EXTRACT_URL[0]
    groups = re.findall(r"\(\?:((?:[^()|\\]+\|){100,}[^()|\\]+)\)\(\?=", source)
    assert len(groups) == 2  # the generic TLDs and the country codes
    found = [tld for group in groups for tld in group.split("|")]
    assert {"com", "es", "ly", "co", "삼성"} <= set(found)
    return found


def test_no_tld_starts_where_the_url_shortcut_looks_past():
    # A character the shortcut's class leaves out, matching a TLD's first letter as the pattern
    # matches it (ignoring case), would hide URLs.
    first = re.compile("|".join(sorted({re.escape(tld[0]) for tld in tlds()} | {"x"})), re.IGNORECASE)
    passed_over = [chr(c) for c in range(0x80) if not twitter_text._TLD_DOT.fullmatch("." + chr(c))]
    assert "a" not in passed_over and "." in passed_over and " " in passed_over
    assert [c for c in passed_over if first.fullmatch(c)] == []
    assert all(twitter_text._TLD_DOT.fullmatch("." + chr(c)) for c in range(0x80, 0x110000)
               if not 0xD800 <= c <= 0xDFFF and not chr(c).isspace())


URL_POOL = POOL + ["a.b", ".", "..", ".com", "com", "e.g.", "U.S.", "3.5", "-", "_", "(", ")", "?", "&", "=", "/",
                   "http://", "ftp://", "foo@", ":8080", ".co.uk", "Node.js", "\t", "\u3000", "\u0130", "K", "ſ",
                   "ab", "XN--", "xn--p1ai", ".рф", "例え.テスト", "#", "$", "＠", "\ufeff"]


def test_the_url_shortcut_finds_what_the_whole_scan_finds():
    rng = random.Random(2)
    pattern = twitter_text._pattern("EXTRACT_URL")
    found = 0
    for _ in range(20000):
        units = twitter_text.to_code_units("".join(rng.choice(URL_POOL) for _ in range(rng.randint(0, 25))))
        expected = [(match.end(), *(match.group(n) or "" for n in (2, 3, 4, 5, 7))) for match in pattern.finditer(units)]
        assert list(twitter_text._url_matches(units)) == expected, repr(units)
        assert list(twitter_text._url_matches(units)) == expected, repr(units)  # from the cache now
        found += bool(expected)
    assert found > 2000  # the texts hold URLs often enough for the test to mean something
