"""Did the translation use the glossary? One entry per term expected in a segment."""

from __future__ import annotations

import functools
import re

from polypost.glossary.folding import folded_for_search, may_hold
from polypost.glossary.match import Match


@functools.lru_cache(maxsize=None)
def _form_pattern(form: str, sensitive: bool) -> re.Pattern:
    # One small pattern per target form, compiled once per process: a glossary has a few
    # hundred forms, while an archive has as many term combinations as segments.
    body = r"(?:\s+|-)".join(re.escape(w) for w in re.split(r"[\s]+", form))
    return re.compile(r"(?<![\w\-])" + (body if sensitive else f"(?i:{body})") + r"(?![\w]|-\w)")


@functools.lru_cache(maxsize=None)
def _first_word(form: str) -> str:
    return re.split(r"[\s]+", form.strip(), maxsplit=1)[0]


def report(source_matches: list[Match], target_text: str) -> list[dict]:
    """For each term found in the source: how often, how often its target form is in the
    output, and where (source and target character offsets).

    Target occurrences are counted longest form first and each output span counts once, so
    "inbound marketing" in the output is not also counted as "marketing".
    """
    if not source_matches:
        return []
    groups: dict[str, list[Match]] = {}
    for match in source_matches:
        groups.setdefault(match.term.key, []).append(match)

    forms: list[tuple[str, str, bool]] = []  # (form, term key, case sensitive)
    for key, matches in groups.items():
        for match in matches:
            for form in match.accepted_forms():
                forms.append((form, key, match.term.case_sensitive))
    forms = list(dict.fromkeys(forms))
    forms.sort(key=lambda f: -len(f[0]))
    found: dict[str, list[tuple[int, int]]] = {key: [] for key in groups}
    claimed: list[tuple[int, int]] = []
    folded = folded_for_search(target_text)
    for form, key, sensitive in forms:  # longest first: a span counts for the longest form only
        if not may_hold(folded, _first_word(form)):
            continue
        for m in _form_pattern(form, sensitive).finditer(target_text):
            start, end = m.span()
            if any(start < other_end and other_start < end for other_start, other_end in claimed):
                continue
            claimed.append((start, end))
            found[key].append((start, end))

    entries = []
    for key, matches in groups.items():
        term = matches[0].term
        spans = found[key]
        where = "source " + ", ".join(f"{m.start}-{m.end}" for m in matches)
        where += "; target " + (", ".join(f"{a}-{b}" for a, b in spans) if spans else "missing")
        entries.append({
            "term": term.source,
            "target": matches[0].target_form,
            "expected": len(matches),
            "found": len(spans),
            "met": len(spans) >= len(matches),
            "where": where,
            "keep": term.keep,
        })
    return entries
