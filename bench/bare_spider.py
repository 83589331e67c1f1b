"""The baseline for bench/crawl.py: Scrapy's own SitemapSpider that only parses each page."""

from __future__ import annotations

from scrapy.spiders import SitemapSpider


class BareSpider(SitemapSpider):
    name = "bare"

    def __init__(self, url: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitemap_urls = [url]

    def parse(self, response):
        root = response.selector.root  # the one lxml parse every page costs
        yield {"url": response.url, "elements": sum(1 for _ in root.iter())}
