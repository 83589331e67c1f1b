"""One archive stream to its HTTP response captures, with their offsets and the archive's faults.

warcio reads WARC and ARC (gzipped per record or not) from any readable stream, so an archive is
never read whole: a capture's body is read only when a task wants it. Every capture carries the
offset of its record in the archive (the compressed offset for ``.gz``), which with the archive's
URL finds the evidence again (``warcio extract ARCHIVE OFFSET``, or an HTTP range request).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")  # the warc spider's (crawler.sources.warcs)



class ArchiveFault(Exception):
    """The archive is unreadable from ``offset`` on (the message says why)."""

    def __init__(self, offset: int, message: str):
        super().__init__(f"at offset {offset}: {message}")
        self.offset = offset
        self.message = message


@dataclass
class Capture:
    """One ``response`` record, or a ``revisit`` (``revisit`` set: its payload is the earlier
    response's with the same ``digest``, as our own ``WARC_OUTPUT`` writes). ``body()`` reads a
    response's payload (before the next capture is asked for) and raises ``LyingRecord`` when
    the record's length does not hold."""

    url: str
    date: str | None
    record_id: str | None
    offset: int
    status: int | None
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    digest: str | None = None  # WARC-Payload-Digest
    revisit: bool = False
    _record: object = None
    _finish: Callable[[], str | None] | None = None
    checked: bool = False
    faulty: bool = False

    @property
    def is_page(self) -> bool:
        """HTML or text: what the ``warc`` spider reads (``crawler.archive.record``)."""
        return self.content_type.lower().startswith(PAGE_TYPES)

    def body(self) -> bytes:
        try:
            data = self._record.content_stream().read()
            fault = self._finish()
        except _READ_ERRORS as exc:
            raise archive_fault(exc, self.offset) from None
        self.checked, self.faulty = True, bool(fault)
        if fault:
            raise LyingRecord(self.offset, fault)
        return data


class LyingRecord(ValueError):
    """A record whose length does not hold: reported with its offset, its payload not used."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


def iter_captures(fh: IO[bytes]) -> Iterator[Capture | LyingRecord]:
    """HTTP response captures in archive order. A lying record whose body was not read comes as
    a ``LyingRecord`` (yielded, not raised) and the iteration goes on; an unreadable archive
    raises ``ArchiveFault`` with the offset."""
    it = _Iterator(fh, arc2warc=True)
    offset, last_bad = it.offset, False
    try:
        for rec in it:
            offset = it.offset
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            if uri is not None and ":" not in uri:  # what warcio's lenient ARC parser makes of text
                raise ArchiveFault(offset, f"not a WARC or ARC record (its URL would be {uri[:60]!r})")
            finish = partial(_finish, it, rec, it.err_count)
            capture = _capture(rec, offset, finish)
            if capture is not None:
                yield capture
            if capture is None or not capture.checked:
                fault = finish()
                if fault:
                    yield LyingRecord(offset, fault)
                last_bad = bool(fault)
            else:
                last_bad = capture.faulty
    except _READ_ERRORS as exc:
        raise archive_fault(exc, max(it.offset, offset)) from None
    if it.truncated:  # in the last record read when that one came out short, else in the next
        raise ArchiveFault(offset if last_bad else it.offset, "the gzip data ends inside a record (a truncated file)")


class _Iterator(ArchiveIterator):
    """warcio's iterator, told to notice two faults it passes over in silence."""

    INC_RECORD = ""  # warcio prints its own warning for a bad length: we report it instead
    truncated = False

    def close(self):
        """A gzip member cut short ends warcio's iteration as if the file had ended there."""
        d = self.reader.decompressor if self.reader is not None else None
        if d is not None and not getattr(d, "eof", True):
            self.truncated = True
        super().close()

    def _consume_blanklines(self):
        """After a record whose Content-Length lies (uncompressed), skip to the next line that
        starts a WARC record instead of taking the rest of the record for the next header."""
        errors = self.err_count
        line, empty_size = super()._consume_blanklines()
        if self.err_count > errors and not self.reader.decompressor:
            while line and not line.startswith(b"WARC/"):
                line = self.reader.readline()
        return line, empty_size


_READ_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, ValueError)


def archive_fault(exc: Exception, offset: int) -> ArchiveFault:
    """Why reading stopped, in one line."""
    if isinstance(exc, ArchiveLoadFailed):
        return ArchiveFault(offset, _first_line(str(exc)) or "not a WARC or ARC record")
    if isinstance(exc, zlib.error | EOFError):
        return ArchiveFault(offset, f"broken gzip data ({exc or exc.__class__.__name__})")
    return ArchiveFault(offset, f"unreadable record ({exc})")


def _finish(it, rec, errors_before: int) -> str | None:
    """Read what is left of the record; say how its length lies, if it does."""
    it.get_record_offset()
    short = getattr(rec.raw_stream, "limit", 0)
    if short:
        return f"record ends {short} bytes before its Content-Length (truncated, or the Content-Length lies)"
    if it.err_count > errors_before:
        return "bytes follow the record where the next one should start (its Content-Length is wrong)"
    return None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _capture(rec, offset: int, finish: Callable[[], str | None]) -> Capture | None:
    if rec.rec_type not in ("response", "revisit") or rec.http_headers is None:
        return None
    h = rec.rec_headers
    try:
        status = int((rec.http_headers.get_statuscode() or "0")[:3])
    except ValueError:
        status = None
    return Capture(
        url=h.get_header("WARC-Target-URI") or "",
        date=h.get_header("WARC-Date"),
        record_id=h.get_header("WARC-Record-ID"),
        offset=offset,
        status=status,
        content_type=rec.http_headers.get_header("Content-Type") or "",
        headers={k.lower(): v for k, v in rec.http_headers.headers},
        digest=h.get_header("WARC-Payload-Digest"),
        revisit=rec.rec_type == "revisit",
        _record=rec,
        _finish=finish,
    )
