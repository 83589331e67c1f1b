"""Many workers, one frontier: scrapy-redis, scoped per run, with leases for in-flight requests.

``-s REDIS_URL=redis://HOST:PORT/DB`` (see ``RedisAddon``) swaps in:

- ``RunScopedScheduler``: scrapy-redis's scheduler whose queue and fingerprint keys belong to one
  *run*. The first worker to start a spider with given arguments creates the run and queues its
  start documents; workers started while it lasts join it and only consume the shared queue.
  Fingerprints therefore never block a later scheduled run (rmax/scrapy-redis#84): a new run has
  new keys, and a finished run's keys expire after ``REDIS_RUN_TTL`` seconds (default a day).
- Leases: every request a worker takes is recorded as in flight (encoded, with a time). Finishing
  it (record emitted, unchanged, failed, or not an article) releases the lease. A worker that finds
  the queue empty re-queues leases older than ``REDIS_LEASE_SECONDS``: the requests of a worker
  that was killed are picked up by the others.
- ``IdleCloser``: a worker stops once the shared queue has stayed empty, with no lease left, for
  ``IDLE_CLOSE_SECONDS`` (default 30), so a scheduled distributed run ends by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)
PREFIX = "crawler:run"
_RUN_ARGS = ("url", "urls", "since", "allow", "deny", "max_depth", "path", "files")


class RedisAddon:
    """Turns ``REDIS_URL`` into the scheduler, duplicate filter and state store settings."""

    def update_settings(self, settings):
        url = settings.get("REDIS_URL")
        if not url:
            return
        above_project = 35  # over settings.py (20), under -s on the command line (40)
        settings.set("SCHEDULER", "crawler.distributed.RunScopedScheduler", priority=above_project)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=above_project)
        settings.set("SCHEDULER_PERSIST", True, priority=above_project)
        if str(settings.get("STATE_URI", "")).startswith("sqlite:"):
            settings.set("STATE_URI", url, priority=above_project)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.setdefault("crawler.distributed.IdleCloser", 600)
        settings.set("EXTENSIONS", extensions, priority=above_project)


class Run:
    """One distributed run of one spider with one set of arguments."""

    def __init__(self, server, spider, settings):
        self.server = server
        self.ttl = settings.getint("REDIS_RUN_TTL", 86400)
        self.lease_seconds = settings.getfloat("REDIS_LEASE_SECONDS", 120.0)
        args = {k: str(getattr(spider, k)) for k in _RUN_ARGS if hasattr(spider, k)}
        digest = hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest()[:16]
        self.marker = f"{PREFIX}:{spider.name}:{digest}"
        explicit = settings.get("CRAWL_ID")
        new_id = explicit or uuid.uuid4().hex
        if self.server.set(self.marker, new_id, nx=True, ex=self.ttl):
            self.id, self.created = new_id, True
        else:
            existing = self.server.get(self.marker)
            if isinstance(existing, bytes):  # scrapy-redis's connection does not decode
                existing = existing.decode()
            self.id, self.created = existing or new_id, False
        self.worker = uuid.uuid4().hex[:12]
        self.server.sadd(self.key("workers"), self.worker)
        self.heartbeat()
        logger.info("%s distributed run %s (worker %s)", "started" if self.created else "joined",
                    self.id, self.worker)

    def key(self, name: str) -> str:
        return f"{PREFIX}:{self.id}:{name}"

    def heartbeat(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.key(f"alive:{self.worker}"), "1", ex=max(int(self.lease_seconds), 5))
        pipe.expire(self.marker, self.ttl)
        pipe.execute()

    def lease(self, fp: str, encoded: bytes) -> None:
        self.server.hset(self.key("inflight"), fp, encoded)
        self.server.zadd(self.key("inflight_ts"), {fp: time.time()})

    def release(self, fp: str | None) -> None:
        if not fp:
            return
        pipe = self.server.pipeline()
        pipe.hdel(self.key("inflight"), fp)
        pipe.zrem(self.key("inflight_ts"), fp)
        pipe.execute()

    def leases(self) -> int:
        return self.server.hlen(self.key("inflight"))

    def expired_leases(self) -> list[tuple[str, bytes]]:
        cutoff = time.time() - self.lease_seconds
        out = []
        for fp in self.server.zrangebyscore(self.key("inflight_ts"), 0, cutoff):
            fp = fp.decode() if isinstance(fp, bytes) else fp
            enc = self.server.hget(self.key("inflight"), fp)
            if enc is not None:
                out.append((fp, enc))
        return out

    def leave(self, queue_empty: bool) -> None:
        self.server.srem(self.key("workers"), self.worker)
        self.server.delete(self.key(f"alive:{self.worker}"))
        for name in ("requests", "dupefilter", "inflight", "inflight_ts", "workers"):
            self.server.expire(self.key(name), self.ttl)
        if queue_empty and self.leases() == 0 and self.server.scard(self.key("workers")) == 0:
            # the run is over: the next scheduled start begins a new run (fresh fingerprints)
            current = self.server.get(self.marker) or b""
            if (current.decode() if isinstance(current, bytes) else current) == self.id:
                self.server.delete(self.marker)


class RunScopedScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        return scheduler

    def open(self, spider):
        self.run = Run(self.server, spider, self.crawler.settings)
        self.crawler.redis_run = self
        spider.crawl_id = self.run.id
        spider.seeds_run = self.run.created
        self.queue_key = self.run.key("requests")
        self.df = RFPDupeFilter(self.server, key=self.run.key("dupefilter"),
                                debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        return super().open(spider)

    def next_request(self):
        request = super().next_request()
        if request is not None:
            fp = self.crawler.request_fingerprinter.fingerprint(request).hex()
            request.meta["lease"] = fp
            self.run.lease(fp, self.queue._encode_request(request))
        return request

    def release(self, request) -> None:
        """The request is finished (whatever its outcome): its lease ends."""
        self.run.release(request.meta.get("lease") if request is not None else None)

    def requeue_expired(self) -> int:
        """Put back the requests whose worker stopped answering; returns how many."""
        count = 0
        for fp, enc in self.run.expired_leases():
            request = self.queue._decode_request(enc)
            request.dont_filter = True
            self.run.release(fp)
            self.queue.push(request)
            count += 1
        if count:
            self.crawler.stats.inc_value("redis/requeued_leases", count)
            logger.warning("re-queued %d requests left in flight by a stopped worker", count)
        return count

    def close(self, reason):
        self.run.leave(queue_empty=len(self.queue) == 0)
        return super().close(reason)


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
        slot = getattr(self.crawler.engine, "_slot", None)
        if scheduler is not None and slot is not None and len(scheduler.queue) > 0:
            slot.nextcall.schedule()

    def spider_idle(self, spider):
        scheduler = getattr(self.crawler, "redis_run", None)
        if scheduler is None:
            return
        scheduler.run.heartbeat()
        if scheduler.requeue_expired() or len(scheduler.queue) > 0:
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
