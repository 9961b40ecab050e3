"""twitter-text's parseTweet weighted length, ported line for line from the official JavaScript.

The patterns are twitter-text's own (see twitter_text_data.py). JavaScript matches them
against UTF-16 code units, so the text is split into code units here (an astral character
becomes its two surrogates, which Python strings can hold) and every index is a JavaScript
index; that keeps URL boundaries and emoji sequences exactly where twitter-text puts them.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
import warnings

from polypost.share import twitter_text_data as data

MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
MAX_DOMAIN_LABEL_LENGTH = 63
DEFAULT_PROTOCOL = "https://"


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    source, ignore_case = getattr(data, name)
    with warnings.catch_warnings():  # the patterns are JavaScript's: literal "[" inside classes
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(source, re.IGNORECASE if ignore_case else 0)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Every twemoji sequence holds a character outside this class (tests/test_twitter_text_fast.py checks
# each one alone): a text made only of these cannot hold an emoji and skips the emoji pattern. The
# punctuation and currency of U+2000-U+2121 are in it ("…" ends every shortened share text, "–",
# "“" and "€" are common), but not "‼", "⁉" or the keycap U+20E3.
_NO_EMOJI = re.compile("[\x00-\xa8\xaa-\xad\xaf-\u203b\u203d-\u2048\u204a-\u20e2\u20e4-\u2121]*")
_RANGE_STARTS = [weight_range["start"] for weight_range in data.CONFIG["ranges"]]


def _split_astral(match: re.Match[str]) -> str:
    point = ord(match.group()) - 0x10000
    return chr(0xD800 + (point >> 10)) + chr(0xDC00 + (point & 0x3FF))


def to_code_units(text: str) -> str:
    """`text` as JavaScript sees it: one character per UTF-16 code unit."""
    # Only an astral character differs from its code units: most texts have none and come back as they are.
    return _ASTRAL.sub(_split_astral, text) if _ASTRAL.search(text) else text


@functools.cache
def _uniform_weights() -> tuple[int, re.Pattern[str]] | None:
    """(the weight of every range, a class of the characters outside them) when all ranges weigh the
    same (v3: they do), so that a run of text weighs len * light + heavy count * (default - light)."""
    weights = {weight_range["weight"] for weight_range in data.CONFIG["ranges"]}
    if len(weights) != 1:
        return None
    inside = "".join(f"\\u{r['start']:04x}-\\u{r['end']:04x}" if r["end"] <= 0xFFFF
                     else f"\\U{r['start']:08x}-\\U{r['end']:08x}" for r in data.CONFIG["ranges"])
    return weights.pop(), re.compile(f"[^{inside}]")


def _punycode_length_ok(domain: str) -> bool:
    # twitter-text's idna.toAscii: each label, punycode-encoded, is 1 to 63 characters.
    if domain[:4] == "xn--" and not _pattern("VALID_ASCII_DOMAIN").search(domain):
        return False
    for label in domain.split("."):
        real = label.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        encoded = real if real.isascii() else "xn--" + real.encode("punycode").decode("ascii")
        if not 1 <= len(encoded) <= MAX_DOMAIN_LABEL_LENGTH:
            return False
    return True


def _is_valid_url(url: str, protocol: str, domain: str) -> bool:
    if not _punycode_length_ok(domain):
        return False
    real = domain.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    punycoded = ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
                         for label in real.split("."))
    return len(protocol) + len(url) + len(punycoded) - len(domain) <= MAX_URL_LENGTH


# Every URL the pattern finds holds a domain's dot followed by the first letter of a TLD (or of
# "xn--"); no TLD starts with a digit, ASCII punctuation or a space (tests/test_twitter_text_fast.py
# checks each). A URL holds no ASCII whitespace, so none starts before the run of text around that dot.
_TLD_DOT = re.compile(r"\.[^\s0-9!-/:-@\[-`{-~]")
_ASCII_SPACE = re.compile(r"[\t\n\x0b\x0c\r ]")


def _url_matches(units: str):
    """(end, before, url, protocol, domain, path) of each match `EXTRACT_URL.finditer(units)` yields,
    found by trying the pattern only in the runs of text where a URL can be: the pattern tried at
    every position of a text (what finditer does) costs tens of microseconds per hundred
    characters, and a share text is counted many times while it is shortened. The pattern has no
    lookbehind and `^` only matches at 0, so a match tried at a position is what the scan would
    have found there, and depends only on the text from there on (`_match_at`)."""
    position = 0
    while True:
        dot = _TLD_DOT.search(units, position)
        if dot is None:
            return
        spaces = [m.end() for m in _ASCII_SPACE.finditer(units, position, dot.start())]
        start = max(position, (spaces[-1] if spaces else 0) - 1)  # the one character before counts
        for at in range(start, dot.start() + 1):
            found = _match_at(units[at:], at == 0) if len(units) - at <= _TAIL_CACHED else _match(units, at)
            if found is not None:
                end, groups = found
                yield (at + end, *groups)
                position = at + end
                break
        else:  # no URL holds this dot: one after it may still hold a later one
            position = dot.start() + 1


_TAIL_CACHED = 600  # a share text ends with the page's link: the same tail is tried again and again
_GROUPS = (2, 3, 4, 5, 7)  # before, url, protocol, domain, path


def _match(units: str, at: int) -> tuple[int, tuple[str, ...]] | None:
    match = _pattern("EXTRACT_URL").match(units, at)
    return None if match is None else (match.end() - at, tuple(match.group(n) or "" for n in _GROUPS))


@functools.lru_cache(maxsize=1024)
def _match_at(tail: str, at_start: bool) -> tuple[int, tuple[str, ...]] | None:
    """The pattern tried at the start of `tail`, the text from a position on; `at_start`: that
    position is the text's first (where `^` matches). Any one character stands for what comes before."""
    return _match(tail, 0) if at_start else _match("\x00" + tail, 1)


