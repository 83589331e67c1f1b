"""Dates in records and feeds: RFC 3339, and comparison as instants.

Records keep what the page said at the precision it said it: an RFC 3339 ``full-date``
(``2025-05-01``) when the page gave only a day, an RFC 3339 ``date-time`` otherwise. Two
readings are fixed here so that every output makes the same choice:

- a time the page gave without an offset is read as UTC (``10:00`` -> ``10:00:00+00:00``);
- where a date-time is required (JSON Feed, PROV ``xsd:dateTime``) or two dates are compared,
  a bare day stands for midnight UTC of that day.

Strings are never compared: ``10:00-07:00`` is later than ``12:00Z``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# RFC 3339 section 5.6: full-date, or full-date "T" full-time (seconds and offset required)
RFC3339_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC3339_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_instant(value: str | None) -> datetime | None:
    """An aware datetime for an ISO 8601 / RFC 3339 string (bare day: midnight UTC; no offset: UTC)."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    try:
        if RFC3339_FULL_DATE.match(v):
            d = date.fromisoformat(v)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(v[:-1] + "+00:00" if v[-1:] in "Zz" else v)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def record_date(value: str | None) -> str | None:
    """The form a record keeps: RFC 3339 full-date or date-time, ``None`` when unreadable."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    if RFC3339_DATE_TIME.match(v) or RFC3339_FULL_DATE.match(v):
        return v if parse_instant(v) is not None else None  # the shape is right; no month 13
    dt = parse_instant(v)
    return dt.isoformat() if dt is not None else None


def rfc3339(value: str | None) -> str | None:
    """An RFC 3339 date-time for outputs that need one (JSON Feed, PROV); ``None`` if unreadable."""
    v = (value or "").strip() if isinstance(value, str) else ""
    if RFC3339_DATE_TIME.match(v) and parse_instant(v) is not None:
        return v
    dt = parse_instant(v)
    return dt.isoformat() if dt is not None else None


def sort_key(value: str | None) -> float:
    """Seconds since the epoch for newest-first ordering; unreadable or missing sorts last."""
    dt = parse_instant(value)
    return dt.timestamp() if dt is not None else float("-inf")
