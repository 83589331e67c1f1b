"""One pass over the parsed tree: candidates in, hits (post + form + locator) out.

The walk carries a small context down the tree (inside site chrome? inside the article
body? inside a ``<noscript>``?) so each element is classified once, without looking at its
ancestors again. Platform rules decide *what* an element cites; the walker decides *whether*
it is a citation of the article (site chrome is not) and records where it stood.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.extract.document import child_tagged, merge_walked, text_of
from crawler.extract.embeds.base import Hit
from crawler.extract.embeds.context import (
    CHILD_BITS,
    CHROME_TAGS,
    CTXS,
    LAZY,
    SOFT,
    Ctx,
    child_bits,
    ctx_bits,
)
from crawler.extract.embeds.elements import ElementRules
from crawler.extract.embeds.markup import (
    EMBED_TAGS,
    PLAIN_ATTRS,
    URL_RANK,
    class_may_embed,
    last_sentence,
    may_be_base64_markup,
    names_a_source,
)
from crawler.extract.embeds.placeholders import (
    is_type_attr,
    platform_in_attr_name,
    platform_in_names,
)
from crawler.extract.embeds.registry import REGISTRY, Registry
from crawler.extract.rights import ANY_SIGN, QUICK_SIGN, SignScan, is_sign_text


@dataclass(slots=True)
class Found:
    hit: Hit
    locator: str
    context: str | None
    el: HtmlElement | None = None  # where it stood (None: read from JSON-LD)
    in_body: bool = True  # inside the article's body


_SKIP_TAGS = {"style", "head", "title", "svg", "math", "select", "option", "button"}
_BLOCKS = {"p", "li", "h2", "h3", "h4", "dd", "td"}
_CONTEXT_TAGS = CHROME_TAGS | {"article", "noscript", "template"}  # change the context bare
_BARE_CANDIDATES = {"blockquote", "textarea", "oembed", "object", "iframe"}  # may matter without any attribute

# What the walk's attribute pass lets through to the rules (registry keys are added below the class).
_CANDIDATE_TAGS = set(REGISTRY.by_tag) | EMBED_TAGS | {"a", "blockquote", "textarea"}
_CANDIDATE_ATTRS = set(REGISTRY.by_attr) | set(URL_RANK) | {"srcdoc"}
_RULE_ATTRS = set(REGISTRY.by_attr)

_ATTR_KINDS: dict[str, int] = {}  # attr_kind results: pages repeat the same attribute names
# a context in which text that writes an address out cites nothing: chrome, share bars, parked markup
_NOT_CITED_TEXT = 3 | SOFT | LAZY


def attr_kind(name: str) -> int:
    """How an attribute may carry an embed: 0 never on its own (class, alt, width ...), 1 a
    ``data-*`` attribute (a URL or JSON), 2 a type-like name (``data-provider``, ``*_type``), 3 any
    other (JSON props, URL-encoded code), 4 a platform's id by its name (``data-youtube-id``)."""
    if name in PLAIN_ATTRS:
        return 0
    if is_type_attr(name):
        return 2
    if platform_in_attr_name(name) is not None:
        return 4
    if name[:5] == "data-" or names_a_source(name):
        return 1  # (consent and lazy plugins name the held URL freely: suppressedsrc, consent-original-src-_)
    return 3


_PLAIN_CUSTOM: set[str] = set()  # custom element tags that name no platform (amp-img, my-widget ...)


def custom_names_platform(tag: str) -> bool:
    """Whether a custom element's tag names a platform (<x-twitter-embed>); the answer "no" is
    kept in a set the walk tests inline (AMP pages are made of custom elements)."""
    if platform_in_names(tag) is not None:
        return True
    if len(_PLAIN_CUSTOM) < 4096:
        _PLAIN_CUSTOM.add(tag)
    return False


_NEVER = object()  # a stop no node is: pass over everything to the end of the walk


def _pass_over(el: HtmlElement, start: HtmlElement, parent: HtmlElement | None):
    """(the first node after ``el``'s subtree within ``start``, or _NEVER; (el, its parent)): what
    the walk needs to pass over a subtree it must not enter, and to read its tail after it."""
    node = el
    while node is not start:
        nxt = node.getnext()
        if nxt is not None:
            return nxt, (el, parent)
        node = node.getparent()
        if node is None:
            break
    return _NEVER, (el, parent)


