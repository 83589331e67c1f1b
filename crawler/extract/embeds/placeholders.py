"""CMS placeholders and publisher-rendered post cards: embeds written in a site's own markup.

Newsroom CMSs seldom print the platform's official code. They print a placeholder that a
script of theirs later turns into the embed (``<div class="embed-twitter" data-embed-id=ID>``,
``data-provider="instagram" data-url=URL``, an escaped JSON ``data-config``, an editor's bare
``<oembed url=URL>``), or they render the post themselves as a card (author, handle, text and a
timestamp link to the post). No platform documents these, so the rules here are about the
*family*, not about any one site:

- an element *names* a platform: a class or id word (``embed-twitter``, ``TweetEmbed``) beside
  an embed word, or a type-like attribute (``data-embed-type``, ``data-provider``,
  ``data-platform``, ``*_type``...) whose value is the platform;
- and *carries* the post: any attribute holding a post URL (plain, wrapped in an oEmbed or proxy
  URL, inside escaped JSON) or, for the named platform, an id its ``from_id`` accepts.

Share buttons, follow widgets and counters name platforms too; they carry no post id (and
their class words say what they are), so they never match.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from lxml.html import HtmlElement

from crawler.extract.embeds.base import Hit, Platform, PostRef, collapse_text, el_text, parse_date_text
from crawler.extract.embeds.registry import REGISTRY, Registry

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# words that make a platform-named element an embed slot rather than a button or an icon
_EMBED_WORDS = frozenset((
    "embed", "embeds", "embedded", "oembed", "social", "card", "post", "tweet", "widget", "placeholder",
    "media", "quote", "blockquote", "consent", "blocker", "block", "figure", "container", "wrapper",
    "component", "status", "video", "reel", "snippet", "insert", "rich", "item", "content", "player", "wrap",
))
_NOT_EMBED_WORDS = frozenset((
    "share", "sharing", "follow", "follows", "like", "likes", "count", "counter", "button", "btn", "icon",
    "login", "signin", "subscribe", "intent", "pixel", "tracking", "analytics", "logo", "profile",
    "timeline", "feed", "list", "menu", "nav", "footer", "header", "sidebar", "rail",
))
_TYPE_NAMES = frozenset((
    "type", "provider", "platform", "service", "network", "source", "social", "embed", "kind",
    "widget", "site", "vendor", "embedtype", "providername", "socialnetwork", "oembedprovider", "component",
    "componentname",  # Substack's data-component-name="BlueskyCreateBlueskyEmbed"
))
_TYPE_SUFFIXES = ("type", "provider", "platform", "network", "service")
# attribute words that hold an id (data-embed-id, data-tweetid, data-video-id, data-shortcode ...)
ID_WORDS = frozenset(("id", "tweetid", "videoid", "postid", "shortcode", "code", "feed", "key", "slug", "ref",
                      "status"))  # (status: embetty's <embetty-tweet status=...>)
_ID_WORDS = ID_WORDS
# attribute words naming somebody else's id: the site's app, account or page, not a post
_OTHER_ID_WORDS = frozenset(("app", "appid", "client", "account", "user", "page", "channel", "site", "pixel",
                             "analytics", "tracking", "ga", "ad", "ads", "partner", "publisher", "author",
                             "profile", "article", "story", "category", "section", "tag"))
_SKIP_ATTRS = frozenset(("class", "id", "style", "title", "alt", "width", "height", "lang", "dir", "role",
                         "tabindex", "aria-label", "aria-hidden", "name", "target", "rel"))
_JSON_START = ("{", "[")
_URLISH = ("http://", "https://", "//")


def words(s: str) -> list[str]:
    """``embed-twitter js_TweetEmbed`` -> embed, twitter, js, tweet, embed."""
    return [w.lower() for w in _WORDS.findall(s)]


@lru_cache(maxsize=2048)
def _attr_words(name: str) -> frozenset[str]:
    return frozenset(words(name))


@lru_cache(maxsize=4096)
def platform_in_names(names: str) -> Platform | None:
    """The platform a class/id string names as an embed slot (cached: pages repeat classes)."""
    ws = words(names)
    if not ws or _NOT_EMBED_WORDS.intersection(ws):
        return None
    for w in ws:
        p = REGISTRY.by_name.get(w)
        if p is not None and w != "x":  # "x" names X only as a whole type value
            others = [o for o in ws if o != w]
            if _EMBED_WORDS.intersection(others) or w == "tweet":
                return p
    return None


@lru_cache(maxsize=2048)
def is_type_attr(name: str) -> bool:
    base = name[5:] if name.startswith("data-") else name
    return base.replace("-", "").replace("_", "") in _TYPE_NAMES or base.endswith(_TYPE_SUFFIXES)


@lru_cache(maxsize=1024)
def platform_in_value(value: str) -> Platform | None:
    """``twitter``, ``Twitter``, ``embed_twitter``, ``x``: the platform a type value names."""
    v = value.strip().lower()
    if len(v) > 40:
        return None
    p = REGISTRY.by_name.get(v)
    if p is not None:
        return p
    ws = words(value)
    if _NOT_EMBED_WORDS.intersection(ws):
        return None
    return _platform_word(ws)


def _platform_word(ws) -> Platform | None:
    """The platform the first of ``ws`` that is a platform's name names ("x" names X only as a
    whole value: as one word among others it is anything)."""
    for w in ws:
        p = REGISTRY.by_name.get(w)
        if p is not None and w != "x":
            return p
    return None


# keys under which a component says what it is, and where it keeps its settings
_TYPE_KEYS = ("type", "_type", "subtype", "is", "component", "__typename", "kind", "provider", "platform",
              "embedType", "embed_type", "service", "network")
_PROPS_KEYS = ("props", "metadata", "data", "attrs", "attributes", "settings", "config", "fields", "value")
# the same, as JSON text: ``"type": "tweet"`` (a cheap look before any parse, for the walk)
_TYPED_JSON = re.compile(r'"(?:' + "|".join(_TYPE_KEYS) + r')"\s*:\s*"([^"\\]{1,39})"')


def typed_ref(obj: dict) -> PostRef | None:
    """A component that names its platform and carries the post's id (``{is: "tweet", props:
    {id: ...}}``, ``{"_type": "instagramPost", "shortcode": ...}``, ``{"subtype": "tweet",
    "metadata": {"tweet-id": ...}}``): in state blobs and in placeholders' JSON attributes."""
    platform = None
    for k in _TYPE_KEYS:
        v = obj.get(k)
        if isinstance(v, str) and len(v) < 40:
            platform = platform_in_value(v)
            if platform is not None:
                break
    if platform is None:  # a key that names its platform: Substack's {"instagram_id": ...}
        for key, v in obj.items():
            if isinstance(v, str) and (named := platform_in_attr_name(key)) is not None and named.from_id:
                if (ref := named.from_id(v.strip())) is not None:
                    return ref
        return None
    if platform.from_id is None:
        return None
    holders = [obj] + [obj[k] for k in _PROPS_KEYS if isinstance(obj.get(k), dict)]
    for holder in holders:
        for key, v in holder.items():
            if isinstance(v, (int, str)) and not isinstance(v, bool) and _ID_WORDS.intersection(words(key)):
                ref = platform.from_id(str(v).strip())
                if ref is not None:
                    return ref
    return None


