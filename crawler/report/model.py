"""What the report shows, computed from records: articles, posts, outlets, accounts, figures.

Pure (no I/O, no Jinja): the templates only lay out what this module decided, so every view
of the report (index, article, post and graph pages) agrees on one reading of the records.
Everything that came from a page stays a plain string here; escaping is the templates' job
(Jinja autoescape) and :func:`safe_url` decides which URLs may become links.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

# a short mark per platform (shown next to the name, never instead of it)
MARKS = {
    "twitter": "X", "instagram": "IG", "tiktok": "TT", "youtube": "YT", "facebook": "FB", "bluesky": "BS",
    "threads": "TH", "mastodon": "MA", "truthsocial": "TS", "reddit": "RD", "linkedin": "IN", "telegram": "TG",
    "tumblr": "TU", "pinterest": "PI", "flickr": "FL", "vimeo": "VI", "vine": "VN", "twitch": "TW",
    "snapchat": "SC", "spotify": "SP",
}
PALETTE_SIZE = 20  # colour classes c0..c19 in report.css, each with a light and a dark value
COLOURS = {name: i for i, name in enumerate(MARKS)}  # fixed: a platform has one colour in every report


def safe_url(url: Any) -> str | None:
    """The URL when it may be a link (absolute http or https), else None: shown as text.

    ``javascript:``, ``data:`` and everything else are refused, and so are URLs carrying
    control characters (browsers drop tabs and newlines from schemes, ``java\\tscript:``).
    """
    if not isinstance(url, str):
        return None
    url = url.strip(" ")
    if not url.lower().startswith(("http://", "https://")) or re.search(r"[\x00-\x1f\x7f]", url):
        return None
    try:
        if not urlsplit(url).hostname:
            return None
    except ValueError:
        return None
    return url


def site_of(url: str | None) -> str:
    """The outlet of an article: its host without ``www.`` (an outlet is a site)."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        host = ""
    host = host.removeprefix("www.")
    port = _port(url)
    return (f"{host}:{port}" if port else host) or "(unknown site)"


def _port(url: str | None) -> int | None:
    try:
        return urlsplit(url or "").port
    except ValueError:
        return None


def _day(value: str | None) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None


