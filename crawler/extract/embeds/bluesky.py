"""Bluesky: ``data-bluesky-uri`` blockquotes, embed.bsky.app iframes, links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import (
    Hit,
    Platform,
    PostRef,
    Url,
    collapse_text,
    el_text,
    not_a_post,
    parse_date_text,
    tid_time,
)

NAME = "bluesky"
HOSTS = ("bsky.app", "embed.bsky.app", "main.bsky.dev")
_AT = re.compile(r"^at://(?P<actor>[^/]+)/app\.bsky\.feed\.post/(?P<rkey>[\w~.:-]+)$")
_PROFILE_POST = re.compile(r"^/profile/(?P<actor>[^/]+)/post/(?P<rkey>[\w~.:-]+)/?$")
_EMBED = re.compile(r"^/embed/(?P<actor>did:[^/]+)/app\.bsky\.feed\.post/(?P<rkey>[\w~.:-]+)")
_HANDLE = re.compile(r"\(\s*@?([\w.-]+\.[\w.-]+)\s*\)")


def ref(actor: str, rkey: str) -> PostRef:
    handle = None if actor.startswith("did:") else actor.lower()
    return PostRef(NAME, rkey, f"https://bsky.app/profile/{actor if handle is None else handle}/post/{rkey}",
                   "post", handle)


def parse(u: Url) -> PostRef | None:
    m = _PROFILE_POST.match(u.path) or _EMBED.match(u.path)
    return ref(m.group("actor"), m.group("rkey")) if m else None


def parse_at_uri(uri: str) -> PostRef | None:
    m = _AT.match(uri.strip())
    return ref(m.group("actor"), m.group("rkey")) if m else None


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    r = parse_at_uri(el.get("data-bluesky-uri") or "")
    if r is None:
        return None
    hit = Hit(r, "embed", posted=tid_time(r.post_id or ""))
    ps = list(el.iter("p"))
    if ps:
        hit.text = collapse_text(el_text(ps[0]).replace("[image or embed]", ""))
    full = el_text(el)
    m = _HANDLE.search(full.rsplit("—", 1)[-1])
    if m:
        hit.handle = m.group(1).lower()
        name = full.rsplit("—", 1)[-1].split("(", 1)[0]
        hit.name = collapse_text(name)
    links = list(el.iter("a"))
    if links and not hit.posted:
        hit.posted = parse_date_text(el_text(links[-1]))
    return [hit]


_PROFILE = re.compile(r"^/profile/(?P<actor>[\w.-]+\.[\w.-]+)/?$")


def profile(u: Url) -> str | None:
    """``bsky.app/profile/HANDLE``: a profile, not a post."""
    m = _PROFILE.match(u.path)
    return m.group("actor").lower() if m else None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS,
    profile=profile,
    classes={"bluesky-embed": _from_blockquote},
    tags={"bsky-embed": not_a_post},
    names=("bluesky", "bsky"),
)
