"""README promises that no other test held: each test here fails when its promise is broken.

Records are dropped when invalid (``VALIDATE_RECORDS``), the run ends with its summary line,
``JSONFEED_*`` settings reach the feed, ``demo --site/-v`` do what they say.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import FIXTURES, jsonl, make_article_site, run_cli

GOOD = "https://ex.example/2025/05/02/good-story-here"
BAD = "https://ex.example/2025/05/02/bad-story-here"


@pytest.fixture
def warc_with_a_bad_date(tmp_path):
    """Two captures of the seed page; the second's WARC-Date is not a date, so its record's
    ``crawl.fetched_at`` breaks the schema: an invalid record made by the real spider."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = (FIXTURES / "pages" / "seed-embed.html").read_bytes()
    path = tmp_path / "a.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, date in ((GOOD, "2025-05-02T10:00:00Z"), (BAD, "last Tuesday")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page),
                                                          http_headers=headers, warc_headers_dict={"WARC-Date": date}))
    return path


def _warc_crawl(path, tmp_path, *settings):
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    res = run_cli("crawl", "warc", "-a", f"path={path}", "-o", str(out), "-s", f"STATS_FILE={stats}",
                  "-s", "STATE_ENABLED=False", "-s", "PROGRESS_INTERVAL=0", *settings, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    return res, jsonl(out.read_text()), json.loads(stats.read_text())


def test_invalid_records_are_dropped_and_logged(warc_with_a_bad_date, tmp_path):
    res, records, stats = _warc_crawl(warc_with_a_bad_date, tmp_path)
    assert [r["crawl"]["url"] for r in records] == [GOOD]
    assert stats["dropped"] == 1 and stats["detail"]["records/invalid"] == 1
    log = res.stderr.decode()
    assert f"Dropped: record for {BAD} does not match the schema" in log


def test_without_validation_the_invalid_record_is_written(warc_with_a_bad_date, tmp_path):
    """The control: the record above is dropped by the check, not lost on the way."""
    _, records, stats = _warc_crawl(warc_with_a_bad_date, tmp_path, "-s", "VALIDATE_RECORDS=False")
    assert sorted(r["crawl"]["url"] for r in records) == [BAD, GOOD]
    assert stats["dropped"] == 0


def test_run_ends_with_a_summary_line_and_jsonfeed_settings_reach_the_feed(warc_with_a_bad_date, tmp_path):
    feed = tmp_path / "feed.json"
    res, records, stats = _warc_crawl(
        warc_with_a_bad_date, tmp_path, "-o", f"{feed}:jsonfeed", "-s", "JSONFEED_TITLE=Harbour watch",
        "-s", "JSONFEED_HOME_PAGE_URL=https://watch.example/", "-s", "JSONFEED_FEED_URL=https://watch.example/feed.json")
    summaries = [ln for ln in res.stderr.decode().splitlines() if "[crawler.progress] INFO: summary:" in ln]
    assert len(summaries) == 1, res.stderr.decode()[-2000:]
    assert re.search(r"summary: \d+ pages, 1 records, 1 posts, 0 errors in [\d.]+s \(finished\)$", summaries[0])
    doc = json.loads(feed.read_text())
    assert (doc["title"], doc["home_page_url"], doc["feed_url"]) == (
        "Harbour watch", "https://watch.example/", "https://watch.example/feed.json")
    assert len(doc["items"]) == len(records) == 1


def test_demo_site_option_and_verbose_log(tmp_path):
    site = make_article_site(tmp_path / "site", 3)
    (site / "robots.txt").write_text("User-agent: *\nSitemap: __BASE__/sitemap.xml\n")
    res = run_cli("demo", "--site", str(site), "-o", str(tmp_path / "out"), "-v", timeout=120)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert "articles: 3" in res.stdout.decode() and "twitter      3" in res.stdout.decode()
    assert len(jsonl((tmp_path / "out" / "records.jsonl").read_text())) == 3
    assert b"[scrapy.core.engine] INFO: Spider opened" in res.stderr  # -v shows Scrapy's log
    quiet = run_cli("demo", "--site", str(site), "-o", str(tmp_path / "out2"), timeout=120)
    assert quiet.returncode == 0 and b"[scrapy.core.engine] INFO" not in quiet.stderr
    missing = run_cli("demo", "--site", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out3"))
    assert missing.returncode == 2 and b"Traceback" not in missing.stderr
