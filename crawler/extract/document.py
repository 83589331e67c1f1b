"""Decoding and parsing: the one parse every detector shares.

``Document`` holds the lxml tree plus what several detectors want from it (meta tags,
JSON-LD nodes), computed lazily and once. Nothing here does I/O or knows about Scrapy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

# A page this deep is hostile or broken; libxml2 stops at its own limit (256) unless
# HUGE is set, which keeps memory bounded. We keep the default.
_PARSER = lxml.html.HTMLParser(remove_comments=False, recover=True, default_doctype=False)
# lxml.html picks each element's Python class through a Python callback, run for every element
# the walk touches (a fifth of detection time). One class for all elements, chosen in C, keeps
# the HtmlElement API (text_content ...) without it; we use none of the form-specific classes.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))


class ExtractError(ValueError):
    """The input cannot give a record (empty, not HTML, undecodable). Message is user-facing."""


_MAGIC = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "gzip data (name it .gz)"),
    (b"RIFF", "a RIFF media file"), (b"\x00\x00\x01\x00", "an icon"), (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"), (b"\x7fELF", "a program"),
)


def sniff_binary(data: bytes) -> str | None:
    """What a non-text input is ("a PDF document"), or None when it may be text."""
    head = data[:1024]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text with a BOM
    if head and (head.count(b"\x00") > len(head) // 10):
        return "binary data"
    return None


def decode_bytes(data: bytes, content_type: str | None = None) -> str:
    """Bytes of an HTML or text file to str.

    The HTTP header (when given) wins, then a BOM, then ``<meta charset>``, then the bytes
    themselves: BeautifulSoup's ``UnicodeDammit`` does the last three well and tolerates lying
    declarations by falling back to detection.
    """
    from w3lib.encoding import http_content_type_encoding, resolve_encoding

    what = sniff_binary(data)
    if what:
        raise ExtractError(f"not HTML or text: looks like {what}")

    if content_type:
        enc = http_content_type_encoding(content_type)
        if enc and resolve_encoding(enc):
            try:
                return data.decode(resolve_encoding(enc))
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return data.decode("utf-8")  # by far the most common: cheap and exact when it works
    except UnicodeDecodeError:
        pass
    from bs4 import UnicodeDammit

    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        raise ExtractError("cannot decode the bytes in any known text encoding")
    return dammit.unicode_markup


def parse_html(text: str) -> HtmlElement:
    """Parse once; every later step reads this tree."""
    if not text.strip():
        raise ExtractError("empty document")
    # lxml refuses str with an encoding declaration; strip it rather than re-encode.
    if text.lstrip().startswith("<?xml"):
        text = re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1)
    if "\x00" in text:  # lxml refuses NUL in str input; browsers drop it
        text = text.replace("\x00", "")
    if _stray_document_end(text):
        text = _DOCUMENT_END_TAGS.sub("", text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not parseable as HTML: {exc}") from None
    if root is None:
        raise ExtractError("no HTML content")
    if len(root) == 0 and root.getnext() is not None:
        # "<html lang="de" />" (XHTML written as XML): libxml2 closes the root there and puts the
        # whole page in a second root that lxml never shows; browsers ignore the slash
        fixed = _SELF_CLOSED_HTML.sub(r"<html\1>", text, count=1)
        if fixed != text:
            return parse_html(fixed)
    return root


_SELF_CLOSED_HTML = re.compile(r"<html(\b[^>]*?)\s*/>", re.I)
_DOCUMENT_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.I)
_START_TAG = re.compile(r"<[a-zA-Z]")


def _stray_document_end(text: str) -> bool:
    """Whether a ``</html>`` stands before more elements: a header included by the server that
    closes its own document ("...</script></html><!--end header--><div class=content>").
    libxml2 drops everything after it (the article, its embeds, the footer); browsers read on,
    into the body, and so do we once the stray end tags are gone."""
    # (str.find, no regular expression over every page; the capitals only where the page opens
    # with them, "<HTML>": the scan is a sixth of a parse on a long page)
    for spelling in ("</html", "</HTML") if "<HTML" in text[:4000] else ("</html",):
        end = text.find(spelling)
        if end != -1 and _START_TAG.search(text, end + 6):
            return True
    return False


def parse_fragment(markup: str) -> HtmlElement | None:
    """Parse embed code found escaped in attributes, templates and JSON strings."""
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div", parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None


def merge_walked(met: list[tuple[int, Any]], pruned: list[tuple[int, HtmlElement]],
                 expand: Callable[[HtmlElement], Iterable[Any]]) -> list[Any]:
    """Document order for what one walk collected: ``met`` holds (visit order, item) pairs the
    walk recorded, ``pruned`` the (visit order, root) of subtrees it did not enter, whose items
    ``expand`` finds (in document order) only now, at their place in the page."""
    found = [(order, items) for order, root in pruned if (items := list(expand(root)))]
    if not found:  # most pruned subtrees hold none of what is asked: ``met`` is in order already
        return [item for _, item in met]
    keyed = [((order, 0), item) for order, item in met]
    for order, items in found:
        keyed += [((order, j + 1), item) for j, item in enumerate(items)]
    keyed.sort(key=lambda k: k[0])
    return [item for _, item in keyed]


def text_of(el: HtmlElement) -> str:
    """Text content with whitespace collapsed (no script or style text)."""
    return " ".join(" ".join(el.itertext()).split())


_BODY_PART = re.compile(
    r"(?:article|story|post|entry|blog|news)[-_]{0,2}(?:body|content|text|inner|detail(?!s))|articlebody|"
    r"rich-?text", re.I)
_BODY_TOKENS = {"entry", "post", "article", "prose", "hentry", "story"}


def is_article_body(el: HtmlElement, tag: str, names: str) -> bool:
    """The article's own container: <article>, itemprop=articleBody, entry-content-like names.

    ``names`` is the element's class and id, already joined by the caller (it needs them too).
    """
    if tag == "article" or (el.get("itemprop") or "").lower() == "articlebody":
        return True
    return bool(names) and body_names(names)


@lru_cache(maxsize=8192)
def body_names(names: str) -> bool:
    """Class/id tokens naming an article body (cached: pages repeat the same class strings)."""
    return any(tok.lower() in _BODY_TOKENS or _BODY_PART.search(tok) for tok in names.split())


def child_tagged(el: HtmlElement, tag: str) -> HtmlElement | None:
    """``el.find(tag)`` without ElementPath's path parsing: the first child with that tag."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def collapse(s: str | None) -> str | None:
    if s is None:
        return None
    s = " ".join(s.split())
    return s or None


