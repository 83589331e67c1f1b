"""Dailymotion: player iframes (``/embed/video/ID``, the geo player's ``?video=ID``, the Flash-era
``/swf/video/ID``), AMP, ``dai.ly`` short links and video pages. A video id is ``x`` and 4-9
letters and digits. The ``thumbnail`` path is a picture of a video, not a citation of it."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url

NAME = "dailymotion"
HOSTS = ("dailymotion.com", "dai.ly")
_ID = re.compile(r"^x[0-9a-z]{4,9}$")
_PATH = re.compile(r"^/(?:embed/|swf/)?video/(?P<id>x[0-9a-z]{4,9})(?:[_/?]|$)")


def ref(vid: str) -> PostRef:
    return PostRef(NAME, vid, f"https://www.dailymotion.com/video/{vid}", "video")


def from_id(value: str) -> PostRef | None:
    return ref(value) if _ID.match(value) else None


def parse(u: Url) -> PostRef | None:
    if u.host == "dai.ly":
        return from_id(u.path.strip("/"))
    if u.host == "geo.dailymotion.com":  # the 2023 player: /player/PLAYER.html?video=ID
        return from_id(u.param("video", "") or "")
    m = _PATH.match(u.path)
    return ref(m.group("id")) if m else None


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    r = from_id((el.get("data-videoid") or "").strip())
    return [Hit(r, "amp")] if r is not None else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, tags={"amp-dailymotion": _from_amp},
                    names=("dailymotion",), from_id=from_id)
