"""Twitch: clip and VOD players and links; live channels are not posts."""

from __future__ import annotations

import re

from crawler.extract.embeds.base import Platform, PostRef, Url

NAME = "twitch"
HOSTS = ("twitch.tv",)
_CLIP_PAGE = re.compile(r"^/(?:(?P<user>\w{2,30})/)?clip/(?P<slug>[\w-]{5,120})")  # (m.twitch.tv/clip/SLUG)
_VOD_PAGE = re.compile(r"^/(?:videos|\w{2,30}/v)/(?P<id>\d{5,15})")  # (/USER/v/ID: 2016)


def clip(slug: str, user: str | None = None) -> PostRef:
    return PostRef(NAME, slug, f"https://clips.twitch.tv/{slug}", "clip", user)


def vod(vid: str) -> PostRef:
    return PostRef(NAME, vid, f"https://www.twitch.tv/videos/{vid}", "video")


def parse(u: Url) -> PostRef | None:
    if u.host == "player.twitch.tv":
        video = u.param("video", "").lstrip("v")
        if video.isdigit():
            return vod(video)
        slug = u.param("clip")
        return clip(slug) if slug else None
    if u.host == "clips.twitch.tv":
        slug = u.param("clip") if u.path.startswith("/embed") else u.path.strip("/")
        return clip(slug) if slug and re.fullmatch(r"[\w-]{5,120}", slug) else None
    m = _CLIP_PAGE.match(u.path)
    if m:
        return clip(m.group("slug"), m.group("user"))
    m = _VOD_PAGE.match(u.path)
    return vod(m.group("id")) if m else None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, names=("twitch",))
