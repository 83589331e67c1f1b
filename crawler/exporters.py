"""Feed exporters: JSON Feed 1.1 and W3C PROV-JSON, next to Scrapy's own JSON Lines.

Registered in ``FEED_EXPORTERS`` as ``jsonfeed`` and ``prov``::

    crawler crawl sitemap -a url=... -o records.jsonl -o feed.json:jsonfeed -o out.prov.json:prov

Both are whole documents, so records are kept until the crawl ends and written then.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.exporters import BaseItemExporter

from crawler import __version__
from crawler.dates import RFC3339_FULL_DATE, parse_instant, rfc3339, sort_key

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
# what `_provenance` is: JSON Feed asks extensions to carry an `about` URL that documents them;
# the project page (the address the User-Agent gives too), whose README describes the outputs
PROVENANCE_ABOUT = "https://pypi.org/project/social-provenance-crawler/"


def jsonfeed_item(record: dict[str, Any], about: str = PROVENANCE_ABOUT) -> dict[str, Any]:
    """One JSON Feed item for one record; the whole record rides along in ``_provenance``.

    The item ``id`` is the article's id, the same for every version of the article, so a
    reader updates a changed article in place instead of showing it again as new; the version
    is in ``_provenance``. Dates are RFC 3339 date-times (``crawler.dates``); an article
    without a date has no ``date_published`` (the crawl time is not a publication date).
    """
    art = record["article"]
    posts = record.get("posts") or []
    platforms = sorted({p["platform"] for p in posts})
    summary = (f"Cites {len(posts)} social post{'s' if len(posts) != 1 else ''}"
               + (f" ({', '.join(platforms)})" if platforms else "") + ".")
    item: dict[str, Any] = {
        "id": record["id"],
        "url": art.get("canonical_url") or art["url"],
        "title": art.get("title") or art.get("canonical_url") or art["url"],
        "summary": summary,
        "content_text": art.get("text") or art.get("description") or summary,
    }
    if published := rfc3339(art.get("published")):
        item["date_published"] = published
    if modified := rfc3339(art.get("modified")):
        item["date_modified"] = modified
    if art.get("authors"):
        item["authors"] = [{"name": a} for a in art["authors"]]
        item["author"] = {"name": ", ".join(art["authors"])}  # JSON Feed 1.0 readers
    if art.get("language"):
        item["language"] = art["language"]
    if platforms:
        item["tags"] = platforms
    item["_provenance"] = {"about": about, "version": record["version"], "record": record}
    return item


def newest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items by instant, newest first (``12:00Z`` is earlier than ``10:00-07:00``); an item
    without a date is placed by the time it was fetched."""
    def key(item: dict[str, Any]) -> tuple[float, str]:
        when = item.get("date_published") or item["_provenance"]["record"]["crawl"]["fetched_at"]
        return sort_key(when), item["id"]

    return sorted(items, key=key, reverse=True)


def jsonfeed_document(items: list[dict[str, Any]], *, title: str, home_page_url: str | None,
                      feed_url: str | None, language: str | None = None) -> dict[str, Any]:
    """The feed around ``items``. ``home_page_url`` falls back to the one site all items come
    from, then to the folder of ``feed_url``; ``language`` to the language all items share."""
    doc: dict[str, Any] = {"version": JSONFEED_VERSION, "title": title}
    home = home_page_url or _common_home(items) or (_folder(feed_url) if feed_url else None)
    if home:
        doc["home_page_url"] = home
    if feed_url:
        doc["feed_url"] = feed_url
    doc["description"] = "Articles and the social posts they cite, with provenance."
    langs = {i.get("language") for i in items}
    if language or (len(langs) == 1 and None not in langs):
        doc["language"] = language or langs.pop()
    doc["items"] = items
    return doc


