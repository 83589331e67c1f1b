"""The platform registry: indexes every platform module's rules for one-lookup dispatch.

Adding a platform is one module exposing ``PLATFORM`` plus its name in ``PLATFORM_MODULES``.
"""

from __future__ import annotations

import base64
import importlib
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from crawler.extract.embeds.base import ElementHandler, Platform, PostRef, Url, parse_url

PLATFORM_MODULES = (
    "twitter", "instagram", "facebook", "youtube", "tiktok", "bluesky", "threads", "mastodon",
    "truthsocial", "reddit", "linkedin", "telegram", "tumblr", "pinterest", "flickr", "vimeo",
    "vine", "twitch", "snapchat", "spotify", "dailymotion", "soundcloud",
)

# Hosts that wrap another URL in a query parameter (Iframely, Embedly, Google AMP viewer, and
# the platforms' own oEmbed endpoints: publish.twitter.com/oembed?url=, youtube.com/oembed?url=).
_PROXY_PARAMS = ("url", "src", "href", "u", "q")  # (q: Google's redirect, in text pasted from Docs)
# Web archives keep the original URL in the path: web.archive.org/web/<timestamp>/<URL>,
# archive.ph/<timestamp>/<URL> (archive.today's mirrors alike).
_ARCHIVE_HOSTS = ("web.archive.org", "archive.org", "archive.ph", "archive.today", "archive.is",
                  "archive.li", "archive.vn", "archive.md", "webcitation.org", "ghostarchive.org")
_ARCHIVED = re.compile(r"^/(?:web/|wayback/|o/\w+/)?(?:[\w.*-]{0,40}/)?"
                       r"(?P<url>(?:https?:)?/{1,2}[^/].*|(?:[a-z0-9-]+\.)+[a-z]{2,}/.*)$", re.I)  # (a scheme or none)
_B64_HTTP = "/aHR0c"  # a path segment that base64url-decodes to "http..."
_UNSEEN = object()
_HOST = re.compile(r"\s*(?:https?:)?//([^/?#\s]+)", re.I)
_BARE_HOST = re.compile(r"\s*((?:[a-z0-9-]+\.)+[a-z]{2,})/", re.I)  # "twitter.com/...": no scheme
_FEDI_PATH = re.compile(r"/@[\w.]+(?:@[\w.-]+)?/\d{15}")
_PROXY = re.compile(r"[?&](?:" + "|".join(_PROXY_PARAMS) + r")=(?:https?(?::|%3A)|//|%2F%2F)", re.I)


