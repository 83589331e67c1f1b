"""What the spiders that read listings (sitemaps, feeds) share: arguments, start, failures."""

from __future__ import annotations

import scrapy

from crawler.distributed import release
from crawler.spiders.base import RecordSpider, http_url
from crawler.spiders.since import parse_since


class ListingSpider(RecordSpider):
    """``-a url=URL[,URL]`` listing documents, ``-a since=DATE``; listings are always re-read."""

    url_help = "URL"
    start_documents = "listings"

    def __init__(self, url: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        urls = [u.strip() for u in (url or "").split(",") if u.strip()]
        if not urls:
            self.missing_arguments = f"{self.name}: give -a url={self.url_help}"
        bad = [u for u in urls if not http_url(u)]
        if bad:
            raise ValueError(f"{self.name}: give -a url={self.url_help} ({bad[0]!r} is not an http(s) URL)")
        self.urls = urls
        self.since = parse_since(since)

    async def start(self):
        if not self.can_start():
            return
        for request in self.start_listings():
            yield request

    def start_requests(self):  # Scrapy < 2.13
        yield from self.start_listings()

    def start_listings(self):
        raise NotImplementedError

    def listing(self, url: str, callback) -> scrapy.Request:
        """A listing request: never dropped by a duplicate filter, never conditional."""
        return scrapy.Request(url, callback=callback, errback=self.listing_failed, dont_filter=True,
                              meta={"handle_httpstatus_list": [404, 410], "listing": True})

    def listing_failed(self, failure):
        release(self.crawler, failure.request)
        self.crawler.stats.inc_value("listings/failed")
        self.logger.error("could not fetch %s: %s", failure.request.url, failure.value)

    def listing_ok(self, response, what: str) -> bool:
        if response.status != 200:
            self.crawler.stats.inc_value("listings/failed")
            self.logger.error("%s %s: HTTP %s", what, response.url, response.status)
            return False
        return True
