"""YouTube: iframes (incl. nocookie), lite-youtube, lazy wrappers, AMP, links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, collapse_text

NAME = "youtube"
HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be")
_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_PATH = re.compile(r"^/(?P<kind>embed|shorts|live|v|e)/(?P<id>[A-Za-z0-9_-]{11})(?:[/?&#]|$)")
_KINDS = {"shorts": "short", "live": "live"}
_WATCH_IN = re.compile(r"^/watch\?(?:.*&)?v=([A-Za-z0-9_-]{11})(?:&|$)")
# a community post or a clip: not a video id but a "Ugkx..." one, with its own address
_UG_ID = r"Ug[A-Za-z0-9_-]{16,40}"
_POST_PATH = re.compile(rf"^/(?P<kind>post|clip)/(?P<id>{_UG_ID})/?$")
_POST_ID = re.compile(rf"^{_UG_ID}$")  # (the older /channel/ID/community?lb=ID)


def ref(video_id: str, kind: str = "video") -> PostRef:
    return PostRef(NAME, video_id, f"https://www.youtube.com/watch?v={video_id}", kind)


def parse(u: Url) -> PostRef | None:
    if u.host == "youtu.be":
        vid = u.path.strip("/").split("/")[0]
        return ref(vid) if _ID.match(vid) else None
    if u.host.startswith("img.") or u.host.startswith("i."):
        return None
    path = u.path.rstrip("/")
    if path in ("/watch", "/watch_popup"):
        vid = u.param("v", "")
        if not vid and u.fragment.startswith("!v="):  # the 2011-12 hashbang form: watch#!v=ID
            vid = u.fragment[3:].split("&", 1)[0]
        return ref(vid) if _ID.match(vid) else None
    if path == "/attribution_link":  # an old share link: u=/watch?v=ID&feature=share
        m = _WATCH_IN.search(u.param("u", ""))
        vid = m.group(1) if m else u.param("v", "")  # (u=/watch?feature=share&v=ID, unencoded)
        return ref(vid) if _ID.match(vid) else None
    if (m := _POST_PATH.match(u.path)) or (path.endswith("/community") and _POST_ID.match(u.param("lb", ""))):
        kind, pid = (m.group("kind"), m.group("id")) if m else ("post", u.param("lb", ""))
        return PostRef(NAME, pid, f"https://www.youtube.com/{kind}/{pid}", kind)
    m = _PATH.match(u.path)
    if m:
        if m.group("id") in ("videoseries", "live_stream"):
            return None
        if "," in u.param("playlist", ""):
            return None  # a player cycling through several videos: a site's video widget, no one post
        return ref(m.group("id"), _KINDS.get(m.group("kind"), "video"))
    return None


def _from_lite(el: HtmlElement) -> list[Hit] | None:
    vid = (el.get("videoid") or el.get("data-videoid") or el.get("data-video-id") or el.get("data-id") or "").strip()
    if not _ID.match(vid):
        return None
    hit = Hit(ref(vid), "lazy")
    label = el.get("playlabel") or el.get("title")
    if label:
        hit.text = collapse_text(label.removeprefix("Play: "))
    return [hit]


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    vid = (el.get("data-videoid") or "").strip()
    if not _ID.match(vid):
        return [] if el.get("data-live-channelid") else None
    return [Hit(ref(vid), "amp")]


def from_id(value: str) -> PostRef | None:
    return ref(value) if _ID.match(value) and not value.isdigit() and not value.isalpha() else None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS,
    classes={"rll-youtube-player": _from_lite},
    tags={"lite-youtube": _from_lite, "amp-youtube": _from_amp,
          "ps-youtubeplayer": _from_lite},  # (Brightspot's player: data-video-id)
    names=("youtube", "yt"), from_id=from_id,
)
