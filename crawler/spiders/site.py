"""``site``: follow links inside a site and extract the pages that are articles.

    crawler crawl site -a url=https://site.example/news/ [-a allow=REGEX] [-a deny=REGEX] [-a depth=3]

A page is an article when it says so (JSON-LD ``NewsArticle``/``Article``/``BlogPosting``,
``og:type`` article) or, failing that, when its URL looks like one (a date or a long slug);
section fronts and tag pages are followed but not emitted.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.extract.document import Document
from crawler.sources.pages import is_article_page, keep_page
from crawler.spiders.base import RecordSpider, http_url


def looks_like_article(tree, url: str) -> bool:
    """What the page declares, else the URL rule (the rule archives use too)."""
    return is_article_page(Document(tree=tree, url=url))


class SiteSpider(RecordSpider):
    name = "site"

    def __init__(self, url: str | None = None, allow: str | None = None, deny: str | None = None,
                 depth: str | int = 3, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not url:
            self.missing_arguments = "site: give -a url=START_PAGE"
        elif not http_url(url):
            raise ValueError(f"site: url={url!r} is not an http(s) URL; give -a url=START_PAGE")
        try:
            self.max_depth = int(depth)
        except ValueError:
            raise ValueError(f"site: depth={depth!r} is not a whole number") from None
        for name, rx in (("allow", allow), ("deny", deny)):
            if rx:
                try:
                    re.compile(rx)
                except re.error as exc:
                    raise ValueError(f"site: {name}={rx!r} is not a valid regular expression ({exc})") from None
        self.url = url
        self.host = urlsplit(url).hostname if url else None  # None: follow none (no start page)
        if self.host:
            self.allowed_domains = [self.host]
        # no allow_domains: LinkExtractor compares it with host:port, which fails with a port
        self.links = LinkExtractor(allow=allow or (), deny=deny or (), unique=True)

    async def start(self):
        if not self.can_start():
            return
        yield scrapy.Request(self.url, callback=self.parse, errback=self.fetch_failed, dont_filter=True,
                             meta={"site_depth": 0})

    def start_requests(self):  # Scrapy < 2.13
        yield scrapy.Request(self.url, callback=self.parse, errback=self.fetch_failed, dont_filter=True,
                             meta={"site_depth": 0})

    def parse(self, response):
        """Follows links inside the site; emits the page when it is an article.

        @sample article
        @returns items 1 1
        @scrapes id version article posts rights crawl
        """
        return self.leased(response, self._parse(response))

    def page_tree(self, response):
        return response.selector.root  # already parsed by the link extractor: reuse it

    def _parse(self, response):
        if not isinstance(response, HtmlResponse):
            return
        depth = response.meta.get("site_depth", 0)
        if depth < self.max_depth:
            for link in self.links.extract_links(response):
                if urlsplit(link.url).hostname != self.host:
                    continue
                yield response.follow(link, callback=self.parse, errback=self.fetch_failed,
                                      meta={"site_depth": depth + 1})
        article = looks_like_article(response.selector.root, response.url)
        articles_only = self.crawler.settings.getbool("ARTICLES_ONLY")
        record = None
        if keep_page(article, True, articles_only):
            response.meta["source"] = {"kind": "site", "url": self.url or response.url}
            record = self.record(response)
        if record is not None and keep_page(article, bool(record["posts"]), articles_only):
            yield record
        else:  # not an article, and it cites no post (or ARTICLES_ONLY)
            self.crawler.stats.inc_value("pages/not_articles")
