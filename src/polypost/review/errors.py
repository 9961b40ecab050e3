"""The review exchange's errors."""

from polypost.errors import UsageError


class ExchangeError(UsageError, ValueError):
    """A file that is not a review file polypost can read (names the file)."""
