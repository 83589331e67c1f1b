"""Instagram: blockquote embeds (v7 to v14), rendered iframes, AMP, links."""

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
    parse_url,
)

NAME = "instagram"
HOSTS = ("instagram.com", "instagr.am")
_PATH = re.compile(r"^/(?:[\w.]{1,30}/)?(?P<kind>p|reel|reels|tv)/(?P<code>[A-Za-z0-9_-]{5,40})(?:/|$)")
_STORY = re.compile(r"^/stories/(?P<user>[\w.]{1,30})/(?P<id>\d{10,25})(?:/|$)")
_KINDS = {"p": "post", "reel": "reel", "reels": "reel", "tv": "video"}
_ATTRIBUTION = re.compile(r"(?P<name>[^()]*?(?:\([^@)][^)]*\)[^()]*?)*)\s*\(\s*@(?P<handle>[\w.]{1,30})\s*\)")
_LEAD = re.compile(
    r"^.*?\b(?:shared by|posted by|geteilt von|gepostet von|partagée? par|publiée? par|"
    r"compartida por|publicada por|compartilhada por|condiviso da|gedeeld door|"
    r"photo posted by|video posted by)\s+", re.I)


def canonical(code: str) -> str:
    return f"https://www.instagram.com/p/{code}/"


def ref(code: str, kind: str = "post", handle: str | None = None) -> PostRef:
    return PostRef(NAME, code, canonical(code), kind, handle)


def parse(u: Url) -> PostRef | None:
    m = _PATH.match(u.path)
    if m:
        return ref(m.group("code"), _KINDS[m.group("kind")])
    m = _STORY.match(u.path)  # a story: its numeric id, under its author's name
    if m:
        user, sid = m.group("user"), m.group("id")
        return PostRef(NAME, sid, f"https://www.instagram.com/stories/{user}/{sid}/", "story", user)
    return None


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    r = None
    u = parse_url(el.get("data-instgrm-permalink"))
    if u and u.host_is(*HOSTS):
        r = parse(u)
    if r is None:
        for a in el.iter("a"):
            u = parse_url(a.get("href"))
            if u and u.host_is(*HOSTS) and (r := parse(u)):
                break
    if r is None:
        return None
    hit = Hit(r, "embed")
    for a in el.iter("a", "p"):
        t = el_text(a)
        if "@" not in t or "(" not in t:
            continue  # (the pattern needs "(@": a long caption without it costs a lazy scan per position)
        m = _ATTRIBUTION.search(t)
        if m:
            hit.handle = m.group("handle")
            name = _LEAD.sub("", m.group("name")).strip()
            hit.name = collapse_text(name) if 0 < len(name) <= 80 else None
            break
    if el.get("data-instgrm-captioned") is not None:
        caption = next((t for t in map(el_text, el.iter("p")) if t and "(@" not in t), None)
        if caption:
            hit.text = collapse_text(caption)
    for t in el.iter("time"):
        dt = t.get("datetime")
        if dt:
            hit.posted = dt
            break
    return [hit]


def _from_iframe_class(el: HtmlElement) -> list[Hit] | None:
    u = parse_url(el.get("src") or el.get("data-src"))
    if u and u.host_is(*HOSTS) and (r := parse(u)):
        return [Hit(r, "rendered")]
    return None


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    code = (el.get("data-shortcode") or el.get("shortcode") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{5,40}", code):
        return None
    return [Hit(ref(code), "amp")]


_CODE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


_PROFILE = re.compile(r"^/(?P<user>[\w.]{1,30})/?$")
_NOT_USERS = frozenset(("p", "reel", "reels", "tv", "explore", "accounts", "stories", "about", "legal", "direct"))


def profile(u: Url) -> str | None:
    """``instagram.com/USER/``: a profile, not a post."""
    m = _PROFILE.match(u.path)
    return m.group("user") if m and m.group("user").lower() not in _NOT_USERS else None


def from_id(value: str) -> PostRef | None:
    """A shortcode in a placeholder: mixed letters and digits, as Instagram's are."""
    ok = _CODE.match(value) and not value.isdigit() and not value.isalpha()
    return ref(value) if ok else None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS,
    classes={"instagram-media": _from_blockquote, "instagram-media-rendered": _from_iframe_class},
    tags={"amp-instagram": _from_amp},
    names=("instagram", "insta", "ig"), from_id=from_id, profile=profile,
)
