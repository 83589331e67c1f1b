"""Item pipelines: every record is checked against the shipped JSON Schema."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.records import is_valid, validation_errors

logger = logging.getLogger(__name__)


class ValidateRecordPipeline:
    def __init__(self, enabled: bool, stats):
        self.enabled = enabled
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("VALIDATE_RECORDS", True), crawler.stats)

    def process_item(self, item, spider=None):
        if not self.enabled:
            return item
        if is_valid(item):
            errors = []
        else:
            errors = validation_errors(dict(item)) or ["rejected by the compiled schema check"]
        if errors:
            self.stats.inc_value("records/invalid")
            url = item.get("crawl", {}).get("url")
            raise DropItem(f"record for {url} does not match the schema: {'; '.join(errors[:3])}")
        self.stats.inc_value("records/valid")
        return item  # its posts are counted once emitted (crawler.extensions.ProgressLine)
