"""What every spider shares: turning a response into a record through the extract core."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.distributed import release
from crawler.extract import CrawlMeta, ExtractError, extract_record, extract_text_record
from crawler.extract.article import article_signal
from crawler.extract.dates import parse_datetime
from crawler.extract.document import Document, parse_html
from crawler.incremental import current_state


def _when(value: str) -> datetime | None:
    """ISO 8601 (what sitemaps and our state hold) the fast way, anything else via dateutil:
    an unchanged re-crawl compares two dates for every listed URL."""
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError):
        return None


def not_newer(lastmod: str | None, last_seen: str | None) -> bool:
    """True when a listing's lastmod is at or before our last fetch (both known)."""
    if not lastmod or not last_seen:
        return False
    mod, seen = _when(lastmod), _when(last_seen)
    if mod is None or seen is None:
        return False
    mod = mod if mod.tzinfo else mod.replace(tzinfo=UTC)
    seen = seen if seen.tzinfo else seen.replace(tzinfo=UTC)
    return mod <= seen


def response_meta(response: Response, spider: scrapy.Spider) -> CrawlMeta:
    redirects = list(response.meta.get("redirect_urls") or [])
    requested = redirects[0] if redirects else response.url
    headers = {
        k.decode("latin-1").lower(): v[0].decode("latin-1")
        for k, v in response.headers.items() if v
    }
    return CrawlMeta(
        url=requested,
        final_url=response.url,
        fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=response.status,
        headers=headers,
        redirects=redirects,
        spider=spider.name,
        crawl_id=getattr(spider, "crawl_id", None),
        warc_record_id=response.meta.get("warc_record_id"),
        source=response.meta.get("source"),
    )


