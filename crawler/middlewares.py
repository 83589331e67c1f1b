"""Downloader middlewares."""

from __future__ import annotations


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
