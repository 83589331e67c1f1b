"""Embeds that live only in the page's JSON state (Next.js, Arc XP Fusion, Nuxt, SPAs).

Such blobs often hold *other* articles too (related stories, preloaded next pages): only the
object that identifies itself as this page counts (its URL, path or ``@id`` is this page's,
its ``slug`` is the URL's last segment, its id is the number in the URL, or its headline is the
page's title), and inside it, sub-objects that are other pages of the same site are skipped.
State that is a JavaScript expression rather than JSON (Nuxt's ``__NUXT__``) is unescaped and
each embed in it is credited to the nearest page path written before it; state in devalue's flat
form (Nuxt 3's ``__NUXT_DATA__``) is rebuilt as a tree first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.embeds.base import Hit, PostRef, plain_split
from crawler.extract.embeds.devalue import is_flat, unflatten
from crawler.extract.embeds.jsliteral import iife_state
from crawler.extract.embeds.markup import posted
from crawler.extract.embeds.placeholders import typed_ref
from crawler.extract.embeds.registry import REGISTRY

_URL_KEYS = ("url", "canonical_url", "canonicalUrl", "canonical", "link", "permalink",
             "website_url", "share_url", "shareUrl", "uri", "href", "@id", "path", "pathname",
             "mainEntityOfPage", "fullUrl", "webUrl")
_TITLE_KEYS = ("headline", "title", "name", "seoTitle")
_ID_KEYS = ("id", "_id", "articleId", "article_id", "storyId", "postId", "contentId")
_IDENTIFYING_KEYS = frozenset(_URL_KEYS + _TITLE_KEYS + _ID_KEYS + ("slug",))
_URL_KEY_SET, _TITLE_KEY_SET, _ID_KEY_SET = frozenset(_URL_KEYS), frozenset(_TITLE_KEYS), frozenset(_ID_KEYS)
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>\\]+")
_JS_ESCAPES = re.compile(r"\\u([0-9a-fA-F]{4})|\\(/|\")")
_SITE_PATH = re.compile(r"""["'](?:https?://[^"'/]+)?(/[\w%.~-]+(?:/[\w%.~-]+)+/?)["']""")
_ASSIGN = re.compile(r"=\s*(?=[{\[])")
_EMBED_MARKUP = re.compile(r"<(?:blockquote|iframe|amp-|lite-youtube|div[^>]+data-)", re.I)
_MAX_BLOB = 8_000_000
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
        if isinstance(value, (dict, list)):
            yield value


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
                last = key[1].rsplit("/", 1)[-1].rsplit(".", 1)[0]
                if len(last) >= 6 and not last.isdigit():
                    self.slugs.add(last)
                for num in re.findall(r"\d{5,}", key[1]):
                    self.ids.add(num)
        self.paths = {k[1] for k in self.page_keys if len(k[1]) > 1}
        self.hosts = {k[0] for k in self.page_keys}  # (base_host is one of them)
        self._page_cache: dict[str, bool | None] = {}
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
                    r = self.is_page(obj[k])
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
        if not value.startswith(("http://", "https://", "/")) or value.startswith("//"):
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
            for v in data.values():
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, list):
            for v in data:
                self.strings(v, out, depth + 1, False)
        elif isinstance(data, str):
            out.append(data)


def scan_state(scripts, page_urls: list[str], walker,
               titles: Callable[[], list[str]] | list[str] | tuple[str, ...] = ()) -> None:
    """Add hits (form ``json``) for embeds inside this article's own JSON state.

    ``scripts``: (script element, its text) pairs in page order (``Walker.page_scripts``);
    ``titles``: the page's own titles (og:title, <title>, JSON-LD headline) to know it by."""
    scanner = StateScanner(page_urls, ())
    titles_read = False
    if not scanner.page_keys:
        return
    mentions = REGISTRY.mentions
    # a blob can only hold this article if it names this page (path, slug, id or title): a cheap filter
    paths = set()
    for u in page_urls:
        try:
            path = urlsplit(u).path.rstrip("/")
        except ValueError:
            continue
        if len(path) > 1:
            paths.add(path)
    needles = (paths | {p.replace("/", "\\/") for p in paths} | {p.replace("/", "\\u002F") for p in paths}
               | scanner.slugs | scanner.ids)
    for script, text in scripts:
        if not text or len(text) < 100:
            continue
        if script.get("src") or (script.get("type") or "").lower() == "application/ld+json":
            continue
        for n in needles:
            if n in text:
                named = True
                break
        else:
            named = False
            if not _is_state(text):
                continue
        if not titles_read:  # the page's titles are read only once a script may hold state
            titles_read = True
            scanner.set_titles(titles() if callable(titles) else titles)
        if not named and not (_names_title(text, scanner) and _hints_post(text)):
            continue
        if not mentions(text) and "\\u002F" not in text:
            continue
        loc = walker.path(script) + "#json"
        before = len(walker.found)
        found_json = False
        seen: set[str] = set()
        blobs = [unflatten(b) if is_flat(b) else b for b in iter_json(text)]  # (Nuxt 3: devalue's flat form)
        if not blobs and "function" in text:
            state = iife_state(text)  # Nuxt: JavaScript that builds the state
            blobs = [state] if state is not None else []
        for blob in blobs:
            for obj in scanner.article_objects(blob):
                found_json = True
                values: list = []
                scanner.strings(obj, values)
                for s in values:
                    if isinstance(s, PostRef):
                        walker.add([Hit(s, "json", handle=s.handle, posted=posted(s))], script, walker.base_ctx)
                    else:
                        _scan_string(s, seen, script, walker)
        if not found_json and len(text) <= _MAX_BLOB:
            for s in _own_segments(text, scanner):
                if _EMBED_MARKUP.search(s):
                    _scan_string(s, seen, script, walker)
                else:
                    for url in _URL_IN_TEXT.findall(s):
                        _scan_string(url, seen, script, walker)
        for f in walker.found[before:]:
            f.hit.form = "json"
            f.locator = loc


