"""The citation index at scale: query times on a million rows, and what keeping it costs a crawl.

1. Generates an SQLite state store of ``--rows`` citation rows (default 1,000,000) through the
   real code path (``crawler.citations.sqlite.apply``, as ``SqliteStore.settle`` calls it, one
   transaction per batch of articles): many articles over many sites, each citing 1-8 posts
   drawn from a Zipf-like spread (weight 1/(rank+20)), so the hottest posts are cited thousands
   of times; 3% of the articles get a second version that drops one post (dropped rows).
   The ``urls`` table holds no records (the queries never read them).
2. In process: the query behind ``crawler cites`` (median over many posts of every rank, the
   hottest post with the default limit and with ``--limit 100``) and behind ``crawler posts
   --top 100`` (alone, and with ``--min-outlets``, ``--platform``, ``--since``), each against its
   goal (50 ms for cites, 2 s for posts).
3. The real commands in a subprocess (start-up included; goal: under 1 s).
4. The crawl cost: the same crawl of a generated loopback site (bench/sitegen.py) with the index
   kept and with ``CITATION_INDEX=False``, alternating on/off, pages per second to the last
   record written, and the ratio (goal: the index costs under 5%); also the crawler process's
   CPU time per page (user + system), steadier than wall time when others load the machine, and
   the same records replayed through the emission journal alone in this process, with and
   without the index: the index's own CPU per record, against the crawl's CPU per page.

No assertions: it prints figures. Default run: a few minutes on a 2-core machine.

Usage: python bench/cites.py [--rows 1000000] [--pages 1000] [--rounds 3] [--store PATH]
                             [--skip-crawl | --crawl-only]
  --store PATH keeps the generated store there and reuses it when it exists (same --rows).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sitegen import make_site  # noqa: E402

from crawler.citations import sqlite as citations  # noqa: E402
from crawler.demo import SiteServer  # noqa: E402
from crawler.state.sqlite import SqliteStore  # noqa: E402

PLATFORMS = [("twitter", 50), ("youtube", 20), ("instagram", 10), ("bluesky", 10), ("tiktok", 10)]
CITES_GOAL, POSTS_GOAL, START_GOAL, CRAWL_GOAL = 0.050, 2.0, 1.0, 0.05


def _post(rank: int, platform: str) -> dict:
    return {"platform": platform, "post_id": f"{1918000000000000000 + rank}", "url": f"https://{platform}.example/p/{rank}",
            "author": {"handle": f"user{rank % 5000}", "name": f"User {rank % 5000}"},
            "text": f"Post number {rank} says something worth quoting about the harbour.",
            "posted": f"2024-{1 + rank % 12:02d}-{1 + rank % 28:02d}T08:00:00Z",
            "evidence": [{"form": random.choice(("embed", "link", "embed", "text"))}]}


def _record(i: int, site: int, posts: list[dict], version: int = 1) -> dict:
    day = f"{2024 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
    url = f"https://news{site}.example/story/{i}.html"
    return {"id": f"sha256:{i:032x}", "version": f"{version}{i:031x}", "posts": posts,
            "article": {"url": url, "canonical_url": url, "publisher": f"News {site}", "title": f"Story {i}",
                        "published": day},
            "crawl": {"fetched_at": day}}


def generate(path: Path, rows: int, seed: int = 13) -> tuple[int, int, float]:
    """A store of ``rows`` citation rows; returns (articles, distinct posts, seconds)."""
    random.seed(seed)
    n_posts = max(rows // 3, 10)
    weights = [1.0 / (r + 20) for r in range(n_posts)]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    platform_of = random.choices([p for p, _ in PLATFORMS], weights=[w for _, w in PLATFORMS], k=n_posts)
    n_sites = max(rows // 500, 2)
    t0 = time.perf_counter()
    store = SqliteStore(str(path), lock=False)
    db = store.db
    db.execute("PRAGMA cache_size = -400000")  # 400 MB: random keys into the B-trees, not the disk
    db.execute("PRAGMA journal_mode = OFF")  # a throw-away file: no journal while it is filled
    db.execute("PRAGMA synchronous = OFF")
    made, i, batch = 0, 0, []
    used: set[tuple[str, str]] = set()
    while made < rows:
        k = min(random.randint(1, 8), rows - made)
        ranks = set(random.choices(range(n_posts), cum_weights=cum, k=k))
        posts = [_post(r, platform_of[r]) for r in sorted(ranks)]
        batch.append(_record(i, random.randrange(n_sites), posts))
        made += len(posts)
        used.update((p["platform"], p["post_id"]) for p in posts)
        i += 1
        if len(batch) == 2000 or made >= rows:
            with db:
                db.execute("BEGIN IMMEDIATE")
                for rec in batch:
                    url = rec["article"]["url"]
                    seen = rec["crawl"]["fetched_at"]
                    db.execute("INSERT INTO urls (url, first_seen, last_seen, version, record_id)"
                               " VALUES (?, ?, ?, ?, ?)", (url, seen, seen, rec["version"], rec["id"]))
                    citations.apply(db, url, rec, seen_at=rec["crawl"]["fetched_at"])
                    if random.random() < 0.03 and len(rec["posts"]) > 1:  # an edit drops a post
                        edited = dict(rec, version="2" + rec["version"][1:], posts=rec["posts"][1:])
                        citations.apply(db, url, edited, seen_at=rec["crawl"]["fetched_at"][:10] + "T23:59:59Z")
            batch = []
    db.execute("ANALYZE")
    db.execute("PRAGMA journal_mode = WAL")  # as a crawl leaves it
    store.close()
    return i, len(used), time.perf_counter() - t0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _timed(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def queries(path: Path) -> None:
    store = SqliteStore(str(path), lock=False, create=False)
    db = store.db
    ranked = db.execute("SELECT platform, post_key, COUNT(*) FROM cites GROUP BY platform, post_key"
                        " ORDER BY COUNT(*) DESC").fetchall()
    hot = ranked[0]
    sample = [ranked[int(len(ranked) * q)] for q in [x / 200 for x in range(200)]]
    typical = statistics.median(_timed(lambda p=p: store.cites(p[0], p[1])) for p in sample)
    print(f"  cites, median over {len(sample)} posts of every rank: {_ms(typical)}  (goal {_ms(CITES_GOAL)})")
    for limit in (None, 100):
        t = _timed(lambda limit=limit: store.cites(hot[0], hot[1], limit=limit), repeat=5)
        print(f"  cites, hottest post ({hot[2]} articles), limit {limit}: {_ms(t)}  (goal {_ms(CITES_GOAL)})")
    for label, kw in (("--top 100", {"top": 100}), ("--top 100 --min-outlets 5", {"top": 100, "min_outlets": 5}),
                      ("--top 100 --platform bluesky", {"top": 100, "platform": "bluesky"}),
                      ("--top 100 --since 2025-06-01", {"top": 100, "since": "2025-06-01"}),
                      ("--top 100 --since 2024-01-01 (every row)", {"top": 100, "since": "2024-01-01"})):
        t = _timed(lambda kw=kw: store.top_posts(**kw), repeat=3)
        print(f"  posts {label}: {_ms(t)}  (goal {_ms(POSTS_GOAL)})")
    store.close()
    return hot


def commands(path: Path, hot: tuple[str, str, int]) -> None:
    uri = f"STATE_URI=sqlite:///{path}"
    for label, args in (("cites (hottest post, --limit 100)", ["cites", f"{hot[0]}:{hot[1]}", "--limit", "100"]),
                        ("cites (hottest post, every row)", ["cites", f"{hot[0]}:{hot[1]}"]),
                        ("posts --top 100", ["posts", "--top", "100"]),
                        ("--version (start-up alone)", ["--version"])):
        def run(args=args):
            subprocess.run([sys.executable, "-m", "crawler", *args, *(["-s", uri] if args[0] != "--version" else [])],
                           check=True, stdout=subprocess.DEVNULL)
        t = _timed(run, repeat=3)
        print(f"  crawler {label}: {t:.2f} s  (start-up goal {START_GOAL:.1f} s)")


def journal_cpu(records: list[dict], on: bool, tmp: Path) -> float:
    """CPU ms per record of the emission journal (begin_emit + finish_emit, as the crawl calls
    them) replaying ``records`` into a new store, with the index kept or not."""
    store = SqliteStore(str(tmp / f"replay-{on}-{time.monotonic_ns()}.sqlite"), lock=False, citation_index=on)
    t = time.process_time()
    for rec in records:
        store.begin_emit(rec["crawl"]["url"], rec)
        store.finish_emit(rec["crawl"]["url"], rec["version"])
    spent = time.process_time() - t
    store.close()
    return spent * 1000 / len(records)


def crawl_cost(pages: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", pages)
        rates: dict[bool, list[float]] = {True: [], False: []}
        cpu: dict[bool, list[float]] = {True: [], False: []}  # the crawler's CPU ms per page
        with SiteServer(site) as server:
            for r in range(rounds):
                for on in (True, False):
                    work = Path(tmp) / f"{'on' if on else 'off'}-{r}"
                    work.mkdir()
                    out = work / "out.jsonl"
                    cmd = [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={server.base}/sitemap.xml",
                           "-o", str(out), "-s", f"STATE_URI=sqlite:///{work / 'state.sqlite'}",
                           "-s", f"CITATION_INDEX={on}", "-s", "AUTOTHROTTLE_ENABLED=False",
                           "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                           "-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS_INTERVAL=0", "-s", "ROBOTSTXT_OBEY=False",
                           "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8"]
                    t0, r0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
                    subprocess.run(cmd, cwd=work, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    n = out.read_bytes().count(b"\n")
                    rates[on].append(n / (out.stat().st_mtime - t0))
                    cpu[on].append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000 / n)
        # the same records through the journal alone, in this process: the index's own cost,
        # measured where others' load cannot hide it
        records = [json.loads(line) for line in (Path(tmp) / "off-0" / "out.jsonl").read_text().splitlines()]
        journal: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(5):
            for on in (True, False):
                journal[on].append(journal_cpu(records, on, Path(tmp)))
    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    c_on, c_off = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(f"  {pages} pages, {rounds} rounds on/off alternating (each page cites 2 posts)")
    print(f"  index kept:            {on:.0f} pages/s  {[round(x) for x in rates[True]]}"
          f"   CPU {c_on:.2f} ms/page  {[round(x, 2) for x in cpu[True]]}")
    print(f"  CITATION_INDEX=False:  {off:.0f} pages/s  {[round(x) for x in rates[False]]}"
          f"   CPU {c_off:.2f} ms/page  {[round(x, 2) for x in cpu[False]]}")
    print(f"  cost of the index: {1 - on / off:+.1%} of pages/s, {c_on / c_off - 1:+.1%} CPU per page"
          f"  (goal < {CRAWL_GOAL:.0%}; on a busy machine the CPU figure is the steadier)")
    j_on, j_off = statistics.median(journal[True]), statistics.median(journal[False])
    print(f"  the journal alone, same records replayed in process (median of 5): {j_on:.3f} ms CPU per record"
          f" with the index, {j_off:.3f} without: the index adds {j_on - j_off:.3f} ms,"
          f" {(j_on - j_off) / c_off:.1%} of the crawl's CPU per page")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--store", type=Path, help="keep the generated store here (reused when it exists)")
    ap.add_argument("--skip-crawl", action="store_true")
    ap.add_argument("--crawl-only", action="store_true", help="only the crawl cost (no store, no queries)")
    args = ap.parse_args()
    if args.crawl_only:
        print("crawl cost:")
        crawl_cost(args.pages, args.rounds)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store or Path(tmp) / "cites.sqlite"
        if not path.exists():
            articles, posts, seconds = generate(path, args.rows)
            print(f"generated {args.rows} citation rows ({articles} articles, {posts} posts): {seconds:.1f} s,"
                  f" {path.stat().st_size / 2**20:.0f} MiB")
        else:
            print(f"reusing {path}")
        print("in process:")
        hot = queries(path)
        print("commands (subprocess, start-up included; median of 3):")
        commands(path, hot)
    if not args.skip_crawl:
        print("crawl cost:")
        crawl_cost(args.pages, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
