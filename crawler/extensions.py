"""Operations: a progress line during long crawls and a summary (and STATS_FILE) at the end.

The summary also decides the run's outcome (``crawl_outcome``): a crawl that could read none
of its start documents, or whose every page failed, must not look like a quiet success to cron.
``crawler crawl`` turns it into its exit status (see README, "Exit status").
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("crawler.progress")

# Exit statuses of `crawler crawl` beyond 0 (ran), 1 (could not run) and 2 (bad usage).
EXIT_NOTHING_READ = 3
EXIT_ALL_PAGES_FAILED = 4
# The outcome of the last crawl this process ran, for `crawler crawl` to exit with.
LAST_RUN: dict | None = None


def crawl_outcome(stats, start_documents: str | None, distributed: bool = False) -> tuple[int, str | None]:
    """(exit status, why) of a finished crawl; ``start_documents`` says what the spider starts
    from: ``listings`` (sitemaps, feeds), ``archives`` (WARC files) or ``pages`` (the article
    URLs or start page themselves). A page that was unchanged (304, same findings) or skipped
    as not an article was read fine: only failures count against the run."""
    get = stats.get_value
    if start_documents == "joined":  # a worker that joined a distributed run: the first read the start
        start_documents = None
    elif distributed and not get("listings/read", 0) and not get("listings/failed", 0):
        # the worker that seeded a distributed run, whose start documents another worker popped
        # first and read (a race two workers hit): it is judged by the pages it read, as a
        # worker that joined (it may have read none, or hundreds the sitemap listed)
        start_documents = None
    ok = sum(get(k, 0) for k in ("pages/extracted", "pages/not_articles", "pages/skipped_not_html",
                                 "state/unchanged_304", "pages/duplicates"))
    failed = get("pages/failed", 0)
    if start_documents in ("listings", "archives"):
        if not get("listings/read", 0):
            n = get("listings/failed", 0)
            what = "sitemap or feed" if start_documents == "listings" else "archive"
            return EXIT_NOTHING_READ, f"no {what} could be read ({n} failed)"
        if failed and not ok:
            return EXIT_ALL_PAGES_FAILED, f"every article page failed ({failed} failed)"
        return 0, None
    if start_documents == "pages" and not ok and (failed or not get("response_received_count", 0)):
        return EXIT_NOTHING_READ, f"no page could be fetched ({failed} failed)"
    if start_documents is None and failed and not ok:
        return EXIT_ALL_PAGES_FAILED, f"every page failed ({failed} failed)"
    return 0, None


def _since_last_run(previous: str | None, stats) -> str:
    """'0 new, 24 unchanged since <time>; ...': why a second run may emit nothing."""
    get = stats.get_value
    new, changed = get("state/new", 0), get("state/changed", 0)
    unchanged = sum(get(k, 0) for k in ("state/unchanged_304", "state/unchanged_lastmod",
                                        "state/unchanged_same_findings"))
    text = f"{new} new" + (f", {changed} changed" if changed else "")
    if unchanged:
        since = f"since {previous}" if previous else "since the last run"
        text += f", {unchanged} unchanged {since}; -s STATE_ENABLED=0 to ignore state"
    return text


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
        crawler.signals.connect(ext.scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def scraped(self, item, response=None, spider=None):
        """Posts of emitted records only: an unchanged record dropped by the state is not."""
        self.crawler.stats.inc_value("records/posts", len(item.get("posts") or ()))

    def opened(self, spider):
        self.started = time.monotonic()
        self.previous_run = None
        store = getattr(self.crawler, "state_store", None)
        if store is not None:  # when the previous run started: what "unchanged since" means
            self.previous_run = store.get_meta("last_run")
            store.set_meta("last_run", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
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
        stats = self.crawler.stats
        kind = getattr(spider, "start_documents", None)
        if kind and not getattr(spider, "seeds_run", True):
            kind = "joined"
        code, why = crawl_outcome(stats, kind, distributed=bool(self.crawler.settings.get("REDIS_URL")))
        state = None
        if getattr(self.crawler, "state_store", None) is not None:
            state = _since_last_run(getattr(self, "previous_run", None), stats)
        summary = {**c, "reason": reason, "seconds": round(seconds, 3),
                   "crawl_id": getattr(spider, "crawl_id", None), "spider": spider.name,
                   "exit_code": code, "why": why, "state": state}
        for key, value in stats.get_stats().items():
            if key.startswith(("records/", "pages/", "listings/", "state/", "warc/", "retry/", "ssrf/")):
                summary.setdefault("detail", {})[key] = value
        line = (f"summary: {c['pages']} pages, {c['records']} records, {c['posts']} posts, "
                f"{c['errors']} errors in {seconds:.1f}s ({reason})")
        if state:
            line += f"; {state}"
        if why:
            logger.error("%s; %s (exit %d)", line, why, code)
        else:
            logger.info("%s", line)
        global LAST_RUN
        LAST_RUN = {"exit_code": code, "why": why, "spider": spider.name}
        path = self.crawler.settings.get("STATS_FILE")
        if path:
            write_atomic(path, json.dumps(summary, indent=1, default=str).encode("utf-8"))


def current_umask() -> int:
    """The process umask, read without changing it where Linux shows it (``/proc``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting, and put it straight back
    os.umask(mask)
    return mask


def atomic_tmp(path: str) -> tuple[int, str]:
    """A temporary file beside ``path`` for write-then-rename, with the mode a plain ``open``
    would give (0666 less the umask): ``mkstemp`` makes it 0600, and the rename would carry
    that over, so a web server could not publish a feed written this way."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    os.fchmod(fd, 0o666 & ~current_umask())
    return fd, tmp


def write_atomic(path: str, data: bytes) -> None:
    """Temporary file in the same directory, fsync, rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = atomic_tmp(path)
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
