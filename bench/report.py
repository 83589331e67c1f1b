"""``crawler report`` at scale: build time for N generated records, and the index's load in Chromium.

Generates N records (default 10,000) shaped like a crawl's: 40 outlets, 14 platforms, about
3,000 accounts, 1 to 4 posts per article (a tenth of them cited by several outlets), a year of
dates. Runs ``crawler report --from`` on them in a subprocess (goal: under 30 s), then opens its
``index.html`` in headless Chromium (Debian's, through Playwright) and reports the time from
navigation to the load event (goal: under 2 s), and how long a filter takes to apply.

Usage: python bench/report.py [--records N] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"twitter": "https://x.com/{h}/status/{i}", "instagram": "https://www.instagram.com/p/{i}/",
             "youtube": "https://www.youtube.com/watch?v={i}", "tiktok": "https://www.tiktok.com/@{h}/video/{i}",
             "facebook": "https://www.facebook.com/{h}/posts/{i}", "bluesky": "https://bsky.app/profile/{h}/post/{i}",
             "threads": "https://www.threads.net/@{h}/post/{i}", "mastodon": "https://mastodon.social/@{h}/{i}",
             "reddit": "https://www.reddit.com/r/{h}/comments/{i}/", "telegram": "https://t.me/{h}/{i}",
             "linkedin": "https://www.linkedin.com/feed/update/urn:li:share:{i}/",
             "truthsocial": "https://truthsocial.com/@{h}/posts/{i}", "vimeo": "https://vimeo.com/{i}",
             "tumblr": "https://{h}.tumblr.com/post/{i}"}
FORMS = ["embed", "iframe", "lazy", "link", "amp", "script", "cms", "text"]


def make_records(n: int, seed: int = 14) -> list[dict]:
    rnd = random.Random(seed)
    outlets = [(f"news{k}.example", f"News {k} Daily", f"News {k} Media Group") for k in range(40)]
    names = list(PLATFORMS)
    accounts = [(rnd.choice(names), f"account_{k}") for k in range(3000)]
    shared = [(a, 10**15 + k) for k, a in enumerate(rnd.sample(accounts, 300))]  # posts many outlets cite
    start = datetime(2025, 1, 1, tzinfo=UTC)
    records = []
    for i in range(n):
        host, publisher, holder = outlets[rnd.randrange(len(outlets))]
        url = f"https://{host}/2025/story-{i}.html"
        published = (start + timedelta(minutes=rnd.randrange(365 * 24 * 60))).strftime("%Y-%m-%dT%H:%M:%SZ")
        posts = []
        for position in range(rnd.randint(1, 4)):
            if rnd.random() < 0.1:
                (platform, handle), pid = rnd.choice(shared)
            else:
                (platform, handle), pid = rnd.choice(accounts), 2 * 10**15 + i * 10 + position
            posts.append({
                "platform": platform, "post_id": str(pid), "url": PLATFORMS[platform].format(h=handle, i=pid),
                "kind": "post", "author": {"handle": handle, "name": handle.replace("_", " ").title()},
                "posted": published, "text": f"Post {pid} by {handle}: " + "words " * rnd.randint(3, 40),
                "media": [f"https://cdn.example/{pid}.jpg"] if rnd.random() < 0.3 else [],
                "evidence": [{"form": rnd.choice(FORMS), "locator": f"/html/body/main/article/div[{position + 1}]",
                              "position": position, "context": f"Paragraph {position} of story {i}, what was said."}]})
        records.append({
            "schema": "social-provenance-record/1", "id": f"sha256:{i:064x}", "version": f"sha256:{i + 1:064x}",
            "previous_version": None,
            "article": {"url": url, "canonical_url": url, "title": f"Story {i}: what changes for {host}",
                        "authors": [f"Reporter {i % 97}"], "published": published, "modified": None,
                        "publisher": publisher, "language": "en", "description": None, "text_sha256": None},
            "posts": posts,
            "rights": [{"statement": f"© 2025 {holder}. All rights reserved.", "holder": holder, "years": [2025],
                        "kind": "copyright", "reserved": "all", "restrictions": [], "license_url": None,
                        "source": "text", "scope": "page"}],
            "crawl": {"url": url, "fetched_at": "2025-12-31T00:00:00Z", "final_url": url, "redirects": [],
                      "status": 200, "spider": "sitemap"}})
    return records


def open_index(index: Path, chromium: str) -> tuple[float, float, float, float]:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto("about:blank")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        started = time.perf_counter()
        page.goto(index.as_uri(), wait_until="load")
        loaded = time.perf_counter() - started
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        started = time.perf_counter()
        page.select_option("#f-platform", "bluesky")
        page.evaluate("document.body.offsetHeight")  # layout done
        filtered = time.perf_counter() - started
        browser.close()
    # the renderer's CPU time: what the load costs on an idle machine, whatever else runs on this one
    return loaded, filtered, metrics.get("ProcessTime", float("nan")), metrics.get("TaskDuration", float("nan"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        records = make_records(args.records)
        (work / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "crawler", "report", "-o", str(work / "rep"), "--from",
                        str(work / "records.jsonl")], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        built = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        pages = sum(1 for _ in (work / "rep").rglob("*.html"))
        size = (work / "rep" / "index.html").stat().st_size
        print(f"records: {args.records}, pages: {pages}, index.html: {size / 1e6:.1f} MB")
        print(f"build: {built:.1f} s (goal < 30 s); CPU time {cpu:.1f} s in {os.cpu_count()} CPUs' worth of workers "
              f"(wall time is only meaningful on an otherwise idle machine)")
        loaded, filtered, cpu, tasks = open_index(work / "rep" / "index.html", args.chromium)
        print(f"index opened in Chromium: {loaded:.2f} s to the load event (goal < 2 s), renderer CPU "
              f"{cpu:.2f} s, main-thread tasks {tasks:.2f} s; a platform filter applied in {filtered * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
