"""Article metadata and main text.

Explicit, cheap sources first (JSON-LD, OpenGraph and ``<meta>``, ``<link rel=canonical>``),
then trafilatura for the main text and for whatever metadata the page did not declare
(its title, author and htmldate-based date heuristics are better than anything we would
hand-write).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from crawler.extract.dates import parse_datetime, quiet_zone_warnings
from crawler.extract.document import ARTICLE_TYPES, Document, collapse, node_types
from crawler.records import Article

logger = logging.getLogger(__name__)

_TITLE_SEPARATORS = re.compile(r"\s+[|–—•·:»«-]\s+|\s+::\s+")


def article_node(doc: Document) -> dict[str, Any] | None:
    """The JSON-LD node describing the article (an Article type before a WebPage)."""
    best = None
    for node in doc.jsonld:
        types = node_types(node)
        if not types & ARTICLE_TYPES:
            continue
        if types & {"webpage", "itempage", "medicalwebpage"}:
            best = best or node
            continue
        return node
    return best


_PAGE_TYPES = {"webpage", "itempage", "medicalwebpage", "collectionpage"}


_STORY_TYPES = ARTICLE_TYPES - _PAGE_TYPES


def page_type(doc: Document) -> str | None:
    """What the page declares itself, in lower case, or None when it is silent: the first
    JSON-LD article or collection type (``newsarticle``, ``blogposting``, ``collectionpage``),
    else its ``og:type`` (``article``, ``website``, ``video.other``). Recorded as
    ``article.page_type`` so users can filter; many blogs and essays say ``website``."""
    for node in doc.jsonld:
        types = node_types(node)
        found = types & _STORY_TYPES or types & {"collectionpage", "itemlist"}
        if found:
            return min(found)
    og = (doc.meta_first("og:type") or "").strip().lower()
    return og or None


def article_signal(doc: Document) -> bool | None:
    """What the page declares itself: True an article, False something else, None silent.

    JSON-LD article types or ``og:type`` article say yes; a collection or another ``og:type``
    (website, section fronts) says no.
    """
    declared = page_type(doc)
    if declared is None:
        return None
    return declared in _STORY_TYPES


def extract_article(doc: Document, *, with_text: bool, want_text_hash: bool = True,
                    listing: dict[str, Any] | None = None, precise_text: bool = False) -> Article:
    """Declared fields first, then what a news sitemap or feed said (``listing``), then
    trafilatura's heuristics for what is still missing."""
    node = article_node(doc) or {}
    canonical = _canonical(doc, node)
    publisher = _name(doc.resolve(node.get("publisher"))) or doc.meta_first("og:site_name")
    title = _jsonld_str(node.get("headline")) or doc.meta_first("og:title", "twitter:title")
    if not title:
        title = _strip_site(_html_title(doc), publisher)
    art = Article(
        url=doc.url,
        canonical_url=canonical,
        title=_unescaped(collapse(title)),
        authors=_authors(doc, node),
        published=iso_date(
            _jsonld_str(node.get("datePublished"))
            or doc.meta_first(
                "article:published_time", "og:article:published_time", "datepublished",
                "pubdate", "publishdate", "date", "dc.date.issued", "dcterms.created",
                "sailthru.date", "parsely-pub-date",
            )
            or _time_element(doc)
        ),
        modified=iso_date(
            _jsonld_str(node.get("dateModified"))
            or doc.meta_first("article:modified_time", "og:updated_time", "datemodified",
                              "dcterms.modified", "last-modified")
        ),
        publisher=collapse(publisher),
        language=_language(doc, node),
        description=collapse(
            doc.meta_first("description", "og:description")
            or _jsonld_str(node.get("description"))
        ),
        page_type=page_type(doc),
    )
    if listing:
        art.title = art.title or collapse(listing.get("title"))
        art.published = art.published or iso_date(listing.get("published"))
        art.publisher = art.publisher or collapse(listing.get("publisher"))
    needs_meta = not (art.title and art.published and art.authors and art.publisher)
    if with_text or want_text_hash:
        text, meta = _trafilatura(doc, with_metadata=needs_meta, fast=not precise_text)
        if text:
            art.text_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if with_text:
                art.text = text
        if meta is not None:
            _fill_from(art, meta)
    elif needs_meta:
        _fill_from(art, _trafilatura_metadata(doc))
    return art


