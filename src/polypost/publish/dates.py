"""Dates on pages: parsing stored ISO 8601 values, and writing them as a reader of a language does."""

from __future__ import annotations

from datetime import date, datetime, timezone

from polypost.languages import language

try:  # babel comes with trafilatura; without it, the months of polypost.languages
    from babel.dates import format_date as _babel_format_date
except ImportError:  # pragma: no cover - depends on the environment
    _babel_format_date = None

def format_day(moment: datetime, lang: str) -> str:
    """The date as a reader of `lang` writes it: "March 4, 2025" / "4 de marzo de 2025"."""
    if _babel_format_date is not None:
        try:
            return _babel_format_date(moment.date(), format="long", locale=lang.replace("-", "_"))
        except (ValueError, LookupError):
            pass
    facts = language(lang) if language(lang).months else language("en")
    return facts.long_date.format(day=moment.day, month=facts.months[moment.month - 1], year=moment.year)


def datetime_attribute(moment: datetime, date_only: bool) -> str:
    """A valid value for <time datetime>: the date alone when the source gave no time."""
    if date_only:
        return moment.date().isoformat()
    # HTML allows at most three digits of a second's fraction; Python writes six.
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def parse_datetime(value: str | None) -> tuple[datetime | None, bool]:
    """An ISO 8601 date or datetime as an aware datetime (naive means UTC), and date-only-ness."""
    if not value:
        return None, False
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), True
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, False
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed, False
