"""RSS 0.9x/1.0/2.0 and Atom (feedparser) and JSON Feed 1.0/1.1 (json) to entries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urljoin


class FeedError(ValueError):
    """The document is not a feed (the message says why)."""


@dataclass
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None
    updated: str | None = None


def parse_feed(body: bytes, base_url: str = "") -> tuple[str | None, list[FeedEntry]]:
    """(feed title, entries) of an RSS, Atom or JSON Feed document."""
    stripped = body.lstrip()
    if stripped[:1] == b"{":
        return _json_feed(stripped, base_url)
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.version and not parsed.entries:
        why = getattr(parsed, "bozo_exception", None)
        raise FeedError(f"not an RSS or Atom feed ({why})" if why else "not an RSS or Atom feed")
    entries = []
    for e in parsed.entries:
        link = e.get("link") or next((lk.get("href") for lk in e.get("links", []) if lk.get("href")), None)
        if not link:
            continue
        url = urljoin(base_url, link)
        if not url.startswith(("http://", "https://")):
            continue
        published = e.get("published") or e.get("updated") or e.get("dc_date")
        entries.append(FeedEntry(url=url, title=e.get("title"), published=published, updated=e.get("updated")))
    return parsed.feed.get("title"), entries


def _json_feed(body: bytes, base_url: str) -> tuple[str | None, list[FeedEntry]]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"invalid JSON ({exc})") from None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError("JSON document without a jsonfeed.org version")
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str):
            continue
        url = urljoin(base_url, link)
        if url.startswith(("http://", "https://")):
            title = item.get("title") if isinstance(item.get("title"), str) else None
            published = item.get("date_published") if isinstance(item.get("date_published"), str) else None
            updated = item.get("date_modified") if isinstance(item.get("date_modified"), str) else None
            entries.append(FeedEntry(url=url, title=title, published=published, updated=updated))
    title = data.get("title") if isinstance(data.get("title"), str) else None
    return title, entries
