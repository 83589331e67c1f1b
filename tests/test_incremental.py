"""Scheduled, incremental crawls: conditional requests, versions, stats, rolling feed, lock, resume."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXTURES, LOOPBACK, ROOT, assert_valid, crawl, jsonl, make_article_site, run_cli, wait_until

from crawler.demo import SiteServer

ARTICLES = 24


@pytest.fixture
def site_copy(tmp_path):
    """A copy of the demo site that a test may edit, served on 127.0.0.1."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    with SiteServer(root) as server:
        yield server


def test_three_runs_new_unchanged_changed(site_copy, tmp_path):
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    stats = tmp_path / "stats.json"
    # every listed URL is requested here (no trust in sitemap lastmod): conditional requests
    url, no_lastmod = f"url={site_copy.base}/", ("-s", "STATE_TRUST_LASTMOD=False")
    res, run1 = crawl("sitemap", "-a", url, *no_lastmod, "-s", f"STATS_FILE={stats}", cwd=tmp_path, state=state)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(run1) == ARTICLES and all(r["previous_version"] is None for r in run1)
    s1 = json.loads(stats.read_text())
    assert s1["records"] == ARTICLES and s1["detail"]["state/new"] == ARTICLES

    site_copy.conditional.clear()
    res, run2 = crawl("sitemap", "-a", url, *no_lastmod, "-s", f"STATS_FILE={stats}", cwd=tmp_path, state=state)
    assert res.returncode == 0 and run2 == []
    s2 = json.loads(stats.read_text())
    # 8 articles are in both sitemaps: each article is requested once, conditionally
    assert s2["detail"]["state/unchanged_304"] == s2["detail"]["state/conditional_requests"] == ARTICLES
    assert s2["detail"]["listings/entries_repeated"] == 8
    article_paths = {p for p in site_copy.conditional if p.startswith("/2025/")}
    assert len(article_paths) == ARTICLES  # every article request was conditional
    assert not any(p.endswith((".xml", ".txt")) for p in site_copy.conditional)  # listings re-read

    page = next((tmp_path / "site" / "2025").rglob("*.html"))
    html = page.read_text()
    page.write_text(html.replace("</article>", '<iframe src="https://www.youtube.com/embed/NewEmbed123"></iframe></article>'))
    os.utime(page, (time.time() + 5, time.time() + 5))
    res, run3 = crawl("sitemap", "-a", url, *no_lastmod, "-s", f"STATS_FILE={stats}", cwd=tmp_path, state=state)
    assert res.returncode == 0
    [changed] = run3
    before = next(r for r in run1 if r["crawl"]["url"] == changed["crawl"]["url"])
    assert changed["crawl"]["url"].endswith(page.name)
    assert changed["id"] == before["id"] and changed["version"] != before["version"]
    assert changed["previous_version"] == before["version"]
    assert any(p["post_id"] == "NewEmbed123" for p in changed["posts"])
    s3 = json.loads(stats.read_text())
    assert s3["detail"]["state/changed"] == 1 and s3["detail"]["state/unchanged_304"] >= ARTICLES - 1


def test_sitemap_lastmod_spares_requests_for_unchanged_pages(site_copy, tmp_path):
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    url = f"url={site_copy.base}/sitemap.xml"
    res, run1 = crawl("sitemap", "-a", url, cwd=tmp_path, state=state)
    assert len(run1) == ARTICLES
    site_copy.requests.clear()
    res, run2 = crawl("sitemap", "-a", url, "-s", f"STATS_FILE={tmp_path / 's.json'}", cwd=tmp_path, state=state)
    assert run2 == [] and not any(p.startswith("/2025/") for p in site_copy.requests)
    assert json.loads((tmp_path / "s.json").read_text())["detail"]["state/unchanged_lastmod"] == ARTICLES
    # the site edits one page and says so in its sitemap: only that page is fetched again
    page = next((tmp_path / "site" / "2025").rglob("*.html"))
    page.write_text(page.read_text().replace("</article>", '<iframe src="https://vimeo.com/123456789"></iframe></article>'))
    sitemap = tmp_path / "site" / "sitemap.xml"
    rel = "/" + str(page.relative_to(tmp_path / "site"))
    sitemap.write_text(re.sub(rf"({re.escape(rel)}</loc><lastmod>)[^<]+", r"\g<1>2099-01-01", sitemap.read_text()))
    site_copy.requests.clear()
    res, run3 = crawl("sitemap", "-a", url, cwd=tmp_path, state=state)
    assert [r["crawl"]["url"] for r in run3] == [site_copy.base + rel]
    assert [p for p in site_copy.requests if p.startswith("/2025/")] == [rel]


