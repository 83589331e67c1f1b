"""Reddit: ``reddit-embed-bq`` and legacy ``reddit-card`` blockquotes, iframes, AMP, links."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, Url, collapse_text, el_text, parse_url

NAME = "reddit"
HOSTS = ("reddit.com", "redditmedia.com", "redd.it")
_SHORT = re.compile(r"^/(?P<id>[a-z0-9]{4,10})/?$")
_POST = re.compile(
    r"^/(?:r|user|u)/(?P<sub>[\w-]{2,30})/comments/(?P<id>[a-z0-9]{4,10})(?:/[^/]*)?(?:/(?:comment/)?(?P<cid>[a-z0-9]{4,10}))?/?$"
)


_SHARE = re.compile(r"^/r/(?P<sub>[\w-]{2,30})/s/(?P<code>[A-Za-z0-9]{6,16})/?$")


def parse(u: Url) -> PostRef | None:
    if u.host == "redd.it":  # redd.it/<id>: the thread's short link
        m = _SHORT.match(u.path)
        if not m:
            return None
        pid = m.group("id")
        return PostRef(NAME, pid, f"https://www.reddit.com/comments/{pid}/", "post")
    if share := _SHARE.match(u.path):  # the app's share link: a redirect to the post, by its own code
        sub, code = share.group("sub"), share.group("code")
        return PostRef(NAME, code, f"https://www.reddit.com/r/{sub}/s/{code}", "share")
    m = _POST.match(u.path)
    if not m:
        m2 = re.match(r"^/(?:comments|gallery)/(?P<id>[a-z0-9]{4,10})", u.path)
        if not m2:
            return None
        pid = m2.group("id")
        return PostRef(NAME, pid, f"https://www.reddit.com/comments/{pid}/", "post")
    sub, pid, cid = m.group("sub"), m.group("id"), m.group("cid")
    if not u.path.startswith("/r/"):  # a post on a user's profile: no subreddit in its address
        return PostRef(NAME, pid if not cid else f"{pid}/{cid}", f"https://www.reddit.com/comments/{pid}/",
                       "comment" if cid else "post")
    if cid:
        return PostRef(NAME, f"{pid}/{cid}",
                       f"https://www.reddit.com/r/{sub}/comments/{pid}/comment/{cid}/", "comment")
    return PostRef(NAME, pid, f"https://www.reddit.com/r/{sub}/comments/{pid}/", "post")


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    for a in el.iter("a"):
        u = parse_url(a.get("href"))
        if u and u.host_is(*HOSTS) and (r := parse(u)):
            hit = Hit(r, "embed", text=collapse_text(el_text(a)))
            m = re.search(r"\bu/([\w-]{3,20})", el_text(el))
            hit.handle = m.group(1) if m else None
            return [hit]
    return None


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    u = parse_url(el.get("data-src"))
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, "amp")]
    return None


PLATFORM = Platform(name=NAME, parse_url=parse, hosts=HOSTS,
                    classes={"reddit-embed-bq": _from_blockquote, "reddit-card": _from_blockquote},
                    tags={"amp-reddit": _from_amp},
    names=("reddit",),
)