def extract_urls_with_indices(units: str) -> list[tuple[int, int]]:
    """The [start, end) code-unit spans of the URLs twitter-text finds in `units`."""
    if "." not in units:
        return []
    spans: list[tuple[int, int]] = []
    for end, before, url, protocol, domain, path in _url_matches(units):
        start = end - len(url)
        if not _is_valid_url(url, protocol or DEFAULT_PROTOCOL, domain):
            continue
        if not protocol:
            if _pattern("INVALID_URL_WITHOUT_PROTOCOL_PRECEDING_CHARS").search(before):
                continue
            last: list[int] | None = None
            ascii_end = 0
            for ascii_match in _pattern("VALID_ASCII_DOMAIN").finditer(domain):
                ascii_start = domain.index(ascii_match.group(), ascii_end)
                ascii_end = ascii_start + len(ascii_match.group())
                last = [start + ascii_start, start + ascii_end]
                spans.append((last[0], last[1]))
            if last is None:
                continue
            if path:
                # JavaScript skips url.length units from the start: the path with the ASCII domain.
                spans[-1] = (last[0], last[0] + len(url) - len(domain) + last[1] - last[0])
        else:
            tco = _pattern("VALID_TCO_URL").match(url)
            if tco:  # a t.co link takes no path characters after its slug
                if tco.group(1) and len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                end = start + len(tco.group())
            spans.append((start, end))
    return spans


def _weight(unit: str) -> int:
    point = ord(unit)
    found = bisect.bisect_right(_RANGE_STARTS, point) - 1  # the ranges are sorted and do not overlap
    if found >= 0 and point <= data.CONFIG["ranges"][found]["end"]:
        return data.CONFIG["ranges"][found]["weight"]
    return data.CONFIG["defaultWeight"]


def weighted_length(text: str) -> int:
    """twitter-text's parseTweet(text).weightedLength with the default (v3) config."""
    config = data.CONFIG
    units = to_code_units(unicodedata.normalize("NFC", text))
    urls = {start: end for start, end in extract_urls_with_indices(units)}
    no_emoji = _NO_EMOJI.fullmatch(units) is not None
    emoji = {} if no_emoji else {m.start(): m.end() for m in _pattern("EMOJI").finditer(units)}
    uniform = _uniform_weights()
    if uniform is not None and not _SURROGATE.search(units):
        return _weigh_runs(units, urls, emoji, *uniform) // config["scale"]
    total, index = 0, 0
    while index < len(units):
        if index in urls:
            total += config["transformedURLLength"] * config["scale"]
            index = urls[index]
            continue
        if index in emoji:
            total += config["defaultWeight"]
            index = emoji[index]
            continue
        if "\ud800" <= units[index] <= "\udbff" and index + 1 < len(units) and "\udc00" <= units[index + 1] <= "\udfff":
            index += 1  # JavaScript weighs the low surrogate of a pair
        total += _weight(units[index])
        index += 1
    return total // config["scale"]


def _weigh_runs(units: str, urls: dict[int, int], emoji: dict[int, int], light: int, heavy: re.Pattern[str]) -> int:
    """weighted_length's walk for a text without surrogates, a run of plain text at a time: the
    same spans are taken in the same order (a URL before an emoji starting at the same place, a
    span starting inside one already taken is skipped)."""
    config = data.CONFIG
    extra = config["defaultWeight"] - light

    def run(start: int, end: int) -> int:
        return (end - start) * light + extra * len(heavy.findall(units, start, end))

    total, index = 0, 0
    for start in sorted(urls.keys() | emoji.keys()):
        if start < index:
            continue
        total += run(index, start)
        if start in urls:
            total += config["transformedURLLength"] * config["scale"]
            index = urls[start]
        else:
            total += config["defaultWeight"]
            index = emoji[start]
    return total + run(index, len(units))
