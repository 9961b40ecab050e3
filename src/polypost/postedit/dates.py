"""Dates in running text, written the Spanish way: "Marcha 20, 2019" -> "20 de marzo de 2019".

The engine leaves English order and sometimes English month names, or takes a month for a word
("March" -> "Marcha"). A month name is read as one only next to a day or a year, so that "May"
or "marcha" elsewhere stay words.
"""

from __future__ import annotations

import re
from typing import Any

_ORDINAL = r"(?:st|nd|rd|th|º)?"


def _pattern(months: dict[str, str]) -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    month = rf"(?P<month>{names})\.?"
    day = rf"(?P<day>[0-3]?\d){_ORDINAL}"
    year = r"(?P<year>(?:1[89]|2\d)\d\d)"
    return re.compile(
        rf"(?:(?P<on>\b\w+)\s+)?(?:"
        rf"\b{month}\s+{day}(?:,?\s+{year})?\b(?!\s*[:.]\d)"  # March 20, 2019 / March 20
        rf"|(?<![:.,\d])\b(?P<day2>[0-3]?\d){_ORDINAL}\s+(?:de\s+)?(?P<month2>{names})\.?(?:,?\s+(?:de\s+)?(?P<year2>(?:1[89]|2\d)\d\d))?\b"
        rf"|\b(?P<month3>{names})\.?,?\s+(?:de\s+)?(?P<year3>(?:1[89]|2\d)\d\d)\b"
        rf")"
    )


class DateRules:
    def __init__(self, table: dict[str, Any]) -> None:
        self.months = {str(k): str(v) for k, v in table.get("months", {}).items()}
        self.on = {str(k): str(v) for k, v in table.get("on", {}).items()}
        self.formats = {name: str(table.get(name, default)) for name, default in (
            ("day_month_year", "{day} de {month} de {year}"), ("day_month", "{day} de {month}"),
            ("month_year", "{month} de {year}"))}
        self.pattern = _pattern(self.months) if self.months else None
        # Every date names a month: a text without one skips the pattern, which tries each word.
        self.any_month = re.compile("|".join(re.escape(m) for m in self.months)) if self.months else None

    def apply(self, text: str) -> str:
        if self.pattern is None or not self.any_month.search(text):
            return text
        return self.pattern.sub(self._rewrite, text)

    def _rewrite(self, match: re.Match[str]) -> str:
        groups = match.groupdict()
        name = groups["month"] or groups["month2"] or groups["month3"]
        day = groups["day"] or groups["day2"]
        year = groups["year"] or groups["year2"] or groups["year3"]
        month = self.months[name]
        if day is not None and not 1 <= int(day) <= 31:
            return match.group(0)
        if day and year:
            written = self.formats["day_month_year"]
        elif day:
            written = self.formats["day_month"]
        else:
            written = self.formats["month_year"]
        written = written.format(day=int(day) if day else "", month=month, year=year or "")
        on = groups["on"]
        if on is None:
            return written
        if day and on in self.on:
            return f"{self.on[on]} {written}"  # "Encima 20 de marzo" -> "El 20 de marzo"
        return f"{on} {written}"
