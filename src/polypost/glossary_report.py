"""Did the translation use the glossary? One entry per term expected in a segment."""

from __future__ import annotations

import re

from polypost.glossary_match import Match


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
    alternatives = []
    for i, (form, _key, sensitive) in enumerate(forms):
        body = r"(?:\s+|-)".join(re.escape(w) for w in re.split(r"[\s]+", form))
        alternatives.append(f"(?P<f{i}>{body if sensitive else '(?i:' + body + ')'})")
    pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w]|-\w)")
    found: dict[str, list[tuple[int, int]]] = {key: [] for key in groups}
    for m in pattern.finditer(target_text):
        key = forms[int(m.lastgroup[1:])][1]
        found[key].append(m.span())

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
