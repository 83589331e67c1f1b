"""``articles``: the simplest input, a list of article URLs.

    crawler crawl articles -a urls=https://a.example/1,https://a.example/2
    crawler crawl articles -a file=urls.txt        # one URL a line, '#' comments
"""

from __future__ import annotations

from pathlib import Path

import scrapy

from crawler.spiders.base import RecordSpider, http_url


def read_url_file(path: str) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"articles: -a file={path}: no such file" if not p.exists() else
                         f"articles: -a file={path}: not a file")
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"articles: -a file={path}: not UTF-8 text (one URL a line)") from None
    except OSError as exc:
        raise ValueError(f"articles: -a file={path}: {exc.strerror or exc}") from None
    urls = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if line:
            urls.append(line)
    return urls


class ArticlesSpider(RecordSpider):
    name = "articles"

    def __init__(self, urls: str | None = None, file: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        found = [u.strip() for u in (urls or "").split(",") if u.strip()]
        if file:
            found += read_url_file(file)
        if not found and file:
            raise ValueError(f"articles: -a file={file} lists no URL")
        if not found:  # `scrapy parse URL --spider=articles` brings its own URL
            self.missing_arguments = "articles: give -a urls=URL,URL or -a file=PATH"
        bad = [u for u in found if not http_url(u)]
        if bad:
            raise ValueError(f"articles: not an http(s) URL: {bad[0]}")
        self.urls = found

    async def start(self):
        if not self.can_start():
            return
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed, dont_filter=True)

    def start_requests(self):  # Scrapy < 2.13
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed, dont_filter=True)

    def parse(self, response):
        """Each given URL is an article, unless the page declares itself something else.

        @sample article
        @returns items 1 1
        @returns requests 0 0
        @scrapes schema id version article posts rights crawl
        """
        yield from self.parse_article(response)
