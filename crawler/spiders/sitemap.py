"""``sitemap``: articles listed in sitemaps, sitemap indexes and news sitemaps.

    crawler crawl sitemap -a url=https://site.example/            # robots.txt, then /sitemap.xml
    crawler crawl sitemap -a url=https://site.example/robots.txt
    crawler crawl sitemap -a url=https://site.example/news-sitemap.xml -a since=2025-05-01

Sitemap and robots requests bypass the duplicate filter, so a resumed or scheduled run always
re-reads them (Scrapy's own SitemapSpider loses them: scrapy/scrapy#4479).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import scrapy

from crawler.distributed import release
from crawler.sources.sitemaps import SitemapError, parse_sitemap, sitemaps_from_robots
from crawler.spiders.base import RecordSpider
from crawler.spiders.since import older_than, parse_since


class SitemapSpider(RecordSpider):
    name = "sitemap"

    def __init__(self, url: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not url or not url.startswith(("http://", "https://")):
            raise ValueError("sitemap: give -a url=URL of a sitemap, a robots.txt or a site root")
        self.url = url
        self.since = parse_since(since)

    async def start(self):
        if not self.seeding():
            return
        for req in self._start():
            yield req

    def start_requests(self):  # Scrapy < 2.13
        yield from self._start()

    def _start(self):
        path = urlsplit(self.url).path
        if path.endswith("/robots.txt"):
            yield self._listing(self.url, self.parse_robots)
        elif path in ("", "/"):
            yield self._listing(urljoin(self.url, "/robots.txt"), self.parse_robots)
        else:
            yield self._listing(self.url, self.parse_sitemap)

    def _listing(self, url: str, callback) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.listing_failed, dont_filter=True,
                              meta={"handle_httpstatus_list": [404, 410], "listing": True})

    def listing_failed(self, failure):
        release(self.crawler, failure.request)
        self.crawler.stats.inc_value("listings/failed")
        self.logger.error("could not fetch %s: %s", failure.request.url, failure.value)

    def parse_robots(self, response):
        release(self.crawler, response.request)
        urls = sitemaps_from_robots(response.body, response.url) if response.status == 200 else []
        if not urls:
            self.logger.info("no Sitemap: line in %s; trying /sitemap.xml", response.url)
            urls = [urljoin(response.url, "/sitemap.xml")]
        for u in urls:
            yield self._listing(u, self.parse_sitemap)

    def parse_sitemap(self, response):
        release(self.crawler, response.request)
        if response.status != 200:
            self.crawler.stats.inc_value("listings/failed")
            self.logger.error("sitemap %s: HTTP %s", response.url, response.status)
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
                    yield self._listing(entry.loc, self.parse_sitemap)
            return
        for entry in sitemap.entries:
            if older_than(entry.news.get("published") or entry.lastmod, self.since):
                self.crawler.stats.inc_value("listings/entries_too_old")
                continue
            source = {"kind": "sitemap", "url": response.url, "lastmod": entry.lastmod, **entry.news}
            request = self.article_request(entry.loc, source)
            if request is not None:
                yield request
