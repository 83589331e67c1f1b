"""The citation index: which articles cite a post, since when, from which outlets.

The reverse of a record: a record lists the posts one article cites; the index lists, per post,
the articles citing it. It lives in the state store and is written by the emission journal in
the same transaction that makes a version the article's latest (``settle``), so the index is
never ahead of or behind the outputs. An article whose new version no longer cites a post keeps
its row, marked ``dropped`` with the time that version was fetched: a deletion is a fact too.

A post is keyed by ``(platform, key)``: ``key`` is the post id; a post without an id (quoted as
text) is keyed by its author's handle and the day, ``@handle/YYYY-MM-DD`` (the day it was
posted, or else the day the article was published).

This module is the pure part (keys, rows, reading what users paste); the backends are
``crawler.citations.sqlite`` and ``crawler.citations.redis``, the commands ``crawler.citations.cli``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

ACCEPTED_FORMS = ("a post URL (x.com/twitter.com/mobile.twitter.com, instagram.com/p|reel/..., "
                  "youtube.com/watch?v=..., youtu.be/..., bsky.app/profile/HANDLE-or-DID/post/..., "
                  "and the other platforms' post URLs) or PLATFORM:ID (e.g. twitter:1918000000000000001)")


class PostInputError(ValueError):
    """What the user gave names no post (bad input: exit 2)."""


def site_of(url: str | None) -> str | None:
    """The outlet an article belongs to: its host (with a port other than the default), no www."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return host or None


def post_key(post: dict[str, Any], article_published: str | None = None) -> str | None:
    """The post's key within its platform: the id, else ``@handle/day``, else its URL."""
    if post.get("post_id"):
        return str(post["post_id"])
    handle = (post.get("author") or {}).get("handle")
    day = (post.get("posted") or article_published or "")[:10]
    if handle and day:
        return f"@{handle.lstrip('@').lower()}/{day}"
    return post.get("url") or None


def citations_of(record: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every post ``record`` cites, keyed ``(platform, key)``, with the row the index keeps.

    A post named twice in one article (an embed and a link to it) is one row whose ``forms``
    list every way it appears."""
    art = record["article"]
    published = art.get("published")
    url = art.get("canonical_url") or art["url"]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for post in record.get("posts") or []:
        key = post_key(post, published)
        if key is None:
            continue
        forms = sorted({e["form"] for e in post.get("evidence") or [] if e.get("form")})
        row = out.get((post["platform"], key))
        if row is not None:
            row["forms"] = sorted(set(row["forms"]) | set(forms))
            continue
        author = post.get("author") or {}
        out[(post["platform"], key)] = {
            "record_id": record["id"], "article_url": url, "publisher": art.get("publisher"),
            "site": site_of(url), "title": art.get("title"), "published": published,
            "version": record["version"], "forms": forms, "post_url": post.get("url"),
            "author_handle": author.get("handle"), "author_name": author.get("name"),
            "post_text": post.get("text"), "posted": post.get("posted"),
        }
    return out


_PLATFORM_ID = re.compile(r"^(?P<platform>[a-z][a-z0-9]*):(?P<key>[^/\s].*)$", re.I)


def parse_post(text: str) -> tuple[str, str]:
    """``(platform, key)`` of what a user pasted: any post URL the registry reads (so every
    host, mobile or short form it knows, query strings like ``?s=20`` ignored) or
    ``PLATFORM:ID``. Raises ``PostInputError`` for anything else."""
    from crawler.extract.embeds.registry import REGISTRY

    raw = text.strip()
    if not raw:
        raise PostInputError("an empty string names no post")
    if "//" in raw or "." in raw.split("/", 1)[0] and not _PLATFORM_ID.match(raw):
        url = raw if "//" in raw else "https://" + raw
        ref = REGISTRY.match(url)
        if ref is None or not (ref.post_id or ref.url):
            raise PostInputError(f"{text!r} is not a post URL we can read")
        return ref.platform, ref.post_id or ref.url
    m = _PLATFORM_ID.match(raw)
    if m is None:
        raise PostInputError(f"{text!r} is neither a post URL nor PLATFORM:ID")
    name = m.group("platform").lower()
    platform = REGISTRY.by_name.get(name)
    if platform is None:
        raise PostInputError(f"{text!r}: {name!r} is not a platform we know")
    return platform.name, m.group("key")
