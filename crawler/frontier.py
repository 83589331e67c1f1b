"""The shared frontier of a distributed run: scrapy-redis's scheduler with run-scoped keys and
leases (see ``crawler.distributed`` for the whole picture). Scrapy imports this module only when
``REDIS_URL`` is set."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

from scrapy import signals
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.distributed import worker_id

logger = logging.getLogger(__name__)
PREFIX = "crawler:run"
_RUN_ARGS = ("url", "urls", "since", "allow", "deny", "max_depth", "path", "files")

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
