"""The Dask driver: one task per pending input, the manifest kept as tasks finish, a progress line.

Dask's scheduler redoes the task of a worker that dies (its partition is written under a
temporary name and renamed only when whole), so a lost worker costs time, never records; the
manifest is written by this process alone, after each rename, so a killed job resumes exactly.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from crawler.archive.outputs import (
    OutputError,
    is_done,
    load_manifest,
    merge_jsonl,
    remove_temporaries,
    save_manifest,
)
from crawler.archive.task import PROGRESS_TOPIC, Options, partition_name, process_input

SHOWN_FAULTS = 5  # per input on standard error; the manifest has up to MAX_FAULTS

# A worker's statistical profiler samples the task thread's stack every 10 ms and its event loop
# ticks every 20 ms; both need the GIL the task holds: in the worker's process CPU time they were
# ~8% beyond the task thread's own (measured, docs/performance.md "Archive"). A job of a few long
# tasks needs neither the dashboard's profile nor a tick watchdog; memory is still watched. And a
# worker is handed one archive at a time (saturation 1.0, not 1.1: two each), so the last ones go
# to whichever worker is free, not to one already holding a queued archive of minutes.
LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "500ms",
}


class RunError(RuntimeError):
    """The job cannot start (the message says why and what to do)."""


def _say(msg: str) -> None:
    print(f"crawler archive: {msg}", file=sys.stderr, flush=True)


def run_job(inputs: list[str], folder: str, merged: str | None, opts: Options, *, workers: int,
            scheduler: str | None, dashboard: str | None) -> int:
    out = Path(folder).resolve()  # workers may run elsewhere than the working directory
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = _lock(out)
    except OSError as exc:
        raise RunError(f"-o {folder}: cannot use the folder ({exc.strerror or exc})") from None
    try:
        manifest = load_manifest(out, opts.key(), crawl_id=uuid.uuid4().hex)
    except OutputError as exc:
        raise RunError(str(exc)) from None
    opts = replace(opts, crawl_id=manifest["crawl_id"])
    remove_temporaries(out)
    entries = manifest["inputs"]
    pending = [i for i in inputs if not is_done(out, entries.get(i))]
    for inp in pending:
        entries[inp] = {"status": "pending", "partition": partition_name(inp, opts.fmt)}
    save_manifest(out, manifest)
    if len(pending) < len(inputs):
        _say(f"{len(inputs) - len(pending)} of {len(inputs)} inputs already done in {out / 'manifest.json'}")
    started = time.monotonic()
    progress = _Progress(len(inputs), len(inputs) - len(pending))
    try:
        if pending:
            _run_tasks(pending, out, manifest, opts, progress, workers=workers, scheduler=scheduler,
                       dashboard=dashboard)
    except KeyboardInterrupt:
        progress.stop()
        _say("interrupted: finished inputs are kept; run the same command again to resume")
        return 130
    finally:
        lock.close()
    progress.stop()
    remove_temporaries(out)  # what workers killed during this run left
    problems = [i for i in inputs if entries[i]["status"] in ("bad", "failed") or entries[i].get("faults")]
    total = sum(entries[i].get("records", 0) for i in inputs)
    if merged is not None:
        n = merge_jsonl(out, manifest, inputs, Path(merged))
        _say(f"wrote {n} records to {merged} (duplicates across inputs dropped: {total - n})")
    seconds, working = time.monotonic() - started, time.monotonic() - progress.started
    _say(f"{len(inputs)} inputs, {total} records ({progress.pages} pages this run in {seconds:.1f}s, "
         f"{progress.pages / max(working, 1e-6):.1f} pages/s once the workers were up); "
         f"{len(problems)} with problems; manifest: {out / 'manifest.json'}")
    return 1 if problems else 0


def _run_tasks(pending: list[str], out: Path, manifest: dict[str, Any], opts: Options,
               progress: _Progress, *, workers: int, scheduler: str | None, dashboard: str | None) -> None:
    from distributed import as_completed

    client, cluster = _client(workers, scheduler, dashboard)
    try:
        info = client.scheduler_info()
        if "dashboard" in info.get("services", {}):
            import importlib.util

            if importlib.util.find_spec("bokeh") is not None:  # without it the pages only say so
                _say(f"dashboard: {client.dashboard_link}")
            else:
                _say("no dashboard: pip install bokeh for Dask's")
        n = len(info.get("workers", {}))
        _say(f"{len(pending)} inputs on {n} workers" if n else
             f"{len(pending)} inputs; the scheduler has no worker yet: start some with `dask worker ADDRESS`")
        client.subscribe_topic(PROGRESS_TOPIC, progress.event)
        progress.start()
        futures = {client.submit(process_input, inp, str(out), opts, pure=False,
                                 key=f"archive-{partition_name(inp, opts.fmt)}-{uuid.uuid4().hex[:6]}"): inp
                   for inp in pending}
        for fut in as_completed(futures):
            inp = futures.pop(fut)
            if fut.status == "error":
                exc = fut.exception()
                entry = {"status": "failed", "partition": None,
                         "error": {"offset": None, "message": f"{exc.__class__.__name__}: {exc}"}}
            else:
                entry = fut.result()
            fut.release()
            manifest["inputs"][inp] = entry
            save_manifest(out, manifest)
            progress.finish(inp, entry)
            _report(inp, entry)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _client(workers: int, scheduler: str | None, dashboard: str | None):
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="15s"), None
        except (OSError, TimeoutError) as exc:
            raise RunError(f"--scheduler {scheduler}: cannot connect ({exc}); start one with "
                           "`dask scheduler` and workers with `dask worker ADDRESS`") from None
    import dask

    # processes, one thread each: extraction is Python holding the GIL, so every sampler a worker
    # runs beside the task takes the GIL from it (LOCAL_CLUSTER_CONFIG); the nannies pass this
    # configuration on to the worker processes they start
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=dashboard, silence_logs=logging.CRITICAL)
    return Client(cluster), cluster


def _report(inp: str, entry: dict[str, Any]) -> None:
    if entry["status"] == "failed":
        _say(f"{inp}: failed: {entry['error']['message']} (a rerun tries it again)")
        return
    faults = entry.get("faults") or []
    for f in faults[:SHOWN_FAULTS]:
        where = f"at offset {f['offset']}: " if f.get("offset") is not None else ""
        _say(f"{inp}: {where}{f['message']}")
    if len(faults) > SHOWN_FAULTS:
        _say(f"{inp}: {len(faults) - SHOWN_FAULTS} more problems in the manifest")


def _lock(folder: Path):
    """One job per output folder: a second would redo and overwrite the first's inputs."""
    import fcntl

    fh = open(folder / ".lock", "w")  # noqa: SIM115 - held for the whole job
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise RunError(f"-o {folder}: another crawler archive job is writing there") from None
    return fh


