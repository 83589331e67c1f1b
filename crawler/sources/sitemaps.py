"""Sitemaps, sitemap indexes and Google News sitemaps.

Parsed with lxml in its safe mode: entities are never expanded, no DTD or external resource
is fetched (billion-laughs and XXE documents give nothing), and broken XML is recovered as far
as it goes.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

_PARSER_OPTS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                    recover=True, remove_comments=True, remove_pis=True)


class SitemapError(ValueError):
    """Not a sitemap at all (the message says what it is)."""


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str | None = None
    news: dict[str, str] = field(default_factory=dict)  # title, published, publisher


@dataclass
class Sitemap:
    kind: str  # "urlset" or "sitemapindex"
    entries: list[SitemapEntry]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def maybe_gunzip(body: bytes, max_size: int = 50 * 1024 * 1024) -> bytes:
    """Sitemaps are often served gzipped without Content-Encoding; cap the inflated size."""
    if body[:2] != b"\x1f\x8b":
        return body
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, max_size + 1)
    except zlib.error as exc:
        raise SitemapError(f"corrupt gzip data ({exc})") from None
    if len(out) > max_size or d.unconsumed_tail:
        raise SitemapError(f"gzipped sitemap inflates beyond {max_size} bytes")
    return out


def parse_sitemap(body: bytes, base_url: str = "") -> Sitemap:
    body = maybe_gunzip(body)
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER_OPTS))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SitemapError(f"not XML ({exc})") from None
    if root is None:
        raise SitemapError("empty or unparseable XML")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    entries = []
    for item in root:
        if _local(item.tag) not in ("url", "sitemap"):
            continue
        entry = SitemapEntry(loc="")
        for child in item:
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and text:
                entry.loc = urljoin(base_url, text)
            elif name == "lastmod" and text:
                entry.lastmod = text
            elif name == "news":
                for sub in child.iter():
                    sname = _local(sub.tag)
                    stext = (sub.text or "").strip()
                    if sname == "publication_date" and stext:
                        entry.news["published"] = stext
                    elif sname == "title" and stext:
                        entry.news["title"] = stext
                    elif sname == "name" and stext:
                        entry.news["publisher"] = stext
        if entry.loc.startswith(("http://", "https://")):
            entries.append(entry)
    return Sitemap(kind, entries)


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    out = []
    for line in body.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            out.append(urljoin(base_url, value.strip()))
    return out