_META_KEYS = {"name": 0, "property": 1, "itemprop": 2, "http-equiv": 3}  # what names a <meta>, in order


@dataclass
class Document:
    """A parsed page: the tree, its URL, and per-page facts derived once."""

    tree: HtmlElement
    url: str
    # (script, text) pairs in page order, when a walk already read them (``walk_page``)
    scripts: list[tuple[HtmlElement, str | None]] | None = None
    metas: list[HtmlElement] | None = None  # the page's <meta> elements, likewise

    @cached_property
    def head(self) -> HtmlElement | None:
        return child_tagged(self.tree, "head")

    @cached_property
    def body(self) -> HtmlElement | None:
        return child_tagged(self.tree, "body")

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """``<meta>`` values by lower-cased name/property/itemprop/http-equiv."""
        out: dict[str, list[str]] = {}
        for m in self.metas if self.metas is not None else self.tree.iter("meta"):
            content = None
            keys = []
            for attr, value in m.items():  # (one call for all: a page has dozens of metas)
                if attr == "content" or (attr == "value" and content is None):
                    content = value  # ("value": pages saved by some tools write it for "content")
                elif value and attr in _META_KEYS:
                    keys.append((_META_KEYS[attr], value))
            if content is None or not keys:
                continue
            content = content.strip()
            for _, key in sorted(keys) if len(keys) > 1 else keys:  # in _META_KEYS' order
                out.setdefault(key.strip().lower(), []).append(content)
        return out

    def meta_first(self, *names: str) -> str | None:
        for n in names:
            for v in self.meta.get(n, ()):
                if v:
                    return v
        return None

    def _jsonld_texts(self) -> Iterator[str]:
        scripts = self.scripts if self.scripts is not None else ((s, None) for s in self.tree.iter("script"))
        for script, text in scripts:
            if (script.get("type") or "").strip().lower() == "application/ld+json":
                yield (text if text is not None else script.text) or ""

    def jsonld_may_hold(self, *needles: str) -> bool:
        """Whether the page's JSON-LD may hold one of ``needles`` (keys or values): a substring test
        that spares a reader who needs only them from decoding a live blog's thousand updates.
        True once the JSON-LD is decoded anyway (by article extraction): then reading is cheap."""
        if "jsonld" in self.__dict__:
            return True
        return any(n in raw for raw in self._jsonld_texts() for n in needles)

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD node on the page, ``@graph`` flattened; broken blocks are skipped."""
        nodes: list[dict[str, Any]] = []
        for raw in self._jsonld_texts():
            data = _loads_lenient(raw)
            if data is None:
                continue
            _collect_nodes(data, nodes, depth=0)
        return nodes

    @cached_property
    def jsonld_by_id(self) -> dict[str, dict[str, Any]]:
        out = {}
        for n in self.jsonld:
            i = n.get("@id")
            if isinstance(i, str):
                out.setdefault(_norm_id(i), n)
        return out

    def resolve(self, node: Any) -> Any:
        """Follow a JSON-LD ``{"@id": ...}`` reference to its node when the page has it."""
        if isinstance(node, dict) and set(node) <= {"@id", "@type"} and "@id" in node:
            target = self.jsonld_by_id.get(_norm_id(str(node["@id"])))
            if target is not None:
                return target
        return node


ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
    "scholarlyarticle", "liveblogposting", "posting", "socialmediaposting", "report",
    "webpage", "itempage", "medicalwebpage",
}


def node_types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _norm_id(i: str) -> str:
    # "https://9to5mac.com#organization" and "https://9to5mac.com/#organization" are one node.
    return i.strip().lower().replace("/#", "#")


def _loads_lenient(raw: str) -> Any:
    raw = raw.strip()
    if not raw:
        return None
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    if "<![CDATA[" in raw[:40]:
        raw = _CDATA_ENDS.sub("", raw)  # XHTML's wrapper: "/*<![CDATA[*/{...}/*]]>*/"
    raw = raw.strip().rstrip(";")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        pass
    try:  # control characters inside strings are common in hand-written JSON-LD
        return json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        return None


_CDATA_ENDS = re.compile(r"^\s*(?:/\*\s*|//\s*)?<!\[CDATA\[(?:\s*\*/)?|(?:/\*\s*|//\s*)?\]\]>(?:\s*\*/)?\s*$")


def _collect_nodes(data: Any, out: list[dict[str, Any]], depth: int) -> None:
    if depth > 6 or len(out) > 500:
        return
    if isinstance(data, list):
        for item in data[:200]:
            _collect_nodes(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if isinstance(graph, list | dict):
            _collect_nodes(graph, out, depth + 1)

