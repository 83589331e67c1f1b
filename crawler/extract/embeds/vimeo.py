"""Vimeo: player iframes (keeping the unlisted ``h`` key), AMP, video links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url

NAME = "vimeo"
HOSTS = ("vimeo.com",)
_PLAYER = re.compile(r"^/video/(?P<id>\d{5,12})")
_PAGE = re.compile(r"^/(?:channels/[\w-]+/|groups/[\w-]+/videos/|(?:showcase|album)/\d+/video/)?"
                   r"(?P<id>\d{5,12})(?:/(?P<h>[0-9a-f]{6,20}))?/?$")


def ref(vid: str, h: str | None = None) -> PostRef:
    url = f"https://vimeo.com/{vid}" + (f"/{h}" if h else "")
    return PostRef(NAME, vid, url, "video")


def parse(u: Url) -> PostRef | None:
    if u.host == "player.vimeo.com":
        m = _PLAYER.match(u.path)
        return ref(m.group("id"), u.param("h")) if m else None
    if u.path == "/moogaloop.swf":  # the Flash-era player: moogaloop.swf?clip_id=ID
        return from_id(u.param("clip_id", ""))
    m = _PAGE.match(u.path)
    return ref(m.group("id"), m.group("h")) if m else None


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    vid = (el.get("data-videoid") or "").strip()
    return [Hit(ref(vid), "amp")] if vid.isdigit() else None


def _from_lite(el: HtmlElement) -> list[Hit] | None:
    """<lite-vimeo videoid=...>: the lazy player of static sites."""
    r = from_id((el.get("videoid") or el.get("data-videoid") or "").strip())
    return [Hit(r, "lazy")] if r is not None else None


def from_id(value: str) -> PostRef | None:
    return ref(value) if value.isdigit() and 5 <= len(value) <= 12 else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, tags={"amp-vimeo": _from_amp, "lite-vimeo": _from_lite},
                    names=("vimeo",), from_id=from_id)
