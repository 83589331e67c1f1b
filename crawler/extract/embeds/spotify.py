"""Spotify: track and episode players and links (albums, playlists, shows are not posts)."""

from __future__ import annotations

import re

from crawler.extract.embeds.base import Platform, PostRef, Url

NAME = "spotify"
HOSTS = ("open.spotify.com", "embed.spotify.com")
_ITEM = re.compile(r"^/(?:embed/|embed-podcast/)?(?:intl-[\w-]+/)?(?P<type>track|episode)/(?P<id>[A-Za-z0-9]{22})")
_URI = re.compile(r"^spotify:(?P<type>track|episode):(?P<id>[A-Za-z0-9]{22})$")  # embed.spotify.com/?uri=...


def parse(u: Url) -> PostRef | None:
    m = _URI.match(u.param("uri", "")) if u.host == "embed.spotify.com" else _ITEM.match(u.path)
    if not m:
        return None
    t, sid = m.group("type"), m.group("id")
    return PostRef(NAME, sid, f"https://open.spotify.com/{t}/{sid}", t)


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, names=("spotify",))
