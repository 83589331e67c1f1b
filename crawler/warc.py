"""``WARC_OUTPUT=FILE``: the exchanges as they went over the wire, in a WARC 1.1 file.

Scrapy's ``Response.headers`` is a parsed dictionary: header names are re-cased, repeated
headers grouped, the reason phrase dropped. An archive must hold what the server sent, so the
download handler below (Scrapy's own HTTP/1.1 handler, with a protocol that also keeps the
bytes it sends and receives) hands the raw request and response to ``WarcWriterMiddleware``,
which writes them unchanged: status line, header block (names, order, spacing, values) and
body as transferred (still compressed, still chunked when the server chunked it).

One run adds to the file: a ``warcinfo`` record; then for each exchange a ``request`` record
and a ``response`` record (``WARC-IP-Address``, ``WARC-Concurrent-To`` linking them), or a
``revisit`` record (identical-payload-digest profile) when the same payload was already
archived in this run.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import weakref
from io import BytesIO
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from crawler import __version__

try:  # the Scrapy internals extended below (Scrapy 2.19); older ones archive parsed headers
    from scrapy.core.downloader.handlers.http11 import (
        _LenientHTTP11ClientFactory,
        _LenientHTTP11ClientProtocol,
        _ScrapyAgent,
    )
except ImportError:  # pragma: no cover - depends on the installed Scrapy
    RAW_CAPTURE = False
    _LenientHTTP11ClientFactory = _LenientHTTP11ClientProtocol = _ScrapyAgent = object
else:
    RAW_CAPTURE = True

# response -> what went over the wire for it (filled by the handler, read by the middleware)
CAPTURED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Capture:
    __slots__ = ("request", "response", "__weakref__")

    def __init__(self) -> None:
        self.request = bytearray()
        self.response = bytearray()


class _Tap:
    """The connection's transport, keeping a copy of what the request writes to it."""

    def __init__(self, transport, sink: bytearray):
        self._transport, self._sink = transport, sink

    def write(self, data: bytes) -> None:
        self._sink += data
        self._transport.write(data)

    def writeSequence(self, seq) -> None:  # noqa: N802 - Twisted's interface
        for data in seq:
            self.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _RecordingProtocol(_LenientHTTP11ClientProtocol):
    """Scrapy's HTTP/1.1 client protocol, keeping the bytes of each exchange."""

    _capture: _Capture | None = None

    def request(self, request):
        capture = self._capture = _Capture()
        write_to = request.writeTo
        request.writeTo = lambda transport: write_to(_Tap(transport, capture.request))

        def attach(response):
            response._spc_capture = capture
            return response

        return super().request(request).addCallback(attach)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's interface
        if self._capture is not None:
            self._capture.response += data
        super().dataReceived(data)


class _RecordingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):  # noqa: N802 - Twisted's interface
        return _RecordingProtocol(self._quiescentCallback)


class _RecordingAgent(_ScrapyAgent):
    def _cb_bodydone(self, result, url):
        response = super()._cb_bodydone(result, url)
        capture = getattr(result["txresponse"], "_spc_capture", None)
        if capture is not None:
            CAPTURED[response] = capture
        return response


class RecordingDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler; with ``WARC_OUTPUT`` set it also keeps the raw exchanges."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recording = RAW_CAPTURE and bool(self._crawler.settings.get("WARC_OUTPUT"))
        if self.recording:
            self._pool._factory = _RecordingFactory

    if RAW_CAPTURE:  # Scrapy's own download_request, with the recording agent
        async def download_request(self, request):
            if not self.recording:
                return await super().download_request(request)
            from scrapy.core.downloader.handlers.http11 import wrap_twisted_exceptions
            from scrapy.utils.defer import maybe_deferred_to_future

            agent = _RecordingAgent(
                contextFactory=self._contextFactory, bindAddress=self._bind_address, pool=self._pool,
                maxsize=self._default_maxsize, warnsize=self._default_warnsize,
                fail_on_dataloss=self._fail_on_dataloss, crawler=self._crawler,
                tls_verbose_logging=self._tls_verbose_logging)
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))


class _RawHeaders(StatusAndHeaders):
    """Parsed for warcio's bookkeeping, written back exactly as received."""

    def __init__(self, raw: bytes, parsed: StatusAndHeaders):
        super().__init__(parsed.statusline, parsed.headers, protocol=parsed.protocol,
                         total_len=parsed.total_len)
        self.raw = raw

    def compute_headers_buffer(self, header_filter=None):
        self.headers_buff = self.raw


