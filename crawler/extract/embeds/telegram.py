"""Telegram: the widget ``<script data-telegram-post>``, its iframe, and post links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url

NAME = "telegram"
HOSTS = ("t.me", "telegram.me")
_POST = re.compile(r"^/(?:s/)?(?P<chan>[A-Za-z]\w{3,31})/(?P<id>\d{1,10})/?$")


def ref(chan: str, msg: str) -> PostRef:
    return PostRef(NAME, f"{chan}/{msg}", f"https://t.me/{chan}/{msg}", "post", chan)


def parse(u: Url) -> PostRef | None:
    m = _POST.match(u.path)
    if not m or m.group("chan").lower() in ("share", "joinchat", "addstickers", "proxy"):
        return None
    return ref(m.group("chan"), m.group("id"))


def _from_widget(el: HtmlElement) -> list[Hit] | None:
    m = re.fullmatch(r"\s*([A-Za-z]\w{3,31})/(\d{1,10})\s*", el.get("data-telegram-post") or "")
    if not m:
        return None
    r = ref(m.group(1), m.group(2))
    return [Hit(r, "script", handle=r.handle)]


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS,
                    attrs={"data-telegram-post": _from_widget},
    names=("telegram",),
)
