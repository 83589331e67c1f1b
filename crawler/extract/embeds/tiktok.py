"""TikTok: blockquote embeds, rendered and hand-written iframes, AMP, links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, collapse_text, el_text, parse_url

NAME = "tiktok"
HOSTS = ("tiktok.com",)
_VIDEO = re.compile(r"^/@(?P<user>[\w.-]{1,40})/(?P<kind>video|photo)/(?P<id>\d{8,25})")
_EMBED = re.compile(r"^/(?:embed/v2|embed|share/video|player/v1|v)/(?P<id>\d{8,25})")  # (m.tiktok.com/v/ID.html)


def ref(video_id: str, handle: str | None = None) -> PostRef:
    url = (f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle
           else f"https://www.tiktok.com/video/{video_id}")
    return PostRef(NAME, video_id, url, "video", handle)


def parse(u: Url) -> PostRef | None:
    m = _VIDEO.match(u.path)
    if m:
        return ref(m.group("id"), m.group("user"))
    m = _EMBED.match(u.path)
    if m:
        return ref(m.group("id"))
    return None


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    if (el.get("data-embed-type") or "").lower() == "creator":
        return []
    cite = parse_url(el.get("cite"))
    r = parse(cite) if cite and cite.host_is(*HOSTS) else None
    vid = (el.get("data-video-id") or "").strip()
    if r is None and vid.isdigit():
        r = ref(vid)
    if r is None:
        return None
    # TikTok's script leaves an iframe named __tt_embed__... inside: the DOM after it ran
    rendered = any((f.get("name") or "").startswith("__tt_embed") for f in el.iter("iframe"))
    hit = Hit(r, "rendered" if rendered else "embed", handle=r.handle)
    ps = list(el.iter("p"))
    if ps:
        hit.text = collapse_text(el_text(ps[0]))
    return [hit]


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    src = (el.get("data-src") or "").strip()
    if src.isdigit():
        return [Hit(ref(src), "amp")]
    u = parse_url(src)
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, "amp", handle=r.handle)]
    return None


def from_id(value: str) -> PostRef | None:
    return ref(value) if value.isdigit() and 15 <= len(value) <= 25 else None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS,
    classes={"tiktok-embed": _from_blockquote},
    tags={"amp-tiktok": _from_amp},
    names=("tiktok",), from_id=from_id,
)
