"""A substring test that spares a regex scan: can a word match, whatever its case, in a text?

Each of a segment's glossary forms is looked for with a case-insensitive regex over the whole
text; most are absent, and `in` on case-folded strings says so in C. It is exact only where the
regex's case-insensitive match and `str.casefold` agree letter for letter. They do not for a few
letters: "ı" matches "I", "ſ" matches "s", "İ" and "ß" fold to two letters. Those letters, and
any outside the scripts listed here, leave the decision to the regex.
"""

from __future__ import annotations

import functools
import re

# Latin, Greek, Cyrillic ... up to the CJK radicals, and the emoji: the text of a blog post.
_RANGES = ((0x0000, 0x3000), (0x1F000, 0x1FB00))


def _agrees(char: str) -> bool:
    """Whether `char` folds to one letter, the one its lower case and the lower case of its upper case give."""
    folded, lower, upper = char.casefold(), char.lower(), char.upper()
    return len(folded) == 1 and len(upper) == 1 and folded == lower == upper.lower()


@functools.cache  # 10 ms, the first time a glossary form is looked for
def _unsure() -> re.Pattern[str]:
    spans: list[tuple[int, int]] = []
    for first, stop in _RANGES:
        for code in range(first, stop):
            if _agrees(chr(code)):
                if spans and spans[-1][1] == code - 1:
                    spans[-1] = (spans[-1][0], code)
                else:
                    spans.append((code, code))
    agreeing = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
    return re.compile(f"[^{agreeing}]")


def folded_for_search(text: str) -> str | None:
    """`text` case-folded, for `may_hold`; None where a letter of it leaves the decision to the regex."""
    return None if _unsure().search(text) else text.casefold()


def may_hold(folded: str | None, word: str) -> bool:
    """False only where `word` cannot match, whatever its case, in the text `folded` came from."""
    return folded is None or _unsure().search(word) is not None or word.casefold() in folded
