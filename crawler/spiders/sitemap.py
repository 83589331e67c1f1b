"""``sitemap``: articles listed in sitemaps, sitemap indexes and news sitemaps.

    crawler crawl sitemap -a url=https://site.example/            # robots.txt, then /sitemap.xml
    crawler crawl sitemap -a url=https://site.example/robots.txt
    crawler crawl sitemap -a url=https://site.example/news-sitemap.xml -a since=2025-05-01

Sitemap and robots requests bypass the duplicate filter, so a resumed or scheduled run always
re-reads them (Scrapy's own SitemapSpider loses them: scrapy/scrapy#4479).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawler.sources.sitemaps import SitemapError, parse_sitemap, sitemaps_from_robots
from crawler.spiders.listing import ListingSpider
from crawler.spiders.since import older_than


class SitemapSpider(ListingSpider):
    """Each article URL is requested once per run, whichever of its sitemaps is read first:
    article requests bypass the duplicate filter when state is on (the store decides what is
    new), so the spider remembers what it already requested."""

    name = "sitemap"
    url_help = "URL of a sitemap, a robots.txt or a site root"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested: set[str] = set()

    def start_listings(self):
        for url in self.urls:
            path = urlsplit(url).path
            if path.endswith("/robots.txt"):
                yield self.listing(url, self.parse_robots)
            elif path in ("", "/"):
                yield self.listing(urljoin(url, "/robots.txt"), self.parse_robots)
            else:
                yield self.listing(url, self.parse_sitemap)

    def parse_robots(self, response):
        """The sitemaps a robots.txt names (else /sitemap.xml).

        @sample robots
        @returns requests 1 1
        @returns items 0 0
        """
        return self.leased(response, self._robots(response))

    def _robots(self, response):
        urls = sitemaps_from_robots(response.body, response.url) if response.status == 200 else []
        if not urls:
            self.logger.info("no Sitemap: line in %s; trying /sitemap.xml", response.url)
            urls = [urljoin(response.url, "/sitemap.xml")]
        for u in urls:
            yield self.listing(u, self.parse_sitemap)

    def parse_sitemap(self, response):
        """A request for every listed article (sub-sitemaps for an index).

        @sample sitemap
        @returns requests 2 2
        @returns items 0 0
        """
        return self.leased(response, self._sitemap(response))

    def _sitemap(self, response):
        if not self.listing_ok(response, "sitemap"):
            return
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except SitemapError as exc:
            self.crawler.stats.inc_value("listings/failed")
            self.logger.error("sitemap %s: %s", response.url, exc)
            return
        self.crawler.stats.inc_value("listings/read")
        if sitemap.kind == "sitemapindex":
            for entry in sitemap.entries:
                if not older_than(entry.lastmod, self.since):
                    yield self.listing(entry.loc, self.parse_sitemap)
            return
        for entry in sitemap.entries:
            if older_than(entry.news.get("published") or entry.lastmod, self.since):
                self.crawler.stats.inc_value("listings/entries_too_old")
                continue
            if entry.loc in self.requested:  # listed again (a news sitemap inside the full one)
                self.crawler.stats.inc_value("listings/entries_repeated")
                continue
            source = {"kind": "sitemap", "url": response.url, "lastmod": entry.lastmod, **entry.news}
            request = self.article_request(entry.loc, source)
            if request is not None:
                self.requested.add(entry.loc)
                yield request
