"""The citation index in the Redis state store: the same crawl, done by two workers sharing a real
redis-server, answers ``crawler cites`` and ``crawler posts`` as the SQLite store does."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import LOOPBACK, ROOT, jsonl, run_cli
from test_citations import EMBED, LINK, OTHER_EMBED, POST, _article, _crawl, _site

from crawler.demo import SiteServer

# what must agree between stores (the times are each crawl's own)
SAME = ("platform", "post_key", "url", "record_id", "article_url", "publisher", "site", "title", "published",
        "version", "forms", "dropped_version")


def _two_workers(site, redis_url, tmp_path, tag):
    procs = [subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={site.base}/sitemap.xml",
         "-o", str(tmp_path / f"{tag}-w{i}.jsonl"), "-s", f"REDIS_URL={redis_url}", "-s", "IDLE_CLOSE_SECONDS=3",
         "-s", "REDIS_WORKER_TIMEOUT=3", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "STATE_TRUST_LASTMOD=False",
         "-s", "PROGRESS_INTERVAL=0", "-s", "ROBOTSTXT_OBEY=False", *LOOPBACK],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for i in (1, 2)]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()[-2000:]


def _answers(tmp_path, state):
    cites = jsonl(run_cli("cites", f"twitter:{POST}", "-s", f"STATE_URI={state}", cwd=tmp_path).stdout)
    posts = jsonl(run_cli("posts", "-s", f"STATE_URI={state}", cwd=tmp_path).stdout)
    top = jsonl(run_cli("posts", "--top", "1", "-s", f"STATE_URI={state}", cwd=tmp_path).stdout)  # ranked by counts
    return ([{k: r[k] for k in SAME} | {"dropped": r["dropped_at"] is not None} for r in cites],
            [{k: p[k] for k in ("platform", "post_key", "outlets", "articles", "author_handle")} for p in posts],
            [(p["platform"], p["post_key"], p["outlets"], p["articles"]) for p in top])


def test_two_redis_workers_answer_as_sqlite(tmp_path, redis_url):
    a = _site(tmp_path / "a", {"one.html": _article("One", "02", EMBED),
                               "two.html": _article("Two", "04", EMBED + OTHER_EMBED)})
    b = _site(tmp_path / "b", {"three.html": _article("Three", "03", LINK)})
    sqlite_state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    with SiteServer(a) as sa, SiteServer(b) as sb:
        for server, tag in ((sa, "a"), (sb, "b")):
            _crawl(server, tmp_path, sqlite_state)
            _two_workers(server, redis_url, tmp_path, tag)
        page = a / "two.html"  # "Two" drops the post
        page.write_text(_article("Two", "04", OTHER_EMBED))
        os.utime(page, (time.time() + 5, time.time() + 5))
        _crawl(sa, tmp_path, sqlite_state)
        _two_workers(sa, redis_url, tmp_path, "a2")
    in_sqlite, in_redis = _answers(tmp_path, sqlite_state), _answers(tmp_path, redis_url)
    assert len(in_sqlite[0]) == 3 and [r["dropped"] for r in in_sqlite[0]] == [False, False, True]
    assert in_sqlite[2] == [("twitter", POST, 2, 2)]
    assert in_redis == in_sqlite

    # the rank set the workers kept holds what the rows count (outlets * 2**26 + articles);
    # a store from before it has it counted when opened
    import redis

    r = redis.Redis.from_url(redis_url, decode_responses=True)
    counted = sorted((f"{p['platform']}:{p['post_key']}", p["outlets"], p["articles"]) for p in in_sqlite[1])

    def kept():
        return sorted((m, int(s) // 2**26, int(s) % 2**26)
                      for m, s in r.zrange("crawler:state:postrank", 0, -1, withscores=True))

    assert kept() == counted and len(counted) == 2
    r.delete("crawler:state:postrank", *r.scan_iter(match="crawler:state:citesites:*"))
    r.hdel("crawler:state:meta", "cites_rank")
    assert _answers(tmp_path, redis_url) == in_sqlite and kept() == counted

    res = run_cli("reindex", "-s", f"STATE_URI={redis_url}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert _answers(tmp_path, redis_url) == in_sqlite

    # a store from before the index (no rows, no meta field) is indexed when a reader opens it;
    # what the journal alone saw (the dropped row) cannot come back from the records
    for key in [*r.scan_iter(match="crawler:state:cite:*"), "crawler:state:citedposts"]:
        r.delete(key)
    for key in r.scan_iter(match="crawler:state:url:*"):
        r.hdel(key, "cites")
    r.hdel("crawler:state:meta", "cites_index")
    cites, _, top = _answers(tmp_path, redis_url)
    assert cites == [row for row in in_sqlite[0] if not row["dropped"]] and top == in_sqlite[2]


def test_a_worker_killed_between_journal_and_output_leaves_the_index_equal_to_the_outputs(tmp_path, redis_url):
    """One worker SIGKILLed after a version was marked pending (tests/killpoints.py), another
    finishing the crawl: every citing article is indexed once, at the version that was emitted."""
    n = 40
    root = _site(tmp_path / "site", {f"a{i}.html": _article(f"Article {i}", f"{1 + i % 28:02d}", EMBED)
                                     for i in range(n)})
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    kill = ("-s", 'ITEM_PIPELINES={"crawler.pipelines.ValidateRecordPipeline": 100, '
                  '"crawler.incremental.IncrementalPipeline": 200, "killpoints.KillAfterPending": 300}',
            "-s", "KILL_AT_ITEM=10")
    outs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    with SiteServer(root, delay=0.05) as server:
        def worker(out, *extra):
            return subprocess.Popen(
                [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
                 "-o", str(out), "-s", f"REDIS_URL={redis_url}", "-s", "IDLE_CLOSE_SECONDS=3",
                 "-s", "REDIS_WORKER_TIMEOUT=3", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=2",
                 "-s", "PROGRESS_INTERVAL=0", "-s", "ROBOTSTXT_OBEY=False", *LOOPBACK, *extra],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        first = worker(outs[0], *kill)
        first.communicate(timeout=240)
        assert first.returncode == -9
        # right after the kill the index holds what the output holds, not the pending version
        rows = jsonl(run_cli("cites", f"twitter:{POST}", "-s", f"STATE_URI={redis_url}", cwd=tmp_path).stdout)
        part1 = jsonl(outs[0].read_text())
        assert len(part1) == 9 and sorted(r["url"] for r in rows) == sorted(r["crawl"]["url"] for r in part1)
        second = worker(outs[1])
        _, err = second.communicate(timeout=240)
        assert second.returncode == 0, err.decode()[-2000:]
    emitted = [(r["crawl"]["url"], r["version"]) for out in outs if out.exists()
               for r in jsonl(out.read_text())]
    assert len(emitted) == len(set(emitted)) == n
    rows = jsonl(run_cli("cites", f"twitter:{POST}", "-s", f"STATE_URI={redis_url}", cwd=tmp_path).stdout)
    assert sorted((r["url"], r["version"]) for r in rows) == sorted(emitted)


def test_redis_index_off_is_stale_until_reindex(tmp_path, redis_url):
    """``CITATION_INDEX=False`` on the shared store: readers refuse in one line; a reindex
    answers as the SQLite store that kept its index."""
    a = _site(tmp_path / "a", {"one.html": _article("One", "02", EMBED),
                               "two.html": _article("Two", "04", EMBED + OTHER_EMBED)})
    sqlite_state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    with SiteServer(a) as sa:
        _crawl(sa, tmp_path, sqlite_state)
        _crawl(sa, tmp_path, redis_url, "-s", "CITATION_INDEX=False")
    for args in (["cites", f"twitter:{POST}"], ["posts"]):
        res = run_cli(*args, "-s", f"STATE_URI={redis_url}", cwd=tmp_path)
        err = res.stderr.decode()
        assert res.returncode == 1 and err.count("\n") == 1 and "2 article versions were stored with " \
            "CITATION_INDEX=False" in err and "crawler reindex" in err, err
    res = run_cli("reindex", "-s", f"STATE_URI={redis_url}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert _answers(tmp_path, redis_url) == _answers(tmp_path, sqlite_state)
    assert len(_answers(tmp_path, redis_url)[0]) == 2
