"""Mastodon and the fediverse: any instance, so rules key on class and path, not host."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, iso_from_ms, parse_url

NAME = "mastodon"
_STATUS = re.compile(r"^/@(?P<user>[\w.]{1,30})(?:@(?P<inst>[\w.-]+))?/(?P<id>\d{15,20})(?P<embed>/embed)?/?$")
_USERS_STATUS = re.compile(r"^/users/(?P<user>[\w.]{1,30})/statuses/(?P<id>\d{15,20})/?$")
_WEB_STATUS = re.compile(r"^/web/statuses/(?P<id>\d{15,20})/?$")  # the 2017 web app's address
# hosts owned by other platforms whose paths look like Mastodon's
_NOT_MASTODON = ("truthsocial.com", "medium.com", "youtube.com", "tiktok.com", "threads.net",
                 "threads.com", "twitter.com", "x.com", "instagram.com")


def parse(u: Url) -> PostRef | None:
    if u.host_is(*_NOT_MASTODON):
        return None
    m = _STATUS.match(u.path) or _USERS_STATUS.match(u.path)
    if not m:
        w = _WEB_STATUS.match(u.path)
        return PostRef(NAME, w.group("id"), f"https://{u.host}/web/statuses/{w.group('id')}", "post") if w else None
    user, post_id = m.group("user"), m.group("id")
    inst = m.groupdict().get("inst") or u.host
    return PostRef(NAME, post_id, f"https://{u.host}/@{user}/{post_id}", "post", f"{user}@{inst}")


def posted_from_id(post_id: str) -> str | None:
    return iso_from_ms(int(post_id) >> 16)


def _from_embed(el: HtmlElement) -> list[Hit] | None:
    for raw in (el.get("data-embed-url"), el.get("src"), el.get("data-src")):
        u = parse_url(raw)
        if u and (r := parse(u)):
            return [Hit(r, "embed" if el.tag == "blockquote" else "iframe", handle=r.handle,
                        posted=posted_from_id(r.post_id))]
    for a in el.iter("a"):
        u = parse_url(a.get("href"))
        if u and (r := parse(u)):
            return [Hit(r, "embed", handle=r.handle, posted=posted_from_id(r.post_id))]
    return None


PLATFORM = Platform(name=NAME, parse_url=parse, any_host=True,
                    classes={"mastodon-embed": _from_embed},
    names=("mastodon", "fediverse"),
)