def _slug(prefix: str, *parts: Any) -> str:
    """A file name: a readable prefix (letters and digits only: no path from a page) and a hash."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()[:16]
    return f"{re.sub(r'[^a-z0-9]', '', prefix.lower())[:20] or 'p'}-{digest}"


_ARTICLE = ("canonical_url", "title", "published", "modified", "publisher", "language", "description",
            "text_sha256")
_POST = ("post_id", "url", "posted", "text")
_RIGHTS = ("holder", "reserved", "license_url")


def _text(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def normalize(rec: Any) -> dict[str, Any]:
    """The record with every field the pages show present and of the expected type.

    Records from older versions (or other tools) miss fields or differ in details the schema
    checks (id lengths, date forms); the report shows what is there instead of refusing them.
    Raises ValueError, naming what is missing, when it is not a provenance record at all.
    """
    if not isinstance(rec, dict):
        raise ValueError("not a JSON object")
    art, crawl = rec.get("article"), rec.get("crawl")
    if not isinstance(rec.get("id"), str) or not isinstance(art, dict) or not isinstance(art.get("url"), str):
        raise ValueError("no id or no article.url: not a provenance record")
    if not isinstance(crawl, dict) or not isinstance(crawl.get("fetched_at"), str):
        raise ValueError("no crawl.fetched_at: not a provenance record")
    article = {k: _text(art.get(k)) for k in _ARTICLE}
    article["url"] = art["url"]
    article["authors"] = [_text(a) for a in _list(art.get("authors")) if a]
    posts = []
    for p in _list(rec.get("posts")):
        if not isinstance(p, dict) or not isinstance(p.get("platform"), str):
            raise ValueError("a post without a platform")
        post = {k: _text(p.get(k)) for k in _POST}
        author = p.get("author") if isinstance(p.get("author"), dict) else {}
        post.update(platform=p["platform"], kind=_text(p.get("kind")) or "post",
                    author={"handle": _text(author.get("handle")), "name": _text(author.get("name"))},
                    media=[_text(m) for m in _list(p.get("media")) if m])
        post["evidence"] = [
            {"form": _text(e.get("form")) or "?", "locator": _text(e.get("locator")) or "",
             "position": e["position"] if isinstance(e.get("position"), int) else 0, "context": _text(e.get("context"))}
            for e in _list(p.get("evidence")) if isinstance(e, dict)]
        posts.append(post)
    rights = []
    for r in _list(rec.get("rights")):
        if isinstance(r, dict):
            right = {k: _text(r.get(k)) for k in _RIGHTS}
            right.update(statement=_text(r.get("statement")) or "", kind=_text(r.get("kind")) or "statement",
                         scope=_text(r.get("scope")) or "page", source=_text(r.get("source")) or "",
                         years=[y for y in _list(r.get("years")) if isinstance(y, int)],
                         restrictions=[_text(x) for x in _list(r.get("restrictions")) if x])
            rights.append(right)
    status = crawl.get("status")
    return {"id": rec["id"], "version": _text(rec.get("version")) or "", "previous_version": _text(
        rec.get("previous_version")), "article": article, "posts": posts, "rights": rights,
        "crawl": {"url": _text(crawl.get("url")) or art["url"], "fetched_at": crawl["fetched_at"],
                  "spider": _text(crawl.get("spider")), "status": status if isinstance(status, int) else None}}


@dataclass
class Card:
    """One cited post as it appears in one article (an article page's card)."""

    post: dict[str, Any]
    view: PostView
    order: int  # page order: the first position of its evidence

    @property
    def evidence(self) -> list[dict[str, Any]]:
        return sorted(self.post["evidence"], key=lambda e: e["position"])

    @property
    def forms(self) -> list[str]:
        return sorted({e["form"] for e in self.post["evidence"]})


@dataclass
class ArticleView:
    record: dict[str, Any]
    slug: str
    site: str
    date: str | None  # published day, else the day it was fetched
    holder: str | None  # the page's rights holder (its first page-scope statement)
    first_seen: str | None
    last_seen: str | None
    cards: list[Card] = field(default_factory=list)

    @property
    def article(self) -> dict[str, Any]:
        return self.record["article"]

    @property
    def url(self) -> str:
        return self.article.get("canonical_url") or self.article["url"]

    @property
    def title(self) -> str:
        return self.article.get("title") or self.url

    @property
    def published(self) -> str | None:
        """When it was published, else the day it was fetched (what the list sorts and shows)."""
        return self.article.get("published") or self.date

    @cached_property
    def platforms(self) -> list[str]:
        return sorted({c.post["platform"] for c in self.cards})


@dataclass
class Citation:
    article: ArticleView
    post: dict[str, Any]
    first_seen: str | None
    last_seen: str | None


@dataclass
class PostView:
    key: tuple
    slug: str
    platform: str
    post_id: str | None
    url: str | None = None
    kind: str = "post"
    handle: str | None = None
    name: str | None = None
    posted: str | None = None
    text: str | None = None
    media: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    indexed: dict[str, Any] | None = None  # the citation index's row (articles, outlets, first/last seen)

    def absorb(self, post: dict[str, Any]) -> None:
        """Fill what an earlier citation did not record (articles record different parts of a post)."""
        author = post.get("author") or {}
        self.url = self.url or post.get("url")
        self.handle = self.handle or author.get("handle")
        self.name = self.name or author.get("name")
        self.posted = self.posted or post.get("posted")
        self.text = self.text or post.get("text")
        for m in post.get("media") or []:
            if m not in self.media:
                self.media.append(m)

    @cached_property
    def outlets(self) -> list[str]:
        return sorted({c.article.site for c in self.citations})

    @property
    def outlet_count(self) -> int:
        return self.indexed["outlets"] if self.indexed else len(self.outlets)

    @property
    def first_seen(self) -> str | None:
        """When the post was first seen cited: the index knows it (it saw every version), the
        records only since the versions read."""
        if self.indexed and self.indexed.get("first_seen"):
            return self.indexed["first_seen"]
        return min((c.first_seen for c in self.citations if c.first_seen), default=None)

    @property
    def last_seen(self) -> str | None:
        if self.indexed and self.indexed.get("last_seen"):
            return self.indexed["last_seen"]
        return max((c.last_seen for c in self.citations if c.last_seen), default=None)

    @property
    def label(self) -> str:
        if self.handle:
            return f"@{self.handle}" + (f" {self.post_id}" if self.post_id else "")
        return self.post_id or "(post without id)"


def post_key(platform: str, post: dict[str, Any], article_id: str) -> tuple:
    """(platform, id); a post without id by platform, handle and day, else it stands alone."""
    if post.get("post_id"):
        return (platform, post["post_id"])
    handle = ((post.get("author") or {}).get("handle") or "").lower()
    if handle:
        return (platform, None, handle, _day(post.get("posted")) or "")
    return (platform, None, article_id, min((e["position"] for e in post["evidence"]), default=0))


def page_holder(record: dict[str, Any]) -> str | None:
    page = next((r for r in record.get("rights") or [] if r.get("scope") == "page"), None)
    return page.get("holder") if page else None


def latest_versions(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """One record per article id (the last fetched; on a tie the later one read), and per id the
    fetch times of every version read, so first/last seen span the versions in the inputs."""
    best: dict[str, dict[str, Any]] = {}
    seen: dict[str, list[str]] = defaultdict(list)
    for rec in records:
        rid = rec["id"]
        seen[rid].append(rec["crawl"]["fetched_at"])
        if rid not in best or rec["crawl"]["fetched_at"] >= best[rid]["crawl"]["fetched_at"]:
            best[rid] = rec
    return list(best.values()), seen


@dataclass
class Report:
    articles: list[ArticleView]
    posts: list[PostView]
    title: str
    generated: str
    source: str

    # -- figures -------------------------------------------------------------------------------

    @cached_property
    def outlets(self) -> Counter[str]:
        return Counter(a.site for a in self.articles)

    @cached_property
    def platforms(self) -> Counter[str]:
        return Counter(p.platform for p in self.posts)

    @cached_property
    def holders(self) -> Counter[str]:
        return Counter(a.holder for a in self.articles if a.holder)

    @cached_property
    def accounts(self) -> dict[tuple[str, str], str]:
        """(platform, lower-case handle) -> the handle as written, for posts whose author is known."""
        out: dict[tuple[str, str], str] = {}
        for p in self.posts:
            if p.handle:
                out.setdefault((p.platform, p.handle.lower()), p.handle)
        return out

    @property
    def citations(self) -> int:
        return sum(len(a.cards) for a in self.articles)

    @property
    def span(self) -> tuple[str | None, str | None]:
        days = sorted(a.date for a in self.articles if a.date)
        return (days[0], days[-1]) if days else (None, None)

    def most_cited(self, top: int = 20) -> list[tuple[PostView, int]]:
        """Posts with an id by citing articles, then outlets; with the citation index (issue 13's
        ``crawler posts``) its counts and its order (outlets, then articles), so both agree."""
        if any(p.indexed for p in self.posts):
            ranked = sorted((p for p in self.posts if p.post_id and p.indexed),
                            key=lambda p: (-p.indexed["outlets"], -p.indexed["articles"],
                                           p.indexed.get("first_seen") or "", p.slug))
            return [(p, p.indexed["articles"]) for p in ranked[:top]]
        counted = [(p, len({c.article.record["id"] for c in p.citations})) for p in self.posts if p.post_id]
        counted.sort(key=lambda pc: (-pc[1], -len(pc[0].outlets), pc[0].platform, pc[0].post_id or ""))
        return counted[:top]

    @staticmethod
    def colour(platform: str) -> str:
        """The colour class of a platform: fixed for the platforms we know, hashed for others."""
        index = COLOURS.get(platform)
        if index is None:
            index = int(hashlib.sha1(platform.encode()).hexdigest(), 16) % PALETTE_SIZE
        return f"c{index}"


def build_model(records: list[dict[str, Any]], *, title: str, generated: str, source: str,
                seen: dict[str, tuple[str, str]] | None = None, index: dict[tuple, dict] | None = None) -> Report:
    """The report's model from records (any number of versions per article).

    ``seen`` maps an article URL to the state store's (first_seen, last_seen); without it the
    fetch times of the versions read stand in. ``index`` maps a post key to its row in the store's
    citation index, when the store has one.
    """
    latest, fetched = latest_versions(records)
    posts: dict[tuple, PostView] = {}
    articles = []
    for rec in latest:
        art = rec["article"]
        rid = rec["id"]
        times = sorted(fetched[rid])
        first, last = times[0], times[-1]
        if seen and (rec["crawl"]["url"] in seen or art["url"] in seen):
            s_first, s_last = seen.get(rec["crawl"]["url"]) or seen[art["url"]]
            first = s_first if rec.get("previous_version") is None else first
            last = max(last, s_last)
        view = ArticleView(record=rec, slug=_slug("a", rid), site=site_of(art.get("canonical_url") or art["url"]),
                           date=_day(art.get("published")) or _day(rec["crawl"]["fetched_at"]),
                           holder=page_holder(rec), first_seen=first, last_seen=last)
        for post in rec["posts"]:
            platform = post["platform"]
            key = post_key(platform, post, rid)
            pv = posts.get(key)
            if pv is None:
                pv = posts[key] = PostView(key=key, slug=_slug(platform, *key), platform=platform,
                                           post_id=post.get("post_id"), kind=post.get("kind") or "post")
            pv.absorb(post)
            pv.citations.append(Citation(article=view, post=post, first_seen=first, last_seen=last))
            order = min((e["position"] for e in post["evidence"]), default=0)
            view.cards.append(Card(post=post, view=pv, order=order))
        view.cards.sort(key=lambda c: c.order)
        articles.append(view)
    articles.sort(key=lambda a: (a.date or "", a.title), reverse=True)
    for pv in posts.values():
        pv.indexed = (index or {}).get(pv.key)
        pv.citations.sort(key=lambda c: (c.article.date or "", c.article.title))
    post_list = sorted(posts.values(), key=lambda p: (p.platform, p.post_id or "", p.slug))
    return Report(articles=articles, posts=post_list, title=title, generated=generated, source=source)
