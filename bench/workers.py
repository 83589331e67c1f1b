"""Pages per second with 1 and with 2 distributed workers against the same local site.

Starts its own redis-server on 127.0.0.1 and a generated site; each round crawls the whole site
with one worker, then with two (fresh Redis database each time), and prints medians and the
ratio. Extraction (main text included) is the bottleneck on this kind of machine, so the second
worker adds throughput while there is a free core.

Usage: python bench/workers.py [--pages N] [--rounds R]
"""

from __future__ import annotations

import argparse
import shutil
import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(n_workers: int, base: str, redis_url: str, work: Path) -> tuple[float, float]:
    """(seconds until the last record was written, seconds until every worker exited)."""
    cmd = [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={base}/sitemap.xml",
           "-s", f"REDIS_URL={redis_url}", "-s", "IDLE_CLOSE_SECONDS=1", "-s", "AUTOTHROTTLE_ENABLED=False",
           "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING",
           "-s", "PROGRESS_INTERVAL=0", "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8", "-s", "ROBOTSTXT_OBEY=False"]
    wall0, t = time.time(), time.perf_counter()
    procs = [subprocess.Popen([*cmd, "-o", str(work / f"w{i}.jsonl")], cwd=work, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for i in range(n_workers)]
    for p in procs:
        p.wait()
    last_record = max(p.stat().st_mtime for p in work.glob("w*.jsonl")) - wall0
    return last_record, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    binary = shutil.which("redis-server")
    if not binary:
        print("redis-server is not installed (apt-get install redis-server)", file=sys.stderr)
        return 2
    port = free_port()
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
                             stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    one, two, one_exit, two_exit = [], [], [], []
    try:
        with tempfile.TemporaryDirectory() as tmp, SiteServer(make_site(Path(tmp) / "site", args.pages)) as site:
            db = 0
            for r in range(args.rounds):
                for n, times, exits in ((1, one, one_exit), (2, two, two_exit)):
                    db += 1
                    work = Path(tmp) / f"r{r}-{n}"
                    work.mkdir()
                    done, exited = run(n, site.base, f"redis://127.0.0.1:{port}/{db % 16}", work)
                    times.append(done)
                    exits.append(exited)
                    got = sum(p.read_text().count("\n") for p in work.glob("w*.jsonl"))
                    assert got == args.pages, f"{n} workers emitted {got} of {args.pages}"
    finally:
        redis.terminate()
    a, b = statistics.median(one), statistics.median(two)
    print(f"{args.pages} pages, {args.rounds} rounds; time from start to the last record written")
    print(f"1 worker:  median {a:.2f} s  {args.pages / a:.0f} pages/s  "
          f"(exit after {statistics.median(one_exit):.1f} s)")
    print(f"2 workers: median {b:.2f} s  {args.pages / b:.0f} pages/s  "
          f"(exit after {statistics.median(two_exit):.1f} s)")
    print(f"throughput ratio 2/1: {a / b:.2f}x   (exit includes IDLE_CLOSE_SECONDS and Scrapy's 5 s idle checks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