# a script that *is* page state: JSON, or an assignment to a state-like global (not general code):
# the name assigned to, whose last part (after its last "." or "[") holds a state-like word
_STATE_START = re.compile(
    r"\s*(?:[{\[]|(?:window\.|self\.|globalThis\.|var |let |const )?([\w.$\[\]'\"]*)\s*=)", re.I)
_STATE_WORDS = ("state", "data", "store", "props", "content", "article", "story", "page", "__")


# Substrings that an embedded post leaves in state (a post URL's path, embed markup, a typed
# component): a blob known only by its headline is parsed only when it holds one of them.
_POST_HINTS = ("status", "/p/", "\\/p\\/", "u002Fp\\u002F", "/reel", "embed", "watch?v=", "youtu.be",
               "tiktok.com", "/posts/", "\\/posts\\/", "bsky.app", "threads.", "blockquote", "<iframe",
               "u003Ciframe", "u003ciframe", "tweet", "Tweet", "instagram", "Instagram")


def _hints_post(text: str) -> bool:
    return any(h in text for h in _POST_HINTS)


def _is_state(text: str) -> bool:
    """(One match and a few substring tests: a regex that tried each word at each position of
    the name cost three times as much, on every script of a page.)"""
    m = _STATE_START.match(text, 0, 300)
    if m is None:
        return False
    name = m.group(1)
    if name is None:
        return True  # JSON
    last = name[max(name.rfind("."), name.rfind("[")) + 1:].casefold()
    return any(w in last for w in _STATE_WORDS)


_TITLE_KEY_BEFORE = re.compile(r"(?:headline|title|name)[\"']?\s*:\s*[\"']$", re.I)


def _names_title(text: str, scanner: StateScanner) -> bool:
    """Does the script hold the page's headline as the value of a title key?"""
    for head in scanner.title_heads:
        pos = text.find(head)
        while pos >= 0:
            if _TITLE_KEY_BEFORE.search(text, max(0, pos - 20), pos):
                return True
            pos = text.find(head, pos + 1)
    return False


def _scan_string(s: str, seen: set[str], script, walker) -> None:
    if len(s) < 12 or s in seen or not REGISTRY.mentions(s):
        return
    seen.add(s)
    if _EMBED_MARKUP.search(s):
        walker.fragment(s, script, walker.base_ctx._replace(body=True), lazy=False)
    elif s.startswith(("http://", "https://")):
        ref = REGISTRY.match(s)
        if ref is not None:
            walker.add([Hit(ref, "json", handle=ref.handle, posted=posted(ref))], script, walker.base_ctx)


def _unescape_js(text: str) -> str:
    return _JS_ESCAPES.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


def _own_segments(text: str, scanner: StateScanner) -> Iterator[str]:
    """State that is JavaScript, not JSON: each stretch of it from one page path to the next,
    kept when that path is this page's (records are written key first, content after)."""
    escaped = {v for p in scanner.paths for v in (p, p.replace("/", "\\/"), p.replace("/", "\\u002F"))}
    if not any(p in text for p in escaped):
        return  # no stretch starts at this page's path
    plain = _unescape_js(text)
    marks = [(m.start(), scanner.is_page(m.group(1))) for m in _SITE_PATH.finditer(plain)]
    marks = [(pos, own) for pos, own in marks if own is not None]
    for i, (pos, own) in enumerate(marks):
        if own:
            end = marks[i + 1][0] if i + 1 < len(marks) else len(plain)
            yield plain[pos:end]