def http_url(value: str) -> bool:
    """An absolute http(s) URL with a host: what a spider can start from."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class RecordSpider(scrapy.Spider):
    """Base spider: ``record(response)`` yields one record dict or nothing.

    Spiders accept being built without arguments (``scrapy check``, ``scrapy parse URL
    --spider=NAME`` do that): a missing required argument is noted in ``missing_arguments``,
    which ``crawler crawl`` reports before starting (exit 2) and ``start`` logs. A malformed
    argument raises ``ValueError`` at once.
    """

    # what the crawl starts from, for the run's outcome (crawler.extensions.crawl_outcome)
    start_documents = "pages"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crawl_id = None
        self.missing_arguments: str | None = None

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if os.environ.get("SCRAPY_CHECK"):  # `scrapy check`: sample pages must not enter the state
            settings.set("STATE_ENABLED", False, priority="spider")

    def can_start(self) -> bool:
        """False (and one error line) when a required argument is missing."""
        if self.missing_arguments:
            self.logger.error("%s", self.missing_arguments)
            return False
        return self.seeding()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.crawl_id = crawler.settings.get("CRAWL_ID") or uuid.uuid4().hex
        return spider

    def article_request(self, url: str, source: dict) -> scrapy.Request | None:
        """A request for a listed article, or None when the listing says it has not changed.

        With the state store on, the store (not the duplicate filter) decides what is new: a
        resumed run re-requests what a killed run had in flight, and conditional requests keep
        that cheap. An entry whose ``lastmod`` is older than our last fetch of an emitted URL
        is not requested at all (``STATE_TRUST_LASTMOD``, default on).
        """
        settings = self.crawler.settings
        stateful = settings.getbool("STATE_ENABLED", True)
        store = getattr(self.crawler, "state_store", None)
        if stateful and store is not None and settings.getbool("STATE_TRUST_LASTMOD", True):
            st = current_state(self.crawler, url)
            if st is not None and st.version and not_newer(source.get("lastmod"), st.last_seen):
                self.crawler.stats.inc_value("state/unchanged_lastmod")
                return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.fetch_failed,
                              meta={"source": source}, dont_filter=stateful)

    def fetch_failed(self, failure):
        """An article that could not be fetched: one log line, counted, no record."""
        from scrapy.exceptions import IgnoreRequest
        from scrapy.spidermiddlewares.httperror import HttpError

        release(self.crawler, failure.request)
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and str(exc).startswith("not modified"):
            return  # a 304: unchanged, already counted by the conditional-request middleware
        self.crawler.stats.inc_value("pages/failed")
        if isinstance(exc, HttpError):
            reason = f"HTTP {exc.response.status}"
        else:
            reason = f"{exc.__class__.__name__}: {exc}".strip().rstrip(":")
        self.logger.warning("failed %s: %s", failure.request.url, reason)

    def parse_article(self, response: Response):
        """A page a listing presented as an article, unless it declares itself something else."""
        return self.leased(response, self._article(response))

    def page_tree(self, response: HtmlResponse):
        """The page's one parse. Nothing has parsed an article response yet (Scrapy parses
        lazily, on first use of ``response.selector``), so we parse it with our parser, whose
        element classes are chosen in C; a spider that already used the selector (the ``site``
        spider's link extractor) reuses Scrapy's tree instead."""
        return parse_html(response.text)

    def _article(self, response: Response):
        doc = None
        declared_other = False
        if isinstance(response, HtmlResponse):
            try:
                doc = Document(tree=self.page_tree(response), url=response.url)
            except ExtractError as exc:
                self.crawler.stats.inc_value("pages/failed")
                self.logger.warning("no record for %s: %s", response.url, exc)
                return
            declared_other = article_signal(doc) is False  # og:type website, a collection...
            if declared_other and self.crawler.settings.getbool("ARTICLES_ONLY"):
                self._not_article(response, "and ARTICLES_ONLY is set")
                return
        record = self.record(response, doc)
        if record is not None and declared_other and not record["posts"]:
            # many blogs and essays say og:type website: only a page that cites nothing is dropped
            self._not_article(response, "and cites no post")
            return
        if record is not None:
            yield record

    def _not_article(self, response: Response, why: str) -> None:
        self.crawler.stats.inc_value("pages/not_articles")
        self.logger.info("skipped %s: the page declares it is not an article %s", response.url, why)

    def leased(self, response: Response, results):
        """Pass a callback's results on and end the request's distributed lease when they are
        done, unless a record went out: that lease ends when the record is written or dropped
        (see ``RunScopedScheduler``), so a worker killed in between loses nothing."""
        record_out = False
        try:
            for result in results:
                record_out = record_out or isinstance(result, dict)
                yield result
        finally:
            if not record_out:
                release(self.crawler, response.request)

    def seeding(self) -> bool:
        """False for a worker that joined a distributed run: the first worker queued the start."""
        return getattr(self, "seeds_run", True)

    def record(self, response: Response, document: Document | None = None) -> dict | None:
        settings = self.crawler.settings
        meta = response_meta(response, self)
        try:
            if isinstance(response, HtmlResponse):
                rec = extract_record(
                    document.tree if document is not None else self.page_tree(response), meta,
                    with_text=settings.getbool("EXTRACT_TEXT"),
                    main_text=settings.getbool("MAIN_TEXT", True),
                    precise_text=settings.getbool("PRECISE_TEXT", False),
                    document=document,
                )
            elif isinstance(response, TextResponse) and b"text/plain" in (
                response.headers.get("Content-Type") or b""
            ):
                rec = extract_text_record(response.text, meta,
                                          with_text=settings.getbool("EXTRACT_TEXT"))
            else:
                self.crawler.stats.inc_value("pages/skipped_not_html")
                self.logger.info("skipped %s: not an HTML or text page (%s)", response.url,
                                 response.headers.get("Content-Type", b"?").decode("latin-1"))
                return None
        except ExtractError as exc:
            self.crawler.stats.inc_value("pages/failed")
            self.logger.warning("no record for %s: %s", response.url, exc)
            return None
        rec.crawl.content_sha256 = hashlib.sha256(response.body).hexdigest()
        self.crawler.stats.inc_value("pages/extracted")
        return rec.to_dict()
