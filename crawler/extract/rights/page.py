"""Choosing each line's scope and the page's own rights line among text, meta, links and JSON-LD.

Three levels are kept apart (see the embeds-and-rights doc, section 5): the site's own line
(``page``: footer, ``meta name=copyright``), this text's rights (``article``: wire notices,
JSON-LD Article fields) and media credits (``media``: captions, ImageObject fields). The first
``page`` entry is the page's rights line: footer text before meta tags before JSON-LD.
"""

from __future__ import annotations

import re

from crawler.extract.document import Document
from crawler.extract.rights.machine import jsonld_rights, license_links, meta_rights
from crawler.extract.rights.signs import ANY_SIGN, SignScan, placement, text_candidates
from crawler.extract.rights.statement import entry, parse_statement
from crawler.records import Rights

_WIRE = re.compile(
    r"associated press|\bAP\b|reuters|agence france-presse|\bAFP\b|\bdpa\b|\bEFE\b|\bANSA\b|"
    r"press association|\bPA Media\b|bloomberg news|\bKyodo\b|xinhua|\bUPI\b", re.I)
_MEDIA_CREDIT = re.compile(r"\b(?:AP Photo|REUTERS/|via Getty Images|Getty Images|Photo:|Foto:|Bild:|"
                           r"Shutterstock|Unsplash|iStock|imago|picture alliance)", re.I)


def _kind(statement: str, scope: str) -> str:
    if scope == "media":
        return "credit"
    if _WIRE.search(statement) and scope == "article":
        return "syndication"
    return "copyright"


def find_rights(doc: Document, scan: SignScan | None = None) -> list[Rights]:
    """Every rights statement of the page; ``scan`` reuses the posts walker's pass."""
    footer: list[Rights] = []
    page_other: list[Rights] = []
    article: list[Rights] = []
    media: list[Rights] = []
    for el, text in text_candidates(doc, scan):
        scope, in_footer = placement(el)
        parsed = parse_statement(text)
        if parsed is None:
            continue
        if scope == "article" and not _WIRE.search(parsed["statement"]):
            if _MEDIA_CREDIT.search(text) or not parsed["years"]:
                scope = "media"
            else:
                scope = "page"
        if scope == "page" and not in_footer and not parsed["years"] and not parsed["reserved"]:
            scope = "media"  # "© Name" with no year outside the footer: a picture credit
        if scope == "page" and _MEDIA_CREDIT.search(parsed["statement"]):
            scope = "media"
        line = entry(parsed, _kind(parsed["statement"], scope), "text", scope)
        (footer if in_footer else page_other if scope == "page" else
         article if scope == "article" else media).append(line)
    meta = meta_rights(doc)
    links, link_page = license_links(doc, scan)
    jsonld_article, jsonld_media = jsonld_rights(doc)
    # dated or reserved footer lines first; undated ones last-first (credits precede the footer)
    footer = [e for e in footer if e.years or e.reserved] + [
        e for e in reversed(footer) if not (e.years or e.reserved)]
    ordered = footer + page_other + meta + link_page + article + jsonld_article + links + media + jsonld_media
    return _dedupe(ordered)


def _dedupe(entries: list[Rights]) -> list[Rights]:
    seen: set[tuple] = set()
    out = []
    for e in entries:
        key = (e.statement.lower(), e.scope, e.source)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def find_rights_in_text(text: str) -> list[Rights]:
    """Rights lines of a plain-text article: last lines first count as the page's own."""
    out = []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if not ANY_SIGN.search(line):
            continue
        parsed = parse_statement(line)
        if parsed is None:
            continue
        scope = "article" if _WIRE.search(parsed["statement"]) and i < len(lines) - 1 else "page"
        if _MEDIA_CREDIT.search(line):
            scope = "media"
        out.append(entry(parsed, _kind(parsed["statement"], scope), "text", scope))
    return _dedupe(out)
