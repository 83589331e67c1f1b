"""Flickr: ``data-flickr-embed`` anchors and photo links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, parse_url

NAME = "flickr"
HOSTS = ("flickr.com", "flic.kr")
_PHOTO = re.compile(r"^/photos/(?P<user>[\w@-]{1,40})/(?P<id>\d{6,15})(?:/|$)")
_SHORT = re.compile(r"^/p/(?P<code>[1-9a-km-zA-HJ-NP-Z]{2,12})/?$")
_BASE58 = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # Flickr's short-URL alphabet


def _short_id(code: str) -> str:
    n = 0
    for ch in code:
        n = n * 58 + _BASE58.index(ch)
    return str(n)


def parse(u: Url) -> PostRef | None:
    if u.host == "flic.kr":  # flic.kr/p/<base58 photo id>: the id without a fetch
        m = _SHORT.match(u.path)
        if not m:
            return None
        pid = _short_id(m.group("code"))
        return PostRef(NAME, pid, f"https://www.flickr.com/photo.gne?id={pid}", "photo")
    m = _PHOTO.match(u.path)
    if not m:
        return None
    user, pid = m.group("user"), m.group("id")
    return PostRef(NAME, pid, f"https://www.flickr.com/photos/{user}/{pid}/", "photo", user)


def _from_anchor(el: HtmlElement) -> list[Hit] | None:
    u = parse_url(el.get("href"))
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, "embed", handle=r.handle, text=el.get("title"))]
    return None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS,
                    attrs={"data-flickr-embed": _from_anchor},
    names=("flickr",),
)
