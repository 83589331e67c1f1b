"""An unchanged re-crawl against the first crawl of the same local site.

Each round: a fresh state store, a first crawl (A), then a re-crawl with nothing changed (B),
both ``crawler crawl sitemap`` in a subprocess against a generated site on 127.0.0.1. Prints
the median times and the ratio B/A (goal: at most 0.1, i.e. a tenth of the time).

Usage: python bench/recrawl.py [--pages N] [--rounds R]
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


def crawl(base: str, work: Path, out: str) -> float:
    cmd = [sys.executable, "-m", "crawler", "crawl", "sitemap", "-a", f"url={base}/sitemap.xml",
           "-o", str(work / out), "-s", f"STATE_URI=sqlite:///{work / 'state.sqlite'}",
           "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32",
           "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS_INTERVAL=0",
           "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8"]
    t = time.perf_counter()
    subprocess.run(cmd, cwd=work, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", args.pages)
        first, again = [], []
        with SiteServer(site) as server:
            for r in range(args.rounds):
                work = Path(tmp) / f"round{r}"
                work.mkdir()
                first.append(crawl(server.base, work, "first.jsonl"))
                again.append(crawl(server.base, work, "again.jsonl"))
                lines = (work / "again.jsonl").read_text().count("\n")
                assert lines == 0, f"unchanged re-crawl emitted {lines} records"
    a, b = statistics.median(first), statistics.median(again)
    print(f"{args.pages} pages, {args.rounds} rounds")
    print(f"first crawl:         median {a:.2f} s")
    print(f"unchanged re-crawl:  median {b:.2f} s")
    print(f"ratio re-crawl/first: {b / a:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
