"""Date strings with zone abbreviations: the offset the abbreviation means, and no warning."""

from __future__ import annotations

import json
import warnings

import pytest
from conftest import FIXTURES, run_cli

from crawler.extract.article import iso_date


@pytest.mark.parametrize("value,expected", [
    ("Jun 1, 2025 09:30 IST", "2025-06-01T09:30:00+05:30"),
    ("Mon, 1 Dec 2025 09:00 EST", "2025-12-01T09:00:00-05:00"),
    ("Mon, 1 Dec 2025 09:00 EDT", "2025-12-01T09:00:00-04:00"),
    ("2025-03-01 10:00 CET", "2025-03-01T10:00:00+01:00"),
    ("2025-07-01 10:00 CEST", "2025-07-01T10:00:00+02:00"),
    ("Nov 3 2025 4:05 pm PST", "2025-11-03T16:05:00-08:00"),
    ("1 June 2025 08:15 BST", "2025-06-01T08:15:00+01:00"),
    ("July 4, 2025 10:00 ET", "2025-07-04T10:00:00-04:00"),  # ET follows daylight saving
    ("January 4, 2025 10:00 ET", "2025-01-04T10:00:00-05:00"),
    ("Tue, 02 Dec 2025 08:00:00 GMT", "2025-12-02T08:00:00+00:00"),
    ("2025-12-02 08:00 JST", "2025-12-02T08:00:00+09:00"),
    ("01.05.2025 10:00 CET", "2025-05-01T10:00:00+01:00"),  # dotted numeric dates put the day first
    ("2.12.2025", "2025-12-02T00:00:00"),
    ("12/02/2025 10:00 EST", "2025-12-02T10:00:00-05:00"),  # slashes stay month first
])
def test_zone_abbreviations_get_their_offset_without_warnings(value, expected):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert iso_date(value) == expected
    assert [str(w.message) for w in caught] == []


def test_an_unknown_abbreviation_keeps_the_time_without_an_offset_and_warns_nothing():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert iso_date("2025-06-01 10:00 QQT") == "2025-06-01T10:00:00"
    assert caught == []


def test_the_cli_reads_zoned_dates_and_logs_no_warning():
    page = FIXTURES / "pages" / "dates-zones.html"
    proc = run_cli("extract", str(page), "--url", "https://coastline.example/2025/06/monsoon-kerala")
    assert proc.returncode == 0, proc.stderr
    article = json.loads(proc.stdout)["article"]
    assert article["published"] == "2025-06-01T09:30:00+05:30"
    assert article["modified"] == "2025-06-01T14:05:00+01:00"
    assert "Warning" not in proc.stderr.decode(), proc.stderr


def test_listing_dates_with_zone_names_compare_at_their_offset():
    """A feed's "23:30 EST" is 04:30 UTC the next day: not older than 03:00 UTC, and newer than a
    fetch at 04:00 UTC (read as UTC, both answers would flip)."""
    from datetime import UTC, datetime

    from crawler.spiders.base import not_newer
    from crawler.spiders.since import older_than

    since = datetime(2025, 12, 2, 3, 0, tzinfo=UTC)
    assert older_than("Mon, 01 Dec 2025 23:30 EST", since) is False
    assert older_than("Mon, 01 Dec 2025 21:30 EST", since) is True
    assert not_newer("Mon, 01 Dec 2025 23:30 EST", "2025-12-02T04:00:00+00:00") is False
    assert not_newer("Mon, 01 Dec 2025 22:30 EST", "2025-12-02T04:00:00+00:00") is True