def json_names_platform(text: str) -> bool:
    """Whether JSON text has a component naming a platform (``{"type":"tweet","id":...}``), in its
    first 2,000 characters: a placeholder's config is short, and long props that hold a post hold
    its URL, which ``Registry.mentions`` finds first."""
    return any(platform_in_value(m.group(1)) is not None for m in _TYPED_JSON.finditer(text, 0, 2_000))


@lru_cache(maxsize=2048)
def platform_in_attr_name(name: str) -> Platform | None:
    """The platform an attribute's name gives with an id word: ``data-youtube-id``,
    ``tweet-id``, ``data-instagram-shortcode`` (not ``data-facebook-app-id``: someone else's id)."""
    ws = _attr_words(name[5:] if name.startswith("data-") else name)
    if _ID_WORDS.isdisjoint(ws) or not _OTHER_ID_WORDS.isdisjoint(ws):
        return None
    return _platform_word(ws)


def named_platform(el: HtmlElement, cls: str | None) -> Platform | None:
    tag = el.tag
    if "-" in tag and _NOT_EMBED_WORDS.intersection(words(tag)):
        return None  # <amp-social-share type="facebook">: a button whatever it names
    names = f"{cls or ''} {el.get('id') or ''}".strip()
    if names:
        p = platform_in_names(names)
        if p is not None:
            return p
    if "-" in tag:  # a custom element: <x-twitter-embed>, <bluesky-post>
        p = platform_in_names(tag)
        if p is not None:
            return p
    by_attr_name = None
    for name, value in el.items():
        if value and is_type_attr(name):
            p = platform_in_value(value)
            if p is not None:
                return p
        if value and by_attr_name is None:
            by_attr_name = platform_in_attr_name(name)  # data-youtube-id="..."
    if by_attr_name is not None and not (names and _NOT_EMBED_WORDS.intersection(words(names))):
        return by_attr_name  # (not on a follow or share widget, whatever its attributes say)
    return None


