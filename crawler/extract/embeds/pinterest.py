"""Pinterest: ``data-pin-do="embedPin"`` anchors, AMP pins, pin links (any country domain)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, parse_url

NAME = "pinterest"
HOSTS = ("pinterest.com", "pinterest.co.uk", "pinterest.de", "pinterest.fr", "pinterest.es",
         "pinterest.it", "pinterest.ca", "pinterest.com.au", "pinterest.com.mx", "pinterest.jp",
         "pinterest.ch", "pinterest.at", "pinterest.nl", "pinterest.se", "pinterest.pt",
         "pinterest.ie", "pinterest.nz", "pinterest.dk", "pinterest.cl", "pinterest.ph",
         "pinterest.ru", "pinterest.kr", "pinterest.co.kr", "pinterest.com.br", "pin.it")
# "/pin/<id>/sent/?invite_code=..." is the URL the share sheet copies: the same pin
_PIN = re.compile(r"^/pin/(?:[\w-]*--)?(?P<id>\d{5,25})(?:/sent)?/?$")


def parse(u: Url) -> PostRef | None:
    m = _PIN.match(u.path)
    if not m:
        return None
    pid = m.group("id")
    return PostRef(NAME, pid, f"https://www.pinterest.com/pin/{pid}/", "pin")


def _embed(el: HtmlElement, attr: str, url_attr: str, form: str) -> list[Hit] | None:
    if (el.get(attr) or "") != "embedPin":
        return []  # boards and profiles are not pins
    u = parse_url(el.get(url_attr))
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, form)]
    return None


PLATFORM = Platform(
    name=NAME, parse_url=parse, hosts=HOSTS,
    attrs={"data-pin-do": lambda el: _embed(el, "data-pin-do", "href", "embed")},
    tags={"amp-pinterest": lambda el: _embed(el, "data-do", "data-url", "amp")},
    names=("pinterest",),
)
