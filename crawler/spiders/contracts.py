"""Scrapy contracts for our spiders, so that ``scrapy check`` checks something.

A contract needs a page to call the callback with. ``@url`` would tie the check to a live site;
``@sample NAME`` instead hands the callback one of the small documents below as a ``data:``
URL, which Scrapy's own download handler serves without any network (nor robots.txt). The
other contracts are Scrapy's (``@returns``, ``@scrapes``)::

    def parse(self, response):
        '''@sample article
        @returns items 1 1
        @scrapes id version article posts rights crawl
        '''
"""

from __future__ import annotations

import base64
from typing import Any

from scrapy.contracts import Contract

SAMPLES: dict[str, tuple[str, str]] = {
    "article": ("text/html; charset=utf-8", """<!doctype html>
<html lang="en"><head><title>Harbour bridge reopens</title>
<meta property="og:type" content="article">
<link rel="canonical" href="https://news.example/2025/05/02/harbour-bridge-reopens/">
<meta property="article:published_time" content="2025-05-02T09:00:00Z">
</head><body><article><h1>Harbour bridge reopens</h1>
<p>The harbour bridge reopened on Friday after two years of repairs, the city said.</p>
<blockquote class="twitter-tweet"><p>The bridge is open again.</p>&mdash; City Hall (@cityhall)
<a href="https://twitter.com/cityhall/status/1918000000000000001">May 2, 2025</a></blockquote>
</article><footer>&copy; 2025 News Example Ltd. All rights reserved.</footer></body></html>
"""),
    "sitemap": ("application/xml", """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/2025/05/02/harbour-bridge-reopens/</loc><lastmod>2025-05-02</lastmod></url>
<url><loc>https://news.example/2025/05/03/storm-gallery/</loc></url>
</urlset>
"""),
    "robots": ("text/plain", "User-agent: *\nDisallow: /private/\nSitemap: https://news.example/sitemap.xml\n"),
    "feed": ("application/rss+xml", """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News Example</title><link>https://news.example/</link>
<item><title>Harbour bridge reopens</title><link>https://news.example/2025/05/02/harbour-bridge-reopens/</link>
<pubDate>Fri, 02 May 2025 09:00:00 +0000</pubDate></item>
</channel></rss>
"""),
}


def sample_url(name: str) -> str:
    """The ``data:`` URL of sample ``name``."""
    media_type, text = SAMPLES[name]
    return f"data:{media_type.replace(' ', '')};base64,{base64.b64encode(text.encode()).decode()}"


class SampleContract(Contract):
    """``@sample NAME``: the callback gets sample ``NAME`` (article, sitemap, robots, feed)."""

    name = "sample"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = sample_url(self.args[0])
        return args
