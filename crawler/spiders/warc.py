"""``warc``: records from WARC/ARC archives you already hold (CC-NEWS, your own captures).

    crawler crawl warc -a path=news.warc.gz            # several: comma-separated, or a glob

No network request is made: each HTML response record becomes a provenance record whose
``crawl`` comes from the archive (WARC-Target-URI, WARC-Date, WARC-Record-ID, HTTP status).
"""

from __future__ import annotations

import glob
from pathlib import Path

from crawler.extract import ExtractError
from crawler.sources.warcs import WarcError, iter_html_records
from crawler.spiders.base import RecordSpider, extract_from_bytes


class WarcSpider(RecordSpider):
    name = "warc"
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, path: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not path:
            raise ValueError("warc: give -a path=FILE (several comma-separated, or a glob)")
        files: list[str] = []
        for part in (p.strip() for p in path.split(",") if p.strip()):
            matched = sorted(glob.glob(part)) if any(c in part for c in "*?[") else [part]
            if not matched:
                raise ValueError(f"warc: no file matches {part!r}")
            files += matched
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise ValueError(f"warc: {missing[0]}: no such file")
        self.files = files

    async def start(self):
        for item in self._records():
            yield item

    def start_requests(self):  # Scrapy < 2.13 cannot yield items here
        raise NotImplementedError("the warc spider needs Scrapy >= 2.13")

    def _records(self):
        stats = self.crawler.stats
        for f in self.files:
            try:
                for body, meta in iter_html_records(f):
                    meta.spider, meta.crawl_id = self.name, self.crawl_id
                    stats.inc_value("warc/html_records")
                    try:
                        yield extract_from_bytes(self, body, meta)
                    except ExtractError as exc:
                        stats.inc_value("pages/failed")
                        self.logger.warning("no record for %s in %s: %s", meta.url, f, exc)
            except WarcError as exc:
                stats.inc_value("listings/failed")
                self.logger.error("archive %s: %s", f, exc)
