"""Embeds that live only in the page's JSON state (Next.js, Arc XP Fusion, Nuxt, SPAs).

Which scripts hold state, and how each is read: the blob's object that is this page's article
(``stateobjects.StateScanner``) gives its strings and typed components. State that is a
JavaScript expression rather than JSON (Nuxt's ``__NUXT__``) is unescaped and each embed in it
is credited to the nearest page path written before it; state in devalue's flat form (Nuxt 3's
``__NUXT_DATA__``) is rebuilt as a tree first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.embeds.base import Hit, PostRef
from crawler.extract.embeds.devalue import is_flat, unflatten
from crawler.extract.embeds.jsliteral import iife_state
from crawler.extract.embeds.markup import posted
from crawler.extract.embeds.registry import REGISTRY
from crawler.extract.embeds.stateobjects import StateScanner

_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>\\]+")
_JS_ESCAPES = re.compile(r"\\u([0-9a-fA-F]{4})|\\(/|\")")
_SITE_PATH = re.compile(r"""["'](?:https?://[^"'/]+)?(/[\w%.~-]+(?:/[\w%.~-]+)+/?)["']""")
_ASSIGN = re.compile(r"=\s*(?=[{\[])")
_EMBED_MARKUP = re.compile(r"<(?:blockquote|iframe|amp-|lite-youtube|div[^>]+data-)", re.I)
# the article's body as HTML in its own object: its links are the text's links (a slideshow's or an
# app's page renders the body from state, so the page itself holds no link)
_LINK_MARKUP = re.compile(r"<a\s[^>]*href=", re.I)
_MAX_BLOB = 8_000_000


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
            scanner.use_cache(blob, text)
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
    if _EMBED_MARKUP.search(s) or _LINK_MARKUP.search(s):
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
