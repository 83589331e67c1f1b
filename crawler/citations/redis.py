"""The citation index in the Redis state store, shared by the workers of a distributed crawl.

Per post, a hash ``{prefix}:cite:{platform}:{key}`` maps each citing article's URL to its row
(JSON); ``{prefix}:citedposts`` is the set of posts (``platform:key``); each article's URL hash
lists in ``cites`` the posts it has ever been indexed under. ``RedisStore.settle`` WATCHes the
article's hash, reads its rows, and writes them in the same MULTI/EXEC as the version it makes
the latest (``stage``), so two workers never interleave one article's rows and the index never
disagrees with the outputs.

``crawler posts`` ranks from kept counts, as in SQLite: ``{prefix}:postrank`` is a sorted set
of posts scored ``outlets * 2**26 + articles`` (the rows cited now), ``{prefix}:citesites:
{platform}:{key}`` counts a post's rows per site. ``stage`` queues one small Lua script per row
that joins or leaves the counts (``_COUNT``: the per-site counter and the score move in one
step, so workers settling other articles of the same post cannot interleave them); the ranking
only picks the candidates, whose outlets and articles are then counted from their rows.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.citations import citations_of

META_KEY = "cites_index"
VERSION = "1"
SKIPPED_KEY = "cites_skipped"  # article versions settled without their rows (CITATION_INDEX=False)
RANK_KEY, RANK_VERSION = "cites_rank", "1"
_OUTLET = 2**26  # score = outlets * _OUTLET + articles: both exact in a double up to 67 million

# KEYS: the rank set, the post's per-site counts; ARGV: member, site ("" for none), +1 or -1
_COUNT = """
local d = tonumber(ARGV[3])
local o = 0
if ARGV[2] ~= '' then
  local n = redis.call('HINCRBY', KEYS[2], ARGV[2], d)
  if d > 0 and n == 1 then o = 1 end
  if d < 0 and n <= 0 then o = -1; redis.call('HDEL', KEYS[2], ARGV[2]) end
end
local score = tonumber(redis.call('ZINCRBY', KEYS[1], o * 67108864 + d, ARGV[1]))
if score <= 0 then redis.call('ZREM', KEYS[1], ARGV[1]) end
return score
"""


def post_hash(store, platform: str, key: str) -> str:
    return store._k("cite", platform, key)


def _member(platform: str, key: str) -> str:
    return f"{platform}:{key}"


def read_rows(store, client, url: str, cites_field: str | None) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows of ``url`` now (``client``: the WATCHing pipeline, in immediate mode)."""
    out = {}
    for member in json.loads(cites_field or "[]"):
        platform, key = member.split(":", 1)
        text = client.hget(post_hash(store, platform, key), url)
        if text:
            out[(platform, key)] = json.loads(text)
    return out


def _count(store, pipe, platform: str, key: str, site: str | None, delta: int) -> None:
    """Queue a row of the post joining (+1) or leaving (-1) the counts."""
    pipe.eval(_COUNT, 2, store._k("postrank"), store._k("citesites", platform, key), _member(platform, key),
              site or "", delta)


def _live(row: dict[str, Any] | None) -> bool:
    return bool(row) and not row.get("dropped_at")


def stage(store, pipe, url: str, rec: dict[str, Any], old: dict[tuple[str, str], dict[str, Any]], *,
          seen_at: str, first_seen: str | None = None) -> None:
    """Queue on ``pipe`` (inside MULTI) the writes that make the index agree with ``rec``."""
    cited = citations_of(rec)
    for (platform, key), row in cited.items():
        before = old.get((platform, key)) or {}
        if not _live(before) or before.get("site") != row["site"]:
            if _live(before):
                _count(store, pipe, platform, key, before.get("site"), -1)
            _count(store, pipe, platform, key, row["site"], 1)
        row = dict(row, first_seen=before.get("first_seen") or first_seen or seen_at,
                   last_seen=max(before.get("last_seen") or "", seen_at), dropped_at=None, dropped_version=None)
        pipe.hset(post_hash(store, platform, key), url, json.dumps(row, ensure_ascii=False))
        pipe.sadd(store._k("citedposts"), _member(platform, key))
    for (platform, key), row in old.items():
        if (platform, key) not in cited and _live(row):
            _count(store, pipe, platform, key, row.get("site"), -1)
            row = dict(row, dropped_at=seen_at, dropped_version=rec["version"])
            pipe.hset(post_hash(store, platform, key), url, json.dumps(row, ensure_ascii=False))
    members = sorted({_member(*k) for k in (*old, *cited)})
    pipe.hset(store._k("url", url), "cites", json.dumps(members))


