"""Incremental crawling: conditional requests, new/changed/unchanged, the emission journal.

Three Scrapy components share one state store (``crawler.state``), opened by the extension:

- ``ConditionalRequestMiddleware`` sends ``If-None-Match``/``If-Modified-Since`` for URLs an
  earlier run emitted; a ``304`` ends there (counted, no record).
- ``IncrementalPipeline`` drops a record whose findings hash equals the stored version, stamps
  ``previous_version`` on a changed one, and marks new versions *pending*.
- ``StateExtension`` marks a version *done* once the feed exporters have written it, settles
  versions left pending by a killed run (or, in a shared store, by a worker that stopped),
  rewrites ``ROLLING_FEED`` at the end, and closes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import weakref
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.extensions.feedexport import FileFeedStorage

from crawler.distributed import worker_id
from crawler.state import StateError, open_store

logger = logging.getLogger(__name__)
_VERSION = re.compile(rb'"version": "(sha256:[0-9a-f]{32}(?:[0-9a-f]{32})?)"')  # full or legacy
_JSONL = {"jsonlines", "jsonl", "jl"}


def current_state(crawler, url: str):
    """The stored state of ``url``; a version a stopped worker left pending is settled first
    (its request came back to this worker: whether it was written decides what is new)."""
    store = crawler.state_store
    st = store.get(url)
    if st is not None and store.abandoned(st):
        crawler.state_extension.settle([(url, st.pending_version)])
        crawler.stats.inc_value("state/settled_abandoned")
        st = store.get(url)
    return st


class _UsesState:
    """A middleware or pipeline that reads the store the extension opened (off without it)."""

    def __init__(self, crawler):
        self.store = getattr(crawler, "state_store", None)
        if self.store is None:
            raise NotConfigured
        self.stats = crawler.stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class StateExtension:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("STATE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        try:
            self.store = open_store(settings.get("STATE_URI"),
                                    lock_wait=settings.getfloat("STATE_LOCK_WAIT", 0.0),
                                    worker=worker_id(crawler),
                                    alive_seconds=settings.getfloat("REDIS_WORKER_TIMEOUT", 60.0),
                                    citation_index=settings.getbool("CITATION_INDEX", True))
        except StateError as exc:  # `crawler crawl` checks first; this is `scrapy crawl`
            logger.critical("%s", exc)
            raise
        crawler.state_store = self.store
        crawler.state_extension = self
        self.beat = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        """Settle what an interrupted run left pending, then remember this run's outputs."""
        current = self._jsonl_outputs()
        known = json.loads(self.store.get_meta("jsonl_outputs") or "[]")
        outputs = list(dict.fromkeys(known + current))[-200:]
        self.store.set_meta("jsonl_outputs", json.dumps(outputs))
        heartbeat = getattr(self.store, "heartbeat", None)
        if heartbeat is not None:  # a shared store: tell the other workers this one is alive
            from twisted.internet import task

            self.beat = task.LoopingCall(heartbeat)
            self.beat.start(1.0, now=False)
        pending = self.store.pending()
        if pending:
            self.settle(pending)
            logger.info("settled %d versions left pending by an interrupted run", len(pending))

    def settle(self, pending: list[tuple[str, str]]) -> None:
        """A pending version found in one of the recorded JSON Lines outputs was emitted;
        otherwise it is rolled back, and the page will be emitted when it is next fetched."""
        written = _versions_in(json.loads(self.store.get_meta("jsonl_outputs") or "[]"))
        for url, version in pending:
            self.store.settle(url, version, emitted=version.encode() in written)

    def _jsonl_outputs(self) -> list[str]:
        out = []
        for uri, opts in (self.crawler.settings.getdict("FEEDS") or {}).items():
            uri = str(uri)
            if (opts or {}).get("format") in _JSONL and not uri.startswith(("stdout:", "-")):
                out.append(str(Path(uri.removeprefix("file://")).resolve()))
        return out

    def scraped(self, item, response=None, spider=None):
        # connected after Scrapy's FeedExporter, so the outputs already hold this item
        self.store.finish_emit(item["crawl"]["url"], item["version"])

    def closed(self, spider, reason):
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        try:
            path = self.crawler.settings.get("ROLLING_FEED")
            if path:
                write_rolling_feed(self.store, path, self.crawler.settings)
            folder, watch = self.crawler.settings.get("CITES_FEEDS"), self.crawler.settings.get("WATCH")
            if folder and watch:  # one JSON Feed per watched post (crawler.citations.feeds)
                from crawler.citations.feeds import write_watched_feeds

                try:
                    n = write_watched_feeds(self.store, folder, watch, self.crawler.settings)
                    logger.info("rewrote %d per-post feeds in %s", n, folder)
                except (OSError, ValueError) as exc:  # a bad WATCH line: said, the run's outputs stay
                    logger.error("CITES_FEEDS: %s", exc)
            elif folder or watch:
                logger.error("CITES_FEEDS and WATCH go together: set both (the folder and the watch list)")
        finally:
            self.store.close()


