"""LinkedIn: embedded-post iframes and post links, keyed on (urn type, id)."""

from __future__ import annotations

import re

from crawler.extract.embeds.base import Platform, PostRef, Url

NAME = "linkedin"
HOSTS = ("linkedin.com",)
_URN = re.compile(r"urn:li:(?P<type>share|ugcPost|activity):(?P<id>\d{10,25})")
# /posts/USER_slug-activity-ID-XXXX; a post without text has no slug: /posts/USER_activity-ID-XXXX
_SLUG = re.compile(r"^/posts/[^/]*?[-_](?P<type>activity|ugcPost|share)-(?P<id>\d{10,25})")


def parse(u: Url) -> PostRef | None:
    if u.path.startswith(("/embed/feed/update/", "/feed/update/")):
        m = _URN.search(u.path)
    else:
        m = _SLUG.match(u.path)
    if not m:
        return None
    urn = f"urn:li:{m.group('type')}:{m.group('id')}"
    return PostRef(NAME, urn, f"https://www.linkedin.com/feed/update/{urn}/", "post")


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS, names=("linkedin",))
