"""The citation index: real crawls of two loopback sites whose articles cite one post, one later
edited to drop it; ``crawler cites`` / ``posts`` / ``reindex`` / ``feed --post`` run as commands."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import LOOPBACK, ROOT, crawl, jsonl, run_cli

from crawler.demo import SiteServer

POST = "1918000000000000001"
OTHER = "1918000000000000099"


def _article(title: str, day: str, body: str) -> str:
    return (f"<html><head><title>{title}</title><meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='2025-05-{day}T09:00:00Z'></head><body><article>"
            f"<h1>{title}</h1><p>{title} is a story long enough to be the body of an article here.</p>"
            f"{body}</article></body></html>")


EMBED = (f"<blockquote class='twitter-tweet'><p>The statement</p>&mdash; Mayor (@mayor) "
         f"<a href='https://twitter.com/mayor/status/{POST}'>May 1, 2025</a></blockquote>")
LINK = f"<p>As <a href='https://x.com/mayor/status/{POST}?s=20'>the mayor wrote</a>, it is so.</p>"
# One embeds these, Three links to them in other forms (a bsky URL with the DID, then the handle)
YT, IG, BSKY = "dQw4w9WgXcQ", "Cabc123XYZ", "3kabc2defgh2x"
MORE_EMBEDS = (f"<iframe src='https://www.youtube.com/embed/{YT}'></iframe>"
               f"<blockquote class='instagram-media' data-instgrm-permalink='https://www.instagram.com/reel/{IG}/"
               f"?utm_source=ig_embed'><a href='https://www.instagram.com/reel/{IG}/'>A post shared by x</a></blockquote>"
               f"<p>See <a href='https://bsky.app/profile/did:plc:abc123xyz/post/{BSKY}'>the skeet</a>.</p>")
MORE_LINKS = (f"<p>Watch <a href='https://youtu.be/{YT}'>this</a>, <a href='https://www.instagram.com/p/{IG}/'>that</a>"
              f" and <a href='https://bsky.app/profile/mayor.bsky.social/post/{BSKY}'>the skeet</a>.</p>")
OTHER_EMBED = (f"<blockquote class='twitter-tweet'><a href='https://twitter.com/other/status/{OTHER}'>"
               "May 2, 2025</a></blockquote>")


def _site(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        (root / name).write_text(html)
    locs = "".join(f"<url><loc>__BASE__/{name}</loc></url>" for name in pages)
    (root / "sitemap.xml").write_text(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
    return root


@pytest.fixture
def two_sites(tmp_path):
    a = _site(tmp_path / "a", {"one.html": _article("One", "02", EMBED + MORE_EMBEDS),
                               "two.html": _article("Two", "04", EMBED + OTHER_EMBED)})
    b = _site(tmp_path / "b", {"three.html": _article("Three", "03", LINK + MORE_LINKS)})
    with SiteServer(a) as sa, SiteServer(b) as sb:
        yield sa, sb, a


def _crawl(server, tmp_path, state, *extra):
    res, records = crawl("sitemap", "-a", f"url={server.base}/sitemap.xml", "-s", "STATE_TRUST_LASTMOD=False",
                         *extra, cwd=tmp_path, state=state)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    return records


def _cites(tmp_path, state, *args):
    return run_cli("cites", *args, "-s", f"STATE_URI={state}", cwd=tmp_path)


def test_three_articles_two_sites_one_edited_to_drop_the_post(two_sites, tmp_path):
    sa, sb, a_root = two_sites
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    assert len(_crawl(sa, tmp_path, state)) == 2
    assert len(_crawl(sb, tmp_path, state)) == 1

    res = _cites(tmp_path, state, f"https://twitter.com/mayor/status/{POST}")
    assert res.returncode == 0, res.stderr.decode()
    rows = jsonl(res.stdout)  # piped: JSON Lines
    assert [r["title"] for r in rows] == ["One", "Three", "Two"]  # oldest first
    assert {r["site"] for r in rows} == {sa.base.split("//")[1], sb.base.split("//")[1]}
    three = next(r for r in rows if r["title"] == "Three")
    assert three["forms"] == ["link"] and three["dropped_at"] is None
    assert all(r["record_id"].startswith("sha256:") and r["version"] and r["first_seen"] for r in rows)

    # the editor removes the embed from "Two": its row stays, marked dropped with the time seen gone
    page = a_root / "two.html"
    page.write_text(_article("Two", "04", OTHER_EMBED))
    os.utime(page, (time.time() + 5, time.time() + 5))
    [edited] = _crawl(sa, tmp_path, state)
    rows = jsonl(_cites(tmp_path, state, f"twitter:{POST}").stdout)
    two = next(r for r in rows if r["title"] == "Two")
    assert two["dropped_at"] == edited["crawl"]["fetched_at"] and two["dropped_version"] == edited["version"]
    assert [r["dropped_at"] is None for r in rows] == [True, True, False]

    posts = jsonl(run_cli("posts", "--platform", "tweet", "-s", f"STATE_URI={state}", cwd=tmp_path).stdout)
    assert [(p["post_key"], p["outlets"], p["articles"]) for p in posts] == [(POST, 2, 2), (OTHER, 1, 1)]
    assert posts[0]["author_handle"] == "mayor"
    assert {p["post_key"] for p in jsonl(run_cli("posts", "--min-outlets", "2", "-s", f"STATE_URI={state}",
                                                 cwd=tmp_path).stdout)} == {POST, YT, IG, BSKY}
    assert len(jsonl(run_cli("posts", "--top", "1", "-s", f"STATE_URI={state}", cwd=tmp_path).stdout)) == 1
    assert jsonl(_cites(tmp_path, state, f"twitter:{POST}", "--site", sb.base.split("//")[1]).stdout)[0]["title"] \
        == "Three"
    assert [r["title"] for r in jsonl(_cites(tmp_path, state, f"twitter:{POST}", "--since", "2025-05-03",
                                             "--limit", "1").stdout)] == ["Three"]

    # a reindex keeps every row (and what was dropped); from an emptied index it rebuilds the
    # rows of the posts cited now from the stored records
    res = run_cli("reindex", "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert jsonl(_cites(tmp_path, state, f"twitter:{POST}").stdout) == rows
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        db.execute("DELETE FROM cites")
    db.close()
    assert run_cli("reindex", "-s", f"STATE_URI={state}", cwd=tmp_path).returncode == 0
    rebuilt = jsonl(_cites(tmp_path, state, f"twitter:{POST}").stdout)
    assert [(r["title"], r["version"]) for r in rebuilt] == [(r["title"], r["version"]) for r in rows[:2]]

    # a per-post feed: the articles citing it now, newest first
    feed = tmp_path / "post.json"
    res = run_cli("feed", "--post", f"https://x.com/mayor/status/{POST}?s=20", "-o", str(feed),
                  "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    doc = json.loads(feed.read_text())
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in doc["items"]] == ["Three", "One"]


def test_every_pasted_form_gives_the_same_answer(two_sites, tmp_path):
    sa, sb, _ = two_sites
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    _crawl(sa, tmp_path, state)
    _crawl(sb, tmp_path, state)
    forms = [f"https://twitter.com/mayor/status/{POST}", f"https://x.com/mayor/status/{POST}?s=20",
             f"https://mobile.twitter.com/mayor/status/{POST}", f"twitter.com/mayor/status/{POST}",
             f"https://www.x.com/mayor/status/{POST}/photo/1", f"twitter:{POST}", f"x:{POST}"]
    others = {
        "youtube": [f"https://www.youtube.com/watch?v={YT}", f"https://youtu.be/{YT}", f"https://m.youtube.com/watch?v={YT}&t=42",
                    f"https://www.youtube.com/shorts/{YT}", f"youtube:{YT}"],
        "instagram": [f"https://www.instagram.com/p/{IG}/", f"https://instagram.com/reel/{IG}/?igsh=abc",
                      f"instagram:{IG}"],
        "bluesky": [f"https://bsky.app/profile/mayor.bsky.social/post/{BSKY}",
                    f"https://bsky.app/profile/did:plc:abc123xyz/post/{BSKY}", f"bluesky:{BSKY}"],
    }
    for expected, group in ((3, forms), *((2, g) for g in others.values())):
        answers = []
        for form in group:
            res = _cites(tmp_path, state, form, "--json")
            assert res.returncode == 0, (form, res.stderr.decode())
            answers.append(res.stdout)
        assert len(jsonl(answers[0])) == expected and all(a == answers[0] for a in answers), group
        assert [r["title"] for r in jsonl(answers[0])][:2] == ["One", "Three"]


def test_unknown_post_bad_input_and_missing_store(two_sites, tmp_path):
    sa, _, _ = two_sites
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    _crawl(sa, tmp_path, state)
    res = _cites(tmp_path, state, "https://x.com/nobody/status/1234567890123")
    assert res.returncode == 1 and res.stderr.decode().count("\n") == 1
    assert "no article in the store cites twitter:1234567890123" in res.stderr.decode()
    res = _cites(tmp_path, state, "https://example.com/news/today")
    assert res.returncode == 2 and res.stderr.decode().count("\n") == 1 and "PLATFORM:ID" in res.stderr.decode()
    assert b"Traceback" not in res.stderr
    feed = tmp_path / "feed.json"
    res = run_cli("feed", "--post", "twitter:1234567890123", "-o", str(feed), "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 1 and not feed.exists() and b"no article in the store cites" in res.stderr
    res = run_cli("feed", "--post", "myspace:12", "-o", str(feed), "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 2 and not feed.exists() and b"not a platform we know" in res.stderr
    res = run_cli("posts", "--platform", "myspace", "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.decode().count("\n") == 1
    missing = tmp_path / "nope.sqlite"
    res = _cites(tmp_path, f"sqlite:///{missing}", f"twitter:{POST}")
    assert res.returncode == 2 and not missing.exists()  # a reader never creates a store


def test_a_store_from_before_the_index_is_indexed_on_open(two_sites, tmp_path):
    sa, _, _ = two_sites
    path = tmp_path / "state.sqlite"
    _crawl(sa, tmp_path, f"sqlite:///{path}")
    with sqlite3.connect(path) as db:  # what an older version left: no table, no meta key
        db.execute("DROP TABLE cites")
        db.execute("DELETE FROM meta WHERE key = 'cites_index'")
    db.close()
    rows = jsonl(_cites(tmp_path, f"sqlite:///{path}", f"twitter:{POST}").stdout)
    assert [r["title"] for r in rows] == ["One", "Two"]

    def ranked(*args):
        return jsonl(run_cli("posts", *args, "-s", f"STATE_URI=sqlite:///{path}", cwd=tmp_path).stdout)

    # the kept counts agree with the rebuilt rows (not counted twice), and a store from before
    # the counts has them counted when opened
    assert ranked() == ranked("--since", "1900-01-01") and ranked()[0]["articles"] == 2
    with sqlite3.connect(path) as db:
        db.executescript("DROP TABLE cite_posts; DROP TABLE cite_sites; DELETE FROM meta WHERE key = 'cites_summary';")
    db.close()
    assert ranked() == ranked("--since", "1900-01-01") and ranked()[0]["articles"] == 2


def test_killed_and_resumed_run_leaves_no_row_missing_or_doubled(tmp_path):
    """SIGKILL after the journal marked a version pending and before the output got it
    (tests/killpoints.py): after the resumed run, the index holds exactly the emitted versions."""
    n = 30
    root = _site(tmp_path / "site", {f"a{i}.html": _article(f"Article {i}", f"{1 + i % 28:02d}", EMBED)
                                     for i in range(n)})
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    pipelines = ('ITEM_PIPELINES={"crawler.pipelines.ValidateRecordPipeline": 100, '
                 '"crawler.incremental.IncrementalPipeline": 200, "killpoints.KillAfterPending": 300}')
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    with SiteServer(root) as server:
        def run(out, *extra):
            return subprocess.run(
                [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
                 "-o", str(tmp_path / out), "-s", f"STATE_URI={state}", "-s", "PROGRESS_INTERVAL=0",
                 "-s", "CONCURRENT_REQUESTS=1", *LOOPBACK, *extra],
                cwd=ROOT, env=env, capture_output=True, timeout=300)

        killed = run("part1.jsonl", "-s", pipelines, "-s", "KILL_AT_ITEM=12")
        assert killed.returncode == -signal.SIGKILL
        part1 = jsonl((tmp_path / "part1.jsonl").read_text())
        assert len(part1) == 11
        assert len(jsonl(_cites(tmp_path, state, f"twitter:{POST}").stdout)) == 11  # not the pending one
        res = run("part2.jsonl")
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    emitted = {(r["crawl"]["url"], r["version"]) for r in part1 + jsonl((tmp_path / "part2.jsonl").read_text())}
    rows = jsonl(_cites(tmp_path, state, f"twitter:{POST}").stdout)
    assert len(rows) == n and {(r["url"], r["version"]) for r in rows} == emitted


QUOTED = "<blockquote><p>We will rebuild the bridge.</p><p>— The Mayor (@mayor) May 1, 2025</p></blockquote>"


def test_watched_posts_get_their_feeds_at_the_end_of_each_run(tmp_path):
    root = _site(tmp_path / "site", {"one.html": _article("One", "02", EMBED),
                                     "four.html": _article("Four", "05", QUOTED)})
    watch, feeds = tmp_path / "watch.txt", tmp_path / "public" / "posts"
    # a post URL as pasted, a post without id (handle and day), a comment
    watch.write_text(f"# the bridge story\nhttps://x.com/mayor/status/{POST}?s=20\ntwitter:@mayor/2025-05-01\n")
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    with SiteServer(root) as server:
        _crawl(server, tmp_path, state, "-s", f"CITES_FEEDS={feeds}", "-s", f"WATCH={watch}")
    by_id = json.loads((feeds / f"twitter-{POST}.json").read_text())
    assert [i["title"] for i in by_id["items"]] == ["One"] and by_id["title"] == f"Articles citing twitter:{POST}"
    quoted = json.loads((feeds / "twitter-_mayor_2025-05-01.json").read_text())
    assert [i["title"] for i in quoted["items"]] == ["Four"]
    rows = jsonl(_cites(tmp_path, state, "twitter:@mayor/2025-05-01").stdout)
    assert [(r["title"], r["forms"]) for r in rows] == [("Four", ["text"])]


def test_a_terminal_gets_a_table(two_sites, tmp_path):
    import pty

    sa, _, _ = two_sites
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    _crawl(sa, tmp_path, state)
    primary, secondary = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "crawler", "cites", f"twitter:{POST}", "-s", f"STATE_URI={state}"],
                          stdout=secondary, stderr=subprocess.PIPE, cwd=ROOT, timeout=60)
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(primary)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = out.decode().splitlines()
    assert lines[0].split()[:3] == ["PUBLISHED", "SITE", "TITLE"] and len(lines) == 3
    assert "One" in lines[1] and "Two" in lines[2] and not out.lstrip().startswith(b"{")


def test_a_bad_watch_list_stops_the_crawl_before_it_starts(tmp_path):
    watch = tmp_path / "watch.txt"
    watch.write_text(f"twitter:{POST}\nhttps://example.com/not-a-post\n")
    state = tmp_path / "state.sqlite"
    res, records = crawl("sitemap", "-a", "url=http://127.0.0.1:9/sitemap.xml", "-s", f"CITES_FEEDS={tmp_path / 'f'}",
                         "-s", f"WATCH={watch}", cwd=tmp_path, state=f"sqlite:///{state}")
    err = res.stderr.decode()
    assert res.returncode == 2 and records == [] and "Traceback" not in err, err[-2000:]
    assert f"{watch}:2" in err and "PLATFORM:ID" in err and not state.exists()
    res, _ = crawl("sitemap", "-a", "url=http://127.0.0.1:9/sitemap.xml", "-s", f"WATCH={watch}", cwd=tmp_path,
                   state=f"sqlite:///{state}")
    assert res.returncode == 2 and b"CITES_FEEDS and WATCH go together" in res.stderr
    watch.write_text(f"twitter:{POST}\n")  # a good list, but no index to answer it
    res, _ = crawl("sitemap", "-a", "url=http://127.0.0.1:9/sitemap.xml", "-s", f"CITES_FEEDS={tmp_path / 'f'}",
                   "-s", f"WATCH={watch}", "-s", "CITATION_INDEX=False", cwd=tmp_path, state=f"sqlite:///{state}")
    assert res.returncode == 2 and b"CITES_FEEDS needs the citation index" in res.stderr and not state.exists()


# what a crawl's own times change (first/last seen); every other field must agree between stores
_TIMES = ("first_seen", "last_seen")


def _without_times(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in _TIMES} for r in rows]


def test_citation_index_off_same_records_stale_until_reindex(two_sites, tmp_path):
    sa, sb, _ = two_sites
    on, off = f"sqlite:///{tmp_path / 'on.sqlite'}", f"sqlite:///{tmp_path / 'off.sqlite'}"
    kept = [_crawl(s, tmp_path, on) for s in (sa, sb)]
    skipped = [_crawl(s, tmp_path, off, "-s", "CITATION_INDEX=False") for s in (sa, sb)]

    def same(records):
        return sorted((r["id"], r["version"], json.dumps(r["posts"], sort_keys=True)) for r in records)

    assert [same(r) for r in skipped] == [same(r) for r in kept] and len(kept[0]) == 2

    # no silent partial answer: every reader says why, in one line, and what to run
    for args in (["cites", f"twitter:{POST}"], ["posts", "--top", "3"],
                 ["feed", "--post", f"twitter:{POST}", "-o", str(tmp_path / "feed.json")]):
        res = run_cli(*args, "-s", f"STATE_URI={off}", cwd=tmp_path)
        err = res.stderr.decode()
        assert res.returncode == 1 and res.stdout == b"" and err.count("\n") == 1, (args, err)
        assert "incomplete: 3 article versions were stored with CITATION_INDEX=False" in err
        assert f"crawler reindex -s STATE_URI={off}" in err
    assert not (tmp_path / "feed.json").exists()

    res = run_cli("reindex", "-s", f"STATE_URI={off}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    for args in (["cites", f"twitter:{POST}"], ["cites", f"youtube:{YT}"], ["posts"], ["posts", "--top", "2"]):
        answers = [run_cli(*args, "-s", f"STATE_URI={state}", cwd=tmp_path) for state in (on, off)]
        assert all(a.returncode == 0 for a in answers), [a.stderr.decode() for a in answers]
        assert _without_times(jsonl(answers[1].stdout)) == _without_times(jsonl(answers[0].stdout)) != []

    # one more run without the index makes it stale again; one with it does not
    _crawl(sb, tmp_path, off, "-s", "CITATION_INDEX=False")  # nothing changed: no version stored
    assert _cites(tmp_path, off, f"twitter:{POST}").returncode == 0
    page = two_sites[2] / "two.html"
    page.write_text(_article("Two", "04", OTHER_EMBED))
    os.utime(page, (time.time() + 5, time.time() + 5))
    assert len(_crawl(sa, tmp_path, off, "-s", "CITATION_INDEX=False")) == 1
    res = _cites(tmp_path, off, f"twitter:{POST}")
    assert res.returncode == 1 and b"1 article version was stored" in res.stderr


def test_kept_counts_rank_posts_as_the_rows_do(two_sites, tmp_path):
    """``posts`` ranks from the counts the triggers keep; ``--since`` groups the rows themselves:
    after new, edited (a post dropped), re-indexed and deleted rows, both give the same ranking."""
    sa, sb, a_root = two_sites
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"

    def both(*args):
        kept = run_cli("posts", *args, "-s", f"STATE_URI={state}", cwd=tmp_path)
        rows = run_cli("posts", *args, "--since", "1900-01-01", "-s", f"STATE_URI={state}", cwd=tmp_path)
        assert kept.returncode == rows.returncode == 0, kept.stderr.decode() + rows.stderr.decode()
        return jsonl(kept.stdout), jsonl(rows.stdout)

    _crawl(sa, tmp_path, state)
    _crawl(sb, tmp_path, state)
    page = a_root / "two.html"
    page.write_text(_article("Two", "04", OTHER_EMBED))
    os.utime(page, (time.time() + 5, time.time() + 5))
    _crawl(sa, tmp_path, state)
    for args in ((), ("--top", "1"), ("--top", "3"), ("--min-outlets", "2"), ("--platform", "twitter")):
        kept, rows = both(*args)
        assert kept == rows and kept, args
    kept, _ = both()
    assert [(p["post_key"], p["outlets"], p["articles"]) for p in kept if p["platform"] == "twitter"] == \
        [(POST, 2, 2), (OTHER, 1, 1)]
    with sqlite3.connect(tmp_path / "state.sqlite") as db:  # an article forgotten by hand
        db.execute("DELETE FROM cites WHERE url LIKE '%three.html'")
    db.close()
    kept, rows = both()
    assert kept == rows and (POST, 1, 1) in [(p["post_key"], p["outlets"], p["articles"]) for p in kept]
    assert run_cli("reindex", "-s", f"STATE_URI={state}", cwd=tmp_path).returncode == 0
    kept, rows = both()
    assert kept == rows and (POST, 2, 2) in [(p["post_key"], p["outlets"], p["articles"]) for p in kept]


def test_watched_feeds_are_not_rewritten_from_a_stale_index(tmp_path):
    """A run with the index after one without it: the per-post feeds would miss the skipped
    versions, so they are left as they were (an error line) until a reindex."""
    root = _site(tmp_path / "site", {"one.html": _article("One", "02", EMBED)})
    watch, feeds = tmp_path / "watch.txt", tmp_path / "posts"
    watch.write_text(f"twitter:{POST}\n")
    state = f"sqlite:///{tmp_path / 'state.sqlite'}"
    feed_args = ("-s", f"CITES_FEEDS={feeds}", "-s", f"WATCH={watch}")
    with SiteServer(root) as server:
        _crawl(server, tmp_path, state, "-s", "CITATION_INDEX=False")
        res, _ = crawl("sitemap", "-a", f"url={server.base}/sitemap.xml", *feed_args, cwd=tmp_path, state=state)
        assert res.returncode == 0 and not (feeds / f"twitter-{POST}.json").exists()
        assert b"not rewritten: the citation index is incomplete" in res.stderr
        assert run_cli("reindex", "-s", f"STATE_URI={state}", cwd=tmp_path).returncode == 0
        _crawl(server, tmp_path, state, *feed_args)
    assert [i["title"] for i in json.loads((feeds / f"twitter-{POST}.json").read_text())["items"]] == ["One"]
