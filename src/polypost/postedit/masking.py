"""What post-editing never touches inside a text: placeholders, URLs, e-mail, @handles, code.

Each protected span becomes one private-use character (MASK) while the rules run; `unmask`
puts the spans back in order. A rule's patterns never match MASK (it is neither a letter nor
punctuation), so a placeholder like ⟦1⟧ survives any rewrite around it.
"""

from __future__ import annotations

import re

from polypost.segment.protected import PROTECTED_MARKS, PROTECTED_RE, PROTECTED_WITHOUT_AT_RE

MASK = "\ue000"
_CODE = r"`[^`\n]+`"
_PLACEHOLDER = r"⟦[^⟦⟧]{1,12}⟧"
_PROTECTED = re.compile(f"{_PLACEHOLDER}|{_CODE}|{PROTECTED_RE.pattern}")
# Without "@" no e-mail address or handle: the same spans without the branch that tries every word.
_PROTECTED_WITHOUT_AT = re.compile(f"{_PLACEHOLDER}|{_CODE}|{PROTECTED_WITHOUT_AT_RE.pattern}")
_MARKS = (*PROTECTED_MARKS, "`")  # one of these is in every span


def mask(text: str) -> tuple[str, list[str]]:
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return MASK

    text = text.replace(MASK, "")
    if not any(mark in text for mark in _MARKS):
        return text, spans
    return (_PROTECTED if "@" in text else _PROTECTED_WITHOUT_AT).sub(keep, text), spans


def unmask(masked: str, spans: list[str]) -> str | None:
    """The text with its spans back; None if a rule lost or added a mask (the caller keeps the input)."""
    if masked.count(MASK) != len(spans):
        return None
    parts = masked.split(MASK)
    out = [parts[0]]
    for span, part in zip(spans, parts[1:]):
        out.extend((span, part))
    return "".join(out)
