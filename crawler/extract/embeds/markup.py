"""What an element's markup says on its own: which attributes carry an embed's URL and the
evidence form each implies, whether a script parks embed code, the sentence around a link.

Small pure helpers of the walk (``walker.py``), kept apart so the walk reads as a walk.
"""

from __future__ import annotations

import base64
import html
import re
from functools import lru_cache

from lxml.html import HtmlElement

from crawler.extract.embeds import twitter
from crawler.extract.embeds.base import PostRef
from crawler.extract.embeds.placeholders import platform_in_names
from crawler.extract.embeds.registry import REGISTRY

# Attributes that carry an embed's URL, and the evidence form each implies.
URL_ATTRS = (
    ("src", None), ("data-src", "lazy"), ("data-lazy-src", "lazy"), ("data-original", "lazy"),
    ("data-cookie-consent-src", "lazy"), ("data-consent-src", "lazy"), ("data-cmp-src", "lazy"),
    ("data-url", "cms"), ("data-href", "cms"), ("data-embed-url", "cms"),
    ("data-embedded-url", "cms"), ("data-video-url", "cms"), ("data-oembed-url", "cms"),
    ("data", None),
)
URL_RANK = {attr: rank for rank, (attr, _) in enumerate(URL_ATTRS)}
URL_FORMS = dict(URL_ATTRS)
EMBED_TAGS = {"iframe", "embed", "object", "amp-iframe", "amp-embedly-card", "video", "source"}
_SENTENCES = re.compile(r"(?<=[.!?…])\s+")
ESCAPED_EMBED = re.compile(r"<(?:blockquote|iframe)\b", re.I)
# Script types a browser runs or reads as data; any other type parks markup for later
# (consent managers name theirs freely: text/plain, text/x-cookie-consented, text/template ...)
CODE_SCRIPT_TYPES = frozenset(("", "text/javascript", "application/javascript", "module", "text/ecmascript",
                                "application/ecmascript", "application/json", "application/ld+json",
                                "text/babel", "text/jsx", "importmap", "speculationrules"))
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]{40,}$")


_LAST_BOUNDARY = re.compile(r"\s+(?=[.!?…])")  # a sentence boundary, in the reversed text


def last_sentence(text: str | None) -> str | None:
    """The text's last sentence (after the last ``[.!?…]`` and whitespace): found from the end,
    in the reversed text, instead of splitting a long block into all its sentences."""
    text = (text or "").strip()
    if not text:
        return None
    m = _LAST_BOUNDARY.search(text[::-1])
    return (text[len(text) - m.start():] if m else text)[:400]


def sentence_around(block_text: str, needle: str) -> str | None:
    if not block_text:
        return None
    if needle:
        for s in _SENTENCES.split(block_text):
            if needle in s:
                return s[:400]
    return block_text[:400]



@lru_cache(maxsize=8192)
def class_may_embed(cls: str) -> bool:
    return ("wp-block-embed__wrapper" in cls or any(tok in REGISTRY.by_class for tok in cls.split())
            or platform_in_names(cls) is not None)


_RENDERED_IDS = ("twitter-widget", "instagram-embed", "telegram-post-", "__tt_embed")


def rendered(el: HtmlElement, cls: str | None) -> bool:
    """The DOM a platform script left behind (snapshots, archives, headless browsers)."""
    return ("rendered" in (cls or "") or el.get("data-bluesky-id") is not None
            or (el.get("id") or el.get("name") or "").startswith(_RENDERED_IDS))


_NOT_URL_SRC = frozenset(("srcset", "srcdoc", "data-srcset", "imagesrcset"))


def names_a_source(name: str) -> bool:
    """An attribute named for a source that holds a URL besides ``URL_ATTRS``: consent and lazy
    plugins name it freely (``suppressedsrc``, ``consent-original-src-_``); not a picture set or
    an inline document."""
    return "src" in name and name not in _NOT_URL_SRC


def may_be_base64_markup(value: str) -> bool:
    """Base64 of "<" and a letter ("PG", "PH"), long enough to be embed code (Borlabs Cookie
    parks the official code so): worth an ``unpark``."""
    return value[:2] in ("PG", "PH") and len(value) > 40


def unpark(text: str) -> str | None:
    """Embed code a consent manager parked in a script: as is, HTML-escaped or base64."""
    if "&lt;" in text:
        text = html.unescape(text)
    if ESCAPED_EMBED.search(text):
        return text
    if len(text) < 200_000 and _BASE64.match(text):
        try:
            decoded = base64.b64decode("".join(text.split()), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        if ESCAPED_EMBED.search(decoded):
            return decoded
    return None


_CODE_MARKUP = re.compile(r"(?:<|&lt;|\\+u003[cC]|\\+x3[cC])(?:blockquote|iframe)\b", re.I)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_CHARS = {"n": "\n", "t": "\t", "r": "\r"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_JS_STRING = re.compile(r"""(['"`])((?:\\.|(?!\1)[^\\])*)\1""", re.S)
_MAX_CODE = 30_000  # a script that holds one embed's code; state blobs are read as state (jsonstate.py)


def _js_char(m: re.Match) -> str:
    e = m.group(1)
    if len(e) > 1:
        return chr(int(e[1:], 16))
    return _JS_CHARS.get(e, e)


def markup_in_code(text: str) -> str | None:
    """Embed code an inline script holds in a string literal, unescaped: a consent tool's
    parked embed (Embed Privacy's ``var _oembed_… = '{\\"embed\\":\\"&lt;blockquote…'``, a
    JS literal around JSON around HTML-escaped code) or the code a script writes once the
    reader agrees (``el.innerHTML = '<blockquote class="twitter-tweet">…'``, ``document.write(…)``).

    Only a literal that is assigned or passed (after ``=`` or ``(``) is such code: a string inside
    an object or an array is page state, which names other stories' embeds too and is read as
    state (``jsonstate.py``), and so is ``JSON.parse("…")``."""
    if len(text) > _MAX_CODE or ("blockquote" not in text and "iframe" not in text) or not _CODE_MARKUP.search(text):
        return None
    found = []
    for m in _JS_STRING.finditer(text):
        body = m.group(2)
        if not _CODE_MARKUP.search(body):
            continue
        before = text[:m.start()].rstrip()
        if before[-1:] not in ("=", "(") or before.endswith("JSON.parse("):
            continue
        for _ in range(3):  # the JS literal, then the JSON string inside it
            if "\\" not in body:
                break
            body = _JS_ESCAPE.sub(_js_char, body)
        if _SURROGATE.search(body):  # an emoji escaped as a pair: joined, a lone half replaced
            body = body.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if "&lt;" in body:
            body = html.unescape(body)
        if ESCAPED_EMBED.search(body):
            found.append(body)
    return "\n".join(found) or None


def posted(ref: PostRef) -> str | None:
    if ref.post_id and ref.platform == "twitter" and ref.post_id.isdigit():
        return twitter.posted_from_id(ref.post_id)
    return None


# attributes that never make an element an embed on their own (read for the context instead)
PLAIN_ATTRS = frozenset(("class", "id", "style", "href", "role", "itemprop", "rel", "alt", "title", "width",
                          "height", "lang", "dir", "target", "tabindex", "loading", "decoding", "srcset", "sizes",
                          "aria-label", "aria-hidden", "aria-labelledby", "aria-describedby", "for", "name",
                          "content", "property", "datetime", "colspan", "rowspan", "align", "valign", "border"))
