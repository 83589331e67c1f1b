"""WARC and ARC files (gzipped or not) to HTML response bodies with their crawl metadata.

Each body's ``crawl.source`` names the archive and the offset of its record (the revisit's own
for a revisit), as ``crawler archive`` does: ``warcio extract ARCHIVE OFFSET`` shows the evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from crawler.extract import CrawlMeta


class WarcError(ValueError):
    """The archive is unreadable from this point on (the message says why)."""


_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def iter_html_records(path: str) -> Iterator[tuple[bytes, CrawlMeta]]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    first_offset: dict[str, int] = {}  # payload digest -> offset of the response that holds it
    with open(path, "rb") as fh:
        try:
            records = ArchiveIterator(fh, arc2warc=True)
            for rec in records:
                if rec.rec_type not in ("response", "revisit") or rec.http_headers is None:
                    continue
                offset = records.offset  # where this record starts (in the gzip file for .gz)
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                if not ctype.startswith(_HTML_TYPES):
                    continue
                try:
                    status = int((rec.http_headers.get_statuscode() or "0")[:3])
                except ValueError:
                    status = None
                digest = rec.rec_headers.get_header("WARC-Payload-Digest")
                if rec.rec_type == "revisit":  # the same payload as an earlier response in this file
                    if digest not in first_offset:
                        continue
                    body = _payload_at(path, first_offset[digest])
                else:
                    body = rec.content_stream().read()
                    if digest:
                        first_offset.setdefault(digest, offset)
                headers = {k.lower(): v for k, v in rec.http_headers.headers}
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                yield body, CrawlMeta(
                    url=url, final_url=url, fetched_at=rec.rec_headers.get_header("WARC-Date"),
                    status=status, headers=headers,
                    warc_record_id=rec.rec_headers.get_header("WARC-Record-ID"),
                    source={"kind": "warc", "url": path, "offset": offset},  # the evidence, found again
                )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            raise WarcError(str(exc) or exc.__class__.__name__) from None


def _payload_at(path: str, offset: int) -> bytes:
    """The payload of the record at ``offset`` (what a revisit record refers to)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        fh.seek(offset)
        return next(iter(ArchiveIterator(fh, arc2warc=True))).content_stream().read()
