"""WARC and ARC files (gzipped or not) to HTML response bodies with their crawl metadata."""

from __future__ import annotations

from collections.abc import Iterator

from crawler.extract import CrawlMeta


class WarcError(ValueError):
    """The archive is unreadable from this point on (the message says why)."""


_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def iter_html_records(path: str) -> Iterator[tuple[bytes, CrawlMeta]]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as fh:
        try:
            for rec in ArchiveIterator(fh, arc2warc=True):
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                if not ctype.startswith(_HTML_TYPES):
                    continue
                try:
                    status = int((rec.http_headers.get_statuscode() or "0")[:3])
                except ValueError:
                    status = None
                body = rec.content_stream().read()
                headers = {k.lower(): v for k, v in rec.http_headers.headers}
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                yield body, CrawlMeta(
                    url=url, final_url=url, fetched_at=rec.rec_headers.get_header("WARC-Date"),
                    status=status, headers=headers,
                    warc_record_id=rec.rec_headers.get_header("WARC-Record-ID"),
                    source={"kind": "warc", "url": path},
                )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            raise WarcError(str(exc) or exc.__class__.__name__) from None
