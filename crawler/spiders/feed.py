"""``feed``: articles listed in an RSS, Atom or JSON Feed document.

    crawler crawl feed -a url=https://site.example/rss.xml [-a since=2025-05-01]
"""

from __future__ import annotations

from crawler.sources.feeds import FeedError, parse_feed
from crawler.spiders.listing import ListingSpider
from crawler.spiders.since import older_than


class FeedSpider(ListingSpider):
    name = "feed"
    url_help = "URL of an RSS, Atom or JSON Feed document"

    def start_listings(self):
        for url in self.urls:
            yield self.listing(url, self.parse_feed)

    def parse_feed(self, response):
        """A request for every entry of an RSS, Atom or JSON Feed document.

        @sample feed
        @returns requests 1 1
        @returns items 0 0
        """
        return self.leased(response, self._feed(response))

    def _feed(self, response):
        if not self.listing_ok(response, "feed"):
            return
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
