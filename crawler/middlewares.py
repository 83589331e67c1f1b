"""Downloader middlewares."""

from __future__ import annotations

import email.utils
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware

from crawler.warc import WarcWriterMiddleware  # noqa: F401 - named in DOWNLOADER_MIDDLEWARES


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
