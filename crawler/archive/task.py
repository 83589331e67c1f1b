"""What a worker does with one archive: stream it, keep the article captures, write one partition.

The function is plain Python (a Dask task only in that Dask calls it): the records are the
``warc`` spider's, made by the same extract core from the same capture fields, and go to a
temporary file renamed into place at the end, so a partition is either whole or absent.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any
from urllib.parse import urlsplit

from crawler.archive.reader import ArchiveFault, Capture, LyingRecord, iter_captures

PROGRESS_TOPIC = "crawler-archive-progress"
MAX_FAULTS = 20  # per input, in the manifest; the counts hold them all


@dataclass(frozen=True)
class Options:
    """What every task needs to know; small and picklable (it travels to the workers)."""

    crawl_id: str
    sites: tuple[str, ...] = ()
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    langs: tuple[str, ...] = ()
    citing: bool = False
    with_text: bool = False
    main_text: bool = True
    articles_only: bool = False
    fmt: str = "jsonl"

    def key(self) -> dict[str, Any]:
        """The options that change which records an input gives (a resumed job must match)."""
        key = {"sites": list(self.sites), "since": _iso(self.since), "until": _iso(self.until),
               "langs": list(self.langs), "citing": self.citing, "with_text": self.with_text,
               "main_text": self.main_text, "format": self.fmt}
        if self.articles_only:  # only when set: folders written before the option still resume
            key["articles_only"] = True
        return key


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


@dataclass
class Counts:
    responses: int = 0  # HTTP response records
    not_html: int = 0  # neither HTML nor text
    not_ok: int = 0  # HTTP status other than 200
    out_of_scope: int = 0  # --site, --since/--until
    not_articles: int = 0
    filtered: int = 0  # --lang, --citing
    duplicates: int = 0  # same URL and version again in this input
    unresolved: int = 0  # revisits of a payload the input does not hold
    failed: int = 0  # pages the extract core could not read
    invalid: int = 0  # records the schema rejected
    records: int = 0
    faults: list[dict[str, Any]] = field(default_factory=list)

    def fault(self, offset: int | None, message: str) -> None:
        if len(self.faults) < MAX_FAULTS:
            self.faults.append({"offset": offset, "message": message})


def partition_name(input_url: str, fmt: str) -> str:
    """Stable per input, whatever order the inputs come in on a rerun."""
    digest = hashlib.sha1(input_url.encode("utf-8")).hexdigest()[:16]
    return f"part-{digest}.{'parquet' if fmt == 'parquet' else 'jsonl'}"


def open_input(url: str) -> IO[bytes]:
    """A local file, or any fsspec URL, as a forward stream (nothing is read ahead whole)."""
    if "://" not in url or url.startswith("file://"):
        return open(url.removeprefix("file://"), "rb", buffering=1 << 20)  # noqa: SIM115
    import fsspec

    # block_size=0: HTTP streams the body instead of issuing range requests a server may refuse
    kwargs = {"block_size": 0} if url.startswith(("http://", "https://")) else {}
    return fsspec.open(url, "rb", **kwargs).open()


def process_input(input_url: str, out_dir: str, opts: Options) -> dict[str, Any]:
    """One input to one partition in ``out_dir``; returns the manifest entry (never raises for
    a bad archive or an unreachable input: that is the entry's status)."""
    started, cpu = time.monotonic(), time.process_time()
    counts = Counts()
    name = partition_name(input_url, opts.fmt)
    tmp = os.path.join(out_dir, f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}-{name}")  # pid: whose it is
    status, error = "done", None
    progress = _Progress(input_url)
    try:
        with open_input(input_url) as fh, _writer(tmp, opts.fmt) as write:
            try:
                for record in _records(fh, input_url, opts, counts, progress):
                    write(record)
            except ArchiveFault as exc:
                status, error = "bad", {"offset": exc.offset, "message": exc.message}
                if not any(f["offset"] == exc.offset for f in counts.faults):  # a cut record: once
                    counts.fault(exc.offset, exc.message)
        os.replace(tmp, os.path.join(out_dir, name))
    except OSError as exc:  # not found, unreachable, permission: worth another try on a rerun
        status, error = "failed", {"offset": None, "message": f"{exc.__class__.__name__}: {exc}"}
        if os.path.exists(tmp):
            os.unlink(tmp)
    progress.send(counts, final=True)
    entry = {"status": status, "partition": name if status != "failed" else None, "error": error,
             "seconds": round(time.monotonic() - started, 3), "worker_pid": os.getpid(),
             "cpu_seconds": round(time.process_time() - cpu, 3)}  # the whole worker process while it ran
    entry.update({k: v for k, v in counts.__dict__.items()})
    return entry


def _records(fh: IO[bytes], input_url: str, opts: Options, counts: Counts, progress: _Progress):
    from crawler.records import is_valid

    seen: set[tuple[str, str]] = set()
    first: dict[str, int] = {}  # payload digest -> offset of the response holding it (for revisits)
    for capture in iter_captures(fh):
        if isinstance(capture, LyingRecord):
            counts.fault(capture.offset, capture.message)
            continue
        counts.responses += 1
        progress.maybe_send(counts)
        if not capture.is_page:
            counts.not_html += 1
            continue
        if capture.digest and not capture.revisit:  # ~140 bytes a page: 1.4 MB for 10,000
            first.setdefault(capture.digest, capture.offset)
        if capture.status is not None and capture.status != 200:  # redirects, errors: as the warc spider
            counts.not_ok += 1
            continue
        if not _in_scope(capture, opts):
            counts.out_of_scope += 1
            continue
        try:
            body = _revisited(input_url, first, capture) if capture.revisit else capture.body()
        except LyingRecord as exc:
            counts.fault(exc.offset, exc.message)
            continue
        if body is None:  # a revisit of a payload this archive does not hold: as the warc spider
            counts.unresolved += 1
            continue
        record = _record(capture, body, input_url, opts, counts)
        if record is None:
            continue
        if not _wanted(record, opts):
            counts.filtered += 1
            continue
        key = (record["crawl"]["url"], record["version"])
        if key in seen:
            counts.duplicates += 1
            continue
        seen.add(key)
        if not is_valid(record):
            counts.invalid += 1
            counts.fault(capture.offset, f"record for {capture.url} does not match the schema")
            continue
        counts.records += 1
        yield record


def _revisited(input_url: str, first: dict[str, int], capture: Capture) -> bytes | None:
    """The payload a revisit record stands for: the earlier response's, read again at its offset
    (a second handle: the stream being read stays where it is)."""
    offset = first.get(capture.digest or "")
    if offset is None:
        return None
    from warcio.archiveiterator import ArchiveIterator

    try:
        if "://" not in input_url or input_url.startswith("file://"):
            fh = open(input_url.removeprefix("file://"), "rb")  # noqa: SIM115
        else:
            import fsspec

            fh = fsspec.open(input_url, "rb").open()  # random access (HTTP range requests)
        with fh:
            fh.seek(offset)
            return next(iter(ArchiveIterator(fh, arc2warc=True))).content_stream().read()
    except (OSError, ValueError, StopIteration) as exc:
        raise LyingRecord(capture.offset, f"revisit of the record at offset {offset}: cannot read it again "
                                          f"({exc.__class__.__name__}: {exc})") from None


def _record(capture: Capture, body: bytes, input_url: str, opts: Options, counts: Counts) -> dict | None:
    """The ``warc`` spider's record for this capture (``crawler.archive.record``), or None."""
    from crawler.archive.record import NOT_OK, Rules, archived_record
    from crawler.extract import CrawlMeta, ExtractError

    meta = CrawlMeta(
        url=capture.url, final_url=capture.url, fetched_at=capture.date, status=capture.status,
        headers=capture.headers, warc_record_id=capture.record_id, spider="archive",
        crawl_id=opts.crawl_id, source={"kind": "warc", "url": input_url, "offset": capture.offset},
    )
    try:
        record, outcome = archived_record(body, meta, Rules(with_text=opts.with_text, main_text=opts.main_text,
                                                             articles_only=opts.articles_only))
    except ExtractError as exc:
        counts.failed += 1
        counts.fault(capture.offset, f"no record for {capture.url}: {exc}")
        return None
    except Exception as exc:  # noqa: BLE001 - one page the extractor trips on must not cost the archive
        counts.failed += 1
        counts.fault(capture.offset, f"no record for {capture.url}: {exc.__class__.__name__}: {exc}")
        return None
    if record is None:
        if outcome == NOT_OK:
            counts.not_ok += 1
        else:
            counts.not_articles += 1  # robots.txt and its kin; not an article, and it cites no post
    return record


def _in_scope(capture: Capture, opts: Options) -> bool:
    if opts.sites:
        host = (urlsplit(capture.url).hostname or "").lower()
        if not any(host == s or host.endswith("." + s) for s in opts.sites):
            return False
    if opts.since or opts.until:
        when = parse_when(capture.date or "")
        if when is None:
            return False
        if (opts.since and when < opts.since) or (opts.until and when >= opts.until):
            return False
    return True


def _wanted(record: dict, opts: Options) -> bool:
    if opts.citing and not record["posts"]:
        return False
    if opts.langs:
        lang = (record["article"].get("language") or "").lower().replace("_", "-")
        if not any(lang == x or lang.startswith(x + "-") for x in opts.langs):
            return False
    return True


def parse_when(value: str) -> datetime | None:
    """A WARC-Date (or an option's date) as an aware UTC datetime."""
    try:
        d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


class _writer:
    """A partition file: JSON Lines, or Parquet in row groups (``crawler.archive.outputs``)."""

    def __init__(self, path: str, fmt: str):
        self.path, self.fmt = path, fmt

    def __enter__(self):
        if self.fmt == "parquet":
            from crawler.archive.outputs import ParquetPartition

            self.sink = ParquetPartition(self.path)
            return self.sink.write
        import json

        self.fh = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
        dumps = json.dumps
        return lambda record: self.fh.write(dumps(record, ensure_ascii=False) + "\n")

    def __exit__(self, *exc):
        if self.fmt == "parquet":
            self.sink.close()
        else:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        return False


class _Progress:
    """Counts sent to the client about once a second (Dask's event log), when on a worker."""

    def __init__(self, input_url: str):
        self.input_url = input_url
        self.last = time.monotonic()
        try:
            from distributed import get_worker

            self.worker = get_worker()
        except (ImportError, ValueError):
            self.worker = None

    def maybe_send(self, counts: Counts) -> None:
        if self.worker is not None and time.monotonic() - self.last >= 1.0:
            self.send(counts)

    def send(self, counts: Counts, final: bool = False) -> None:
        if self.worker is None:
            return
        self.last = time.monotonic()
        self.worker.log_event(PROGRESS_TOPIC, {"input": self.input_url, "pages": counts.responses,
                                               "records": counts.records, "final": final})