def _versions_in(paths: list[str]) -> set[bytes]:
    found: set[bytes] = set()
    for p in dict.fromkeys(paths):
        path = Path(p)
        if path.is_file():
            with path.open("rb") as fh:
                for line in fh:
                    found.update(_VERSION.findall(line))
    return found


def write_rolling_feed(store, path: str, settings, limit: int | None = None, since: str | None = None) -> int:
    """The JSON Feed of the newest ``limit`` articles in the store (published on or after
    ``since``), written atomically: ``ROLLING_FEED`` at the end of a crawl, and ``crawler feed``.
    The store orders and filters by instant; the items are ordered again here the way the
    exporter orders them, so every feed we write agrees."""
    from crawler.exporters import file_url, jsonfeed_document, jsonfeed_item, newest_first
    from crawler.extensions import write_atomic

    limit = limit or settings.getint("ROLLING_FEED_LIMIT", 100)
    items = newest_first([jsonfeed_item(r) for r in store.latest(limit=limit, since=since)])
    doc = jsonfeed_document(items, title=settings.get("JSONFEED_TITLE") or "Cited social posts",
                            home_page_url=settings.get("JSONFEED_HOME_PAGE_URL"),
                            feed_url=settings.get("JSONFEED_FEED_URL") or file_url(path),
                            language=settings.get("JSONFEED_LANGUAGE"))
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    return len(items)


class ConditionalRequestMiddleware(_UsesState):
    def process_request(self, request, spider=None):
        if request.meta.get("listing"):
            return None
        st = current_state(self.crawler, request.url)
        if st is None or not st.version:
            return None
        if st.etag:
            request.headers.setdefault(b"If-None-Match", st.etag)
        if st.last_modified:
            request.headers.setdefault(b"If-Modified-Since", st.last_modified)
        if st.etag or st.last_modified:
            request.meta["conditional"] = True
            self.stats.inc_value("state/conditional_requests")
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304 and request.meta.get("conditional"):
            self.store.seen(request.url)
            self.stats.inc_value("state/unchanged_304")
            raise IgnoreRequest(f"not modified: {request.url}")
        return response


class IncrementalPipeline(_UsesState):
    def process_item(self, item, spider=None):
        c = item["crawl"]
        url = c["url"]
        prev = current_state(self.crawler, url)
        if prev is not None and prev.version == item["version"]:
            self.store.seen(url, etag=c.get("etag"), last_modified=c.get("last_modified"),
                            content_sha256=c.get("content_sha256"))
            self.stats.inc_value("state/unchanged_same_findings")
            raise DropItem(f"unchanged since the last run: {url}", log_level="DEBUG")
        if prev is not None and prev.version:
            item["previous_version"] = prev.version
            self.stats.inc_value("state/changed")
        else:
            self.stats.inc_value("state/new")
        self.store.begin_emit(url, dict(item))
        return item


# the local file each open feed output will end up as (whole documents are written to a
# temporary name first): the JSON Feed exporter names it as its ``feed_url``
FEED_TARGETS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_WHOLE_DOCUMENTS = {"jsonfeed", "prov", "json", "xml", "pickle", "marshal"}


class FlushingFileFeedStorage(FileFeedStorage):
    """Local feed files that survive a crash.

    Line formats (JSON Lines, CSV) are opened unbuffered: each record reaches the OS as it is
    exported, so a killed run leaves every record it reported as written on disk. Whole
    documents (JSON Feed, PROV, JSON) go to a temporary file renamed over the target when the
    crawl ends: a killed run leaves the previous document intact, never half of a new one.
    """

    def __init__(self, uri, *, feed_options=None):
        super().__init__(uri, feed_options=feed_options)
        self.atomic = (feed_options or {}).get("format") in _WHOLE_DOCUMENTS
        self._tmp: str | None = None

    def open(self, spider):
        from crawler.extensions import atomic_tmp

        dirname = Path(self.path).parent
        if dirname and not dirname.exists():
            dirname.mkdir(parents=True)
        if self.atomic:
            fd, self._tmp = atomic_tmp(self.path)
            fh = os.fdopen(fd, "wb")
        else:
            fh = Path(self.path).open(self.write_mode, buffering=0)
        FEED_TARGETS[fh] = str(Path(self.path).resolve())
        return fh

    def store(self, file):
        if self._tmp is None:
            return super().store(file)
        file.flush()
        os.fsync(file.fileno())
        file.close()
        os.replace(self._tmp, self.path)
        self._tmp = None
        return None
