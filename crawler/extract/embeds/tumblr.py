"""Tumblr: ``tumblr-post`` embeds and post links on blog subdomains and tumblr.com."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, parse_url

NAME = "tumblr"
HOSTS = ("tumblr.com",)
_SUB_POST = re.compile(r"^/post/(?P<id>\d{6,20})")
_MAIN_POST = re.compile(r"^/(?:blog/view/)?(?P<blog>[\w-]{1,32})/(?P<id>\d{6,20})")
_EMBED = re.compile(r"^/embed/post/(?P<blog>[^/]+)/(?P<id>\d{6,20})")


def ref(blog: str | None, post_id: str) -> PostRef:
    url = f"https://www.tumblr.com/{blog}/{post_id}" if blog else None
    return PostRef(NAME, post_id, url, "post", blog)


def parse(u: Url) -> PostRef | None:
    if u.host == "embed.tumblr.com":
        m = _EMBED.match(u.path)
        return ref(None, m.group("id")) if m else None
    if u.host != "tumblr.com" and u.host.endswith(".tumblr.com"):
        m = _SUB_POST.match(u.path)
        return ref(u.host.split(".")[0], m.group("id")) if m else None
    m = _MAIN_POST.match(u.path)
    return ref(m.group("blog"), m.group("id")) if m else None


def _from_div(el: HtmlElement) -> list[Hit] | None:
    best = None
    for raw in [a.get("href") for a in el.iter("a")] + [el.get("data-href")]:
        u = parse_url(raw)
        if u and u.host_is(*HOSTS) and (r := parse(u)):
            if r.handle:
                return [Hit(r, "embed", handle=r.handle)]
            best = best or r
    return [Hit(best, "embed")] if best else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, classes={"tumblr-post": _from_div}, names=("tumblr",))
