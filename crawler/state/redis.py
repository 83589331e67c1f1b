"""Redis backend: the state shared by every worker of a distributed crawl.

One hash per URL (``{prefix}:url:{url}``), a sorted set of emitted URLs by publication time for
the rolling feed, a set of pending versions, and a meta hash. Workers share it, so there is no
run lock; the emission journal works as in SQLite, each pending version carrying the worker
that wrote it. A worker's pending versions are settled by others only once that worker has
stopped answering (``Presence``): a live worker is still writing them.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from crawler.citations import redis as citations
from crawler.records import is_legacy_digest, upgrade_ids
from crawler.state import StateError, StateUriError, UrlState

_FIELDS = ("url", "canonical_url", "etag", "last_modified", "content_sha256", "record_id", "version",
           "first_seen", "last_seen")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_worker_id() -> str:
    """``CRAWLER_WORKER_ID`` or host, pid and a random part (a pid is reused after a restart)."""
    return os.environ.get("CRAWLER_WORKER_ID") or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Presence:
    """Which workers are alive: each refreshes ``crawler:worker:<id>`` (expiring after
    ``seconds``); a worker whose key expired has stopped, and what it held can be taken over."""

    def __init__(self, client, worker: str, seconds: float):
        self.r, self.worker, self.seconds = client, worker, max(float(seconds), 2.0)
        self._last = 0.0

    @staticmethod
    def key(worker: str) -> str:
        return f"crawler:worker:{worker}"

    def beat(self, force: bool = False) -> None:
        """Refresh this worker's key; at most four times per expiry period unless forced."""
        now = time.monotonic()
        if force or now - self._last >= self.seconds / 4:
            self.r.set(self.key(self.worker), "1", px=int(self.seconds * 1000))
            self._last = now

    def alive(self, worker: str | bytes | None) -> bool:
        if not worker:
            return False
        if isinstance(worker, bytes):
            worker = worker.decode()
        return worker == self.worker or bool(self.r.exists(self.key(worker)))

    def leave(self) -> None:
        self.r.delete(self.key(self.worker))


def _score(published: str | None) -> float:
    if not published:
        return 0.0
    try:
        dt = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


