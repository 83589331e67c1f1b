"""Feed exporters: JSON Feed 1.1 and W3C PROV-JSON, next to Scrapy's own JSON Lines.

Registered in ``FEED_EXPORTERS`` as ``jsonfeed`` and ``prov``::

    crawler crawl sitemap -a url=... -o records.jsonl -o feed.json:jsonfeed -o out.prov.json:prov

Both are whole documents, so records are kept until the crawl ends and written then.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from scrapy.exporters import BaseItemExporter

from crawler import __version__

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


def jsonfeed_item(record: dict[str, Any]) -> dict[str, Any]:
    """One JSON Feed item for one record; the whole record rides along in ``_provenance``."""
    art = record["article"]
    posts = record.get("posts") or []
    platforms = sorted({p["platform"] for p in posts})
    summary = (f"Cites {len(posts)} social post{'s' if len(posts) != 1 else ''}"
               + (f" ({', '.join(platforms)})" if platforms else "") + ".")
    item: dict[str, Any] = {
        "id": f"{record['id']}#{record['version']}",
        "url": art.get("canonical_url") or art["url"],
        "title": art.get("title") or art.get("canonical_url") or art["url"],
        "summary": summary,
        "content_text": art.get("text") or art.get("description") or summary,
        "date_published": art.get("published") or record["crawl"]["fetched_at"],
        "_provenance": record,
    }
    if art.get("modified"):
        item["date_modified"] = art["modified"]
    if art.get("authors"):
        item["authors"] = [{"name": a} for a in art["authors"]]
    if platforms:
        item["tags"] = platforms
    return item


def jsonfeed_document(items: list[dict[str, Any]], *, title: str, home_page_url: str | None,
                      feed_url: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": JSONFEED_VERSION, "title": title}
    if home_page_url:
        doc["home_page_url"] = home_page_url
    if feed_url:
        doc["feed_url"] = feed_url
    doc["description"] = "Articles and the social posts they cite, with provenance."
    doc["items"] = items
    return doc


class _WholeDocumentExporter(BaseItemExporter):
    def __init__(self, file, settings=None, **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.settings = settings
        self.records: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        return cls(file, settings=crawler.settings, **kwargs)

    def export_item(self, item):
        self.records.append(dict(item))

    def setting(self, name: str, default: Any = None) -> Any:
        return self.settings.get(name, default) if self.settings is not None else default

    def write(self, data: bytes) -> None:
        self.file.write(data)


class JsonFeedItemExporter(_WholeDocumentExporter):
    """JSON Feed 1.1, newest first. Settings: JSONFEED_TITLE, JSONFEED_HOME_PAGE_URL, JSONFEED_FEED_URL."""

    def finish_exporting(self):
        items = sorted((jsonfeed_item(r) for r in self.records),
                       key=lambda i: i["date_published"], reverse=True)
        home = self.setting("JSONFEED_HOME_PAGE_URL") or _common_home(self.records)
        doc = jsonfeed_document(items, title=self.setting("JSONFEED_TITLE", "Cited social posts"),
                                home_page_url=home, feed_url=self.setting("JSONFEED_FEED_URL"))
        self.write(json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))


def _common_home(records: list[dict[str, Any]]) -> str | None:
    from urllib.parse import urlsplit

    hosts = set()
    for r in records:
        try:
            hosts.add(urlsplit(r["article"].get("canonical_url") or r["article"]["url"])[:2])
        except ValueError:  # a broken canonical URL declared by a page
            return None
    if len(hosts) == 1:
        scheme, netloc = hosts.pop()
        if scheme in ("http", "https"):
            return f"{scheme}://{netloc}/"
    return None


def prov_document(records: list[dict[str, Any]]):
    """W3C PROV: articles and posts are entities, crawls activities, the crawler an agent.

    An article ``wasQuotedFrom`` each post it cites (a PROV derivation for quotation) and
    ``wasGeneratedBy`` the crawl that captured it; the crawl ``wasAssociatedWith`` the crawler.
    """
    from prov.model import ProvDocument

    doc = ProvDocument()
    doc.add_namespace("spc", "https://schema.social-provenance-crawler.example/ns#")
    doc.add_namespace("article", "urn:spc:article:")
    doc.add_namespace("post", "urn:spc:post:")
    doc.add_namespace("crawl", "urn:spc:crawl:")
    agent = doc.agent("spc:crawler", {"prov:type": "prov:SoftwareAgent", "spc:version": __version__})
    crawls: dict[str, Any] = {}
    for rec in records:
        c = rec["crawl"]
        cid = c.get("crawl_id") or "unknown"
        if cid not in crawls:
            crawls[cid] = doc.activity(f"crawl:{cid}", other_attributes={"spc:spider": c.get("spider") or ""})
            doc.wasAssociatedWith(crawls[cid], agent)
        art = rec["article"]
        ent = doc.entity(f"article:{rec['id'].split(':', 1)[1]}-{rec['version'].split(':', 1)[1][:12]}", {
            "prov:location": art.get("canonical_url") or art["url"],
            "prov:label": art.get("title") or "",
            "spc:version": rec["version"],
            "spc:fetchedAt": c["fetched_at"],
            "spc:status": c.get("status") if c.get("status") is not None else "",
            "spc:contentSha256": c.get("content_sha256") or "",
        })
        doc.wasGeneratedBy(ent, crawls[cid])
        for p in rec["posts"]:
            key = f"{p['platform']}-{p['post_id'] or _idless_key(p)}"
            post = doc.entity(f"post:{_safe(key)}", {
                "prov:location": p.get("url") or "",
                "spc:platform": p["platform"],
                "spc:handle": p["author"].get("handle") or "",
                "spc:forms": ",".join(sorted({e["form"] for e in p["evidence"]})),
            })
            doc.wasQuotedFrom(ent, post)
    return doc


def _idless_key(post: dict[str, Any]) -> str:
    """A stable name for a post without an id (text form): handle and day."""
    raw = f"{post['author'].get('handle')}|{post.get('posted')}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _safe(s: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in s)


class ProvItemExporter(_WholeDocumentExporter):
    def finish_exporting(self):
        self.write(prov_document(self.records).serialize(indent=1).encode("utf-8"))