class _Progress:
    """``[####......] 3/8 inputs, 1234 records, 2345 pages, 118.2 pages/s`` on standard error:
    redrawn every second on a terminal, a line every 10 seconds otherwise."""

    def __init__(self, total: int, done: int):
        self.total, self.done = total, done
        self.lock = threading.Lock()
        self.live: dict[str, tuple[int, int]] = {}
        self.finished_pages = self.finished_records = 0
        self.finished: set[str] = set()
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.halt = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def pages(self) -> int:
        return self.finished_pages + sum(p for p, _ in self.live.values())

    def event(self, event) -> None:
        msg = event[1] if isinstance(event, tuple | list) else event
        with self.lock:
            if msg["input"] not in self.finished:
                self.live[msg["input"]] = (msg["pages"], msg["records"])

    def finish(self, inp: str, entry: dict[str, Any]) -> None:
        with self.lock:
            self.live.pop(inp, None)
            self.finished.add(inp)
            self.done += 1
            self.finished_pages += entry.get("responses", 0)
            self.finished_records += entry.get("records", 0)

    def line(self) -> str:
        with self.lock:
            pages = self.pages
            records = self.finished_records + sum(r for _, r in self.live.values())
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        filled = int(20 * self.done / max(self.total, 1))
        return (f"[{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total} inputs, {records} records, "
                f"{pages} pages, {rate:.1f} pages/s")

    def start(self) -> None:
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.halt.wait(1.0 if self.tty else 10.0):
            self._draw()

    def _draw(self, end: str = "") -> None:
        if self.tty:
            sys.stderr.write("\r" + self.line() + end)
        else:
            sys.stderr.write(self.line() + "\n")
        sys.stderr.flush()

    def stop(self) -> None:
        if self.thread is not None and not self.halt.is_set():
            self.halt.set()
            self.thread.join()
            self._draw(end="\n")
        self.halt.set()
