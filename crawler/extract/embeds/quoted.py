"""A post the article quotes in a ``<blockquote>`` with only its author's profile linked.

News sites that restyle tweets write them as a quotation: ``<blockquote>"The shooter is no
longer a threat," the <a href="https://twitter.com/USER">tweet</a> said.</blockquote>``. The post's
id is gone, but the article still cites a post by that account, in those words: an id-less post
(form ``text``, like a tweet pasted as text). The link's own words must name a post ("tweet",
"post", "toot", "skeet"); a quotation whose link is a name or a handle ("said <a>@user</a>") is
a quote of a person, and a link to a post proper is read by the link rules instead.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, PostRef, collapse_text
from crawler.extract.embeds.registry import REGISTRY

_POST_WORD = re.compile(
    r"^(?:(?:this|the|a|an|her|his|their|its|in an?|in (?:her|his|their|a) (?:new|later|first|latest))\s+)?"
    r"(?:tweet(?:ed|s)?|post(?:ed)?|x post|toot(?:ed)?|skeet(?:ed)?|thread)$", re.I)


def quoted_post(el: HtmlElement) -> Hit | None:
    """The id-less post ``el`` quotes, when its one platform link is its author's profile and
    the link's words name a post."""
    found: tuple[str, str] | None = None
    for a in el.iter("a"):
        href = a.get("href")
        who = REGISTRY.profile(href)
        if who is None:
            if REGISTRY.match(href) is not None:
                return None  # a post's own link: the link rules read it
            continue
        if found is not None or not _POST_WORD.match(collapse_text(a.text_content()) or ""):
            return None
        found = who
    if found is None:
        return None
    platform, handle = found
    return Hit(PostRef(platform, None, None, "post", handle), "text", handle=handle,
               text=collapse_text(el.text_content()))
