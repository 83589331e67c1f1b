"""What one element cites: the rules the walk (``walker.py``) asks of each candidate element.

An element may be a platform's embed code (a registry rule by class, tag or attribute), a link
(``links.py``), a player or a lazy frame whose URL names a post, escaped or parked embed code
to parse and walk as if it were in the page, or a CMS placeholder or card (``placeholders.py``).
Kept apart from the walk loop so each reads on its own; ``Walker`` inherits these methods.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin

from lxml.html import HtmlElement

from crawler.extract.document import parse_fragment
from crawler.extract.embeds import twitter
from crawler.extract.embeds.base import Hit
from crawler.extract.embeds.context import Ctx, child_ctx
from crawler.extract.embeds.links import judge_link
from crawler.extract.embeds.markup import (
    CODE_SCRIPT_TYPES,
    EMBED_TAGS,
    ESCAPED_EMBED,
    URL_FORMS,
    URL_RANK,
    markup_in_code,
    may_be_base64_markup,
    names_a_source,
    posted,
    rendered,
    unpark,
)
from crawler.extract.embeds.placeholders import (
    from_card,
    from_config_script,
    from_placeholder,
    is_type_attr,
    json_names_platform,
    markup_in_json,
    named_platform,
    platform_in_attr_name,
    platform_in_value,
)

if TYPE_CHECKING:
    from crawler.extract.embeds.registry import Registry


_PLAYER_PARAMS = ("movie", "src", "url", "filename")
_JS_TYPES = frozenset(("", "text/javascript", "application/javascript", "module"))  # code, not data


class ElementRules:
    """The per-element half of ``Walker``: needs its ``registry``, ``page_url``, ``add``,
    ``path``, ``walk``, ``unmatched_quotes`` and fragment counter."""

    registry: Registry
    page_url: str
    unmatched_quotes: list
    _fragments: int

    def element(self, el: HtmlElement, tag: str, ctx: Ctx, loc: str | None) -> bool:
        """Recognise ``el`` as an embed (or as a non-post widget). True: do not descend."""
        reg = self.registry
        hits: list[Hit] | None = None
        cls = el.get("class")
        if cls:
            for tok in cls.split():
                handler = reg.by_class.get(tok)
                if handler is not None:
                    hits = handler(el)
                    if hits is not None:
                        break
        if hits is None:
            handler = reg.by_tag.get(tag)
            if handler is not None:
                hits = handler(el)
        if hits is None and reg.by_attr:
            for attr in el.attrib:
                handler = reg.by_attr.get(attr)
                if handler is not None:
                    hits = handler(el)
                    if hits is not None:
                        break
        if hits is not None:  # [] marks a widget that cites nothing (timeline, follow button)
            self.add(hits, el, ctx, loc)
            return True
        if tag == "a":
            return self.anchor(el, ctx, loc)
        if tag == "blockquote":
            hits = twitter.from_bare_blockquote(el)  # the official code with its class stripped
            if hits:
                self.add(hits, el, ctx, loc)
                return True
            self.unmatched_quotes.append((el, loc or self.path(el), ctx.body and not ctx.chrome and not ctx.soft))
        urls: list[tuple[int, str, str]] = []
        payloads: list[str] = []
        links: list[str] = []
        for attr, value in el.attrib.items():  # one pass over the attributes it actually has
            rank = URL_RANK.get(attr)
            if rank is None and names_a_source(attr) and value[:4] in ("http", "//ww", "//pl"):
                rank, attr = len(URL_RANK), "data-src"  # consent-original-src-_, suppressedsrc, src-consent
            if rank is not None:
                if value:
                    urls.append((rank, attr, value))
            elif attr == "srcdoc" or (len(value) > 20 and "<" in value and ESCAPED_EMBED.search(value)):
                payloads.append(value)
            elif len(value) > 20 and "<a " in value and reg.mentions(value):
                links.append(value)  # a footnote or tooltip holding a linked citation
            elif value[:3] in ("%3C", "%3c"):  # URL-encoded embed code (consent wrappers)
                decoded = unquote(value)
                if ESCAPED_EMBED.search(decoded):
                    payloads.append(decoded)
            elif may_be_base64_markup(value) and (decoded := unpark(value)) is not None:
                payloads.append(decoded)  # base64 embed code (Borlabs Cookie's data-borlabs-cookie-content)
        for _, attr, raw in sorted(urls):
            form = URL_FORMS[attr]
            if raw.startswith("/") and not raw.startswith("//") and "url=" in raw and self.page_url:
                try:
                    raw = urljoin(self.page_url, raw)  # Drupal's /media/oembed?url=...
                except ValueError:
                    continue
            ref = reg.match(raw)
            if ref is not None:
                if form is None:
                    form = "rendered" if rendered(el, cls) else "amp" if tag[:4] == "amp-" else (
                        "iframe" if tag in EMBED_TAGS and not reg.is_wrapper(raw) else "cms")
                self.add([Hit(ref, form, handle=ref.handle, posted=posted(ref))], el, ctx, loc)
                return tag in EMBED_TAGS or tag == "div"
        if "-" in tag and tag[:4] != "amp-":  # a custom element's own link: an unfurled post card
            # (Rails' <action-text-attachment href=... caption=...>, <x-embed url=...>)
            for attr in ("href", "url"):
                if (ref := reg.match(el.get(attr))) is not None:
                    self.add([Hit(ref, "cms", handle=ref.handle, posted=posted(ref))], el, ctx, loc)
                    return True
        if tag == "object":  # Flash-era code: the player's URL in a <param name="movie">
            for param in el.iter("param"):
                if (param.get("name") or "").lower() in _PLAYER_PARAMS and (ref := reg.match(param.get("value"))):
                    self.add([Hit(ref, "iframe", handle=ref.handle, posted=posted(ref))], el, ctx, loc)
                    return True
        if (tag == "textarea" or tag == "iframe") and el.text and ESCAPED_EMBED.search(html.unescape(el.text)):
            self.fragment(html.unescape(el.text), el, ctx)
            return True
        for value in links:
            self.fragment(value, el, ctx, lazy=ctx.lazy)  # its links are read as the text's links
        for value in payloads:
            if value[:1] in "{[":  # JSON props: its strings are the markup (quotes escaped in JSON)
                for markup in markup_in_json(value):
                    self.fragment(markup, el, ctx, lazy=ctx.lazy)
            else:
                self.fragment(value, el, ctx)
        if cls and "wp-block-embed__wrapper" in cls and len(el) == 0 and el.text:
            ref = reg.match(el.text.strip())
            if ref is not None:
                self.add([Hit(ref, "cms", handle=ref.handle, posted=posted(ref))], el, ctx, loc)
                return True
        return self.cms(el, tag, cls, ctx, loc)

    def cms(self, el: HtmlElement, tag: str, cls: str | None, ctx: Ctx, loc: str | None) -> bool:
        """A CMS placeholder or a post card the site rendered itself (``placeholders.py``)."""
        hits = from_placeholder(el, tag, cls, self.registry)
        if hits is None:
            platform = named_platform(el, cls)
            hits = from_card(el, platform, self.registry) if platform is not None else None
        if not hits:
            return False
        for h in hits:
            h.posted = posted(h.ref) or h.posted  # a tweet id knows its own time
        self.add(hits, el, ctx, loc)
        return True

    def _attr_may_embed(self, name: str, value: str) -> bool:
        """Whether an attribute other than the rules' own may make its element an embed: escaped
        embed code, a post URL in a ``data-*`` attribute, or a type attribute naming a platform."""
        if len(value) > 20 and ("<" in value or value[:3] in ("%3C", "%3c")):
            return True
        if may_be_base64_markup(value):  # Borlabs Cookie's parked code
            return unpark(value) is not None
        if value[:1] in "{[":  # escaped JSON config (data-config, data-attrs, island props)
            return self.registry.mentions(value) or json_names_platform(value)
        if (name[:5] == "data-" or names_a_source(name)) and (value[:4] == "http" or value[:2] == "//"):
            return self.registry.may_name_post(value)
        if platform_in_attr_name(name) is not None:  # data-youtube-id="...": the id of a named platform
            return True
        return len(value) < 40 and is_type_attr(name) and platform_in_value(value) is not None  # (both cached)

    def anchor(self, el: HtmlElement, ctx: Ctx, loc: str | None) -> bool:
        """A link to a post: a CMS card, a lazy player, or a citation in the text (``links.py``)."""
        return judge_link(self, el, ctx, loc)

    def script(self, el: HtmlElement, ctx: Ctx, loc_prefix: str | None, text: str | None) -> None:
        if ctx.chrome:
            return
        for attr in el.attrib:
            handler = self.registry.by_attr.get(attr)
            if handler is not None:
                hits = handler(el)
                if hits:
                    self.add(hits, el, ctx)
                    return
        if not text:
            return
        typ = (el.get("type") or "").lower().strip()
        if typ not in CODE_SCRIPT_TYPES:
            parked = unpark(text)
            if parked is not None:
                if child_ctx(ctx, "script", el.get("class"), el.get("id"), None, None).chrome == 2:
                    return  # markup parked for another part of the page: <script id="next-article-tpl">
                self.fragment(parked, el, ctx)
                return
        if typ == "application/json" and text.lstrip()[:1] == "{" and (
                hits := from_config_script(el, text, self.registry)):
            self.add(hits, el.getparent(), ctx)  # a placeholder's settings: {"videoId": ...}
        elif "createTweet" in text:
            self.add(twitter.from_script(text), el, ctx)
        elif typ in _JS_TYPES and (code := markup_in_code(text)) is not None:
            self.fragment(code, el, ctx)

    def fragment(self, markup: str, host: HtmlElement, ctx: Ctx, lazy: bool = True) -> None:
        """Escaped or parked embed code: parse it and walk it as if it were in the page."""
        if self._fragments > 200:
            return
        self._fragments += 1
        frag = parse_fragment(markup)
        if frag is None:
            return
        self.walk(frag, ctx._replace(lazy=lazy), loc_prefix=self.path(host) + "#fragment")
