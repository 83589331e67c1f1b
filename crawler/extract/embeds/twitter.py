"""X / Twitter: blockquote embeds, rendered iframes, AMP, createTweet scripts, links."""

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
    iso_from_ms,
    not_a_post,
    parse_date_text,
    parse_url,
)

NAME = "twitter"
HOSTS = ("twitter.com", "x.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com", "fixvx.com",
         "twittpr.com")

_STATUS = re.compile(
    r"^/(?:#!/)?(?:(?P<user>\w{1,20})/status(?:es)?|i/web/status|i/status|statuses|(?P<user2>\w{1,20})/article)"
    r"/(?P<id>\d{2,20})(?:/|$)"
)
_WIDGET_HOSTS = frozenset(("platform.twitter.com", "syndication.twitter.com", "platform.x.com", "syndication.x.com"))
_NOT_USERS = {"i", "intent", "share", "home", "search", "hashtag", "settings", "explore"}
_SNOWFLAKE_MIN = 27_000_000_000_000_000  # first snowflake ids (Nov 2010) are ~2.9e16
_SIGNATURE = re.compile(r"[—–-]\s*(?P<name>.*?)\s*\(\s*@(?P<handle>\w{1,20})\s*\)\s*(?P<date>.*)$", re.S)
PIC = re.compile(r"\bpic\.(?:twitter|x)\.com/\w+", re.I)


def canonical(post_id: str, handle: str | None) -> str:
    return f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/status/{post_id}"


def posted_from_id(post_id: str) -> str | None:
    """The time a status id was made (its snowflake's top bits)."""
    n = int(post_id)
    if n < _SNOWFLAKE_MIN:
        return None
    return iso_from_ms((n >> 22) + 1288834974657)


def ref(post_id: str, handle: str | None = None) -> PostRef:
    return PostRef(NAME, post_id, canonical(post_id, handle), "post", handle)


def parse(u: Url) -> PostRef | None:
    if u.host in _WIDGET_HOSTS:
        if "/embed/" in u.path and ("tweet" in u.path.lower() or u.path.endswith("/index.html")):
            tid = u.param("id", "")
            return ref(tid) if tid.isdigit() else None
        return None
    path = u.path
    if u.fragment.startswith(("!/", "%21/")):  # 2010-12's "#!/USER/status/ID", sometimes escaped
        path = "/#!" + u.fragment[u.fragment.index("/"):]
    m = _STATUS.match(path)
    if not m:
        return None
    user = m.group("user") or m.group("user2")
    if user and user.lower() in _NOT_USERS:
        user = None
    return ref(m.group("id"), user)


def _last_status_link(el: HtmlElement) -> PostRef | None:
    """The last link in ``el`` that names a post (read from the end: a tweet's mentions,
    hashtags and picture links come before its date link)."""
    for a in reversed(list(el.iter("a"))):
        u = parse_url(a.get("href"))
        if u and u.host_is(*HOSTS):
            r = parse(u)
            if r:
                return r
    return None


def _from_blockquote(el: HtmlElement) -> list[Hit] | None:
    """The official code: the *last* status link is the date link and names the post."""
    form = "rendered" if "twitter-tweet-rendered" in (el.get("class") or "") else "embed"
    tid = el.get("data-tweet-id")
    r = _last_status_link(el)
    if r is None and tid and tid.isdigit():
        r = ref(tid)
    if r is None:
        for sub in el.iter("iframe"):
            sub_tid = sub.get("data-tweet-id")
            if sub_tid and sub_tid.isdigit():
                return [Hit(ref(sub_tid), "rendered", posted=posted_from_id(sub_tid))]
            u = parse_url(sub.get("src"))
            if u and u.host_is(*HOSTS) and (sr := parse(u)):
                return [Hit(sr, "rendered", posted=posted_from_id(sr.post_id))]
        return None
    hit = Hit(r, form, handle=r.handle, posted=posted_from_id(r.post_id))
    first = next(el.iter("p"), None)
    if first is not None:
        hit.text = collapse_text(el_text(first))
    full = el_text(el)
    sig = _signature(full)
    if sig:
        hit.name, handle, date_text = sig
        hit.handle = hit.handle or handle
        hit.posted = hit.posted or parse_date_text(date_text)
    hit.media = list(dict.fromkeys(
        "https://pic.twitter.com/" + m.group(0).split("/", 1)[1] for m in PIC.finditer(full)))
    return [hit]


