"""``-a since=DATE``: skip listing entries older than a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crawler.extract.dates import parse_datetime  # zone abbreviations (EST, IST) with their offsets


def parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = parse_datetime(value)
    except (ValueError, OverflowError):
        raise ValueError(f"since={value!r} is not a date; use e.g. since=2025-05-01") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def older_than(entry_date: str | None, since: datetime | None) -> bool:
    """True when the entry is dated and its date is before ``since``."""
    if since is None or not entry_date:
        return False
    try:
        dt = parse_datetime(entry_date)
    except (ValueError, OverflowError):
        return False
    if isinstance(dt, date) and not isinstance(dt, datetime):
        dt = datetime(dt.year, dt.month, dt.day)
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return dt < since
