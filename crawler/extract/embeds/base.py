"""Shared vocabulary of the platform rules: parsed URLs, post references, hits.

A platform module turns URLs and elements into ``PostRef``/``Hit`` values; it never walks
the tree itself (the walker does that once for all platforms).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from crawler.extract.document import collapse, text_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml.html import HtmlElement

_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "old.", "np.", "new.")


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post identified by a URL or attribute: enough to key, dedupe and link it."""

    platform: str
    post_id: str | None
    url: str | None
    kind: str = "post"
    handle: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.post_id or self.url or "")


@dataclass(slots=True)
class Hit:
    """One appearance of a post, with what the markup there tells about it."""

    ref: PostRef
    form: str
    name: str | None = None
    handle: str | None = None
    posted: str | None = None
    text: str | None = None
    media: list[str] = field(default_factory=list)


class Url:
    """A URL split once, with the host stripped of ``www.``/``m.`` and lower-cased."""

    __slots__ = ("raw", "scheme", "host", "path", "query", "fragment", "__dict__")

    def __init__(self, raw: str):
        self.raw = raw
        parts = plain_split(raw.strip()) or urlsplit(raw.strip())
        self.scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower().rstrip(".")
        for p in _HOST_PREFIXES:
            if host.startswith(p) and host.count(".") >= 2:
                host = host[len(p):]
                break
        self.host = host
        self.path = parts.path or "/"
        self.query = parts.query
        self.fragment = parts.fragment
        # userinfo ("https://x.com@evil.example/") is a look-alike trick: keep it visible
        self.has_userinfo = "@" in parts.netloc

    @cached_property
    def raw_params(self) -> dict[str, str]:
        """The query's first value per (decoded) name, the value still encoded: share links carry
        long encoded values (the text, the page's URL) that no rule reads, so ``param`` decodes
        only the one asked for."""
        out: dict[str, str] = {}
        for part in self.query.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            if "+" in name or "%" in name:
                name = unquote(name.replace("+", " "))
            if name not in out:
                out[name] = value
        return out

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name`` in the query, decoded (``params.get(name, default)``)."""
        value = self.raw_params.get(name)
        if value is None:
            return default
        return unquote(value.replace("+", " ")) if "+" in value or "%" in value else value

    @property
    def params(self) -> dict[str, str]:
        """The query's first value per name, as ``parse_qs(query, keep_blank_values=True)`` gives
        them (a test compares both), without its lists."""
        return {name: self.param(name) for name in self.raw_params}

    def host_is(self, *domains: str) -> bool:
        """True when the host is one of ``domains`` or a subdomain of one."""
        return any(self.host == d or self.host.endswith("." + d) for d in domains)


class PlainSplit(NamedTuple):
    scheme: str
    netloc: str
    path: str
    query: str
    fragment: str

    @property
    def hostname(self) -> str | None:
        return self.netloc.partition(":")[0].lower() or None


def plain_split(url: str) -> PlainSplit | None:
    """``urlsplit`` for the URLs pages hold most (``http(s)://`` an ASCII host, no userinfo, no
    IPv6 literal, no tab or newline; or a path), without its general steps; None for any other URL, which
    ``urlsplit`` then reads. The parts are the ones ``urlsplit`` gives (tests compare them)."""
    if url[:8] == "https://":
        scheme, rest = "https", url[8:]
    elif url[:7] == "http://":
        scheme, rest = "http", url[7:]
    elif url[:1] == "/" and url[1:2] != "/":  # a path on this site (state blobs hold many)
        scheme, rest = "", url
    else:
        return None
    if "\t" in url or "\n" in url or "\r" in url:
        return None
    end = len(rest)
    for c in "/?#":
        i = rest.find(c, 0, end)
        if i >= 0:
            end = i
    netloc, rest = rest[:end], rest[end:]
    if "@" in netloc or "[" in netloc or "]" in netloc or not netloc.isascii():
        return None
    query = fragment = ""
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    if "?" in rest:
        rest, query = rest.split("?", 1)
    return PlainSplit(scheme, netloc, rest, query, fragment)


def parse_url(raw: str | None) -> Url | None:
    if not raw:
        return None
    raw = raw.strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    if not raw.startswith(("http://", "https://")):
        return None
    try:
        u = Url(raw)
    except ValueError:
        return None
    if not u.host or u.has_userinfo:
        return None
    return u


class ElementHandler(Protocol):
    def __call__(self, el: HtmlElement) -> list[Hit] | None: ...


@dataclass(frozen=True)
class Platform:
    """One platform's rules, as data the registry indexes.

    ``hosts`` dispatch URLs; ``classes``/``tags``/``attrs`` dispatch elements to handlers;
    ``any_host`` rules (Mastodon) see URLs of unknown hosts. ``names`` are the lower-case words
    a CMS uses for the platform in class names and ``data-*-type`` values (``embed-twitter``,
    ``data-provider="instagram"``); ``from_id`` turns a bare id found in such a placeholder's
    attributes into a post, or None when the value is not an id of this platform. ``profile``
    gives the handle a profile address names: the author linked under a post quoted as text.
    """

    name: str
    parse_url: Callable[[Url], PostRef | None]
    hosts: tuple[str, ...] = ()
    classes: dict[str, ElementHandler] = field(default_factory=dict)
    tags: dict[str, ElementHandler] = field(default_factory=dict)
    attrs: dict[str, ElementHandler] = field(default_factory=dict)
    any_host: bool = False
    names: tuple[str, ...] = ()
    from_id: Callable[[str], PostRef | None] | None = None
    profile: Callable[[Url], str | None] | None = None


# ---- small helpers the platform modules share ---------------------------------------------

def collapse_text(s: str | None) -> str | None:
    """Whitespace collapsed, and the bidi isolates X wraps around @mentions removed."""
    return collapse(s.replace("\u2066", "").replace("\u2069", "")) if s else None


el_text = text_of


def not_a_post(el: HtmlElement) -> list[Hit]:
    """Rule for widgets that cite nothing (timelines, follow and share buttons): handled, no post."""
    return []


def iso_from_ms(ms: int) -> str | None:
    """UTC time of an epoch in milliseconds, to the second (``time.gmtime``: no datetime made)."""
    try:
        t = time.gmtime(ms // 1000)
    except (OverflowError, OSError, ValueError):
        return None
    if not 2006 <= t.tm_year <= 2100:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", t)


_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def tid_time(rkey: str) -> str | None:
    """A Bluesky record key (TID) carries its creation time: 53 bits of microseconds."""
    if not TID_RE.match(rkey):
        return None
    n = 0
    for ch in rkey:
        n = n * 32 + _TID_ALPHABET.index(ch)
    return iso_from_ms((n >> 10) // 1000)


MONTHS = {
    # en, de, fr, es, it, pt, nl month names and common abbreviations, lower-cased
    **{m: i for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(
        ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
         "oktober", "november", "dezember"], 1)},
    "jän": 1, "mär": 3, "okt": 10, "dez": 12, "mrz": 3,
    **{m: i for i, m in enumerate(
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
         "octobre", "novembre", "décembre"], 1)},
    **{m: i for i, m in enumerate(
        ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"], 1)},
    "setiembre": 9,
    **{m: i for i, m in enumerate(
        ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
         "settembre", "ottobre", "novembre", "dicembre"], 1)},
    **{m: i for i, m in enumerate(
        ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
         "setembro", "outubro", "novembro", "dezembro"], 1)},
    **{m: i for i, m in enumerate(
        ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
         "september", "oktober", "november", "december"], 1)},
}

_DATE_MDY = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_DATE_DMY = re.compile(r"(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})")
_DATE_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date_text(text: str | None) -> str | None:
    """Localised signature dates ("April 30, 2025", "25. September 2018", "2018年9月28日")."""
    if not text:
        return None
    t = text.strip().lower()
    for rx, order in ((_DATE_ISO, "ymd"), (_DATE_CJK, "ymd"), (_DATE_MDY, "mdy"),
                      (_DATE_DMY, "dmy")):
        m = rx.search(t)
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if order == "ymd":
                y, mo, d = int(a), int(b), int(c)
            elif order == "mdy":
                mo, d, y = MONTHS.get(a, 0), int(b), int(c)
            else:
                d, mo, y = int(a), MONTHS.get(b, 0), int(c)
            if not mo:
                continue
            return datetime(y, mo, d).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return None
