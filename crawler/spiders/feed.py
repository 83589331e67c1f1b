"""``feed``: articles listed in an RSS, Atom or JSON Feed document.

    crawler crawl feed -a url=https://site.example/rss.xml [-a since=2025-05-01]
"""

from __future__ import annotations

import scrapy

from crawler.distributed import release
from crawler.sources.feeds import FeedError, parse_feed
from crawler.spiders.base import RecordSpider
from crawler.spiders.since import older_than, parse_since


class FeedSpider(RecordSpider):
    name = "feed"

    def __init__(self, url: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        urls = [u.strip() for u in (url or "").split(",") if u.strip()]
        if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
            raise ValueError("feed: give -a url=URL of an RSS, Atom or JSON Feed document")
        self.urls = urls
        self.since = parse_since(since)

    async def start(self):
        if not self.seeding():
            return
        for req in self._start():
            yield req

    def start_requests(self):  # Scrapy < 2.13
        yield from self._start()

    def _start(self):
        for u in self.urls:
            yield scrapy.Request(u, callback=self.parse_feed, dont_filter=True,
                                 errback=self.listing_failed, meta={"listing": True})

    def listing_failed(self, failure):
        release(self.crawler, failure.request)
        self.crawler.stats.inc_value("listings/failed")
        self.logger.error("could not fetch %s: %s", failure.request.url, failure.value)

    def parse_feed(self, response):
        release(self.crawler, response.request)
        try:
            title, entries = parse_feed(response.body, response.url)
        except FeedError as exc:
            self.crawler.stats.inc_value("listings/failed")
            self.logger.error("feed %s: %s", response.url, exc)
            return
        self.crawler.stats.inc_value("listings/read")
        for entry in entries:
            if older_than(entry.published, self.since):
                self.crawler.stats.inc_value("listings/entries_too_old")
                continue
            source = {"kind": "feed", "url": response.url, "title": entry.title,
                      "published": entry.published, "publisher": title, "lastmod": entry.updated}
            request = self.article_request(entry.url, source)
            if request is not None:
                yield request
