"""The CLI never fails silently: bad input is one line and exit 2 before any request, a crawl
that read nothing exits non-zero, reading commands create nothing (issue 16)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3

import pytest
from conftest import FIXTURES, LOOPBACK, assert_valid, crawl, jsonl, make_article_site, run_cli

PAGE = FIXTURES / "pages" / "seed-embed.html"


def one_line(res) -> str:
    err = res.stderr.decode()
    assert "Traceback" not in err, err[-2000:]
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def article_site(tmp_path, serve_dir):
    """Three small articles and their sitemap on 127.0.0.1, counting requests."""
    return serve_dir(make_article_site(tmp_path / "site", 3))


# ---- bad input: one line, exit 2, nothing fetched -------------------------------------------


def test_bad_crawl_inputs_are_one_line_and_exit_2_before_any_request(article_site, tmp_path):
    url = f"{article_site.base}/a0.html"
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x81")
    (tmp_path / "comments.txt").write_text("# nothing yet\n\n")
    cases = [
        (("nope",), "no spider named 'nope'; the spiders are articles, feed, site, sitemap, warc"),
        (("articles",), "articles: give -a urls=URL,URL or -a file=PATH"),
        (("sitemap",), "sitemap: give -a url="),
        (("feed",), "feed: give -a url="),
        (("site",), "site: give -a url=START_PAGE"),
        (("warc",), "warc: give -a path=FILE"),
        (("articles", "-a", "urls=ftp://x/y"), "not an http(s) URL: ftp://x/y"),
        (("articles", "-a", "urls=http://"), "not an http(s) URL: http://"),
        (("articles", "-a", f"file={tmp_path / 'none.txt'}"), "none.txt: no such file"),
        (("articles", "-a", f"file={tmp_path / 'binary.txt'}"), "binary.txt: not UTF-8 text"),
        (("articles", "-a", f"file={tmp_path / 'comments.txt'}"), "comments.txt lists no URL"),
        (("sitemap", "-a", "url=example.org"), "'example.org' is not an http(s) URL"),
        (("feed", "-a", f"url={url}", "-a", "since=someday"), "since='someday' is not a date"),
        (("warc", "-a", f"path={tmp_path / 'none.warc.gz'}"), "none.warc.gz: no such file"),
        (("warc", "-a", f"path={tmp_path / 'a-dir'}"), "a-dir: not a file"),
        (("articles", "-a", f"urls={url}", "-o", str(tmp_path / "a-dir")), "a-dir is a directory"),
        (("articles", "-a", f"urls={url}", "-O", str(tmp_path / "a-dir") + ":jsonfeed"), "a-dir is a directory"),
        (("articles", "-a", f"urls={url}", "-o", str(tmp_path / "a-file" / "out.jsonl")), "a-file is a file"),
        (("articles", "-a", f"urls={url}", "-s", f"WARC_OUTPUT={tmp_path / 'a-file' / 'x.warc.gz'}"),
         "WARC_OUTPUT: "),
        (("articles", "-a", f"urls={url}", "-s", f"WARC_OUTPUT={tmp_path / 'a-dir'}"), "WARC_OUTPUT: "),
        (("articles", "-a", f"urls={url}", "-s", f"STATS_FILE={tmp_path / 'a-dir'}"), "STATS_FILE: "),
        (("articles", "-a", f"urls={url}", "-s", "STATE_URI=postgres://x/y"), "STATE_URI='postgres://x/y'"),
    ]
    for args, message in cases:
        res = run_cli("crawl", *args, *LOOPBACK, cwd=tmp_path)
        assert res.returncode == 2, (args, res.returncode, res.stderr.decode()[-1500:])
        assert message in one_line(res), (args, res.stderr)
    assert sum(article_site.requests.values()) == 0  # stopped before the first request
    assert not (tmp_path / ".state").exists()


def test_crawl_without_a_spider_lists_them(tmp_path):
    res = run_cli("crawl", cwd=tmp_path)
    assert res.returncode == 2
    line = one_line(res)
    assert "articles, feed, site, sitemap, warc" in line and "fetch" not in line


def test_extract_bad_usage_and_unsupported_scheme(tmp_path):
    res = run_cli("extract", "--max-bytes", "-5", str(PAGE))
    assert res.returncode == 2 and b"--max-bytes" in res.stderr and b"Traceback" not in res.stderr
    res = run_cli("extract", "ftp://example.org/story.html", str(PAGE))
    assert res.returncode == 1
    assert "ftp://example.org/story.html: unsupported URL scheme 'ftp'" in one_line(res)
    assert len(jsonl(res.stdout)) == 1  # the other input still runs


def test_feed_and_demo_bad_input(tmp_path):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-dir").mkdir()
    for args, message in (
            (("feed", "-o", str(tmp_path / "a-dir")), "a-dir is a directory"),
            (("feed", "-o", "f.json", "--limit", "0"), "--limit"),
            (("demo", "-o", str(tmp_path / "a-file")), "a-file is a file"),
            (("demo", "--site", str(tmp_path / "nowhere")), "cannot find the demo site")):
        res = run_cli(*args, cwd=tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        assert message in res.stderr.decode() and b"Traceback" not in res.stderr, (args, res.stderr)


# ---- reading commands never create a store ---------------------------------------------------


def test_feed_with_a_wrong_state_uri_creates_nothing(tmp_path):
    out = tmp_path / "feed.json"
    res = run_cli("feed", "-s", f"STATE_URI=sqlite:///{tmp_path / 'typo' / 'state.sqlite'}", "-o", str(out),
                  cwd=tmp_path)
    assert res.returncode == 2
    assert "no state store at" in one_line(res)
    assert not (tmp_path / "typo").exists() and not out.exists()
    res = run_cli("feed", "-o", str(out), cwd=tmp_path)  # the default store is not there either
    assert res.returncode == 2 and not (tmp_path / ".state").exists() and not out.exists()
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    res = run_cli("feed", "-s", f"STATE_URI=sqlite:///{other}", "-o", str(out), cwd=tmp_path)
    assert res.returncode == 2 and "not a crawler state store" in one_line(res)


def test_feed_on_an_empty_redis_database_creates_nothing(tmp_path, redis_url):
    import redis

    res = run_cli("feed", "-s", f"STATE_URI={redis_url}", "-o", str(tmp_path / "feed.json"), cwd=tmp_path)
    assert res.returncode == 2 and "no state store at" in one_line(res)
    assert redis.Redis.from_url(redis_url).dbsize() == 0


@pytest.fixture
def redis_url(tmp_path):
    import shutil
    import socket
    import subprocess
    import time

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/3"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---- a crawl that read nothing is not a success ---------------------------------------------


def test_crawl_that_fetched_nothing_exits_3_and_says_why(tmp_path):
    stats = tmp_path / "stats.json"
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    res, records = crawl("articles", "-a", f"urls={closed}/a.html,{closed}/b.html", "-s", "RETRY_TIMES=0",
                         "-s", f"STATS_FILE={stats}", cwd=tmp_path)
    assert res.returncode == 3, res.stderr.decode()[-2000:]
    assert records == []
    assert "crawler: crawl: no page could be fetched (2 failed) (exit 3)" in res.stderr.decode()
    summary = json.loads(stats.read_text())
    assert summary["exit_code"] == 3 and summary["why"] == "no page could be fetched (2 failed)"
    res, _ = crawl("sitemap", "-a", f"url={closed}/", "-s", "RETRY_TIMES=0", cwd=tmp_path)
    assert res.returncode == 3 and b"no sitemap or feed could be read" in res.stderr


def test_loopback_refused_by_default_is_a_failed_crawl(article_site, tmp_path):
    res = run_cli("crawl", "articles", "-a", f"urls={article_site.base}/a0.html", "-s", "STATE_ENABLED=0",
                  "-s", "PROGRESS_INTERVAL=0", cwd=tmp_path)
    assert res.returncode == 3 and sum(article_site.requests.values()) == 0


def test_every_page_failed_exits_4(article_site, tmp_path):
    for page in (article_site.root).glob("a*.html"):
        page.unlink()  # the sitemap still lists them: each answers 404
    res, records = crawl("sitemap", "-a", f"url={article_site.base}/sitemap.xml", cwd=tmp_path)
    assert res.returncode == 4 and records == []
    assert b"every article page failed (3 failed) (exit 4)" in res.stderr


def test_a_partly_failed_or_unchanged_crawl_exits_0(article_site, tmp_path):
    (article_site.root / "a0.html").unlink()
    res, records = crawl("sitemap", "-a", f"url={article_site.base}/sitemap.xml", cwd=tmp_path)
    assert res.returncode == 0 and len(records) == 2
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    for _ in range(2):  # the second run emits nothing: unchanged is not a failure
        res, records = crawl("sitemap", "-a", f"url={article_site.base}/sitemap.xml", cwd=tmp_path, state=state)
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert records == []


# ---- outputs as Scrapy users expect ----------------------------------------------------------


def test_dash_big_o_json_writes_a_json_array_and_feeds_setting_silences_stdout(article_site, tmp_path):
    urls = f"urls={article_site.base}/a0.html,{article_site.base}/a1.html"
    common = ("-s", "STATE_ENABLED=0", "-s", "PROGRESS_INTERVAL=0", *LOOPBACK)
    res = run_cli("crawl", "articles", "-a", urls, "-O", str(tmp_path / "out.json"), *common, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    records = json.loads((tmp_path / "out.json").read_text())
    assert isinstance(records, list) and len(records) == 2
    for r in records:
        assert_valid(r)
    feeds = json.dumps({str(tmp_path / "f.jsonl"): {"format": "jsonlines"}})
    res = run_cli("crawl", "articles", "-a", urls, "-s", f"FEEDS={feeds}", *common, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert res.stdout == b""
    assert len(jsonl((tmp_path / "f.jsonl").read_text())) == 2
    res = run_cli("crawl", "articles", "-a", urls, "-o", "-", *common, cwd=tmp_path)  # as scrapy: - is stdout
    assert res.returncode == 0 and len(jsonl(res.stdout)) == 2, res.stderr.decode()[-2000:]



def test_missing_folders_of_outputs_are_made(article_site, tmp_path):
    """As Scrapy does for -o: a folder that can be made is made (the cron line relies on it)."""
    res = run_cli("crawl", "articles", "-a", f"urls={article_site.base}/a0.html", "-s", "STATE_ENABLED=0",
                  "-o", str(tmp_path / "new" / "records" / "out.jsonl"), "-s", "PROGRESS_INTERVAL=0",
                  "-s", f"WARC_OUTPUT={tmp_path / 'new' / 'warc' / 'x.warc.gz'}", *LOOPBACK, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(jsonl((tmp_path / "new" / "records" / "out.jsonl").read_text())) == 1
    assert (tmp_path / "new" / "warc" / "x.warc.gz").stat().st_size > 0


# ---- the summary says what state did ----------------------------------------------------------


def test_summary_names_state_and_counts_posts_of_emitted_records(article_site, tmp_path):
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    stats = tmp_path / "stats.json"
    args = ("sitemap", "-a", f"url={article_site.base}/sitemap.xml", "-s", "STATE_TRUST_LASTMOD=False",
            "-s", f"STATS_FILE={stats}")
    res, first = crawl(*args, cwd=tmp_path, state=state)
    assert len(first) == 3 and json.loads(stats.read_text())["posts"] == 3
    assert "3 new" in json.loads(stats.read_text())["state"]
    for page in article_site.root.glob("a*.html"):  # new bytes (a new ETag), same findings
        page.write_text(page.read_text().replace("</body>", "<!-- rotated ad --></body>"))
    res, second = crawl(*args, "-s", "LOG_LEVEL=INFO", cwd=tmp_path, state=state)
    assert res.returncode == 0 and second == []
    summary = json.loads(stats.read_text())
    assert summary["records"] == 0 and summary["posts"] == 0  # dropped as unchanged: not counted
    line = next(ln for ln in res.stderr.decode().splitlines() if "summary:" in ln)
    assert "0 new, 3 unchanged since 20" in line and "-s STATE_ENABLED=0 to ignore state" in line


# ---- the warc spider: the article rules of live crawls ----------------------------------------


def _warc(path, captures):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, status, ctype, body in captures:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_warc_spider_emits_articles_once_per_url_and_version(tmp_path):
    article = PAGE.read_bytes()
    changed = article.replace(b"</article>", b'<iframe src="https://www.youtube.com/embed/NewEmbed123">'
                                             b"</iframe></article>")
    section = (b"<html><head><title>World news</title><meta property='og:type' content='website'></head>"
               b"<body><p>Section front: the latest world news, every hour, from our desks.</p></body></html>")
    home = b"<html><head><title>News</title></head><body><p>" + b"Headlines of the day. " * 20 + b"</p></body></html>"
    url = "https://news.example/2025/05/02/bridge-reopens"
    _warc(tmp_path / "a.warc.gz", [
        ("https://news.example/robots.txt", "200 OK", "text/plain", b"User-agent: *\nDisallow:\n"),
        ("https://news.example/world/", "200 OK", "text/html", section),
        ("https://news.example/", "200 OK", "text/html", home),
        ("https://news.example/2025/05/01/gone-story", "404 Not Found", "text/html", article),
        (url, "200 OK", "text/html; charset=utf-8", article),
        (url, "200 OK", "text/html; charset=utf-8", article),  # a repeated capture
    ])
    _warc(tmp_path / "b.warc.gz", [(url, "200 OK", "text/html", article), (url, "200 OK", "text/html", changed)])
    res, records = crawl("warc", "-a", f"path={tmp_path}/*.warc.gz", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert [r["crawl"]["url"] for r in records] == [url, url]
    assert len({r["version"] for r in records}) == 2
    res, _ = crawl("warc", "-a", f"path={tmp_path / 'none'}*.warc.gz", cwd=tmp_path)
    assert res.returncode == 2
    (tmp_path / "bad.warc.gz").write_bytes(b"not an archive")
    res, _ = crawl("warc", "-a", f"path={tmp_path / 'bad.warc.gz'}", cwd=tmp_path)
    assert res.returncode == 3 and b"no archive could be read" in res.stderr


# ---- Scrapy's own commands --------------------------------------------------------------------


def _scrapy(*args, cwd):
    import os
    import subprocess
    import sys

    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", *args], capture_output=True, cwd=cwd, env=env,
                          timeout=120)


def test_scrapy_list_check_and_parse(article_site, tmp_path):
    res = _scrapy("list", cwd=tmp_path)
    assert res.stdout.decode().split() == ["articles", "feed", "site", "sitemap", "warc"]
    res = _scrapy("check", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    ran = res.stderr.decode()
    assert "Ran 11 contracts" in ran and "OK" in ran
    assert not (tmp_path / ".state").exists()  # the sample pages did not enter a state store
    res = _scrapy("parse", f"{article_site.base}/a1.html", "--spider=articles", "-s", "STATE_ENABLED=0",
                  "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8", "--nolog", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert "1918000000000000001" in res.stdout.decode()  # the tweet of a1.html, scraped


# ---- ids: the full digest, old stores migrated ------------------------------------------------


def test_ids_hold_the_full_sha256_and_schema_id_is_a_urn():
    from crawler.records import record_schema

    res = run_cli("extract", str(PAGE), "--url", "https://www.latintimes.example/x")
    [record] = jsonl(res.stdout)
    canonical = record["article"]["canonical_url"]
    assert record["id"] == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    assert len(record["version"]) == len("sha256:") + 64
    assert record_schema()["$id"].startswith("urn:")


def test_a_store_with_truncated_ids_is_migrated_and_nothing_is_emitted_again(article_site, tmp_path):
    state_file = tmp_path / "state.sqlite"
    state = f"sqlite:///{state_file}"
    args = ("sitemap", "-a", f"url={article_site.base}/sitemap.xml", "-s", "STATE_TRUST_LASTMOD=False")
    res, first = crawl(*args, cwd=tmp_path, state=state)
    assert len(first) == 3
    db = sqlite3.connect(state_file)  # what a store written before full digests held
    for url, text in db.execute("SELECT url, record FROM urls").fetchall():
        rec = json.loads(text)
        rec["id"], rec["version"] = rec["id"][:39], rec["version"][:39]
        db.execute("UPDATE urls SET record = ?, record_id = ?, version = ?, etag = NULL, last_modified = NULL"
                   " WHERE url = ?", (json.dumps(rec), rec["id"], rec["version"], url))
    db.execute("DELETE FROM meta WHERE key = 'ids'")
    db.commit()
    db.close()
    feed = tmp_path / "feed.json"
    res = run_cli("feed", "-s", f"STATE_URI={state}", "-o", str(feed), cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    ids = {i["_provenance"]["record"]["id"] for i in json.loads(feed.read_text())["items"]}
    assert ids == {r["id"] for r in first}  # read back with their full digests
    res, second = crawl(*args, cwd=tmp_path, state=state)
    assert res.returncode == 0 and second == []  # same findings: nothing is "changed"
    versions = sqlite3.connect(state_file).execute("SELECT version FROM urls").fetchall()
    assert sorted(v for (v,) in versions) == sorted(r["version"] for r in first)


def test_gzip_helper_is_not_a_warc(tmp_path):
    """A gzip file that holds no WARC record is an unreadable archive, one error line."""
    (tmp_path / "x.warc.gz").write_bytes(gzip.compress(b"hello, not a warc"))
    res, records = crawl("warc", "-a", f"path={tmp_path / 'x.warc.gz'}", cwd=tmp_path)
    assert records == [] and res.returncode == 3


def test_a_redis_store_with_truncated_ids_is_migrated_on_open(redis_url):
    import redis

    from crawler.extract import CrawlMeta, extract_record
    from crawler.state import open_store

    url = "https://www.latintimes.example/rubio-third-countries-deportations"
    record = extract_record(PAGE.read_bytes(), CrawlMeta(url=url)).to_dict()
    old = dict(record, id=record["id"][:39], version=record["version"][:39])
    store = open_store(redis_url)
    store.begin_emit(url, old)
    store.finish_emit(url, old["version"])
    store.set_meta("jsonl_outputs", "[]")  # what every crawl leaves
    store.close()
    redis.Redis.from_url(redis_url).hdel("crawler:state:meta", "ids")  # as a store from before
    store = open_store(redis_url, create=False)
    try:
        assert store.get(url).version == record["version"] and store.get(url).record_id == record["id"]
        [latest] = store.latest()
        assert (latest["id"], latest["version"]) == (record["id"], record["version"])
    finally:
        store.close()