def test_same_findings_with_new_bytes_emit_nothing(site_copy, tmp_path):
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    no_lastmod = ("-s", "STATE_TRUST_LASTMOD=False")
    res, run1 = crawl("sitemap", "-a", f"url={site_copy.base}/sitemap.xml", *no_lastmod, cwd=tmp_path, state=state)
    assert len(run1) == ARTICLES
    page = next((tmp_path / "site" / "2025").rglob("*.html"))
    page.write_text(page.read_text().replace("<header", '<div class="ad">Ad #98765</div><header'))
    os.utime(page, (time.time() + 5, time.time() + 5))
    res, run2 = crawl("sitemap", "-a", f"url={site_copy.base}/sitemap.xml", "-s", f"STATS_FILE={tmp_path / 's.json'}",
                      *no_lastmod, cwd=tmp_path, state=state)
    assert run2 == []
    assert json.loads((tmp_path / "s.json").read_text())["detail"]["state/unchanged_same_findings"] == 1


def test_rolling_feed_and_feed_command(site_copy, tmp_path):
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    rolling = tmp_path / "public" / "feed.json"
    res, _ = crawl("sitemap", "-a", f"url={site_copy.base}/", "-s", f"ROLLING_FEED={rolling}",
                   "-s", "ROLLING_FEED_LIMIT=10", cwd=tmp_path, state=state)
    assert res.returncode == 0
    feed = json.loads(rolling.read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 10
    dates = [datetime.fromisoformat(i["date_published"]) for i in feed["items"]]  # instants, not strings
    assert dates == sorted(dates, reverse=True)
    for item in feed["items"]:
        assert_valid(item["_provenance"]["record"])
    out = tmp_path / "cmd-feed.json"
    res = run_cli("feed", "-s", f"STATE_URI={state}", "-o", str(out), "--limit", "5", "--since", "2025-05-20",
                  cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    items = json.loads(out.read_text())["items"]
    since = datetime(2025, 5, 20, tzinfo=UTC)
    assert 0 < len(items) <= 5 and all(datetime.fromisoformat(i["date_published"]) >= since for i in items)
    assert run_cli("feed", "-o", str(out), "--since", "someday", cwd=tmp_path).returncode == 2


def test_second_run_on_a_locked_store_exits_with_a_clear_message(site_copy, tmp_path):
    from crawler.state import open_store

    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    holder = open_store(state)
    try:
        res, records = crawl("sitemap", "-a", f"url={site_copy.base}/", cwd=tmp_path, state=state)
    finally:
        holder.close()
    assert res.returncode != 0 and records == []
    assert b"is in use by another run" in res.stderr and b"Traceback" not in res.stderr


def test_kill_and_resume_loses_nothing_and_duplicates_nothing(tmp_path):
    n = 300
    make_article_site(tmp_path / "big", n)
    jobdir, state = tmp_path / "job", f"sqlite:///{tmp_path / 'state.sqlite'}"
    with SiteServer(tmp_path / "big", delay=0.01) as server:
        def run(out):
            return [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
                    "-o", str(tmp_path / out), "-s", f"JOBDIR={jobdir}", "-s", f"STATE_URI={state}",
                    "-s", "CONCURRENT_REQUESTS=4", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PROGRESS_INTERVAL=0",
                    *LOOPBACK]

        proc = subprocess.Popen(run("part1.jsonl"), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        part = tmp_path / "part1.jsonl"
        wait_until(lambda: proc.poll() is not None or (part.exists() and part.read_bytes().count(b"\n") >= n // 3),
                   120, "a third of the articles")
        assert proc.poll() is None, "the crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        part1 = jsonl((tmp_path / "part1.jsonl").read_bytes().decode("utf-8", "replace").rsplit("\n", 1)[0] + "\n")
        assert 0 < len(part1) < n
        res = subprocess.run(run("part2.jsonl"), cwd=ROOT, capture_output=True, timeout=300)
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    part2 = jsonl((tmp_path / "part2.jsonl").read_text())
    urls = [r["crawl"]["url"] for r in part1 + part2]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    assert len(set(urls)) == n, f"{n - len(set(urls))} articles were lost"


def test_sigkill_leaves_previous_whole_file_outputs_intact(tmp_path):
    n = 200
    make_article_site(tmp_path / "big", n)
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    feed, rolling = tmp_path / "feed.json", tmp_path / "rolling.json"
    old = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "previous run", "items": []})
    feed.write_text(old)
    rolling.write_text(old)
    with SiteServer(tmp_path / "big", delay=0.02) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
             "-O", str(tmp_path / "out.jsonl"), "-O", f"{feed}:jsonfeed", "-s", f"ROLLING_FEED={rolling}",
             "-s", f"STATE_URI={state}", "-s", "CONCURRENT_REQUESTS=2", "-s", "AUTOTHROTTLE_ENABLED=False", *LOOPBACK],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = tmp_path / "out.jsonl"
        wait_until(lambda: proc.poll() is not None or (out.exists() and out.read_bytes().count(b"\n") >= 20),
                   60, "20 records")
        assert proc.poll() is None, "the crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert feed.read_text() == old and rolling.read_text() == old
    from crawler.state import open_store

    store = open_store(state)  # the store opens cleanly after the kill
    store.close()


def test_killed_between_journal_and_output_the_next_run_emits_it(tmp_path):
    """SIGKILL exactly after the state marked a version pending and before the output got it
    (tests/killpoints.py): the next run rolls it back and emits it; nothing twice."""
    n = 60
    make_article_site(tmp_path / "site", n)
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    pipelines = ('ITEM_PIPELINES={"crawler.pipelines.ValidateRecordPipeline": 100, '
                 '"crawler.incremental.IncrementalPipeline": 200, "killpoints.KillAfterPending": 300}')
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    with SiteServer(tmp_path / "site") as server:
        def run(out, *extra):
            return subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
                 "-o", str(tmp_path / out), "-s", f"STATE_URI={state}", "-s", "PROGRESS_INTERVAL=0",
                 "-s", "CONCURRENT_REQUESTS=1", *LOOPBACK, *extra],
                cwd=ROOT, env=env, capture_output=True, timeout=300)

        killed = run("part1.jsonl", "-s", pipelines, "-s", "KILL_AT_ITEM=25")
        assert killed.returncode == -signal.SIGKILL
        part1 = jsonl((tmp_path / "part1.jsonl").read_text())
        assert len(part1) == 24  # the 25th was pending, not written
        res = run("part2.jsonl")
        assert res.returncode == 0, res.stderr.decode()[-2000:]
        assert b"settled 1 versions left pending" in res.stderr
    part2 = jsonl((tmp_path / "part2.jsonl").read_text())
    urls = [r["crawl"]["url"] for r in part1 + part2]
    assert len(urls) == len(set(urls)) == n


