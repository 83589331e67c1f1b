"""``fetch``: the spider behind ``crawler extract URL``: fetches given URLs, keeps results.

Not meant for ``crawler crawl`` (it needs a results dict to fill); use ``articles`` there. It
has no class-level ``name``, so Scrapy's spider loader does not list it (``scrapy list``) nor
let ``scrapy crawl fetch`` start it; each instance is named ``fetch``.
"""

from __future__ import annotations

import scrapy
from twisted.python.failure import Failure

from crawler.spiders.base import RecordSpider


class FetchSpider(RecordSpider):
    custom_settings = {"ITEM_PIPELINES": {}, "STATE_ENABLED": False}
    start_documents = None  # `crawler extract` reports each URL itself

    def __init__(self, urls: list[str] | None = None, results: dict | None = None, *args, **kwargs):
        kwargs.setdefault("name", "fetch")
        super().__init__(*args, **kwargs)
        self.urls = list(urls or [])
        self.results = results if results is not None else {}

    async def start(self):
        for req in self._requests():
            yield req

    def start_requests(self):  # Scrapy < 2.13
        yield from self._requests()

    def _requests(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                                 cb_kwargs={"original": url}, meta={"handle_httpstatus_all": True})

    def parse(self, response, original: str):
        if response.status >= 400:
            self.results[original] = f"HTTP {response.status} from {response.url}"
            return
        record = self.record(response)
        self.results[original] = record if record is not None else (
            f"no record: not an HTML or text page ({response.headers.get('Content-Type', b'?').decode('latin-1')})"
        )

    def failed(self, failure: Failure):
        url = failure.request.cb_kwargs.get("original", failure.request.url)
        exc = failure.value
        reason = getattr(exc, "reasons", None) or str(exc) or exc.__class__.__name__
        self.results[url] = f"cannot fetch: {exc.__class__.__name__}: {reason}"