def _folder(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/"


def file_url(path: str) -> str:
    """``file://`` URL of a local output: the feed's own address when none is configured."""
    return Path(path).resolve().as_uri()


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
    """JSON Feed 1.1, newest first. Settings: JSONFEED_TITLE, JSONFEED_HOME_PAGE_URL,
    JSONFEED_FEED_URL (default: the output file's ``file://`` URL), JSONFEED_LANGUAGE."""

    def finish_exporting(self):
        from crawler.incremental import FEED_TARGETS

        items = newest_first([jsonfeed_item(r) for r in self.records])
        target = FEED_TARGETS.get(self.file)
        feed_url = self.setting("JSONFEED_FEED_URL") or (file_url(target) if target else None)
        doc = jsonfeed_document(items, title=self.setting("JSONFEED_TITLE", "Cited social posts"),
                                home_page_url=self.setting("JSONFEED_HOME_PAGE_URL"), feed_url=feed_url,
                                language=self.setting("JSONFEED_LANGUAGE"))
        self.write(json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))


def _common_home(items: list[dict[str, Any]]) -> str | None:
    """``scheme://host/`` when every item is on one site."""
    from urllib.parse import urlsplit

    hosts = set()
    for i in items:
        try:
            hosts.add(urlsplit(i["url"])[:2])
        except ValueError:  # a broken canonical URL declared by a page
            return None
    if len(hosts) == 1:
        scheme, netloc = hosts.pop()
        if scheme in ("http", "https") and netloc:
            return f"{scheme}://{netloc}/"
    return None


# our vocabulary for what PROV does not name (a URN we mint: no host of ours to resolve it)
SPC_NS = "urn:social-provenance-crawler:vocab:"


def prov_document(records: list[dict[str, Any]]):
    """W3C PROV: article versions and posts are entities, crawls activities, the crawler, the
    accounts, publishers and rights holders agents.

    An article version ``wasQuotedFrom`` each post it cites, once per citation, the citation's
    form, locator and position on that relation; a post cited by several articles is one
    entity, declared once. The version ``wasGeneratedBy`` the crawl at its fetch time, and
    ``wasRevisionOf`` the version it replaces; crawls start and end at their first and last
    fetch. Times are ``xsd:dateTime``, URLs ``xsd:anyURI``, types qualified names.
    """
    from prov.constants import PROV, XSD_ANYURI
    from prov.model import Literal, ProvDocument

    doc = ProvDocument()
    doc.add_namespace("spc", SPC_NS)
    doc.add_namespace("schema", "https://schema.org/")
    for prefix in ("article", "post", "crawl", "account", "party", "person"):
        doc.add_namespace(prefix, f"urn:social-provenance-crawler:{prefix}:")
    declared: set[str] = set()

    def once(ident: str, make) -> str:
        if ident not in declared:
            declared.add(ident)
            make(ident)
        return ident

    def uri(value: str | None) -> dict[str, Any]:
        return {"prov:location": Literal(value, XSD_ANYURI)} if value else {}

    def agent(prefix: str, key: str, ptype, label: str) -> str:
        attrs = {"prov:type": ptype, "prov:label": label} if ptype is not None else {"prov:label": label}
        return once(f"{prefix}:{_safe(key)}", lambda i: doc.agent(i, attrs))

    crawler_agent = once("spc:crawler", lambda i: doc.agent(i, {"prov:type": PROV["SoftwareAgent"],
                                                                  "spc:version": __version__}))
    crawls: dict[str, list[datetime]] = {}
    earlier: dict[str, tuple[str, str]] = {}
    for rec in records:
        c = rec["crawl"]
        cid = f"crawl:{_safe(c.get('crawl_id') or 'unknown')}"
        fetched = parse_instant(c["fetched_at"])
        if fetched is not None:
            crawls.setdefault(cid, []).append(fetched)
        else:
            crawls.setdefault(cid, [])
        art = rec["article"]
        ent = _version_id(rec["id"], rec["version"])
        attrs: dict[str, Any] = {"prov:type": doc.valid_qualified_name("schema:NewsArticle"),
                                 **uri(art.get("canonical_url") or art["url"]),
                                 "spc:articleId": rec["id"], "spc:version": rec["version"]}
        if art.get("title"):
            attrs["prov:label"] = art["title"]
        if c.get("status") is not None:
            attrs["spc:status"] = int(c["status"])
        if c.get("content_sha256"):
            attrs["spc:contentSha256"] = c["content_sha256"]
        if published := _when(art.get("published")):
            attrs["spc:published"] = published
        if ent in declared:  # the same version twice in one export: one entity
            continue
        once(ent, lambda i, a=attrs: doc.entity(i, a))
        doc.wasGeneratedBy(ent, cid, time=fetched)
        if rec.get("previous_version"):
            prev = _version_id(rec["id"], rec["previous_version"])
            earlier.setdefault(prev, (rec["id"], rec["previous_version"]))
            doc.wasRevisionOf(ent, prev)
        if art.get("publisher"):
            doc.wasAttributedTo(ent, agent("party", art["publisher"], PROV["Organization"], art["publisher"]),
                                other_attributes={"spc:role": "publisher"})
        for name in art.get("authors") or []:
            doc.wasAttributedTo(ent, agent("person", name, PROV["Person"], name),
                                other_attributes={"spc:role": "author"})
        for holder in dict.fromkeys(r["holder"] for r in rec.get("rights") or [] if r.get("holder")):
            doc.wasAttributedTo(ent, agent("party", holder, None, holder),
                                other_attributes={"spc:role": "rightsHolder"})
        for p in rec["posts"]:
            post = once(f"post:{_safe(p['platform'] + '-' + (p['post_id'] or _idless_key(p)))}",
                        lambda i, p=p: _declare_post(doc, i, p, uri, agent))
            for e in p["evidence"]:
                doc.wasQuotedFrom(ent, post, other_attributes={
                    "spc:form": e["form"], "spc:locator": e["locator"], "spc:position": int(e["position"])})
    for ident, (aid, version) in earlier.items():  # versions written by earlier exports
        once(ident, lambda i, a=aid, v=version: doc.entity(i, {
            "prov:type": doc.valid_qualified_name("schema:NewsArticle"), "spc:articleId": a, "spc:version": v}))
    for cid, times in crawls.items():
        doc.activity(cid, min(times) if times else None, max(times) if times else None,
                     {"prov:type": doc.valid_qualified_name("spc:Crawl")})
        doc.wasAssociatedWith(cid, crawler_agent)
    return doc