def touch(store, url: str, cites_field: str | None, now: str) -> None:
    """The same findings fetched again: the rows still cited were seen now."""
    for (platform, key), row in read_rows(store, store.r, url, cites_field).items():
        if not row.get("dropped_at"):
            row["last_seen"] = now
            store.r.hset(post_hash(store, platform, key), url, json.dumps(row, ensure_ascii=False))


def _rows(store, platform: str, key: str) -> list[dict[str, Any]]:
    out = []
    for url, text in store.r.hgetall(post_hash(store, platform, key)).items():
        out.append(dict(json.loads(text), platform=platform, post_key=key, url=url))
    return out


def _instant(value: str | None) -> float:
    from crawler.state.redis import _score

    return _score(value)


_OUT = ("platform", "post_key", "url", "record_id", "article_url", "publisher", "site", "title", "published",
        "version", "forms", "first_seen", "last_seen", "dropped_at", "dropped_version")


def cites(store, platform: str, key: str, *, since: str | None = None, site: str | None = None,
          limit: int | None = None) -> list[dict[str, Any]]:
    """As the SQLite index: oldest first (publication, else first seen), same fields."""
    rows = _rows(store, platform, key)
    when = {id(r): _instant(r.get("published") or r["first_seen"]) for r in rows}
    if since:
        rows = [r for r in rows if when[id(r)] >= _instant(since)]
    if site:
        rows = [r for r in rows if r.get("site") == site.removeprefix("www.")]
    rows.sort(key=lambda r: (when[id(r)], r["article_url"]))
    return [{k: r.get(k) for k in _OUT} for r in rows[: limit or None]]


def known(store, platform: str, key: str) -> bool:
    return bool(store.r.exists(post_hash(store, platform, key)))


def _all_rows(store, members: list[str], batch: int = 500):
    """``(platform, key, rows)`` of every post in ``members``: the post hashes read ``batch`` at
    a time in one pipeline (a round trip per post took seconds on a big store)."""
    for start in range(0, len(members), batch):
        chunk = [m.split(":", 1) for m in members[start:start + batch]]
        with store.r.pipeline(transaction=False) as pipe:
            for p, key in chunk:
                pipe.hgetall(post_hash(store, p, key))
            hashes = pipe.execute()
        for (p, key), h in zip(chunk, hashes, strict=True):
            yield p, key, [dict(json.loads(text), platform=p, post_key=key, url=url) for url, text in h.items()]


def top_posts(store, *, platform: str | None = None, since: str | None = None, min_outlets: int = 1,
              top: int | None = None) -> list[dict[str, Any]]:
    """As the SQLite index. The rank set picks the candidates (with ``top``: the posts scored at
    least as high as the K-th, ties included); their rows give the figures. ``since`` counts
    only some rows, so it reads every post's."""
    if since:
        members = [m for m in store.r.smembers(store._k("citedposts"))
                   if not platform or m.split(":", 1)[0] == platform]
        return _from_rows(store, members, since=since, min_outlets=min_outlets, top=top)
    rank, low = store._k("postrank"), int(min_outlets) * _OUTLET
    members: list[str] = []
    kth, start, done = None, 0, False
    while not done:
        chunk = store.r.zrevrangebyscore(rank, "+inf", low, start=start, num=1000, withscores=True)
        start += len(chunk)
        done = len(chunk) < 1000
        for member, score in chunk:
            if platform and member.split(":", 1)[0] != platform:
                continue
            if kth is not None and score < kth:
                done = True
                break
            members.append(member)
            if top and kth is None and len(members) == top:
                kth = score
    return _from_rows(store, members, since=None, min_outlets=min_outlets, top=top)


