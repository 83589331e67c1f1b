"""Threads: ``text-post-media`` blockquotes and links (threads.net and threads.com)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, parse_url

NAME = "threads"
HOSTS = ("threads.net", "threads.com")
_POST = re.compile(r"^/@(?P<user>[\w.]{1,30})/post/(?P<code>[A-Za-z0-9_-]{5,40})")
_SHORT = re.compile(r"^/t/(?P<code>[A-Za-z0-9_-]{5,40})")


def ref(code: str, user: str | None) -> PostRef:
    url = (f"https://www.threads.com/@{user}/post/{code}" if user
           else f"https://www.threads.com/t/{code}")
    return PostRef(NAME, code, url, "post", user)


def parse(u: Url) -> PostRef | None:
    m = _POST.match(u.path)
    if m:
        return ref(m.group("code"), m.group("user"))
    m = _SHORT.match(u.path)
    return ref(m.group("code"), None) if m else None


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    u = parse_url(el.get("data-text-post-permalink"))
    r = parse(u) if u and u.host_is(*HOSTS) else None
    if r is None:
        for a in el.iter("a"):
            u = parse_url(a.get("href"))
            if u and u.host_is(*HOSTS) and (r := parse(u)):
                break
    if r is None:
        return None
    return [Hit(r, "embed", handle=r.handle)]


_PROFILE = re.compile(r"^/@(?P<user>[\w.]{1,30})/?$")


def profile(u: Url) -> str | None:
    """``threads.com/@USER``: a profile, not a post."""
    m = _PROFILE.match(u.path)
    return m.group("user") if m else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, profile=profile,
                    classes={"text-post-media": _from_blockquote},
    names=("threads",),
)
