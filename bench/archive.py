"""``crawler archive`` speed: pages per second with 1 and 2 Dask workers, the ratio, the ``warc``
spider on the same archives, and peak memory per worker as an archive grows 5x.

Archives are generated here: real pages from ``../shared/realworld/pages`` (our fixture site when
it is absent), each captured under many URLs of its own (``https://hostN.example/2025/05/DD/
story-number-I-of-the-day.html``), split over ``--inputs`` gzipped WARCs so that every WARC holds
the same mix of pages (equal tasks: a 2-worker run is not decided by which worker drew the slow
pages). Times are wall clock for the whole command (cluster start included); pages are HTML
responses read. CPU per page is the whole command's (all its processes, start-up included) and,
for ``crawler archive``, the workers' own during their tasks (``cpu_seconds`` in the manifest):
on a machine others are using, those say more than wall-clock rates.

    python bench/archive.py            # the issue's run: 20,000 responses in 8 WARCs, 1 and 2
                                       # workers, the warc spider, memory on 2,000 and 10,000
    python bench/archive.py --quick    # a check: 1,000 responses, memory on 200 and 1,000
    python bench/archive.py --responses 2000 --memory-base 400 --no-spider
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
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
    """Response ``i`` goes to WARC ``i % inputs`` with page ``(i // inputs) % len(bodies)``: each
    WARC cycles through all the pages (``i % len(bodies)`` would give a WARC only the pages of
    one residue, and WARCs of unequal cost)."""
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
        body = bodies[(i // inputs) % len(bodies)]
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))
    for f in files:
        f.close()
    return paths


class PeakRSS:
    """Peak resident memory of each descendant process of ``pid`` (the Dask workers), and the CPU
    time of ``pid`` itself (the client: scheduler, nannies, progress line, manifest)."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peak: dict[int, int] = {}
        self.own_cpu = 0.0
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        import psutil

        while not self.halt.wait(0.2):
            try:
                kids = self.root.children(recursive=True)
                own = self.root.cpu_times()
                self.own_cpu = own.user + own.system
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


def run(cmd: list[str], cwd: Path, watch: bool = False) -> tuple[float, float, int, float]:
    """(wall seconds, CPU seconds of the command and every process it waited for, peak worker
    RSS in bytes and the client process's own CPU seconds (to its last sample) when ``watch``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rss = PeakRSS(proc.pid) if watch else None
    _, err = proc.communicate()
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = rss.stop() if rss else 0
    client = rss.own_cpu if rss else 0.0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, peak, client


def busy(label: str) -> None:
    """Say when other jobs hold a core: two workers then share one, and their rate says nothing."""
    load = os.getloadavg()[0]
    if load >= 0.5:
        print(f"  (load average {load:.1f} before {label}: other jobs are running; wall-clock rates and "
              "the 2-worker figures understate, CPU per page still holds)", flush=True)


def archive_cmd(inputs: list[Path], out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "crawler", "archive", *map(str, inputs), "-o", str(out),
            "--workers", str(workers), "--dashboard", "none"]


def worker_cpu(out: Path) -> float:
    """CPU seconds the workers spent in their tasks (the manifest's ``cpu_seconds``)."""
    entries = json.loads((out / "manifest.json").read_text("utf-8"))["inputs"].values()
    return sum(e.get("cpu_seconds", 0.0) for e in entries)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="a check, not the issue's figures: 1,000 responses, memory on 200 and 1,000")
    ap.add_argument("--responses", type=int, help="responses in the archives (default 20,000)")
    ap.add_argument("--inputs", type=int, default=8, help="WARCs they are split over (default 8)")
    ap.add_argument("--memory-base", type=int, metavar="N",
                    help="peak worker memory on one archive of N and one of 5N responses (default 2,000)")
    ap.add_argument("--no-spider", action="store_true", help="skip the warc spider run")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    ap.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)  # the default now; old commands
    args = ap.parse_args()
    responses = args.responses or (1000 if args.quick else 20000)
    base = args.memory_base or (200 if args.quick else 2000)
    bodies = pages()
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        work = Path(tmp)
        inputs = write_archives(work / "in", responses, args.inputs, bodies)
        size = sum(p.stat().st_size for p in inputs) / 1e6
        print(f"{responses} responses ({len(bodies)} distinct pages) in {args.inputs} WARCs, {size:.0f} MB "
              f"(written in {time.perf_counter() - begun:.0f}s)", flush=True)
        rate, cpu = {}, {}
        for workers in (1, 2):
            out = work / f"out{workers}"
            busy(f"archive --workers {workers}")
            seconds, cpu[workers], peak, client = run(archive_cmd(inputs, out, workers), work, watch=True)
            rate[workers] = responses / seconds
            print(f"archive --workers {workers}: {seconds:.1f}s, {rate[workers]:.1f} pages/s, "
                  f"{1000 * cpu[workers] / responses:.1f} ms CPU per page (in the tasks: "
                  f"{1000 * worker_cpu(out) / responses:.1f}), peak worker RSS {peak / 1e6:.0f} MB, "
                  f"client process CPU {client:.1f}s ({100 * client / seconds:.0f}% of a core)", flush=True)
        print(f"speed-up, 2 workers against 1: {rate[2] / rate[1]:.2f}x", flush=True)
        if not args.no_spider:
            cmd = [sys.executable, "-m", "crawler", "crawl", "warc", "-a", f"path={work / 'in'}/*.warc.gz",
                   "-o", str(work / "spider.jsonl"), "-s", "STATE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
                   "-s", "PROGRESS_INTERVAL=0"]
            busy("the warc spider")
            seconds, spider_cpu, _, _ = run(cmd, work)
            spider = responses / seconds
            print(f"warc spider: {seconds:.1f}s, {spider:.1f} pages/s, {1000 * spider_cpu / responses:.1f} ms CPU "
                  f"per page; archive --workers 2 is {rate[2] / spider:.2f}x faster; archive's CPU per page "
                  f"(1 worker) is {cpu[1] / spider_cpu:.2f}x the spider's", flush=True)
        if not args.no_memory:
            peaks = []
            for n in (base, 5 * base):
                one = write_archives(work / f"mem{n}", n, 1, bodies)
                _, _, peak, _ = run(archive_cmd(one, work / f"memout{n}", 1), work, watch=True)
                peaks.append(peak)
                print(f"one archive of {n} responses: peak worker RSS {peak / 1e6:.0f} MB", flush=True)
            print(f"peak worker memory, 5x the archive: {peaks[1] / max(peaks[0], 1):.2f}x")
    print(f"(the whole bench: {time.perf_counter() - begun:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