def _ref_from_value(value: str, platform: Platform | None, id_like: bool, reg: Registry) -> PostRef | None:
    v = value.strip()
    if not v:
        return None
    if v.startswith(_URLISH):
        return reg.match(v)
    if v.startswith(_JSON_START) and len(v) < 100_000:
        return _ref_from_json(v, platform, reg)
    if id_like and platform is not None and platform.from_id is not None and len(v) <= 60:
        return platform.from_id(v)
    return None


def markup_in_json(text: str) -> list[str]:
    """Strings of an attribute's JSON value that hold markup (an island's escaped embed HTML)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    out: list[str] = []
    stack = [data]
    while stack and len(out) < 20:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and "<" in value:
            out.append(value)
    return out


def _ref_from_json(text: str, platform: Platform | None, reg: Registry) -> PostRef | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    stack = [(None, data)]
    seen = 0
    while stack and seen < 2000:
        key, value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            ref = typed_ref(value)  # {"type": "tweet", "id": ...}
            if ref is not None:
                return ref
            stack.extend(reversed([(k, v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(key, v) for v in value]))
        elif isinstance(value, str | int) and not isinstance(value, bool):
            id_like = key is not None and bool(_ID_WORDS.intersection(words(str(key))))
            r = _ref_from_value(str(value), platform, id_like, reg)
            if r is not None:
                return r
    return None


def from_placeholder(el: HtmlElement, tag: str, cls: str | None, reg: Registry = REGISTRY) -> list[Hit] | None:
    """A CMS placeholder (form ``cms``), or None when ``el`` is none."""
    platform = named_platform(el, cls)
    for name, value in el.items():
        if name in _SKIP_ATTRS or not value:
            continue
        first = value.lstrip()[:1]
        shaped = first in "{[" or value.lstrip()[:2] in ("ht", "//")  # a URL or JSON: any platform
        if not shaped and (platform is None or platform.from_id is None or len(value) > 60):
            continue  # a bare value can only be an id of the platform the element names
        if platform is None and not (name.startswith("data-") or tag == "oembed" or first in "{["):
            continue  # (island components pass their props as JSON in any attribute)
        base = name[5:] if name.startswith("data-") else name
        name_words = _attr_words(base)
        if _OTHER_ID_WORDS.intersection(name_words):
            continue
        # an id word, or the platform's own name (data-tweet="ID", data-youtube="ID")
        id_like = bool(_ID_WORDS.intersection(name_words)) or (
            platform is not None and not name_words.isdisjoint(platform.names) and "x" not in name_words)
        ref = _ref_from_value(value, platform, id_like, reg)
        if ref is None:
            continue
        if platform is not None and ref.platform != platform.name and not value.strip().startswith(_URLISH):
            continue
        hit = Hit(ref, "cms", handle=ref.handle)
        if value[:1] in _JSON_START:
            _fill_from_json(hit, value)
        return [hit]
    return None


# what a CMS copies of the post into its placeholder's JSON (Substack's data-attrs and the like)
_HANDLE_KEYS = ("username", "screen_name", "screenName", "handle", "author_handle", "authorHandle")
_NAME_KEYS = ("name", "author_name", "authorName", "display_name", "displayName")
_TEXT_KEYS = ("full_text", "fullText", "text", "caption", "body")
_DATE_KEYS = ("date", "created_at", "createdAt", "timestamp", "datetime")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _fill_from_json(hit: Hit, text: str) -> None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not isinstance(data, dict):
        return

    def first(keys: tuple[str, ...]) -> str | None:
        for k in keys:
            v = data.get(k)
            if isinstance(v, str) and v.strip():
                return v.strip()
        return None

    handle = first(_HANDLE_KEYS)
    if handle and re.fullmatch(r"@?[\w.]{1,30}", handle):
        hit.handle = hit.handle or handle.lstrip("@")
    hit.name = first(_NAME_KEYS)
    body = first(_TEXT_KEYS)
    hit.text = collapse_text(body) if body and "<" not in body else None
    date = first(_DATE_KEYS)
    if date and _ISO_DATE.match(date):
        hit.posted = date


def from_config_script(script: HtmlElement, text: str, reg: Registry = REGISTRY) -> list[Hit] | None:
    """A placeholder whose settings are a JSON script inside it: ``<div class="js-dailymotion">
    <script type="application/json">{"videoId": "x8rlmx8"}</script></div>``. The element around
    the script names the platform (a class word, nothing of a button's), the JSON the post's id."""
    parent = script.getparent()
    if parent is None or len(parent) != 1 or len(text) > 2_000:
        return None
    ws = words(f"{parent.get('class') or ''} {parent.get('id') or ''}")
    platform = None if _NOT_EMBED_WORDS.intersection(ws) else _platform_word(ws)
    if platform is None or platform.from_id is None:
        return None
    ref = _ref_from_json(text.strip(), platform, reg)
    if ref is None or ref.platform != platform.name:
        return None
    hit = Hit(ref, "cms", handle=ref.handle)
    _fill_from_json(hit, text)
    return [hit]


def from_card(el: HtmlElement, platform: Platform, reg: Registry = REGISTRY) -> list[Hit] | None:
    """A post the site rendered itself: an element named for the platform holding exactly one
    post link of it (a timeline or a feed of several is not one card) plus the post's text."""
    refs: dict[str, tuple[PostRef, HtmlElement]] = {}
    for _ in el.iterdescendants("blockquote", "iframe", "script", "noscript", "template", "textarea"):
        return None  # a wrapper around official or parked code: the walk reads that code itself
    for a in el.iter("a"):
        href = a.get("href")
        r = reg.match(href) if href else None
        if r is not None and r.platform == platform.name and r.post_id:
            refs.setdefault(r.post_id, (r, a))
            if len(refs) > 1:
                return None
    if not refs:
        return None
    ref, link = next(iter(refs.values()))
    hit = Hit(ref, "cms", handle=ref.handle)
    texts: list[str] = []
    for sub in el.iter():
        if sub is el or not isinstance(sub.tag, str):
            continue
        sub_cls = f"{sub.get('class') or ''} {sub.get('itemprop') or ''}"
        ws = set(words(sub_cls)) if sub_cls.strip() else set()
        if sub.tag == "time" and sub.get("datetime") and not hit.posted:
            hit.posted = sub.get("datetime")
        elif ws & {"handle", "username", "screen", "screenname"} and not hit.handle:
            t = el_text(sub).strip().lstrip("@")
            if re.fullmatch(r"[\w.]{1,30}", t):
                hit.handle = t
        elif ws & {"name", "fullname", "displayname", "author"} and "username" not in ws and (
                not hit.name or "name" in ws):
            name = collapse_text(re.sub(r"@[\w.]{1,30}", " ", el_text(sub)))
            if name and len(name) <= 80:
                hit.name = name
        elif (sub.tag == "p" or ws & {"text", "body", "content"}) and not texts:
            t = collapse_text(el_text(sub))
            if t and len(t) > 3:
                texts.append(t)
    hit.text = texts[0] if texts else None
    if not hit.posted:
        hit.posted = parse_date_text(el_text(link))
    return [hit]
