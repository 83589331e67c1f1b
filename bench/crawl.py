"""Crawl speed and memory on a generated local site, against a bare Scrapy spider.

Speed: alternating rounds of (a) Scrapy's SitemapSpider that only parses each page, with Scrapy's
defaults and (a') with ``CONCURRENT_ITEMS=1`` as we ship it, (b) our ``sitemap`` spider without
main text (``MAIN_TEXT=False``), (c) our spider with main text, over the same site on 127.0.0.1.
Prints pages per second (from start to the last record written) and
the ratios to the bare spider.

Memory (``--memory``): one crawl of ``--memory-pages`` pages; peak RSS of the crawler process
when 10% of the pages are done and at the end, and their ratio (should stay near 1.0).

Usage: python bench/crawl.py [--pages 2000] [--rounds 3] [--memory --memory-pages 20000]
"""

from __future__ import annotations

import argparse
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

from crawler.demo import SiteServer  # noqa: E402

COMMON = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
          "-s", "LOG_LEVEL=WARNING", "-s", "ROBOTSTXT_OBEY=False", "-s", "TELNETCONSOLE_ENABLED=False"]
OURS = ["-s", "STATE_ENABLED=False", "-s", "PROGRESS_INTERVAL=0", "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8"]


def command(kind: str, base: str, out: Path) -> list[str]:
    if kind.startswith("bare"):
        tuned = ["-s", "CONCURRENT_ITEMS=1"] if kind == "bare-tuned" else []
        return [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
                "-a", f"url={base}/sitemap.xml", "-o", f"{out}:jsonlines", *COMMON, *tuned]
    main_text = "True" if kind == "ours+text" else "False"
    return [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={base}/sitemap.xml", "-o", str(out),
            "-s", f"MAIN_TEXT={main_text}", *COMMON, *OURS]


def timed_crawl(kind: str, base: str, work: Path) -> float:
    out = work / f"{kind}.jsonl"
    t0 = time.time()
    subprocess.run(command(kind, base, out), cwd=work, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return out.stat().st_mtime - t0, out.read_bytes().count(b"\n")


def rss_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory(base: str, work: Path, pages: int) -> None:
    out = work / "mem.jsonl"
    proc = subprocess.Popen(command("ours", base, out), cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    early = None
    while proc.poll() is None:
        done = out.read_bytes().count(b"\n") if out.exists() else 0
        if early is None and done >= pages // 10:
            early = (done, rss_kb(proc.pid))
        try:
            last = (done, rss_kb(proc.pid))
        except FileNotFoundError:
            break
        time.sleep(0.2)
    proc.wait()
    print(f"peak RSS after {early[0]} pages: {early[1] / 1024:.0f} MiB")
    print(f"peak RSS after {last[0]} pages: {last[1] / 1024:.0f} MiB")
    print(f"ratio: {last[1] / early[1]:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--memory-pages", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.memory:
            site = make_site(Path(tmp) / "site", args.memory_pages, paragraphs=1)
            with SiteServer(site) as server:
                memory(server.base, Path(tmp), args.memory_pages)
            return 0
        site = make_site(Path(tmp) / "site", args.pages)
        results: dict[str, list[float]] = {"bare": [], "bare-tuned": [], "ours": [], "ours+text": []}
        with SiteServer(site) as server:
            for r in range(args.rounds):
                for kind in results:
                    work = Path(tmp) / f"{kind}-{r}"
                    work.mkdir()
                    seconds, n = timed_crawl(kind, server.base, work)
                    assert n == args.pages, f"{kind} wrote {n} of {args.pages}"
                    results[kind].append(args.pages / seconds)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"{args.pages} pages on 127.0.0.1, {args.rounds} alternating rounds, pages/s to the last record")
    print(f"bare Scrapy spider (parse only):  {med['bare']:.0f} pages/s")
    print(f"  same, CONCURRENT_ITEMS=1:       {med['bare-tuned']:.0f} pages/s (the setting we ship; see settings.py)")
    for kind, label in (("ours", "ours, no main text:   "), ("ours+text", "ours, with main text: ")):
        print(f"{label}           {med[kind]:.0f} pages/s  ratio {med[kind] / med['bare']:.2f}"
              f" (to the tuned bare spider {med[kind] / med['bare-tuned']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
