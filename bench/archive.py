"""``crawler archive`` speed: pages per second with 1 and 2 Dask workers, the ratio, the ``warc``
spider on the same archives, and peak memory per worker as an archive grows 5x.

Archives are generated here: real pages from ``../shared/realworld/pages`` (our fixture site when
it is absent), each captured under many URLs of its own (``https://hostN.example/2025/05/DD/
slug-I.html``), split over ``--inputs`` gzipped WARCs. Times are wall clock for the whole
command (cluster start included), pages are HTML responses read.

Usage: python bench/archive.py [--responses 20000] [--inputs 8] [--no-spider] [--memory]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld" / "pages"


def pages() -> list[bytes]:
    found = sorted(REALWORLD.glob("*.html")) if REALWORLD.is_dir() else []
    if not found:
        print(f"({REALWORLD} is absent: using fixtures/site pages)", file=sys.stderr)
        found = sorted((ROOT / "fixtures" / "site" / "2025").rglob("*.html"))
    return [p.read_bytes() for p in found]


def write_archives(folder: Path, responses: int, inputs: int, bodies: list[bytes]) -> list[Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"bench-{k:03d}.warc.gz" for k in range(inputs)]
    files = [open(p, "wb") for p in paths]  # noqa: SIM115
    writers = [WARCWriter(f, gzip=True) for f in files]
    for i in range(responses):
        url = f"https://host{i % 97}.example/2025/05/{1 + i % 28:02d}/story-number-{i}-of-the-day.html"
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w = writers[i % inputs]
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(bodies[i % len(bodies)]),
                                            http_headers=hh))
    for f in files:
        f.close()
    return paths


class PeakRSS:
    """Peak resident memory of each descendant process of ``pid`` (the Dask workers)."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peak: dict[int, int] = {}
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        import psutil

        while not self.halt.wait(0.2):
            try:
                kids = self.root.children(recursive=True)
            except psutil.Error:
                return
            for k in kids:  # the workers (they rename themselves "dask worker"), not the tracker
                try:
                    if "resource_tracker" not in " ".join(k.cmdline()):
                        self.peak[k.pid] = max(self.peak.get(k.pid, 0), k.memory_info().rss)
                except psutil.Error:
                    pass

    def stop(self) -> int:
        self.halt.set()
        self.thread.join()
        return max(self.peak.values(), default=0)


def run(cmd: list[str], cwd: Path, watch: bool = False) -> tuple[float, int]:
    """(seconds, peak worker RSS in bytes when ``watch``)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rss = PeakRSS(proc.pid) if watch else None
    _, err = proc.communicate()
    seconds = time.perf_counter() - t
    peak = rss.stop() if rss else 0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    return seconds, peak


def archive_cmd(inputs: list[Path], out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "crawler", "archive", *map(str, inputs), "-o", str(out),
            "--workers", str(workers), "--dashboard", "none"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--responses", type=int, default=20000)
    ap.add_argument("--inputs", type=int, default=8)
    ap.add_argument("--no-spider", action="store_true", help="skip the warc spider run")
    ap.add_argument("--memory", action="store_true",
                    help="also: peak worker memory on one archive of N/10 and of 5x that")
    args = ap.parse_args()
    bodies = pages()
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        work = Path(tmp)
        inputs = write_archives(work / "in", args.responses, args.inputs, bodies)
        size = sum(p.stat().st_size for p in inputs) / 1e6
        print(f"{args.responses} responses ({len(bodies)} distinct pages) in {args.inputs} WARCs, {size:.0f} MB")
        rate = {}
        for workers in (1, 2):
            seconds, peak = run(archive_cmd(inputs, work / f"out{workers}", workers), work, watch=True)
            rate[workers] = args.responses / seconds
            print(f"archive --workers {workers}: {seconds:.1f}s, {rate[workers]:.1f} pages/s, "
                  f"peak worker RSS {peak / 1e6:.0f} MB")
        print(f"speed-up, 2 workers against 1: {rate[2] / rate[1]:.2f}x")
        if not args.no_spider:
            cmd = [sys.executable, "-m", "crawler", "crawl", "warc", "-a", f"path={work / 'in'}/*.warc.gz",
                   "-o", str(work / "spider.jsonl"), "-s", "STATE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
                   "-s", "PROGRESS_INTERVAL=0"]
            seconds, _ = run(cmd, work)
            spider = args.responses / seconds
            print(f"warc spider: {seconds:.1f}s, {spider:.1f} pages/s; archive --workers 2 is "
                  f"{rate[2] / spider:.2f}x faster")
        if args.memory:
            small = max(args.responses // 10, 200)
            peaks = []
            for n in (small, 5 * small):
                one = write_archives(work / f"mem{n}", n, 1, bodies)
                _, peak = run(archive_cmd(one, work / f"memout{n}", 1), work, watch=True)
                peaks.append(peak)
                print(f"one archive of {n} responses: peak worker RSS {peak / 1e6:.0f} MB")
            print(f"peak worker memory, 5x the archive: {peaks[1] / max(peaks[0], 1):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