def test_lastmod_comparison_reads_iso_and_other_date_forms():
    from crawler.spiders.base import not_newer

    seen = "2025-05-02T10:00:00Z"  # how the state store writes last_seen
    assert not_newer("2025-05-01", seen)
    assert not_newer("2025-05-02T09:59:59+00:00", seen)
    assert not not_newer("2025-05-02T12:00:00+02:00", "2025-05-02T09:00:00Z")  # 10:00 UTC is newer
    assert not_newer("Thu, 01 May 2025 08:00:00 GMT", seen)  # RFC 2822 in a feed: dateutil
    assert not not_newer("not a date", seen) and not not_newer(None, seen) and not not_newer("2025-05-01", None)


def _fsize_limit(limit: int):
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_feed_write_that_fails_midway_leaves_the_previous_feed_intact(site_copy, tmp_path):
    """The OS refuses the write after 64 KiB (RLIMIT_FSIZE): a real failure in the middle of the
    document. The published feed must still be the previous whole one, and no temporary file left."""
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    res, records = crawl("sitemap", "-a", f"url={site_copy.base}/", cwd=tmp_path, state=state)
    assert len(records) == ARTICLES
    public = tmp_path / "public"
    public.mkdir()
    feed = public / "feed.json"
    old = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "previous run", "items": []})
    feed.write_text(old)
    command = [sys.executable, "-m", "crawler", "feed", "-s", f"STATE_URI={state}", "-o", str(feed)]
    failed = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120, preexec_fn=_fsize_limit(65536))
    assert failed.returncode != 0 and b"File too large" in failed.stderr, failed.stderr.decode()[-2000:]
    assert feed.read_text() == old
    assert [p.name for p in public.iterdir()] == ["feed.json"]  # the half-written temporary file is gone
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120)  # the control: no limit
    assert ok.returncode == 0 and len(json.loads(feed.read_text())["items"]) == ARTICLES
    assert len(feed.read_bytes()) > 65536  # so the limit above did cut the document