class RedisStore:
    def __init__(self, uri: str, prefix: str = "crawler:state", worker: str | None = None,
                 alive_seconds: float = 120.0, create: bool = True, citation_index: bool = True):
        import redis

        self.prefix = prefix
        self.citation_index = citation_index  # False: settle skips the index and marks it stale
        self.worker = worker or new_worker_id()
        try:
            self.r = redis.Redis.from_url(uri, decode_responses=True, socket_timeout=30)
            self.r.ping()
        except (redis.RedisError, ValueError) as exc:
            raise StateError(f"state store {uri}: {exc}") from None
        self.presence = Presence(self.r, self.worker, alive_seconds)
        if not create:  # a reader: no presence key, and no store made where a crawl made none
            if not self.r.exists(self._k("meta")):
                self.r.close()
                raise StateUriError(f"no state store at {uri} (no {self._k('meta')} key): check the "
                                    "host and database number; only a crawl creates a store")
            self.presence.beat = lambda force=False: None
            self.presence.leave = lambda: None
        else:
            self.presence.beat(force=True)
        self._upgrade_ids()
        if self.r.hget(self._k("meta"), citations.META_KEY) != citations.VERSION:
            if citation_index:
                citations.rebuild(self)  # a store from before the citation index: built once
            else:  # none kept now either: stale until `crawler reindex` (a new store: nothing to index)
                stored = self.r.zcard(self._k("latest"))
                if stored:
                    self.r.hincrby(self._k("meta"), citations.SKIPPED_KEY, stored)
                self.r.hset(self._k("meta"), citations.META_KEY, citations.VERSION)
        if citation_index and self.r.hget(self._k("meta"), citations.RANK_KEY) != citations.RANK_VERSION:
            citations.recount(self)  # an index from before the rank set: counted once

    def _upgrade_ids(self) -> None:
        """Stores written before ids and versions held the full SHA-256 (see the SQLite store)."""
        if self.r.hget(self._k("meta"), "ids") == "sha256-full":
            return
        for key in self.r.scan_iter(match=self._k("url", "*"), count=500):
            values = self.r.hmget(key, "record", "pending_record")
            update = {}
            for field, prefix in (("record", ""), ("pending_record", "pending_")):
                text = values[0] if field == "record" else values[1]
                if not text:
                    continue
                rec = json.loads(text)
                if not (is_legacy_digest(rec.get("id")) or is_legacy_digest(rec.get("version"))):
                    continue
                rec = upgrade_ids(rec)
                update[field] = json.dumps(rec, ensure_ascii=False)
                update[prefix + "version"] = rec["version"]
                if field == "record":
                    update["record_id"] = rec["id"]
            if update:
                self.r.hset(key, mapping=update)
        self.r.hset(self._k("meta"), "ids", "sha256-full")

    def heartbeat(self) -> None:
        self.presence.beat()

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def get(self, url: str) -> UrlState | None:
        values = self.r.hmget(self._k("url", url), *_FIELDS, "pending_version", "pending_worker")
        if values[0] is None:
            return None
        data = dict(zip(_FIELDS, values[:-2], strict=True))
        data["version"] = values[-2] or data["version"]
        return UrlState(**data, pending_version=values[-2], pending_worker=values[-1])

    def seen(self, url: str, *, etag=None, last_modified=None, content_sha256=None) -> None:
        key = self._k("url", url)
        if not self.r.exists(key):
            return
        update = {"last_seen": _now()}
        for name, value in (("etag", etag), ("last_modified", last_modified), ("content_sha256", content_sha256)):
            if value is not None:
                update[name] = value
        self.r.hset(key, mapping=update)
        cites_field = self.r.hget(key, "cites") if self.citation_index else None
        if cites_field:
            citations.touch(self, url, cites_field, update["last_seen"])

    def begin_emit(self, url: str, record: dict[str, Any]) -> None:
        c = record["crawl"]
        now = _now()
        key = self._k("url", url)
        pipe = self.r.pipeline(transaction=True)
        pipe.hsetnx(key, "url", url)
        pipe.hsetnx(key, "first_seen", now)
        pipe.hset(key, mapping={
            "last_seen": now, "etag": c.get("etag") or "", "last_modified": c.get("last_modified") or "",
            "content_sha256": c.get("content_sha256") or "", "pending_version": record["version"],
            "pending_record": json.dumps(record, ensure_ascii=False), "pending_worker": self.worker})
        pipe.sadd(self._k("pending"), url)
        pipe.execute()

    def finish_emit(self, url: str, version: str) -> None:
        self.settle(url, version, emitted=True)

    def settle(self, url: str, version: str, emitted: bool) -> None:
        """WATCHes the URL's hash so that two workers settling one article cannot interleave,
        and writes its citation rows (``crawler.citations.redis``) in the same MULTI/EXEC."""
        import redis

        key = self._k("url", url)
        with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(key)
                    pending_version, pending_record, cites_field = pipe.hmget(
                        key, "pending_version", "pending_record", "cites")
                    if pending_version != version:
                        pipe.unwatch()
                        return
                    rec = json.loads(pending_record) if emitted else None
                    index = emitted and self.citation_index
                    old = citations.read_rows(self, pipe, url, cites_field) if index else {}
                    pipe.multi()
                    if rec is not None:
                        published = rec["article"].get("published") or rec["crawl"]["fetched_at"]
                        pipe.hset(key, mapping={"version": version, "record": pending_record, "record_id": rec["id"],
                                                "canonical_url": rec["article"].get("canonical_url") or "",
                                                "published": published})
                        pipe.zadd(self._k("latest"), {url: _score(published)})
                        if index:
                            citations.stage(self, pipe, url, rec, old,
                                            seen_at=rec["crawl"].get("fetched_at") or _now())
                        else:  # CITATION_INDEX=False: stale until `crawler reindex`
                            pipe.hincrby(self._k("meta"), citations.SKIPPED_KEY, 1)
                    else:
                        pipe.hset(key, mapping={"etag": "", "last_modified": ""})
                    pipe.hdel(key, "pending_version", "pending_record", "pending_worker")
                    pipe.srem(self._k("pending"), url)
                    pipe.execute()
                    break
                except redis.WatchError:
                    continue
        if not emitted and not self.r.hget(key, "version"):
            self.r.delete(key)

    def pending(self) -> list[tuple[str, str]]:
        """Pending versions whose worker has stopped: nobody is still writing them."""
        out = []
        for url in self.r.smembers(self._k("pending")):
            version, worker = self.r.hmget(self._k("url", url), "pending_version", "pending_worker")
            if version and worker != self.worker and not self.presence.alive(worker):
                out.append((url, version))
        return out

    def abandoned(self, state: UrlState) -> bool:
        """True when ``state`` carries a version pending from a worker that has stopped."""
        w = state.pending_worker
        return bool(state.pending_version and w and w != self.worker and not self.presence.alive(w))

    def latest(self, limit: int | None = None, since: str | None = None) -> list[dict[str, Any]]:
        low = _score(since) if since else "-inf"
        urls = self.r.zrevrangebyscore(self._k("latest"), "+inf", low, start=0, num=limit or 10**9)
        out = []
        for url in urls:
            rec = self.r.hget(self._k("url", url), "record")
            if rec:
                out.append(json.loads(rec))
        return out

    # -- the citation index (crawler.citations) ---------------------------------------------

    def cites(self, platform: str, key: str, **filters: Any) -> list[dict[str, Any]]:
        return citations.cites(self, platform, key, **filters)

    def cited(self, platform: str, key: str) -> bool:
        return citations.known(self, platform, key)

    def top_posts(self, **filters: Any) -> list[dict[str, Any]]:
        return citations.top_posts(self, **filters)

    def records(self, urls: list[str]) -> list[dict[str, Any]]:
        return citations.records(self, urls)

    def reindex(self) -> int:
        return citations.rebuild(self)

    def index_stale(self) -> int:
        """Article versions stored without their citation rows since the last reindex (0: none)."""
        return int(self.r.hget(self._k("meta"), citations.SKIPPED_KEY) or 0)

    def get_meta(self, key: str) -> str | None:
        return self.r.hget(self._k("meta"), key)

    def set_meta(self, key: str, value: str) -> None:
        self.r.hset(self._k("meta"), key, value)

    def close(self) -> None:
        self.presence.leave()
        self.r.close()
