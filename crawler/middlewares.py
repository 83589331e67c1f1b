"""Downloader middlewares."""

from __future__ import annotations

import email.utils
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware


class ContactUserAgentMiddleware:
    """Append ``CONTACT`` to the User-Agent so site owners can reach the operator.

    Runs before Scrapy's UserAgentMiddleware (500), which only sets the header when absent.
    """

    def __init__(self, user_agent: str | None):
        self.user_agent = user_agent

    @classmethod
    def from_crawler(cls, crawler):
        contact = crawler.settings.get("CONTACT")
        ua = crawler.settings.get("USER_AGENT")
        return cls(f"{ua} {contact}" if contact else None)

    def process_request(self, request, spider=None):
        if self.user_agent:
            request.headers.setdefault(b"User-Agent", self.user_agent)
        return None


class WarcWriterMiddleware:
    """``WARC_OUTPUT=FILE``: every fetched response (and its request) goes to a WARC file.

    Each record's ``crawl.warc_record_id`` then names the response record, so "this page cited
    this post at this time" can be checked later from the archive. Placed next to the
    downloader, it sees the bytes as served (before decompression) and every redirect hop.
    """

    def __init__(self, path: str):
        from warcio.warcwriter import WARCWriter

        self.path = path
        self._fh = open(path, "ab")  # noqa: SIM115 - closed on spider_closed
        self.writer = WARCWriter(self._fh, gzip=path.endswith(".gz"))

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get("WARC_OUTPUT")
        if not path:
            raise NotConfigured
        mw = cls(path)
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def process_response(self, request, response, spider=None):
        from io import BytesIO

        from warcio.statusandheaders import StatusAndHeaders

        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, vs in response.headers.items() for v in vs]
        http_headers = StatusAndHeaders(f"{response.status} -", headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(response.url, "response", payload=BytesIO(response.body),
                                                http_headers=http_headers)
        self.writer.write_record(record)
        self._fh.flush()
        request.meta["warc_record_id"] = record.rec_headers.get_header("WARC-Record-ID")
        return response

    def close(self, spider=None):
        if not self._fh.closed:
            self._fh.close()


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, honouring ``Retry-After`` on 429 and 503 up to ``RETRY_AFTER_MAX`` seconds.

    A server that asks for a pause gets it; one that asks for longer than we will wait is
    retried at the normal pace (and given up on as usual).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 30.0)

    def process_response(self, request, response, spider=None):
        # synchronous on the common path: an async middleware costs every response a coroutine
        if (not request.meta.get("dont_retry") and response.status in (429, 503)
                and response.status in self.retry_http_codes):
            wait = _retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and 0 < wait <= self.max_wait:
                from twisted.internet import reactor
                from twisted.internet.task import deferLater

                self.crawler.stats.inc_value("retry/retry_after_waits")
                return deferLater(reactor, wait, super().process_response, request, response)
        return super().process_response(request, response)


def _retry_after_seconds(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return email.utils.parsedate_to_datetime(text).timestamp() - time.time()
    except (TypeError, ValueError):
        return None