def test_readers_never_see_a_partial_document(tmp_path):
    """A reader polling the file while it is rewritten sees one whole document or the other."""
    import threading

    from crawler.extensions import write_atomic

    path = tmp_path / "feed.json"
    docs = [json.dumps({"n": n, "items": ["x" * 200] * 20_000}).encode() for n in (1, 2)]  # 4 MB each
    path.write_bytes(docs[0])
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            data = path.read_bytes()
            seen.add(data[:8] if data in docs else b"PARTIAL")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(20):
            write_atomic(str(path), docs[i % 2])
    finally:
        stop.set()
        reader.join()
    assert b"PARTIAL" not in seen and len(seen) >= 1


def test_the_lock_message_names_the_running_run_and_lock_wait_waits(site_copy, tmp_path):
    from crawler.state import open_store

    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    holder = open_store(state)
    try:
        res, _ = crawl("sitemap", "-a", f"url={site_copy.base}/", cwd=tmp_path, state=state)
        assert f"is in use by another run (pid {os.getpid()})".encode() in res.stderr
        # STATE_LOCK_WAIT: the second run waits on the lock instead of giving up...
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={site_copy.base}/", "-o",
             str(tmp_path / "waited.jsonl"), "-s", f"STATE_URI={state}", "-s", "STATE_LOCK_WAIT=120",
             "-s", "PROGRESS_INTERVAL=0", *LOOPBACK], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        lock = str(tmp_path / "state.sqlite.lock")
        wait_until(lambda: proc.poll() is not None or lock in _open_files(proc.pid), 60, "the run to open the lock")
        time.sleep(1.0)  # not a timing assertion: give a run that would not wait the time to give up
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert sum(site_copy.requests.values()) == 0  # ...and does nothing before it has the lock
    finally:
        holder.close()
    # ...then runs once the first one is done
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert len(jsonl((tmp_path / "waited.jsonl").read_text())) == ARTICLES


def _open_files(pid: int) -> set[str]:
    files = set()
    for fd in (Path("/proc") / str(pid) / "fd").iterdir():
        try:
            files.add(os.readlink(fd))
        except OSError:
            pass
    return files
