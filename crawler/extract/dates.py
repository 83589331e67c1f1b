"""Date strings as pages, sitemaps and feeds write them, zone abbreviations included.

dateutil reads "10:00 IST" or "Mon, 1 Dec 2025 09:00 EST" but, without a table of zone names,
drops the zone and warns (``UnknownTimezoneWarning``) once per page in the crawl log. The table
below gives each common abbreviation the offset news sites mean by it (IST is India's, CST the
US Central one, BST British summer time); the bare US names (ET, PT, ...) follow daylight saving
through the IANA zone. An abbreviation outside the table leaves the time without an offset,
silently, rather than guessing.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _fixed(name: str, hours: float) -> timezone:
    return timezone(timedelta(hours=hours), name)


_OFFSETS: dict[str, float] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
    "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BRT": -3, "ART": -3, "WAT": 1, "CAT": 2, "EAT": 3, "SAST": 2, "PKT": 5, "NPT": 5.75,
    "ICT": 7, "WIB": 7, "SGT": 8, "HKT": 8, "PHT": 8, "AWST": 8, "JST": 9, "KST": 9,
    "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
          "PT": "America/Los_Angeles"}


def _tzinfos() -> dict[str, tzinfo]:
    table: dict[str, tzinfo] = {name: _fixed(name, h) for name, h in _OFFSETS.items()}
    for name, zone in _ZONES.items():
        try:
            table[name] = ZoneInfo(zone)
        except ZoneInfoNotFoundError:  # no tz database on this host: standard time
            table[name] = table[{"ET": "EST", "CT": "CST", "MT": "MST", "PT": "PST"}[name]]
    return table


TZINFOS = _tzinfos()


@contextmanager
def quiet_zone_warnings() -> Iterator[None]:
    """Silence dateutil's ``UnknownTimezoneWarning`` (htmldate, inside trafilatura, parses page
    dates with dateutil and no zone table, and only keeps the day anyway)."""
    from dateutil.parser import UnknownTimezoneWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownTimezoneWarning)
        yield


# "01.05.2025": numeric dates written with dots put the day first (German, Czech, Russian, ...
# sites; no month-first convention writes dots), which dateutil does not assume
_DOTTED = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")


def parse_datetime(value: str, **kwargs) -> datetime:
    """``dateutil.parser.parse`` with the zone table and no warning for an unknown zone name.

    Raises what dateutil raises (``ValueError``, ``OverflowError``) for what is not a date.
    """
    from dateutil import parser as dateparser

    if "dayfirst" not in kwargs and _DOTTED.match(value):
        kwargs["dayfirst"] = True
    with quiet_zone_warnings():
        return dateparser.parse(value, tzinfos=TZINFOS, **kwargs)