@dataclass
class Registry:
    platforms: list[Platform]
    by_host: dict[str, Platform] = field(default_factory=dict)
    by_class: dict[str, ElementHandler] = field(default_factory=dict)
    by_tag: dict[str, ElementHandler] = field(default_factory=dict)
    by_attr: dict[str, ElementHandler] = field(default_factory=dict)
    by_name: dict[str, Platform] = field(default_factory=dict)  # "twitter", "tweet", "fb" ...
    any_host: list[Platform] = field(default_factory=list)
    _known_hosts: dict[str, bool] = field(default_factory=dict, repr=False)
    _origins: dict[str, bool | None] = field(default_factory=dict, repr=False)  # "https://host": known

    def __post_init__(self) -> None:
        for p in self.platforms:
            for h in p.hosts:
                self.by_host.setdefault(h, p)
            for table, rules in ((self.by_class, p.classes), (self.by_tag, p.tags),
                                 (self.by_attr, p.attrs)):
                for key, handler in rules.items():
                    if key in table:
                        raise ValueError(f"{p.name}: rule {key!r} already registered")
                    table[key] = handler
            if p.any_host:
                self.any_host.append(p)
            for name in p.names:
                self.by_name.setdefault(name, p)
        for h in _ARCHIVE_HOSTS:
            self.by_host.setdefault(h, _ARCHIVE)

    @property
    def markers(self) -> tuple[str, ...]:
        """Substrings one of which any platform URL contains ("twitter.com", "/@" ...)."""
        cached = self.__dict__.get("_markers")
        if cached is None:
            names = set()
            for host in self.by_host:
                if self.by_host[host] is _ARCHIVE:
                    continue  # an archived post's URL names its platform's host inside it
                labels = host.split(".")
                # the registrable label: spotify in open.spotify.com, pinterest in pinterest.co.uk
                second_level = len(labels) >= 3 and labels[-2] in ("co", "com")
                label = labels[-3] if second_level else labels[-2]
                # "twitter." covers twitter.com and its subdomains; "t.me" must stay whole
                names.add(label + "." if len(label) > 3 else host)
            names = {n for n in names if not any(o != n and o in n for o in names)}
            # the platforms pages cite most first: a text that names one stops the scan early
            first = ("twitter.", "x.com", "youtu.", "instagram.", "facebook.", "tiktok.")
            rest = sorted((names | {"/@"}) - set(first), key=len)
            cached = self.__dict__["_markers"] = tuple(m for m in first if m in names) + tuple(rest)
        return cached

    def mentions(self, text: str) -> bool:
        """Cheap test before any regex or parsing: does ``text`` name a platform at all?
        (Substring scans run in C; a 50-way regex alternation does not.)"""
        for m in self.markers:  # (a loop: no generator to resume)
            if m in text:
                return True
        return False

    def platform_for(self, host: str) -> Platform | None:
        parts = host.split(".")
        for i in range(len(parts) - 1):
            p = self.by_host.get(".".join(parts[i:]))
            if p is not None:
                return p
        return None

    def may_name_post(self, raw: str) -> bool:
        """Cheap filter before parsing: a known host, a Mastodon-style path, or a proxy."""
        if raw[:4] == "http" and (end := raw.find("/", 8)) > 0:
            # "https://host": pages link the same few origins again and again, and a slice and a
            # dict look-up are cheaper than the regex (the host lies wholly inside the slice)
            origin = raw[:end]
            known = self._origins.get(origin, _UNSEEN)
            if known is _UNSEEN:
                known = self._host_known(origin)
                if len(self._origins) < 4096:
                    self._origins[origin] = known
        else:
            if _encoded_url(raw):
                return self.may_name_post(unquote(raw))
            known = self._host_known(raw)
            if known is None and raw[:1].isalnum() and self.bare_platform_url(raw) is not None:
                return True
        if known is None:
            return False
        if known:
            return True
        if ("/@" in raw and _FEDI_PATH.search(raw)) or "/web/statuses/" in raw:  # (Mastodon's 2017 web app)
            return True
        if _B64_HTTP in raw:  # a newsletter's click redirect: the target base64url in the path
            return True
        return "=" in raw and _PROXY.search(raw) is not None  # a proxy's url=http..., src=//...

    def _host_known(self, raw: str) -> bool | None:
        """Whether the host ``raw`` starts with is a platform's (None: it starts with no host)."""
        m = _HOST.match(raw)
        if m is None:
            return None
        known = self._known_hosts.get(m.group(1))
        if known is None:
            host = m.group(1).lower().rsplit("@", 1)[-1].split(":", 1)[0]
            known = self.platform_for(host) is not None
            if len(self._known_hosts) < 4096:
                self._known_hosts[m.group(1)] = known
        return known

    def is_wrapper(self, raw: str) -> bool:
        """A URL of a CMS or oEmbed service that wraps a post's URL (Embedly, Iframely, Drupal's
        ``/media/oembed?url=``), not the platform's own player."""
        u = parse_url(raw)
        return u is not None and self.platform_for(u.host) is None

    def bare_platform_url(self, raw: str) -> str | None:
        """A platform URL written without its scheme (``twitter.com/user/status/ID`` in an href, a
        browser would take it for a path of this site: its author meant the post), made whole."""
        m = _BARE_HOST.match(raw)
        if m is None or self.platform_for(m.group(1).lower().removeprefix("www.")) is None:
            return None
        return "https://" + raw.strip()

    def profile(self, raw: str | None) -> tuple[str, str] | None:
        """(platform, handle) when ``raw`` is the address of an account's profile."""
        u = parse_url(raw) if raw and self.may_name_post(raw) else None
        platform = self.platform_for(u.host) if u is not None else None
        if platform is None or platform.profile is None:
            return None
        handle = platform.profile(u)
        return (platform.name, handle) if handle else None

    def match(self, raw: str | None, *, depth: int = 0) -> PostRef | None:
        """The post a URL names, or None (not a post: profile, share intent, other site)."""
        if not raw or not self.may_name_post(raw):
            return None
        if _encoded_url(raw):
            raw = unquote(raw)  # Tumblr's data-url="https%3A%2F%2Ftwitter.com%2F..."
        if raw[:4] != "http" and raw.lstrip()[:2] != "//" and (whole := self.bare_platform_url(raw)):
            raw = whole
        u = parse_url(raw)
        if u is None:
            return None
        return self.match_parsed(u, depth=depth)

    def match_parsed(self, u: Url, *, depth: int = 0) -> PostRef | None:
        platform = self.platform_for(u.host)
        if platform is _ARCHIVE:
            return self._archived(u, depth)
        if platform is not None:
            r = platform.parse_url(u)
            if r is not None or depth or not u.query:
                return r
            return self._proxied(u, depth)  # an oEmbed endpoint on the platform's own host
        for p in self.any_host:
            r = p.parse_url(u)
            if r is not None:
                return r
        if depth == 0 and _B64_HTTP in u.path:
            r = self._redirected(u, depth)
            if r is not None:
                return r
        if depth == 0 and u.query:
            return self._proxied(u, depth)
        return None

    def _redirected(self, u: Url, depth: int) -> PostRef | None:
        """A click-tracking redirect that carries its target base64url-encoded in a path segment
        (newsletters' ``link.<site>/click/<id>/<base64url of the URL>/<hash>``)."""
        for segment in u.path.split("/"):
            if segment.startswith("aHR0c") and len(segment) >= 16:
                try:
                    inner = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
                except (ValueError, UnicodeDecodeError):  # (binascii.Error is a ValueError)
                    continue
                r = self.match(inner, depth=depth + 1)
                if r is not None:
                    return r
        return None

    def _proxied(self, u: Url, depth: int) -> PostRef | None:
        for key in _PROXY_PARAMS:
            inner = u.param(key)
            if inner and inner.startswith(("http://", "https://", "//")):
                r = self.match(inner, depth=depth + 1)
                if r is not None:
                    return r
        return None

    def _archived(self, u: Url, depth: int) -> PostRef | None:
        """An archived copy of a post names the original: that post is what is cited."""
        if depth:
            return None
        raw = u.raw.strip()
        start = raw.find(u.host) + len(u.host) if u.host in raw else -1
        rest = raw[start:] if start >= 0 else u.path
        rest = rest[rest.find("/"):] if "/" in rest else rest
        m = _ARCHIVED.match(rest)
        if m is None:
            return self._proxied(u, depth) if u.query else None
        inner = m.group("url")
        if inner.startswith("http:/") and not inner.startswith("http://"):
            inner = "http://" + inner[6:]
        elif inner.startswith("https:/") and not inner.startswith("https://"):
            inner = "https://" + inner[7:]
        return self.match(inner, depth=depth + 1)


_ARCHIVE = Platform(name="archive", parse_url=lambda u: None)  # a marker in by_host, not a platform


def _encoded_url(raw: str) -> bool:
    """A whole URL percent-encoded into an attribute ("https%3A%2F%2F...")."""
    return raw[:4] == "http" and raw[4:8].lower() in ("%3a%", "s%3a")


def _load() -> Registry:
    platforms = []
    for name in PLATFORM_MODULES:
        module = importlib.import_module(f"crawler.extract.embeds.{name}")
        platforms.append(module.PLATFORM)
    return Registry(platforms)


REGISTRY = _load()
