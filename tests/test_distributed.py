"""Several workers share one frontier and one state store on a real redis-server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import LOOPBACK, ROOT, assert_valid, jsonl, make_article_site, wait_until

from crawler.demo import SiteServer

N = 300


@pytest.fixture
def big_site(tmp_path):
    with SiteServer(make_article_site(tmp_path / "big", N), delay=0.05) as server:
        yield server


KILL_AFTER_PENDING = ("-s", 'ITEM_PIPELINES={"crawler.pipelines.ValidateRecordPipeline": 100, '
                      '"crawler.incremental.IncrementalPipeline": 200, "killpoints.KillAfterPending": 300}')


def worker(site, redis_url, out, *extra):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={site.base}/sitemap.xml", "-o", str(out),
         "-s", f"REDIS_URL={redis_url}", "-s", "IDLE_CLOSE_SECONDS=3", "-s", "REDIS_WORKER_TIMEOUT=3",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=2",
         "-s", "PROGRESS_INTERVAL=0", "-s", "ROBOTSTXT_OBEY=False", *LOOPBACK, *extra],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _records(*paths):
    records = []
    for p in paths:
        if p.exists():
            text = p.read_bytes().decode("utf-8", "replace")
            records += jsonl(text if text.endswith("\n") else text.rsplit("\n", 1)[0] + "\n")
    for r in records:
        assert_valid(r)
    return records


def test_two_workers_share_the_frontier(big_site, redis_url, tmp_path):
    outs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    procs = [worker(big_site, redis_url, outs[0]), worker(big_site, redis_url, outs[1])]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()[-2000:]
    per_worker = [_records(o) for o in outs]
    assert all(per_worker), "both workers did work"
    urls = [r["crawl"]["url"] for recs in per_worker for r in recs]
    assert len(urls) == len(set(urls)) == N  # every article emitted once
    article_hits = {p: n for p, n in big_site.requests.items() if p.startswith("/a")}
    assert len(article_hits) == N and set(article_hits.values()) == {1}  # every page fetched once
    assert big_site.requests["/sitemap.xml"] == 1  # start documents queued once per run
    assert len({r["crawl"]["crawl_id"] for recs in per_worker for r in recs}) == 1

    # a later run is a new run: its fingerprints do not block revisiting, requests are conditional
    big_site.requests.clear()
    again = worker(big_site, redis_url, tmp_path / "later.jsonl")
    _, err = again.communicate(timeout=240)
    assert again.returncode == 0, err.decode()[-2000:]
    assert _records(tmp_path / "later.jsonl") == []
    assert len(big_site.conditional) >= N and big_site.requests["/sitemap.xml"] == 1


def test_a_killed_worker_loses_nothing(big_site, redis_url, tmp_path):
    outs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl", tmp_path / "w3.jsonl"]
    import redis

    first = worker(big_site, redis_url, outs[0], "-s", "WORKER_ID=doomed")
    time.sleep(1.0)
    second = worker(big_site, redis_url, outs[1])
    wait_until(lambda: first.poll() is not None or (
        outs[0].exists() and outs[0].read_bytes().count(b"\n") >= N // 4), 120, "a quarter of the articles")
    assert first.poll() is None, "the first worker finished before it could be killed"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL  # it was running, and died by the signal
    # it died holding leases (its presence outlives it by REDIS_WORKER_TIMEOUT=3 s, so nobody
    # has taken them back yet): the requeue below is what the test proves
    owners = redis.Redis.from_url(redis_url, decode_responses=True)
    [owners_key] = owners.keys("crawler:run:*:owners")
    held = [v for v in owners.hvals(owners_key) if v.startswith("doomed|")]
    assert held, "the killed worker held no lease"
    _, err2 = second.communicate(timeout=240)
    assert second.returncode == 0, err2.decode()[-2000:]
    assert b"re-queued" in err2  # the survivor took the dead worker's leases back
    # the killed worker restarts later and settles what it left pending
    third = worker(big_site, redis_url, outs[2])
    _, err = third.communicate(timeout=240)
    assert third.returncode == 0, err.decode()[-2000:]
    urls = [r["crawl"]["url"] for r in _records(*outs)]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    assert len(set(urls)) == N, f"{N - len(set(urls))} articles lost"


def test_a_worker_killed_between_journal_and_output_loses_nothing(big_site, redis_url, tmp_path):
    """The worst moment: a record marked pending in the shared state, not yet in the output.
    The request's lease outlives the worker; another worker re-fetches the page, finds the
    version pending by a stopped worker, sees it in no output, and emits it."""
    outs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    first = worker(big_site, redis_url, outs[0], *KILL_AFTER_PENDING, "-s", "KILL_AT_ITEM=40")
    second = worker(big_site, redis_url, outs[1])
    first.wait(timeout=240)
    assert first.returncode == -signal.SIGKILL
    _, err = second.communicate(timeout=240)
    assert second.returncode == 0, err.decode()[-2000:]
    urls = [r["crawl"]["url"] for r in _records(*outs)]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    assert len(set(urls)) == N, f"{N - len(set(urls))} articles lost"
    assert b"re-queued" in err


def test_an_interrupted_runs_keys_expire_after_redis_run_ttl(big_site, redis_url, tmp_path):
    """A run stopped before its end (SIGTERM: Scrapy's graceful stop) keeps its queue for the
    next start, but only for REDIS_RUN_TTL seconds: no key of it is left without an expiry."""
    import redis

    out = tmp_path / "out.jsonl"
    w = worker(big_site, redis_url, out, "-s", "REDIS_RUN_TTL=600", "-s", "CRAWL_ID=ttl-run")
    wait_until(lambda: w.poll() is not None or (out.exists() and out.read_bytes().count(b"\n") >= 20), 120,
               "20 records")
    assert w.poll() is None, "the worker finished before it could be stopped"
    w.send_signal(signal.SIGTERM)
    _, err = w.communicate(timeout=120)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = client.keys("crawler:run:*")
    assert "crawler:run:ttl-run:requests" in keys, (keys, err.decode()[-2000:])  # the rest of the queue is kept...
    ttls = {k: client.ttl(k) for k in keys}
    assert all(0 < t <= 600 for t in ttls.values()), ttls  # ...and every key of the run expires


def test_the_seeding_worker_whose_start_another_worker_read_did_not_fail():
    """Two workers on a one-sitemap site: the worker that seeded the run may not pop the sitemap,
    the other having read it first; it then reads nothing, or the pages the sitemap listed. It
    failed at nothing, so it exits 0 (4 when every page it read failed); alone, or when its own
    read of the sitemap failed, the same counts still say the run read nothing (exit 3)."""
    from scrapy.utils.test import get_crawler

    from crawler.extensions import EXIT_ALL_PAGES_FAILED, EXIT_NOTHING_READ, crawl_outcome

    idle = get_crawler().stats
    assert crawl_outcome(idle, "listings", distributed=True) == (0, None)
    assert crawl_outcome(idle, "listings")[0] == EXIT_NOTHING_READ
    busy = get_crawler().stats  # it read the pages the other worker's sitemap listed, no sitemap itself
    busy.set_value("response_received_count", 261)
    busy.set_value("pages/extracted", 261)
    assert crawl_outcome(busy, "listings", distributed=True) == (0, None)
    assert crawl_outcome(busy, "listings")[0] == EXIT_NOTHING_READ
    busy.set_value("pages/failed", 5)
    busy.set_value("pages/extracted", 0)
    assert crawl_outcome(busy, "listings", distributed=True)[0] == EXIT_ALL_PAGES_FAILED
    failed = get_crawler().stats
    failed.set_value("listings/failed", 1)
    failed.set_value("response_received_count", 1)
    assert crawl_outcome(failed, "listings", distributed=True)[0] == EXIT_NOTHING_READ