# htmldate's last resort turns a bare year anywhere in the page (a copyright line, a number in a
# script) into January 1st of it: a guess with a precision the page never gave, so left out.
_YEAR_GUESS = re.compile(r"^\d{4}-01-01$")


# trafilatura's byline guess can run into the date beside it: "Ann Lee Fri; Aug" for "Ann Lee
# Fri., Aug. 23". A part that is only a date word shows it; then the word before it goes too
# (only then: Sun, May and Marsh are also names).
_DATE_WORD = (r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
              r"(?:day|uary|ruary|ch|il|e|y|ust|tember|ober|ember|nesday|urday|sday)?\.?,?")
_ONLY_DATE = re.compile(rf"(?:\s*(?:{_DATE_WORD}|\d+[.,]?))+", re.I)
_DATE_TAIL = re.compile(rf"\s+{_DATE_WORD}$", re.I)


def _byline_names(author: str) -> list[str]:
    parts = [a.strip() for a in author.split(";") if a.strip()]
    names = [a for a in parts if not _ONLY_DATE.fullmatch(a)]
    if len(names) < len(parts):
        names = [_DATE_TAIL.sub("", a) for a in names]
    return names


def _fill_from(art: Article, meta: Any) -> None:
    """Fill gaps from trafilatura's metadata heuristics, never overriding declared values."""
    if meta is None:
        return
    if not art.title and meta.title:
        art.title = collapse(meta.title)
    if not art.authors and meta.author:
        art.authors = _clean_names(_byline_names(meta.author))
    if not art.published and meta.date and not _YEAR_GUESS.match(meta.date):
        art.published = iso_date(meta.date)
    if not art.publisher and meta.sitename:
        art.publisher = collapse(meta.sitename)


def _trafilatura(doc: Document, *, with_metadata: bool, fast: bool) -> tuple[str | None, Any]:
    """Main text (and metadata fallbacks). ``fast`` skips trafilatura's second opinions
    (readability, jusText), which roughly halves its cost; ``precise_text`` turns them on."""
    from trafilatura import bare_extraction

    try:
        with quiet_zone_warnings():
            result = bare_extraction(
                doc.tree, url=doc.url, with_metadata=with_metadata, include_comments=False,
                include_tables=True, output_format="python", fast=fast,
            )
    except Exception as exc:  # trafilatura raises a variety of errors on hostile pages
        logger.debug("trafilatura failed on %s: %r", doc.url, exc)
        return None, None
    if result is None:
        return None, None
    text = getattr(result, "text", None)
    return (text or None), (result if with_metadata else None)


def _trafilatura_metadata(doc: Document) -> Any:
    from trafilatura.metadata import extract_metadata

    try:
        with quiet_zone_warnings():
            return extract_metadata(doc.tree, default_url=doc.url)
    except Exception as exc:
        logger.debug("trafilatura metadata failed on %s: %r", doc.url, exc)
        return None


def _canonical(doc: Document, node: dict[str, Any]) -> str | None:
    candidates: list[str | None] = []
    for link in doc.tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            candidates.append(link.get("href"))
    candidates.append(doc.meta_first("og:url"))
    url = node.get("url") or node.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    candidates.append(url if isinstance(url, str) else None)
    for c in candidates:
        if c and c.strip() and not c.strip().startswith(("javascript:", "#")):
            try:
                return urljoin(doc.url, c.strip())
            except ValueError:  # a broken URL in the page or as the page's own URL
                continue
    return None


