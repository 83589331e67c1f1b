"""The extract core: bytes or a parsed tree plus a URL in, a ``ProvenanceRecord`` out.

Pure functions: no I/O, no Scrapy. Spiders hand over Scrapy's already-parsed tree; files and
archive records are decoded and parsed here, once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml.html import HtmlElement

from crawler import __version__
from crawler.dates import record_date
from crawler.extract.article import extract_article
from crawler.extract.document import Document, ExtractError, decode_bytes, parse_html
from crawler.extract.embeds import find_posts_in_text, posts_from, walk_page
from crawler.extract.rights import SignScan, find_rights, find_rights_in_text
from crawler.records import Article, Crawl, ProvenanceRecord, article_id, findings_version

__all__ = ["CrawlMeta", "ExtractError", "extract_record", "extract_text_record"]


@dataclass
class CrawlMeta:
    """What the fetcher knows about the bytes (all optional but ``url``)."""

    url: str
    final_url: str | None = None
    fetched_at: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    redirects: list[str] = field(default_factory=list)
    spider: str | None = None
    crawl_id: str | None = None
    warc_record_id: str | None = None
    source: dict[str, Any] | None = None  # what the sitemap or feed said about this URL

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _crawl(meta: CrawlMeta, body: bytes | None) -> Crawl:
    return Crawl(
        url=meta.url,
        fetched_at=meta.fetched_at or _now(),
        final_url=meta.final_url or meta.url,
        redirects=list(meta.redirects),
        status=meta.status,
        etag=meta.header("etag"),
        last_modified=meta.header("last-modified"),
        content_type=meta.header("content-type"),
        content_sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
        spider=meta.spider,
        crawl_id=meta.crawl_id,
        crawler_version=__version__,
        warc_record_id=meta.warc_record_id,
        source=meta.source,
    )


def _finish(article: Article, posts, rights, crawl: Crawl) -> ProvenanceRecord:
    # dates as RFC 3339 full-date or date-time, at the precision the page gave (crawler.dates)
    article.published, article.modified = record_date(article.published), record_date(article.modified)
    for post in posts:
        post.posted = record_date(post.posted)
    record = ProvenanceRecord(id=article_id(article.canonical_url or article.url), version="",
                              article=article, posts=posts, rights=rights, crawl=crawl)
    record.version = findings_version(*record.freeze())  # converted once, reused by to_dict
    return record


def extract_record(
    source: bytes | str | HtmlElement,
    meta: CrawlMeta,
    *,
    with_text: bool = False,
    main_text: bool = True,
    precise_text: bool = False,
    document: Document | None = None,
) -> ProvenanceRecord:
    """One HTML page to one record.

    ``source`` is the raw bytes (decoded with the Content-Type header when given), decoded
    text, or an lxml tree that is already parsed (Scrapy's ``response.selector.root``).
    ``with_text`` puts the main text in the record; ``main_text=False`` skips main-text
    extraction entirely (faster crawls; ``text_sha256`` is then null); ``precise_text`` lets
    trafilatura compare its extraction with readability and jusText (slower, better text).
    """
    body: bytes | None = source if isinstance(source, bytes) else None
    if isinstance(source, HtmlElement):
        tree = source
    else:
        text = decode_bytes(source, meta.header("content-type")) if isinstance(source, bytes) else source
        tree = parse_html(text)
    page_url = meta.final_url or meta.url
    if document is not None and document.tree is tree and document.url == page_url:
        doc = document  # the caller already looked at this page: keep its meta and JSON-LD
    else:
        doc = Document(tree=tree, url=page_url)
    # the walk first: it only reads the tree (main-text extraction works on a copy) and keeps
    # the scripts it read, so JSON-LD for the article fields costs no second pass
    signs = SignScan()
    walker = walk_page(doc, signs)  # one walk for posts and rights
    article = extract_article(doc, with_text=with_text, want_text_hash=main_text, listing=meta.source,
                              precise_text=precise_text)
    if not article.canonical_url:
        article.canonical_url = page_url
    posts = posts_from(walker, doc, [page_url, article.canonical_url])
    rights = find_rights(doc, signs)
    return _finish(article, posts, rights, _crawl(meta, body))


def extract_text_record(text: str, meta: CrawlMeta, *, with_text: bool = False,
                        body: bytes | None = None) -> ProvenanceRecord:
    """A plain-text article (an article saved as text) to one record."""
    if not text.strip():
        raise ExtractError("empty document")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    title = first if _looks_like_title(first) else None
    normalized = "\n".join(lines)
    article = Article(
        url=meta.final_url or meta.url,
        canonical_url=meta.final_url or meta.url,
        title=title,
        text_sha256=hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
        text=normalized if with_text else None,
    )
    posts = find_posts_in_text(text)
    rights = find_rights_in_text(text)
    return _finish(article, posts, rights, _crawl(meta, body))


def _looks_like_title(line: str) -> bool:
    """A headline: short, no final full stop, not a quotation or a list item."""
    return (
        0 < len(line) <= 200
        and len(line.split()) <= 25
        and not line.endswith((".", ",", ";", ":"))
        and not line.startswith(("\"", "“", "-", "*", "•", "—"))
    )
