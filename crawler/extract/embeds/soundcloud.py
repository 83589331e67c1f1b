"""SoundCloud: the player iframe (``w.soundcloud.com/player/?url=…/tracks/ID``, a track's
numeric id) and track links (``soundcloud.com/ARTIST/TRACK``, keyed by that path). A profile
(``/ARTIST``), a set (``/ARTIST/sets/…``) and the site's own pages are not tracks."""

from __future__ import annotations

import re
from urllib.parse import unquote

from crawler.extract.embeds.base import Platform, PostRef, Url

NAME = "soundcloud"
HOSTS = ("soundcloud.com",)
_API_TRACK = re.compile(r"api\.soundcloud\.com/tracks/(?P<id>\d{3,15})")
_TRACK = re.compile(r"^/(?P<artist>[\w-]{2,60})/(?P<track>[\w-]{2,120})/?$")
_NOT_ARTISTS = frozenset(("discover", "stream", "search", "upload", "you", "pages", "terms-of-use", "mobile",
                          "charts", "people", "settings", "messages", "notifications", "imprint", "jobs"))
_NOT_TRACKS = frozenset(("sets", "tracks", "albums", "likes", "followers", "following", "reposts", "popular-tracks",
                         "comments", "spotlight"))


def parse(u: Url) -> PostRef | None:
    if u.host == "w.soundcloud.com":  # the player: ?url=https://api.soundcloud.com/tracks/ID
        m = _API_TRACK.search(unquote(u.param("url", "") or ""))
        if m is None:
            return None
        return PostRef(NAME, m.group("id"), f"https://api.soundcloud.com/tracks/{m.group('id')}", "track")
    if u.host != "soundcloud.com":
        return None
    m = _TRACK.match(u.path)
    if not m or m.group("artist").lower() in _NOT_ARTISTS or m.group("track").lower() in _NOT_TRACKS:
        return None
    path = f"{m.group('artist')}/{m.group('track')}".lower()
    return PostRef(NAME, path, f"https://soundcloud.com/{path}", "track", m.group("artist"))


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, names=("soundcloud",))
