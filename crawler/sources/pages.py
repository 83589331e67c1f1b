"""Which pages are articles: one rule for every source that meets pages nobody listed.

A live ``site`` crawl and an archive (``warc`` spider, ``crawler archive``) both meet section
fronts, tag pages, "about" pages and home pages besides articles; they must drop the same ones,
so the rule lives here once. A page that is not an article but cites posts is kept all the same
(many blogs and essays call themselves ``og:type`` website), unless the user asks for articles
only (``ARTICLES_ONLY``): what the page declares is in ``article.page_type`` to filter on.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract.article import article_signal
from crawler.extract.document import Document

# a date (/2025/05/) or a long slug (four or more words joined by hyphens) in the path
ARTICLE_URL = re.compile(r"/(?:19|20)\d\d/[01]?\d/|/[^/]*[a-z0-9]+(?:-[a-z0-9]+){3,}[^/]*/?$", re.I)


def is_article_page(doc: Document) -> bool:
    """What the page declares (JSON-LD article types, ``og:type``), else the URL rule."""
    declared = article_signal(doc)
    if declared is not None:
        return declared
    return bool(ARTICLE_URL.search(urlsplit(doc.url).path))


def keep_page(article: bool, cites_posts: bool, articles_only: bool = False) -> bool:
    """Whether a page's record is emitted: an article always; another page when it cites posts
    and the user did not ask for articles only."""
    return article or (cites_posts and not articles_only)