def _html_title(doc: Document) -> str | None:
    for t in doc.tree.iter("title"):
        return collapse(t.text_content())
    return None


def _strip_site(title: str | None, site: str | None) -> str | None:
    """``Headline | Site`` to ``Headline``: drop the part naming the site, else the shorter."""
    if not title:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        s = site.lower()
        kept = [p for p in parts if p.lower() != s and s not in p.lower()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    return max(parts, key=len)


def _jsonld_str(v: Any) -> str | None:
    if isinstance(v, list) and v:
        v = v[0]
    if isinstance(v, dict):
        v = v.get("@value") or v.get("name")
    return v.strip() if isinstance(v, str) and v.strip() else None


def _name(v: Any) -> str | None:
    if isinstance(v, list):
        for item in v:
            n = _name(item)
            if n:
                return n
        return None
    if isinstance(v, str):
        v = v.strip()
        if v[:1] == "{" and v[-1:] == "}":  # a Person written as a JSON string inside the JSON-LD
            try:
                return _name(json.loads(v))
            except ValueError:
                return None
        return v or None
    if isinstance(v, dict):
        n = v.get("name")
        if isinstance(n, str) and n.strip():
            return n.strip()
    return None


def _authors(doc: Document, node: dict[str, Any]) -> list[str]:
    raw = node.get("author") or node.get("creator")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names: list[str] = []
    for item in items:
        n = _name(doc.resolve(item))
        if n and not n.startswith(("http://", "https://")):
            names.append(collapse(n) or n)
    if not names:
        for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
            for v in doc.meta.get(key, ()):
                if v and not v.startswith(("http://", "https://")):  # (entities out before ";" splits)
                    names.extend(x.strip() for x in re.split(r"\s*[,;]\s*|\s+and\s+", _unescaped(v)) if x.strip())
            if names:
                break
    return _clean_names(names)


_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-f]{2,5}|[a-z]{2,8});", re.I)


def _unescaped(s: str | None) -> str | None:
    """A value escaped twice by its CMS (``&amp;#8216;`` in the attribute) still holds entities."""
    return html.unescape(s) if s and _ENTITY.search(s) else s


# what a byline puts before or around a name: "By", "View all posts by", an escaped apostrophe
_BY = re.compile(r"^(?:view (?:all )?(?:posts|articles) by|posted by|written by|by|von|par|por|door|di)\b[\s:]*", re.I)
_NOT_NAME = re.compile(r"^https?://", re.I)


def _clean_names(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        n = _BY.sub("", _unescaped(collapse(n)) or "").strip()
        if n and not _NOT_NAME.match(n) and n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out


def _time_element(doc: Document) -> str | None:
    for t in doc.tree.iter("time"):
        dt = t.get("datetime")
        if dt and (t.get("itemprop") == "datePublished" or "pubdate" in t.attrib):
            return dt
    return None


def _language(doc: Document, node: dict[str, Any]) -> str | None:
    lang = (
        doc.tree.get("lang")
        or doc.tree.get("{http://www.w3.org/XML/1998/namespace}lang")
        or doc.meta_first("content-language", "language", "dc.language")
        or _jsonld_str(node.get("inLanguage"))
        or doc.meta_first("og:locale")
    )
    if not lang:
        return None
    lang = lang.strip().replace("_", "-").split(",")[0].strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        return None
    head, *rest = lang.split("-")
    return "-".join([head.lower(), *[r.upper() if len(r) == 2 else r for r in rest]])


_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def iso_date(value: str | None) -> str | None:
    """Any common date notation to ISO 8601 (date, or date and time with offset when given)."""
    if not value:
        return None
    v = value.strip()
    if _ISO_RE.match(v):
        return v
    try:
        return datetime.fromisoformat(v).isoformat()
    except ValueError:
        pass
    try:
        dt = parse_datetime(v, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1900 <= dt.year <= 2200:
        return None
    return dt.isoformat()