class Walker(ElementRules):
    """Walks one tree once; ``found`` collects hits in page order."""

    def __init__(self, root: HtmlElement, page_url: str = "", registry: Registry = REGISTRY,
                 signs: SignScan | None = None):
        self.page_url = page_url
        self.registry = registry
        self.roottree = root.getroottree()
        self.found: list[Found] = []
        self.unmatched_quotes: list[tuple[HtmlElement, str, bool]] = []  # (.., in the body's own text)
        self._blocks: list[HtmlElement] = []  # content blocks walked, for last_text
        self._scripts: list[tuple[int, tuple[HtmlElement, str | None]]] = []  # with their text
        self._metas: list[tuple[int, HtmlElement]] = []  # <meta> in the body (microdata)
        # subtrees not entered (comments, related stories); shared with the rights scan
        self.pruned: list[tuple[int, HtmlElement]] = signs.pruned if signs is not None else []
        self.bodies: list[HtmlElement] = []  # where the walk entered an article body (outermost)
        # text that writes an address out, with its holder and context bits (the main walk only)
        self.bare_urls: list[tuple[HtmlElement, str, int]] = []
        self.base_ctx = Ctx(chrome=0, soft=False, body=False, lazy=False)
        self.signs = signs  # rights signs seen on the way, so rights need no walk of their own
        self._fragments = 0
        self._read: tuple[HtmlElement, str] | None = None  # (the last block read, its text)
        self._said: tuple[str | None, str | None] | None = None  # (that text, its last sentence)

    def path(self, el: HtmlElement) -> str:
        try:
            return self.roottree.getpath(el)
        except ValueError:
            return "/"

    def add(self, hits: list[Hit], el: HtmlElement, ctx: Ctx, loc: str | None = None,
            context: str | None = None) -> None:
        for h in hits:
            if ctx.lazy and h.form in ("embed", "iframe"):
                h.form = "lazy"
            self.found.append(Found(h, loc or self.path(el), context or self.last_sentence(), el, ctx.body))

    def last_sentence(self) -> str | None:
        """The last sentence of ``last_text``, once per block: embeds often follow each other
        after one paragraph (a thread, a gallery of posts)."""
        text = self.last_text
        if self._said is None or self._said[0] is not text:
            self._said = (text, last_sentence(text))
        return self._said[1]

    # -- the walk ---------------------------------------------------------------------------

    @property
    def last_text(self) -> str | None:
        """Text of the last content block (p, li, h2...) of over 30 characters walked so far:
        the sentence an embed follows. Computed only when a hit needs it."""
        while self._blocks:
            block = self._blocks[-1]
            if self._read is not None and self._read[0] is block:
                return self._read[1]
            t = text_of(block)
            if len(t) > 30:
                del self._blocks[:-1]
                self._read = (block, t)
                return t
            self._blocks.pop()
        return None

    def walk(self, start: HtmlElement, ctx: Ctx, loc_prefix: str | None = None) -> None:
        """Pre-order over the nodes below ``start`` with lxml's ``iter()`` (C iteration, cheaper
        than ``iterwalk``'s start and end events). A stack of (element, its children's context)
        follows the walk, its top held in two locals (``top``, ``c``): a node's parent is on top
        once the subtrees that ended are popped (and their tails read). An element is pushed only
        when its first child comes (else it was a leaf, and its tail is read then). A subtree that
        must not be entered is passed over up to the first node after it. The hottest loop of
        the project: names are bound locally, and contexts travel as bits (``context.ctx_bits``:
        ``c & 3`` is ``chrome``)."""
        signs = self.signs if loc_prefix is None else None  # not inside parsed payloads
        holders = signs.holders if signs is not None else None
        written, not_cited = self.bare_urls, _NOT_CITED_TEXT
        licenses = signs.licenses if signs is not None else None
        named = signs.named if signs is not None else None
        quick, any_sign, blank = QUICK_SIGN.search, ANY_SIGN.search, str.isspace
        skip_tags, bare, cand_tags, cand_attrs, rule_attrs = (
            _SKIP_TAGS, _BARE_CANDIDATES, _CANDIDATE_TAGS, _CANDIDATE_ATTRS, _RULE_ATTRS)
        context_tags, block_tags, class_embeds = _CONTEXT_TAGS, _BLOCKS, class_may_embed
        plain_custom, custom_names = _PLAIN_CUSTOM, custom_names_platform
        attr_may_embed, attr_kinds = self._attr_may_embed, _ATTR_KINDS
        attr_kind_get = attr_kinds.get
        ctx_cache, ctx_get = CHILD_BITS, CHILD_BITS.get  # (a dict: cheaper than lru_cache's wrapper)
        if len(ctx_cache) > 50_000:
            ctx_cache.clear()
        may_name_post, url_attrs = self.registry.may_name_post, URL_RANK
        blocks, scripts, ctxs = self._blocks, self._scripts, CTXS
        top, c = start.getparent(), ctx_bits(ctx)  # the open element whose children come, their context
        stack: list[tuple[HtmlElement | None, int]] = []  # the open elements below it, with theirs
        push, pop = stack.append, stack.pop
        order = 0  # visit order: sorts rights holders and pruned subtrees (main tree only)
        stop = None  # passing over a subtree: the first node after it
        passed: tuple[HtmlElement, HtmlElement | None] | None = None  # (that subtree, its parent)
        entered: HtmlElement | None = None  # the last element entered, not yet pushed
        entered_bits = 0  # its children's context
        for el in start.iter():
            order += 1
            if stop is not None:
                if el is not stop:
                    continue
                stop = None
                if holders is not None and passed[1] is not None and (tail := passed[0].tail):
                    if is_sign_text(tail):
                        holders.append((order, passed[1]))  # the tail of the subtree passed over comes first
                    if "://" in tail and not c & not_cited:
                        written.append((passed[1], tail, c))
                passed = None
            parent = el.getparent()
            if entered is not None:
                if parent is entered:  # its first child: now it is open
                    push((top, c))
                    top, c = entered, entered_bits
                elif holders is not None:  # it was a leaf: its tail comes right after it
                    tail = entered.tail
                    if tail and not blank(tail) and top is not None:
                        if quick(tail) and any_sign(tail):
                            holders.append((order, top))
                        if "://" in tail and not c & not_cited:
                            written.append((top, tail, c))
                entered = None
            while top is not parent:  # the subtrees that ended: read their tails
                done = top
                top, c = pop()
                if holders is not None:
                    tail = done.tail  # (most text nodes are blank: isspace is cheaper than a search)
                    if tail and not blank(tail):
                        if quick(tail) and any_sign(tail):
                            holders.append((order, top))
                        if "://" in tail and not c & not_cited:
                            written.append((top, tail, c))
            tag = el.tag
            if tag.__class__ is not str:  # a comment or processing instruction: only its tail
                if holders is not None and el is not start and parent is not None and is_sign_text(el.tail):
                    holders.append((order, parent))
                continue
            if tag in skip_tags:
                stop, passed = _pass_over(el, start, parent)
                continue
            if tag == "script":
                text = el.text
                if loc_prefix is None:
                    scripts.append((order, (el, text)))
                self.script(el, ctxs[c], loc_prefix, text)
                stop, passed = _pass_over(el, start, parent)
                continue
            text = None
            if holders is not None:
                text = el.text
                if text and not blank(text) and quick(text) and any_sign(text):
                    holders.append((order, el))
            items = el.items()
            cls = idv = role = itemprop = None
            look = not c & 3  # site chrome cites nothing: there only the context markers are read
            if items:
                if tag == "meta" and loc_prefix is None:
                    self._metas.append((order, el))
                href = rel = None
                # (a custom element may name its platform: <x-twitter-embed tweet-id=...>)
                candidate = look and (tag in cand_tags or tag in bare or (
                    "-" in tag and tag not in plain_custom and custom_names(tag)))
                not_a = tag != "a"  # a link is judged by its href below, not by other attributes
                rule_attr = False
                for name, value in items:  # one pass: the context markers, and whether a rule may apply
                    # (a marker is a plain attribute, which only escaped markup, over 20 characters, makes a
                    # candidate: a short one is done with here)
                    if name == "class":
                        cls = value
                        if len(value) < 21:
                            continue
                    elif name == "id":
                        idv = value
                        if len(value) < 21:
                            continue
                    elif name == "href":
                        href = value
                    elif name == "role":
                        role = value
                    elif name == "itemprop":
                        itemprop = value
                    elif name == "rel":
                        rel = value
                    if not look:
                        continue
                    if name in cand_attrs:
                        if name in rule_attrs:
                            candidate = rule_attr = True
                        elif not candidate and (name not in url_attrs or (value and (
                                may_name_post(value) or "url=" in value))):
                            candidate = True  # (an image's src names no post: not worth a look)
                    elif not candidate and value and not_a:
                        kind = attr_kind_get(name)  # 0 plain, 1 data-*, 2 type-like, 3 other
                        if kind is None:
                            kind = attr_kinds[name] = attr_kind(name)
                        first = value[0]  # cheap tests first: most attributes are plain values
                        if ((len(value) > 20 and "<" in value) or (kind and (
                                first in "{[%" or kind == 4 or (kind == 1 and (first in "h/" or (
                                    first == "P" and may_be_base64_markup(value)))) or (
                                    kind == 2 and len(value) < 40)))):
                            candidate = attr_may_embed(name, value)
                if look and tag == "a":  # links: only a platform URL, an embed class or a rule's attribute
                    candidate = rule_attr or bool(href and may_name_post(href)) or bool(
                        cls and class_embeds(cls))
                elif look and not candidate and "-" in tag and tag[:4] != "amp-" and (
                        (href and may_name_post(href)) or may_name_post(el.get("url") or "")):
                    candidate = True  # a custom element's own link: <action-text-attachment href=...>
                elif look and cls and not candidate:
                    candidate = class_embeds(cls)
                if named is not None and ((cls and "opyright" in cls) or (idv and "opyright" in idv)):
                    named.append((order, el))  # a site-wide copyright element, for rights
                if licenses is not None and (tag == "a" or tag == "link") and (
                        (rel and "license" in rel.lower()) or (href and ("ommons" in href or "OMMONS" in href))):
                    licenses.append((order, el))  # a licence link candidate, for rights
            else:
                candidate = look and tag in bare
            if candidate:
                loc = f"{loc_prefix}{self.path(el)}" if loc_prefix else None
                if self.element(el, tag, ctxs[c], loc):
                    stop, passed = _pass_over(el, start, parent)
                    continue
            # most elements carry no marker (no class, id, role or itemprop): their children
            # share the context
            if cls is not None or idv is not None or role is not None or itemprop is not None or (
                    tag in context_tags):
                key = (c, tag, cls, idv, role, itemprop)
                child = ctx_get(key)
                if child is None:
                    child = ctx_cache[key] = child_bits(*key)
                if child & 3 == 2:
                    if loc_prefix is None:
                        self.pruned.append((order, el))
                    stop, passed = _pass_over(el, start, parent)
                    continue
                if child & 8 and not c & 8 and loc_prefix is None:
                    self.bodies.append(el)
            else:
                child = c
            if not child & 7 and tag in block_tags:
                blocks.append(el)
            if text and not child & not_cited and "://" in text:
                written.append((el, text, child))  # an address written out in the text, not linked
            entered, entered_bits = el, child
        # the walk is over: the tails of what is still open (``start``'s own is not its)
        if holders is not None:
            order += 1
            ends: list[tuple[HtmlElement, HtmlElement, int]] = []  # (ended element, its parent, the parent's bits)
            if entered is not None and entered is not start and top is not None:
                ends.append((entered, top, c))
            if passed is not None and passed[0] is not start and passed[1] is not None:
                ends.append((passed[0], passed[1], c))
            while stack:
                done = top
                top, c = pop()
                if done is not start and top is not None:
                    ends.append((done, top, c))
            for done, owner, bits in ends:
                tail = done.tail
                if is_sign_text(tail):
                    holders.append((order, owner))
                if tail and "://" in tail and not bits & not_cited:
                    written.append((owner, tail, bits))

    def page_scripts(self) -> list[tuple[HtmlElement, str | None]]:
        """Every script of the page with its text, in document order, after the walk: the head's,
        the ones the walk met (their text already read: large JSON state is decoded once),
        and those inside pruned subtrees."""
        walked = merge_walked(self._scripts, self.pruned, lambda root: ((el, None) for el in root.iter("script")))
        return [(el, el.text) for el in self._head_iter("script")] + [
            (el, text if text is not None else el.text) for el, text in walked]

    def page_metas(self) -> list[HtmlElement]:
        """Every ``<meta>`` of the page in document order, after the walk (as ``page_scripts``)."""
        return list(self._head_iter("meta")) + merge_walked(self._metas, self.pruned, lambda root: root.iter("meta"))

    def _head_iter(self, tag: str):
        head = child_tagged(self.roottree.getroot(), "head")
        return head.iter(tag) if head is not None else ()
