"""Snapchat: ``snapchat-embed`` blockquotes for Spotlight and Story posts; lenses are not posts."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, parse_url

NAME = "snapchat"
HOSTS = ("snapchat.com",)
_POST = re.compile(r"^/(?P<kind>spotlight|p)/(?P<id>[\w-]{6,80})(?:/embed)?/?$")


def parse(u: Url) -> PostRef | None:
    m = _POST.match(u.path)
    if not m:
        return None
    sid = m.group("id")
    return PostRef(NAME, sid, f"https://www.snapchat.com/{m.group('kind')}/{sid}", "post")


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    u = parse_url(el.get("data-snapchat-embed-url"))
    if u and u.host_is(*HOSTS):
        r = parse(u)
        return [Hit(r, "embed")] if r else []
    return None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS,
                    classes={"snapchat-embed": _from_blockquote},
    names=("snapchat",),
)
