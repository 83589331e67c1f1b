"""``warc``: records from WARC/ARC archives you already hold (CC-NEWS, your own captures).

    crawler crawl warc -a path=news.warc.gz            # several: comma-separated, or a glob

No network request is made: each archived article (an HTML or text response, status 200, that
is an article by the ``site`` spider's rule) becomes a provenance record whose ``crawl`` comes
from the archive (WARC-Target-URI, WARC-Date, WARC-Record-ID, HTTP status); repeated captures
of one URL make one record per version.
"""

from __future__ import annotations

import glob
from pathlib import Path

from crawler.archive.record import EXTRACTED, NOT_ARTICLE, NOT_OK, Rules, archived_record
from crawler.extract import CrawlMeta, ExtractError
from crawler.sources.warcs import WarcError, iter_html_records
from crawler.spiders.base import RecordSpider

STATS = {EXTRACTED: "pages/extracted", NOT_OK: "warc/skipped_status", NOT_ARTICLE: "pages/not_articles"}


class WarcSpider(RecordSpider):
    """Archived captures get the rules of a live crawl that has no listing to vouch for its
    pages (the ``site`` spider's): robots.txt, error and redirect captures, and pages that are
    not articles (section fronts, tag pages) make no record, and a URL captured several times
    makes one record per version, not one per capture."""

    name = "warc"
    custom_settings = {"ROBOTSTXT_OBEY": False}
    start_documents = "archives"

    def __init__(self, path: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files: list[str] = []
        if not path:
            self.missing_arguments = "warc: give -a path=FILE (several comma-separated, or a glob)"
            return
        files: list[str] = []
        for part in (p.strip() for p in path.split(",") if p.strip()):
            matched = sorted(glob.glob(part)) if any(c in part for c in "*?[") else [part]
            if not matched:
                raise ValueError(f"warc: no file matches {part!r}")
            files += matched
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise ValueError(f"warc: {missing[0]}: " + ("not a file" if Path(missing[0]).exists() else "no such file"))
        self.files = files

    async def start(self):
        if not self.can_start():
            return
        for item in self._records():
            yield item

    def start_requests(self):  # Scrapy < 2.13 cannot yield items here
        raise NotImplementedError("the warc spider needs Scrapy >= 2.13")

    def _records(self):
        stats = self.crawler.stats
        emitted: set[tuple[str, str]] = set()
        for f in self.files:
            try:
                for body, meta in iter_html_records(f):
                    meta.spider, meta.crawl_id = self.name, self.crawl_id
                    stats.inc_value("warc/html_records")
                    try:
                        record = self.archived_record(body, meta)
                    except ExtractError as exc:
                        stats.inc_value("pages/failed")
                        self.logger.warning("no record for %s in %s: %s", meta.url, f, exc)
                        continue
                    if record is None:
                        continue
                    key = (record["crawl"]["url"], record["version"])
                    if key in emitted:
                        stats.inc_value("pages/duplicates")
                        self.logger.debug("skipped %s in %s: same version captured again", meta.url, f)
                        continue
                    emitted.add(key)
                    yield record
            except WarcError as exc:
                stats.inc_value("listings/failed")
                self.logger.error("archive %s: %s", f, exc)
            else:
                stats.inc_value("listings/read")

    def archived_record(self, body: bytes, meta: CrawlMeta) -> dict | None:
        """The record of one archived HTML or text response, or None when a live crawl would
        make none of it (the rule is ``crawler.archive.record``'s, shared with ``crawler archive``)."""
        settings = self.crawler.settings
        record, outcome = archived_record(body, meta, Rules(
            with_text=settings.getbool("EXTRACT_TEXT"), main_text=settings.getbool("MAIN_TEXT", True),
            precise_text=settings.getbool("PRECISE_TEXT", False), articles_only=settings.getbool("ARTICLES_ONLY")))
        self.crawler.stats.inc_value(STATS[outcome])
        return record
