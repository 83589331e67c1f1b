"""Vine (archived): ``vine.co/v/ID`` embeds and links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url

NAME = "vine"
HOSTS = ("vine.co",)
_POST = re.compile(r"^/v/(?P<id>[A-Za-z0-9]{6,15})(?:/|$)")


def parse(u: Url) -> PostRef | None:
    m = _POST.match(u.path)
    if not m:
        return None
    return PostRef(NAME, m.group("id"), f"https://vine.co/v/{m.group('id')}", "video")


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    vid = (el.get("data-vineid") or "").strip()
    return [Hit(PostRef(NAME, vid, f"https://vine.co/v/{vid}", "video"), "amp")] if vid else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, tags={"amp-vine": _from_amp}, names=("vine",))