def from_bare_blockquote(el: HtmlElement) -> list[Hit] | None:
    """A tweet's official code whose class a CMS or a sanitiser dropped: a blockquote whose last
    link is a status link and whose text ends with the ``— Name (@handle) Date`` signature."""
    links = el.findall(".//a")
    if not links or "status" not in (links[-1].get("href") or ""):
        return None
    u = parse_url(links[-1].get("href"))
    if u is None or not u.host_is(*HOSTS) or parse(u) is None:
        return None
    sig = _signature(el_text(el))
    if sig is None:
        return None
    return _from_blockquote(el)


def _signature(text: str) -> tuple[str | None, str, str] | None:
    idx = max(text.rfind("—"), text.rfind("&mdash;"), text.rfind(" - "))
    if idx < 0:
        return None
    m = _SIGNATURE.match(text[idx:].lstrip(" "))
    if not m:
        return None
    return collapse_text(m.group("name")), m.group("handle"), m.group("date")


def _from_amp(el: HtmlElement) -> list[Hit] | None:
    if el.get("data-timeline-source-type") or el.get("data-momentid"):
        return []  # a timeline or Moment: handled, but not a post
    tid = (el.get("data-tweetid") or "").strip()
    if not tid.isdigit():
        return None
    placeholder = _from_blockquote(el) if el.find(".//blockquote") is not None else None
    if placeholder and placeholder[0].ref.post_id == tid:
        placeholder[0].form = "amp"
        return placeholder
    return [Hit(ref(tid), "amp", posted=posted_from_id(tid))]


def _from_data_tweet_id(el: HtmlElement) -> list[Hit] | None:
    tid = (el.get("data-tweet-id") or "").strip()
    if not tid.isdigit():
        return None
    return [Hit(ref(tid), "rendered", posted=posted_from_id(tid))]



_CREATE_TWEET = re.compile(r"createTweet\(\s*['\"](\d{5,20})['\"]")


def from_script(text: str) -> list[Hit]:
    """``twttr.widgets.createTweet('ID', el)`` in an inline script."""
    return [Hit(ref(m.group(1)), "script", posted=posted_from_id(m.group(1)))
            for m in _CREATE_TWEET.finditer(text)]


_PROFILE = re.compile(r"^/(?P<user>\w{1,15})/?$")


def profile(u: Url) -> str | None:
    """``twitter.com/USER``: a profile, not a post."""
    m = _PROFILE.match(u.path) if u.host in ("twitter.com", "x.com") else None
    return m.group("user") if m and m.group("user").lower() not in _NOT_USERS else None


def from_id(value: str) -> PostRef | None:
    """A tweet id in a CMS placeholder (9+ digits: shorter numbers there are the site's own ids)."""
    return ref(value) if value.isdigit() and 9 <= len(value) <= 20 else None


PLATFORM = Platform(
    name=NAME,
    parse_url=parse,
    hosts=HOSTS + ("platform.twitter.com", "platform.x.com", "syndication.x.com"),
    classes={
        "twitter-tweet": _from_blockquote,
        "twitter-video": _from_blockquote,
        "twitter-tweet-rendered": _from_blockquote,
        "twitter-timeline": not_a_post,
        "twitter-timeline-rendered": not_a_post,
        "twitter-moment": not_a_post,
        "twitter-share-button": not_a_post,
        "twitter-follow-button": not_a_post,
        "twitter-hashtag-button": not_a_post,
        "twitter-mention-button": not_a_post,
    },
    tags={"amp-twitter": _from_amp},
    attrs={"data-tweet-id": _from_data_tweet_id},
    names=("twitter", "tweet", "tweets", "x"), from_id=from_id, profile=profile,
)
