"""Which object of a page-state blob is this page's article.

Blobs often hold *other* articles too (related stories, preloaded next pages): only the object
that identifies itself as this page counts (its URL, path or ``@id`` is this page's, its ``slug``
is the URL's last segment, its id is the number in the URL, or its headline is the page's
title), and inside it, sub-objects that are other pages of the same site are skipped. An object
known only by its route (Nuxt's whole state carries the page's ``path``) gives way to the objects
inside it that name the page. Apollo's normalised cache keeps the article's parts apart
(``{"__ref": "Embed:9"}``): they are followed.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.embeds.base import plain_split
from crawler.extract.embeds.placeholders import typed_ref

_URL_KEYS = ("url", "canonical_url", "canonicalUrl", "canonical", "link", "permalink",
             "website_url", "share_url", "shareUrl", "uri", "href", "@id", "path", "pathname",
             "mainEntityOfPage", "fullUrl", "webUrl")
_TITLE_KEYS = ("headline", "title", "name", "seoTitle")
_ID_KEYS = ("id", "_id", "articleId", "article_id", "storyId", "postId", "contentId")
_IDENTIFYING_KEYS = frozenset(_URL_KEYS + _TITLE_KEYS + _ID_KEYS + ("slug",))
_ROUTE_KEYS = frozenset(("path", "pathname"))
_URL_KEY_SET, _TITLE_KEY_SET, _ID_KEY_SET = frozenset(_URL_KEYS), frozenset(_TITLE_KEYS), frozenset(_ID_KEYS)
_MAX_STRINGS = 50_000


def _norm(url: str, base_host: str) -> tuple[str, str] | None:
    url = url.strip()
    try:
        p = plain_split(url) or urlsplit(url)
    except ValueError:  # "http://[" and other broken URLs from pages
        return None
    host = (p.hostname or base_host).lower()
    host = host.removeprefix("www.")
    return host, (p.path or "/").rstrip("/").lower()


_NOT_WORD = re.compile(r"[^\w\s]")


def _norm_title(t: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", t.lower()).split())


class StateScanner:
    def __init__(self, page_urls: list[str], titles: list[str] | tuple[str, ...] = ()):
        self.base_host = ""
        self.page_keys: set[tuple[str, str]] = set()
        self.slugs: set[str] = set()
        self.ids: set[str] = set()
        for u in page_urls:
            if u and u.startswith(("http://", "https://")):
                key = _norm(u, "")
                if key is None:
                    continue
                self.base_host = self.base_host or key[0]
                self.page_keys.add(key)
                parent, _, last = key[1].rpartition("/")
                parent_last = parent.rsplit("/", 1)[-1]
                if last.isdigit() and len(last) <= 3 and len(parent_last) >= 6:
                    # page N of a paginated article or slideshow (WordPress's /slug/2): the
                    # article's own address is the one without the number
                    self.page_keys.add((key[0], parent))
                    last = parent_last
                last = last.rsplit(".", 1)[0]
                if len(last) >= 6 and not last.isdigit():
                    self.slugs.add(last)
                for num in re.findall(r"\d{5,}", key[1]):
                    self.ids.add(num)
        self.paths = {k[1] for k in self.page_keys if len(k[1]) > 1}
        self.hosts = {k[0] for k in self.page_keys}  # (base_host is one of them)
        self._page_cache: dict[str, bool | None] = {}
        self.refs: dict[str, Any] = {}  # an Apollo cache's objects by key ("Embed:9"), see use_cache
        self._followed: set[str] = set()
        self.set_titles(titles)

    def set_titles(self, titles: list[str] | tuple[str, ...]) -> None:
        self._titles = [t for t in titles if t and 12 <= len(t) <= 300]
        self._title_starts = {t.strip()[:5].lower() for t in self._titles}  # a cheap first test
        self._norm_titles: set[str] | None = None
        # the first words of each title, as written (a substring test runs in C; JSON keeps the case)
        self.title_heads = set()
        for t in titles:
            head = " ".join((t or "").split()[:4])
            if len(head) >= 16 and '"' not in head and "\\" not in head:
                self.title_heads.add(head)

    @property
    def titles(self) -> set[str]:
        if self._norm_titles is None:
            self._norm_titles = {_norm_title(t) for t in self._titles}
        return self._norm_titles

    def identifies(self, obj: dict) -> bool | None:
        """True: ``obj`` is this page; False: another page of this site; None: cannot tell."""
        present = _IDENTIFYING_KEYS.intersection(obj)
        if not present:
            return None  # most objects of a blob (images, styles, counters) name no page
        if not _URL_KEY_SET.isdisjoint(present):
            for k in _URL_KEYS:
                if k in present:
                    v = obj[k]
                    if k == "@id" and v.__class__ is str and v[:1] == "/":
                        continue  # an API's resource name ("/api/documents/376", Hydra), not a page
                    r = self.is_page(v)
                    if r is not None:
                        return r
        if "slug" in present and self.slugs:  # (a page whose address ends in a short word has no slug to match)
            slug = obj["slug"]
            if isinstance(slug, str) and slug.strip("/"):
                return slug.strip("/").lower().rsplit("/", 1)[-1] in self.slugs
        if self.ids and not _ID_KEY_SET.isdisjoint(present):
            for k in _ID_KEYS:
                v = obj.get(k)
                if isinstance(v, (int, str)) and not isinstance(v, bool) and str(v) in self.ids:
                    return True
        if self._titles and not _TITLE_KEY_SET.isdisjoint(present):
            for k in _TITLE_KEYS:
                v = obj.get(k)
                if (isinstance(v, str) and 12 <= len(v) <= 300 and v[:5].lower() in self._title_starts
                        and _norm_title(v) in self.titles):
                    return True
        return None

    def is_page(self, value: Any) -> bool | None:
        """True: this page; False: another page of this site; None: not a page URL."""
        if not isinstance(value, str) or not value or len(value) > 2000:
            return None
        cached = self._page_cache.get(value, 0)
        if cached != 0:
            return cached
        result = self._is_page(value)
        if len(self._page_cache) < 10_000:
            self._page_cache[value] = result
        return result

    def _is_page(self, value: str) -> bool | None:
        if value.startswith("//"):  # protocol-relative ("//host/path", WordPress themes' permalinks)
            value = "https:" + value
        elif not value.startswith(("http://", "https://", "/")):
            return None
        if value[0] != "/":  # an absolute URL: most in a blob are another host's (images, links)
            netloc = value[value.index("//") + 2:].split("/", 1)[0].lower()
            if netloc and not any(host in netloc for host in self.hosts):
                return None  # (a substring test, so no host that could be ours is turned away)
        key = _norm(value, self.base_host)
        if key is None:
            return None
        if key in self.page_keys:
            return True
        if key[0] == self.base_host and key[1] not in ("", "/"):
            return False
        return None

    def article_objects(self, data: Any) -> list[dict]:
        """The objects of a blob that are this page, outermost first, in document order."""
        found: list[dict] = []
        self._objects(data, 0, found)
        return found

    def _objects(self, value: dict | list, depth: int, found: list[dict]) -> None:
        # (a call per container: blobs hold thousands, and a call is cheaper than the
        # (value, depth) tuple and list an explicit stack costs for each of them)
        if value.__class__ is dict:
            if not _IDENTIFYING_KEYS.isdisjoint(value) and self.identifies(value):
                if _IDENTIFYING_KEYS.intersection(value) <= _ROUTE_KEYS:
                    # known only by its route (Nuxt's whole state: {data, state, path}): the
                    # objects inside that name this page are the article; the route's object,
                    # only when none does
                    inner: list[dict] = []
                    self._objects([*value.values()], depth, inner)  # (its values, walked as a list's)
                    found.extend(inner or (value,))
                    return
                found.append(value)
                return
            value = value.values()
        elif value.__class__ is not list:
            return
        if depth < 60:
            depth += 1
            for v in value:
                if v.__class__ is dict or v.__class__ is list:
                    self._objects(v, depth, found)

    def use_cache(self, blob: Any, text: str) -> None:
        """The objects of an Apollo cache in ``blob`` (``{"Article:1": {...}, "Embed:9": {...}}``),
        for ``strings`` to follow the article's ``{"__ref": "Embed:9"}`` into."""
        self.refs, self._followed = {}, set()
        if '"__ref"' in text:
            _apollo_objects(blob, self.refs, 0)

    def strings(self, data: Any, out: list, depth: int = 0, top: bool = True) -> None:
        """The article object's strings, and the ``PostRef`` of each typed component in it."""
        if depth > 60 or len(out) > _MAX_STRINGS:
            return
        if isinstance(data, dict):
            if not top and not _IDENTIFYING_KEYS.isdisjoint(data) and self.identifies(data) is False:
                return  # another article of this site nested in ours (related, next)
            ref = typed_ref(data)
            if ref is not None:
                out.append(ref)
            target = data.get("__ref") if self.refs else None
            if target.__class__ is str and target not in self._followed and target in self.refs:
                self._followed.add(target)  # Apollo's normalised cache: the object is kept apart
                self.strings(self.refs[target], out, depth + 1, False)
            for v in data.values():
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, list):
            for v in data:
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, str):
            out.append(data)


_CACHE_KEY = re.compile(r"[A-Z]\w*:\S")  # "Article:clo5y...", "SocialEmbed:42"


def _apollo_objects(value: Any, out: dict[str, Any], depth: int) -> None:
    """Every ``"Type:id": {...}`` entry of the Apollo caches in ``value`` (found where a key of a
    dict is of that form; caches sit a few levels down: ``{"_apollo:default": {...}}``)."""
    if depth > 8 or value.__class__ is not dict:
        return
    for k, v in value.items():
        if v.__class__ is dict:
            if _CACHE_KEY.match(k):
                out[k] = v
            else:
                _apollo_objects(v, out, depth + 1)