def split_message(raw: bytes, verbs: list[str] | None = None) -> tuple[_RawHeaders, bytes] | None:
    """``(header block, body)`` of an HTTP message as sent, or ``None`` if it has no header end."""
    end = raw.find(b"\r\n\r\n")
    size = 4
    if end < 0:
        end, size = raw.find(b"\n\n"), 2
        if end < 0:
            return None
    head = raw[:end + size]
    parsed = StatusAndHeadersParser(verbs or ["HTTP/1.0", "HTTP/1.1"], verify=False).parse(
        BytesIO(head), full_statusline=None)
    return _RawHeaders(head, parsed), raw[end + size:]


def payload_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


class WarcWriter:
    """Appends exchanges to one WARC file (gzip per record when the name ends in ``.gz``)."""

    def __init__(self, path: str, user_agent: str | None = None, robots: bool | None = None):
        from warcio.warcwriter import WARCWriter

        self.path = path
        self._fh = open(path, "ab")  # noqa: SIM115 - closed by close()
        self.writer = WARCWriter(self._fh, gzip=path.endswith(".gz"), warc_version="1.1")
        self.seen: dict[str, tuple[str, str]] = {}  # payload digest -> (URI, WARC-Date) archived first
        info = {"software": f"social-provenance-crawler/{__version__} (Scrapy, warcio)",
                "format": "WARC File Format 1.1", "hostname": socket.gethostname()}
        if user_agent:
            info["http-header-user-agent"] = user_agent
        if robots is not None:
            info["robots"] = "obey" if robots else "ignore"
        self._write(self.writer.create_warcinfo_record(path.rsplit("/", 1)[-1], info))

    def _write(self, record) -> None:
        self.writer.write_record(record)
        self._fh.flush()

    def exchange(self, url: str, raw_request: bytes | None, raw_response: bytes, ip: str | None) -> str | None:
        """Archive one exchange; returns the WARC-Record-ID of the response (or revisit) record."""
        resp = split_message(raw_response)
        if resp is None:
            return None
        head, body = resp
        warc_headers = {"WARC-IP-Address": ip} if ip else {}
        digest = payload_digest(body)
        first = self.seen.get(digest) if body else None
        if first is not None:
            record = self.writer.create_revisit_record(url, digest, first[0], first[1], http_headers=head,
                                                       warc_headers_dict=dict(warc_headers))
        else:
            record = self.writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                    http_headers=head, warc_headers_dict=dict(warc_headers))
        rec_id = record.rec_headers.get_header("WARC-Record-ID")
        date = record.rec_headers.get_header("WARC-Date")
        self._write(record)
        if body and first is None:
            self.seen[digest] = (url, date)
        req = split_message(raw_request, verbs=None) if raw_request else None
        if req is not None:
            rhead, rbody = req
            rhead.is_http_request = True
            record = self.writer.create_warc_record(
                url, "request", payload=BytesIO(rbody), length=len(rbody), http_headers=rhead,
                warc_headers_dict={**warc_headers, "WARC-Concurrent-To": rec_id, "WARC-Date": date})
            self._write(record)
        return rec_id

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


def reconstructed(response) -> bytes:
    """What Scrapy kept of a response that did not come through the recording handler (from
    its HTTP cache, say): headers as parsed, marked as such by the reason phrase."""
    lines = [f"HTTP/1.1 {response.status} (reconstructed by social-provenance-crawler)".encode()]
    lines += [k + b": " + v for k, vs in response.headers.items() for v in vs]
    return b"\r\n".join(lines) + b"\r\n\r\n" + response.body


class WarcWriterMiddleware:
    """Downloader middleware next to the downloader: sees every response and redirect hop as
    the handler returned it. Each record's ``crawl.warc_record_id`` names its response record,
    so "this page cited this post at this time" can be checked later from the archive."""

    def __init__(self, writer: WarcWriter):
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get("WARC_OUTPUT")
        if not path:
            raise NotConfigured
        mw = cls(WarcWriter(path, crawler.settings.get("USER_AGENT"), crawler.settings.getbool("ROBOTSTXT_OBEY")))
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def process_response(self, request, response, spider=None):
        if not response.url.startswith(("http://", "https://")):
            return response
        capture = CAPTURED.pop(response, None)
        ip = str(response.ip_address) if response.ip_address is not None else None
        if capture is not None:
            rec_id = self.writer.exchange(response.url, bytes(capture.request), bytes(capture.response), ip)
        else:
            rec_id = self.writer.exchange(response.url, None, reconstructed(response), ip)
        if rec_id:
            request.meta["warc_record_id"] = rec_id
        return response

    def close(self, spider=None):
        self.writer.close()