def _declare_post(doc, ident: str, post: dict[str, Any], uri, agent) -> None:
    attrs: dict[str, Any] = {"prov:type": doc.valid_qualified_name("schema:SocialMediaPosting"),
                             **uri(post.get("url")), "spc:platform": post["platform"]}
    if post.get("post_id"):
        attrs["spc:postId"] = post["post_id"]
    if posted := _when(post.get("posted")):
        attrs["spc:posted"] = posted
    doc.entity(ident, attrs)
    handle = (post.get("author") or {}).get("handle")
    if handle:
        doc.wasAttributedTo(ident, agent("account", f"{post['platform']}-{handle}",
                                           doc.valid_qualified_name("spc:Account"), handle))


def _when(value: str | None):
    """A record date as PROV holds it: ``xsd:date`` for a bare day, else ``xsd:dateTime``."""
    from prov.constants import XSD_DATE
    from prov.model import Literal

    if value and RFC3339_FULL_DATE.match(value):
        return Literal(value, XSD_DATE)
    return parse_instant(value)


def _idless_key(post: dict[str, Any]) -> str:
    """A stable name for a post without an id (text form): handle and day."""
    raw = f"{post['author'].get('handle')}|{post.get('posted')}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _safe(s: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in s)


def _version_id(article_id: str, version: str) -> str:
    return f"article:{article_id.split(':', 1)[1]}-{version.split(':', 1)[1][:12]}"


class ProvItemExporter(_WholeDocumentExporter):
    def finish_exporting(self):
        self.write(prov_document(self.records).serialize(indent=1).encode("utf-8"))
