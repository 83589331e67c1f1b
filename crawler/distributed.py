"""Many workers, one frontier: scrapy-redis, scoped per run, with leases for in-flight requests.

``-s REDIS_URL=redis://HOST:PORT/DB`` (see ``RedisAddon``) swaps in (the scheduler lives in
``crawler.frontier``, imported only then: a local crawl never loads scrapy-redis):

- ``RunScopedScheduler``: scrapy-redis's scheduler whose queue and fingerprint keys belong to one
  *run*. The first worker to start a spider with given arguments creates the run and queues its
  start documents; workers started while it lasts join it and only consume the shared queue.
  Fingerprints therefore never block a later scheduled run (rmax/scrapy-redis#84): a new run has
  new keys, and a finished run's keys are removed as its workers close; an interrupted run's expire after
  ``REDIS_RUN_TTL`` seconds (default a day).
- Leases: taking a request from the shared queue records it as in flight for this worker, in one
  atomic step (a Lua script). Finishing it (record written or dropped, fetch failed, not an
  article) releases the lease. Every worker refreshes a presence key; one silent for
  ``REDIS_WORKER_TIMEOUT`` seconds has stopped, and an idle worker puts its leases back in the
  queue: the requests of a worker that was killed are picked up by the others.
- ``IdleCloser``: a worker stops once the shared queue has stayed empty, with no lease left, for
  ``IDLE_CLOSE_SECONDS`` (default 30), so a scheduled distributed run ends by itself.
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

logger = logging.getLogger(__name__)


class RedisAddon:
    """Turns ``REDIS_URL`` into the scheduler, duplicate filter and state store settings."""

    def update_settings(self, settings):
        url = settings.get("REDIS_URL")
        if not url:
            return
        above_project = 35  # over settings.py (20), under -s on the command line (40)
        settings.set("SCHEDULER", "crawler.frontier.RunScopedScheduler", priority=above_project)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=above_project)
        settings.set("SCHEDULER_PERSIST", True, priority=above_project)
        if str(settings.get("STATE_URI", "")).startswith("sqlite:"):
            settings.set("STATE_URI", url, priority=above_project)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.setdefault("crawler.distributed.IdleCloser", 600)
        settings.set("EXTENSIONS", extensions, priority=above_project)


def worker_id(crawler) -> str:
    """One identity per crawler process, shared by its scheduler leases and state journal."""
    if not getattr(crawler, "worker_id", None):
        from crawler.state.redis import new_worker_id

        crawler.worker_id = crawler.settings.get("WORKER_ID") or new_worker_id()
    return crawler.worker_id


def release(crawler, request) -> None:
    """Called where a request's work ends; a no-op without Redis."""
    scheduler = getattr(crawler, "redis_run", None)
    if scheduler is not None:
        scheduler.release(request)


class IdleCloser:
    """Keep a worker alive while the shared frontier may still get work; stop after
    ``IDLE_CLOSE_SECONDS`` of an empty queue with no lease held anywhere."""

    def __init__(self, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        self.crawler = crawler
        self.idle_for = crawler.settings.getfloat("IDLE_CLOSE_SECONDS", 30.0)
        self.idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        from twisted.internet import task

        self.poll = task.LoopingCall(self.wake)
        self.poll.start(0.5, now=False)

    def closed(self, spider):
        if self.poll.running:
            self.poll.stop()

    def wake(self):
        """Scrapy looks at an idle scheduler only every 5 s; another worker may have queued
        work meanwhile, so nudge the engine as soon as the shared queue is not empty.
        (Uses the engine's slot, which Scrapy keeps private: guarded, best effort.)"""
        scheduler = getattr(self.crawler, "redis_run", None)
        if scheduler is not None:
            scheduler.run.heartbeat()
        slot = getattr(self.crawler.engine, "_slot", None)
        if scheduler is not None and slot is not None and len(scheduler.queue) > 0:
            slot.nextcall.schedule()

    def spider_idle(self, spider):
        scheduler = getattr(self.crawler, "redis_run", None)
        if scheduler is None:
            return
        if scheduler.requeue_orphans() or len(scheduler.queue) > 0:
            self.idle_since = None
            raise DontCloseSpider
        if scheduler.run.leases() > 0:  # others are still working and may queue more
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_for:
            raise DontCloseSpider
