"""The record of one archived response: the rule the ``warc`` spider and ``crawler archive`` share.

Both read captures nobody listed, so both apply a live ``site`` crawl's rules (no record for
robots.txt and its kin, for a status other than 200, or for a page that is neither an article nor
a page citing posts); kept in one function, the two cannot drift apart. No Scrapy, no Dask: the
spider passes its settings in ``Rules``, a Dask task its options.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extract import CrawlMeta, extract_record, extract_text_record
from crawler.extract.document import Document, decode_bytes, parse_html
from crawler.sources.pages import ARTICLE_URL, is_article_page, keep_page

NOT_PAGES = ("/robots.txt", "/ads.txt", "/humans.txt", "/security.txt")

EXTRACTED, NOT_OK, NOT_ARTICLE = "extracted", "not_ok", "not_article"


@dataclass(frozen=True)
class Rules:
    """The settings that change a record (``EXTRACT_TEXT``, ``MAIN_TEXT``, ``PRECISE_TEXT``,
    ``ARTICLES_ONLY`` for the spider)."""

    with_text: bool = False
    main_text: bool = True
    precise_text: bool = False
    articles_only: bool = False


def archived_record(body: bytes, meta: CrawlMeta, rules: Rules) -> tuple[dict | None, str]:
    """``(record, EXTRACTED)``, or ``(None, NOT_OK | NOT_ARTICLE)`` when a live crawl would make
    no record of this capture; ``ExtractError`` for a page the extract core cannot read."""
    path = urlsplit(meta.url).path
    if path.endswith(NOT_PAGES):
        return None, NOT_ARTICLE
    if meta.status is not None and meta.status != 200:
        return None, NOT_OK
    ctype = meta.header("content-type") or ""
    if "text/plain" in ctype:
        if not ARTICLE_URL.search(path):  # text declares nothing: the URL rule alone
            return None, NOT_ARTICLE
        rec = extract_text_record(decode_bytes(body, ctype), meta, with_text=rules.with_text, body=body)
        return rec.to_dict(), EXTRACTED
    tree = parse_html(decode_bytes(body, ctype))
    doc = Document(tree=tree, url=meta.final_url or meta.url)
    article = is_article_page(doc)
    if not keep_page(article, True, rules.articles_only):
        return None, NOT_ARTICLE
    rec = extract_record(tree, meta, with_text=rules.with_text, main_text=rules.main_text,
                         precise_text=rules.precise_text, document=doc)
    if not keep_page(article, bool(rec.posts), rules.articles_only):
        return None, NOT_ARTICLE  # not an article, and it cites no post
    rec.crawl.content_sha256 = hashlib.sha256(body).hexdigest()
    return rec.to_dict(), EXTRACTED
