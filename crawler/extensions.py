"""Operations: a progress line during long crawls and a summary (and STATS_FILE) at the end."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("crawler.progress")


def _counts(stats) -> dict[str, int]:
    get = stats.get_value
    return {
        "pages": get("response_received_count", 0),
        "records": get("item_scraped_count", 0),
        "posts": get("records/posts", 0),
        "dropped": get("item_dropped_count", 0),
        "failed": get("pages/failed", 0),
        "errors": get("log_count/ERROR", 0) + get("pages/failed", 0) + get("listings/failed", 0),
        "not_html": get("pages/skipped_not_html", 0),
    }


class ProgressLine:
    """Every ``PROGRESS_INTERVAL`` seconds (default 10; 0 turns it off) one INFO line."""

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.loop = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        self.started = time.monotonic()
        if self.interval > 0:
            self.loop = task.LoopingCall(self.log)
            self.loop.start(self.interval, now=False)

    def log(self):
        c = _counts(self.crawler.stats)
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        logger.info("progress: %d pages, %d records, %d posts, %d errors, %.0f pages/min",
                    c["pages"], c["records"], c["posts"], c["errors"], c["pages"] / minutes)

    def closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        c = _counts(self.crawler.stats)
        seconds = time.monotonic() - self.started
        summary = {**c, "reason": reason, "seconds": round(seconds, 3),
                   "crawl_id": getattr(spider, "crawl_id", None), "spider": spider.name}
        for key, value in self.crawler.stats.get_stats().items():
            if key.startswith(("records/", "pages/", "listings/", "state/", "warc/", "retry/", "ssrf/")):
                summary.setdefault("detail", {})[key] = value
        logger.info("summary: %d pages, %d records, %d posts, %d errors in %.1fs (%s)",
                    c["pages"], c["records"], c["posts"], c["errors"], seconds, reason)
        path = self.crawler.settings.get("STATS_FILE")
        if path:
            write_atomic(path, json.dumps(summary, indent=1, default=str).encode("utf-8"))


def write_atomic(path: str, data: bytes) -> None:
    """Temporary file in the same directory, fsync, rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