def _from_rows(store, members: list[str], *, since: str | None, min_outlets: int,
               top: int | None) -> list[dict[str, Any]]:
    """The ranked posts among ``members``, each counted from its rows."""
    out = []
    for p, key, all_rows in _all_rows(store, members):
        rows = [r for r in all_rows if not r.get("dropped_at")]
        if since:
            rows = [r for r in rows if _instant(r.get("published") or r["first_seen"]) >= _instant(since)]
        outlets = len({r.get("site") for r in rows})
        if not rows or outlets < min_outlets:
            continue
        def most(field: str, rows=rows) -> Any:
            values = [r.get(field) for r in rows if r.get(field) is not None]
            return max(values) if values else None
        out.append({"platform": p, "post_key": key, "outlets": outlets, "articles": len(rows),
                    "first_seen": min(r["first_seen"] for r in rows), "last_seen": most("last_seen"),
                    "author_handle": most("author_handle"), "author_name": most("author_name"),
                    "post_text": most("post_text"), "post_url": most("post_url")})
    out.sort(key=lambda d: (-d["outlets"], -d["articles"], d["first_seen"]))
    return out[: top or None]


def recount(store) -> None:
    """The rank set and per-site counts counted again from every post's rows (a store from
    before them, and each rebuild). Rows written by other workers while it runs may be missed
    until the next ``crawler reindex``; the answers' figures come from the rows regardless."""
    counts: dict[str, dict[str, int]] = {}
    for p, key, rows in _all_rows(store, list(store.r.smembers(store._k("citedposts")))):
        sites: dict[str, int] = {}
        live = [r for r in rows if not r.get("dropped_at")]
        for r in live:
            if r.get("site"):
                sites[r["site"]] = sites.get(r["site"], 0) + 1
        if live:
            counts[_member(p, key)] = sites | {"": len(live)}
    with store.r.pipeline(transaction=True) as pipe:
        pipe.delete(store._k("postrank"), *store.r.scan_iter(match=store._k("citesites", "*"), count=500))
        for member, sites in counts.items():
            articles = sites.pop("")
            if sites:
                pipe.hset(store._k("citesites", *member.split(":", 1)), mapping=sites)
            pipe.zadd(store._k("postrank"), {member: len(sites) * _OUTLET + articles})
        pipe.hset(store._k("meta"), RANK_KEY, RANK_VERSION)
        pipe.execute()


def records(store, urls: list[str]) -> list[dict[str, Any]]:
    out = []
    for url in dict.fromkeys(urls):
        text = store.r.hget(store._k("url", url), "record")
        if text:
            out.append(json.loads(text))
    return out


def rebuild(store) -> int:
    """Index every stored latest record again, each article atomically; rows of articles the
    store no longer holds go; first-seen times and dropped rows are kept (see the SQLite index)."""
    import redis

    skipped = int(store.r.hget(store._k("meta"), SKIPPED_KEY) or 0)  # what this rebuild makes good
    n = 0
    for hkey in store.r.scan_iter(match=store._k("url", "*"), count=500):
        url = hkey[len(store._k("url", "")):]
        with store.r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(hkey)
                    record, cites_field, first_seen = pipe.hmget(hkey, "record", "cites", "first_seen")
                    if not record:
                        pipe.unwatch()
                        break
                    rec = json.loads(record)
                    old = read_rows(store, pipe, url, cites_field)
                    pipe.multi()
                    stage(store, pipe, url, rec, old, seen_at=rec["crawl"].get("fetched_at") or first_seen,
                          first_seen=first_seen)
                    pipe.execute()
                    n += 1
                    break
                except redis.WatchError:
                    continue
    for member in store.r.smembers(store._k("citedposts")):
        platform, key = member.split(":", 1)
        h = post_hash(store, platform, key)
        for url in store.r.hkeys(h):
            if not store.r.hexists(store._k("url", url), "record"):
                store.r.hdel(h, url)
        if not store.r.exists(h):
            store.r.srem(store._k("citedposts"), member)
    recount(store)  # the counts follow the rows (and a rebuild repairs them)
    store.r.hset(store._k("meta"), META_KEY, VERSION)
    if skipped:  # versions skipped while this ran (a worker without the index) keep it stale
        store.r.hincrby(store._k("meta"), SKIPPED_KEY, -skipped)
    return n
