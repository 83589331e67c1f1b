"""Embeds that live only in the page's JSON state (Next.js, Arc XP Fusion, WordPress SPAs).

Such blobs often hold *other* articles too (related stories, preloaded next pages): only the
object whose URL is this page's URL counts, and inside it, sub-objects that are other pages
of the same site are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.embeds.base import Hit
from crawler.extract.embeds.registry import REGISTRY

_URL_KEYS = ("url", "canonical_url", "canonicalUrl", "canonical", "link", "permalink",
             "website_url", "share_url", "shareUrl", "uri", "href")
_ASSIGN = re.compile(r"=\s*(?=[{\[])")
_EMBED_MARKUP = re.compile(r"<(?:blockquote|iframe|amp-|lite-youtube|div[^>]+data-)", re.I)
_MAX_BLOB = 8_000_000
_MAX_STRINGS = 50_000


def _norm(url: str, base_host: str) -> tuple[str, str] | None:
    try:
        p = urlsplit(url.strip())
    except ValueError:  # "http://[" and other broken URLs from pages
        return None
    host = (p.hostname or base_host).lower()
    host = host.removeprefix("www.")
    return host, (p.path or "/").rstrip("/").lower()


def iter_json(text: str) -> Iterator[Any]:
    """JSON values in a script: the whole text, or each ``name = {...}`` assignment."""
    if len(text) > _MAX_BLOB:
        return
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            yield json.loads(stripped)
            return
        except (ValueError, RecursionError):
            pass
    decoder = json.JSONDecoder(strict=False)
    for n, m in enumerate(_ASSIGN.finditer(text)):
        if n > 50:
            break
        try:
            value, _ = decoder.raw_decode(text, m.end())
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict | list):
            yield value


class StateScanner:
    def __init__(self, page_urls: list[str]):
        self.base_host = ""
        self.page_keys: set[tuple[str, str]] = set()
        for u in page_urls:
            if u and u.startswith(("http://", "https://")):
                key = _norm(u, "")
                if key is None:
                    continue
                self.base_host = self.base_host or key[0]
                self.page_keys.add(key)

    def is_page(self, value: Any) -> bool | None:
        """True: this page; False: another page of this site; None: not a page URL."""
        if not isinstance(value, str) or not value or len(value) > 2000:
            return None
        if not value.startswith(("http://", "https://", "/")) or value.startswith("//"):
            return None
        key = _norm(value, self.base_host)
        if key is None:
            return None
        if key in self.page_keys:
            return True
        if key[0] == self.base_host and key[1] not in ("", "/"):
            return False
        return None

    def article_objects(self, data: Any, depth: int = 0) -> Iterator[dict]:
        if depth > 60:
            return
        if isinstance(data, dict):
            if any(self.is_page(data.get(k)) for k in _URL_KEYS):
                yield data
                return
            for v in data.values():
                if isinstance(v, dict | list):
                    yield from self.article_objects(v, depth + 1)
        elif isinstance(data, list):
            for v in data:
                if isinstance(v, dict | list):
                    yield from self.article_objects(v, depth + 1)

    def strings(self, data: Any, out: list[str], depth: int = 0, top: bool = True) -> None:
        if depth > 60 or len(out) > _MAX_STRINGS:
            return
        if isinstance(data, dict):
            if not top and any(self.is_page(data.get(k)) is False for k in _URL_KEYS):
                return  # another article of this site nested in ours (related, next)
            for v in data.values():
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, list):
            for v in data:
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, str):
            out.append(data)


def scan_state(scripts, page_urls: list[str], walker) -> None:
    """Add hits (form ``json``) for embeds inside this article's own JSON state.

    ``scripts``: (script element, its text) pairs in page order (``Walker.page_scripts``)."""
    scanner = StateScanner(page_urls)
    if not scanner.page_keys:
        return
    mentions = REGISTRY.mentions
    # a blob can only hold this article if it names this page's path: a cheap filter first
    paths = set()
    for u in page_urls:
        try:
            path = urlsplit(u).path.rstrip("/")
        except ValueError:
            continue
        if len(path) > 1:
            paths.add(path)
    needles = paths | {p.replace("/", "\\/") for p in paths}
    for script, text in scripts:
        if not text or len(text) < 100:
            continue
        if script.get("src") or (script.get("type") or "").lower() == "application/ld+json":
            continue
        if not any(n in text for n in needles) or not mentions(text):
            continue
        loc = walker.path(script) + "#json"
        seen: set[str] = set()
        for blob in iter_json(text):
            for obj in scanner.article_objects(blob):
                values: list[str] = []
                scanner.strings(obj, values)
                for s in values:
                    if len(s) < 12 or s in seen or not mentions(s):
                        continue
                    seen.add(s)
                    before = len(walker.found)
                    if _EMBED_MARKUP.search(s):
                        walker.fragment(s, script, walker.base_ctx._replace(body=True), lazy=False)
                    elif s.startswith(("http://", "https://")):
                        ref = REGISTRY.match(s)
                        if ref is not None:
                            walker.add([Hit(ref, "json", handle=ref.handle)], script, walker.base_ctx)
                    for f in walker.found[before:]:
                        f.hit.form = "json"
                        f.locator = loc
