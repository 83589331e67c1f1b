"""Facebook: XFBML ``fb-post``/``fb-video``/``fb-comment-embed``, plugin iframes, AMP, links."""

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
    parse_url,
)

NAME = "facebook"
HOSTS = ("facebook.com", "fb.com")
_POST_PATHS = [
    (re.compile(r"^/(?P<page>[\w.-]+)/posts/(?:[\w.-]+/)?(?P<id>pfbid\w+|\d+)"), "post"),
    (re.compile(r"^/(?P<page>[\w.-]+)/videos/(?:[\w.-]+/)*?(?P<id>\d{6,})"), "video"),
    (re.compile(r"^/(?P<page>[\w.-]+)/photos/(?:[\w.-]+/)*?(?P<id>\d{6,})"), "photo"),
    (re.compile(r"^/reel/(?P<id>\d+)"), "reel"),
    (re.compile(r"^/groups/(?P<page>[\w.-]+)/(?:posts|permalink)/(?P<id>\d+)"), "post"),
    (re.compile(r"^/share/(?P<kind>[pvr])/(?P<id>\w+)"), "share"),
    (re.compile(r"^/(?P<page>[\w.-]+)/activity/(?P<id>\d+)"), "post"),
]
_PLUGINS = re.compile(r"^/(?:v[\d.]+/)?plugins/(post|video|comment_embed)\.php")


def canonical(page: str | None, post_id: str, kind: str) -> str:
    if kind == "video" and page:
        return f"https://www.facebook.com/{page}/videos/{post_id}/"
    if kind == "reel":
        return f"https://www.facebook.com/reel/{post_id}/"
    if page:
        seg = {"photo": "photos"}.get(kind, "posts")
        return f"https://www.facebook.com/{page}/{seg}/{post_id}/"
    return f"https://www.facebook.com/{post_id}/"


def parse(u: Url) -> PostRef | None:
    if _PLUGINS.match(u.path):
        inner = parse_url(u.param("href"))
        if inner and inner.host_is(*HOSTS):
            r = parse(inner)
            if r and "comment_embed" in u.path:
                return PostRef(NAME, r.post_id, r.url, "comment", r.handle)
            return r
        return None
    path = u.path.rstrip("/")
    # the video page and its Flash-era forms: /watch/?v=, /video.php?v=, /video/embed?video_id=
    vid = (u.param("v", "") if path in ("/watch", "/video.php", "/watch/live") else
           u.param("video_id", "") if path == "/video/embed" else "")
    if vid.isdigit():
        return PostRef(NAME, vid, f"https://www.facebook.com/watch/?v={vid}", "video")
    if path in ("/permalink.php", "/story.php"):
        sid, page = u.param("story_fbid", ""), u.param("id")
        if sid:
            return PostRef(NAME, sid, f"https://www.facebook.com/permalink.php?story_fbid={sid}&id={page}", "post")
        return None
    if path in ("/photo.php", "/photo") and u.param("fbid", "").isdigit():
        fid = u.param("fbid")
        return PostRef(NAME, fid, f"https://www.facebook.com/photo.php?fbid={fid}", "photo")
    for rx, kind in _POST_PATHS:
        m = rx.match(u.path)
        if m:
            gd = m.groupdict()
            page = gd.get("page")
            if page in ("sharer", "dialog", "plugins", "tr"):
                return None
            post_id = gd["id"]
            if kind == "share":
                return PostRef(NAME, post_id, f"https://www.facebook.com/share/{gd['kind']}/{post_id}/", "share")
            return PostRef(NAME, post_id, canonical(page, post_id, kind), kind, page)
    return None


def _from_xfbml(el: HtmlElement) -> list[Hit] | None:
    candidates = [el.get("data-href"), el.get("cite")]
    candidates += [bq.get("cite") for bq in el.iter("blockquote")]
    for raw in candidates:
        if raw and raw[:1] == "/" and raw[1:2] != "/":
            raw = "https://www.facebook.com" + raw  # 2015-16 code wrote the page's own paths
        u = parse_url(raw)
        if u and u.host_is(*HOSTS) and (r := parse(u)):
            if "fb-comment-embed" in (el.get("class") or ""):
                r = PostRef(NAME, r.post_id, r.url, "comment", r.handle)
            hit = Hit(r, "embed", handle=r.handle)
            ps = list(el.iter("p"))
            if ps:
                hit.text = collapse_text(el_text(ps[0]))
            m = re.search(r"(?:Posted by|Publicado por|Gepostet von|Publié par)\s+(.+?)\s+(?:on|en|am|le|em)\s+(.+)$",
                          el_text(el))
            if m:
                hit.name = collapse_text(m.group(1))
            return [hit]
    return None


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    if (el.get("data-embed-as") or "post") not in ("post", "video", "comment"):
        return []
    u = parse_url(el.get("data-href"))
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, "amp", handle=r.handle)]
    return None



def from_id(value: str) -> PostRef | None:
    if value.startswith("pfbid") or (value.isdigit() and len(value) >= 9):
        return PostRef(NAME, value, canonical(None, value, "post"), "post")
    return None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS,
    classes={
        "fb-post": _from_xfbml, "fb-video": _from_xfbml, "fb-comment-embed": _from_xfbml,
        "fb-xfbml-parse-ignore": _from_xfbml,
        "fb-page": not_a_post, "fb-like": not_a_post, "fb-share-button": not_a_post,
        "fb-comments": not_a_post, "fb-follow": not_a_post, "fb-like-box": not_a_post,
    },
    tags={"amp-facebook": _from_amp, "amp-facebook-page": not_a_post,
          "amp-facebook-like": not_a_post, "amp-facebook-comments": not_a_post},
    names=("facebook", "fb"), from_id=from_id,
)
