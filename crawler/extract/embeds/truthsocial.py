"""Truth Social: Mastodon-derived embed iframes and post links."""

from __future__ import annotations

import re

from crawler.extract.embeds.base import Platform, PostRef, Url, not_a_post

NAME = "truthsocial"
HOSTS = ("truthsocial.com",)
_POST = re.compile(r"^/@(?P<user>\w{1,30})/(?:posts/)?(?P<id>\d{15,20})(?:/embed)?/?$")


def parse(u: Url) -> PostRef | None:
    m = _POST.match(u.path)
    if not m:
        return None
    user, post_id = m.group("user"), m.group("id")
    return PostRef(NAME, post_id, f"https://truthsocial.com/@{user}/posts/{post_id}", "post", user)



PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS,
                    classes={"truthsocial-share": not_a_post},
                    attrs={"data-truth-social-follow-button": not_a_post},
    names=("truthsocial", "truth"),
)
