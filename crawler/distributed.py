"""Many workers, one frontier: scrapy-redis, scoped per run, with leases for in-flight requests.

``-s REDIS_URL=redis://HOST:PORT/DB`` (see ``RedisAddon``) swaps in:

- ``RunScopedScheduler``: scrapy-redis's scheduler whose queue and fingerprint keys belong to one
  *run*. The first worker to start a spider with given arguments creates the run and queues its
  start documents; workers started while it lasts join it and only consume the shared queue.
  Fingerprints therefore never block a later scheduled run (rmax/scrapy-redis#84): a new run has
  new keys, and a finished run's keys expire after ``REDIS_RUN_TTL`` seconds (default a day).
- Leases: taking a request from the shared queue records it as in flight for this worker, in one
  atomic step (a Lua script). Finishing it (record written or dropped, fetch failed, not an
  article) releases the lease. Every worker refreshes a presence key; one silent for
  ``REDIS_WORKER_TIMEOUT`` seconds has stopped, and an idle worker puts its leases back in the
  queue: the requests of a worker that was killed are picked up by the others.
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


# Pop the first request and lease it to a worker in one step: a worker killed between the two
# would otherwise lose the request. KEYS: queue, inflight, owners. ARGV: worker.
_POP_AND_LEASE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local id = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], id, r[1])
redis.call('HSET', KEYS[3], id, ARGV[1] .. '|' .. r[2])
return {id, r[1]}
"""
# Put leased requests back in the queue, each at most once. KEYS: queue, inflight, owners.
_REQUEUE = """
local n = 0
for _, id in ipairs(ARGV) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then
    local owner = redis.call('HGET', KEYS[3], id) or ''
    local score = string.match(owner, '|([^|]*)$') or '0'
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZADD', KEYS[1], score, data)
    n = n + 1
  end
end
return n
"""


def worker_id(crawler) -> str:
    """One identity per crawler process, shared by its scheduler leases and state journal."""
    if not getattr(crawler, "worker_id", None):
        from crawler.state.redis import new_worker_id

        crawler.worker_id = crawler.settings.get("WORKER_ID") or new_worker_id()
    return crawler.worker_id


class Run:
    """One distributed run of one spider with one set of arguments."""

    def __init__(self, server, spider, settings, worker: str):
        from crawler.state.redis import Presence

        self.server = server
        self.ttl = settings.getint("REDIS_RUN_TTL", 86400)
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
        self.worker = worker
        self.presence = Presence(server, worker, settings.getfloat("REDIS_WORKER_TIMEOUT", 60.0))
        self.server.sadd(self.key("workers"), self.worker)
        self.heartbeat(force=True)
        self._pop = server.register_script(_POP_AND_LEASE)
        self._requeue = server.register_script(_REQUEUE)
        logger.info("%s distributed run %s (worker %s)", "started" if self.created else "joined",
                    self.id, self.worker)

    def key(self, name: str) -> str:
        return f"{PREFIX}:{self.id}:{name}"

    def heartbeat(self, force: bool = False) -> None:
        self.presence.beat(force)
        if force:
            self.server.expire(self.marker, self.ttl)

    def pop(self) -> tuple[str, bytes] | None:
        """The next encoded request, leased to this worker; None when the queue is empty."""
        got = self._pop(keys=[self.key("requests"), self.key("inflight"), self.key("owners")], args=[self.worker])
        if not got:
            return None
        lease, data = got
        return (lease.decode() if isinstance(lease, bytes) else lease), data

    def release(self, lease: str | None) -> None:
        if not lease:
            return
        pipe = self.server.pipeline()
        pipe.hdel(self.key("inflight"), lease)
        pipe.hdel(self.key("owners"), lease)
        pipe.execute()

    def leases(self) -> int:
        return self.server.hlen(self.key("inflight"))

    def requeue_orphans(self) -> int:
        """Put back the requests leased to workers that stopped answering; returns how many."""
        owners = self.server.hgetall(self.key("owners"))
        orphans = []
        for lease, owner in owners.items():
            owner = owner.decode() if isinstance(owner, bytes) else owner
            if not self.presence.alive(owner.rsplit("|", 1)[0]):
                orphans.append(lease)
        if not orphans:
            return 0
        return int(self._requeue(keys=[self.key("requests"), self.key("inflight"), self.key("owners")],
                                 args=orphans))

    def live_workers(self) -> int:
        return sum(1 for w in self.server.smembers(self.key("workers")) if self.presence.alive(w))

    def leave(self, queue_empty: bool) -> None:
        self.server.srem(self.key("workers"), self.worker)
        for name in ("requests", "dupefilter", "inflight", "owners", "workers"):
            self.server.expire(self.key(name), self.ttl)
        if queue_empty and self.leases() == 0 and self.live_workers() == 0:
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
        self.run = Run(self.server, spider, self.crawler.settings, worker_id(self.crawler))
        self.crawler.redis_run = self
        spider.crawl_id = self.run.id
        spider.seeds_run = self.run.created
        self.queue_key = self.run.key("requests")
        self.df = RFPDupeFilter(self.server, key=self.run.key("dupefilter"),
                                debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        # a request that produced a record is finished once the record is written or dropped
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            self.crawler.signals.connect(self._item_done, signal=signal)
        return super().open(spider)

    def next_request(self):
        popped = self.run.pop()
        if popped is None:
            return None
        lease, data = popped
        request = self.queue._decode_request(data)
        request.meta["lease"] = lease
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def release(self, request) -> None:
        """The request is finished (whatever its outcome): its lease ends."""
        self.run.release(request.meta.get("lease") if request is not None else None)

    def _item_done(self, item=None, response=None, spider=None, **kwargs):
        if response is not None:
            self.release(response.request)

    def requeue_orphans(self) -> int:
        count = self.run.requeue_orphans()
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
