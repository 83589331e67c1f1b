"""Where an element stands on the page: the context the walk carries down the tree.

Pure functions of an element's tag and its class, id, role and itemprop strings, so the walk
caches them (pages repeat the same markup). The rules decide whether what an element cites is
a citation of the article at all: site chrome, reader comments, webmentions, related stories
and promotions are not.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from crawler.extract.document import body_names


class Ctx(NamedTuple):
    chrome: int  # 0: content; 1: site structure (header, sidebar) that an <article> inside
    #              may override; 2: comments, related stories...: nothing below is cited
    soft: bool  # share bars, bylines, boxes inside the body: embeds count, bare links do not
    body: bool  # inside the article body
    lazy: bool  # inside <noscript>, <template> or a parsed attribute/script payload


CHROME_TAGS = {"header", "nav", "footer", "aside", "menu", "amp-sidebar"}
_CHROME_ROLES = {"banner", "navigation", "contentinfo", "complementary", "search"}
# Sections whose links are never the article's citations, matched per class/id token (a token
# that names an embed, "teaser-embed", is an embed slot whatever else it says). Webmention and
# IndieWeb markup (h-cite, u-in-reply-to, u-like-of ...), like referrer, trackback and pingback
# lists, shows other people's posts *about* the page. "newsletter" and "read-more" are chrome
# as a signup box or a list of links, not where a newsletter platform names its content
# ("newsletter-content") or a body is collapsed ("read-more-collapsed").
_ALWAYS_CHROME = re.compile(
    r"related|outbrain|taboola|recommend|trending|most[-_]?(?:popular|read|viewed|shared|commented|emailed|watched)|"
    r"^popular|[-_]popular|recirc|(?:^|[-_])author[-_]?(?:bio|box|card)|(?:^|[-_])about[-_]?(?:the[-_]?)?author|"
    # (a paywall's free part is the article's "teaser-body"/"teaser-content": a card's text has its
    # "teaser" wrapper around it)
    r"disqus|more-?stories|teaser(?![-_]{1,2}(?:body|content|text)(?:$|[-_]))|promo|"
    # a BEM block may come first ("c-", "paragraph--type--"): "(?:^|[-_])" where a name may follow one
    # (not the page's type: "right-rail-article" is an article laid out beside a rail; nor the main
    # column's wrapper or variant in a layout with a rail: "l-main-rightrail-wrap", "l-main--rightrail")
    r"(?<!main)(?<!main-)(?<!content)(?<!content-)(?:^|[-_])(?:right|left|side)[-_]?rail(?![-_]?(?:article|story|post|page|layout|template)$)|(?:^|[-_])follow[-_]?(?:us|module|box|cta|block)\b|sticky[-_]?video|"
    r"(?:videos?|posts?|photos?|tweets?|clips?)[-_](?:of[-_]the[-_])?(?:week|day|month)$|"
    r"^(?:daily|weekly)[-_]?(?:videos?|clips?)(?:[-_](?:box|widget|block|module|player))?$|"  # "daily-video-box"
    r"(?:^|[-_])subscribe[-_]?(?:box|cta|module|banner|block|promo)\b|"
    r"(?:^|[-_])(?:entry|post|article)[-_]author$|"  # the author's box (Genesis, Ghost)
    # a feed of the site's own social posts: Smash Balloon, Juicer, Curator, social walls
    r"(?:social|twitter|instagram|facebook|tiktok|youtube)[-_]?feed|^sbi(?:_|$)|sb_instagram|juicer|"
    r"social[-_]?wall|curator[-_]?feed|taggbox|elfsight|"
    r"tmpl[-_]infinite|"  # the template infinite scroll fills with the next post (a page with several
    # stories, "infinite-wrap" included, cites the posts of all: the labelled sets' multi_article)
    r"^offcanvas(?:$|[-_](?:start|end|top|bottom|body|header))|"
    r"more[-_]?(?:videos|like[-_]this|on[-_]|from[-_])|"
    # an ad slot by its whole name ("ad-wrapper", "advertisement"; not "advert-content-wrap", a
    # content wrapper with ads beside it)
    r"^(?:(?!no[-_])[a-z]{1,3}[-_])?(?:ad|ads|advert|adverts|advertisement)"  # (a theme's prefix: "it-ad")
    r"(?:[-_](?:wrapper|container|slot|unit|label|block|box|placeholder))?$|"
    r"adsbygoogle|"
    r"(?:^|[-_])sponsored(?:[-_](?:post|content|by))?$|"
    # (not "off-canvas": Drupal wraps every page in "dialog-off-canvas-main-canvas")
    r"^breaking[-_]?(?:news)?[-_]?(?:bar|ticker|banner|strip)|(?:^|[-_])ticker$|"
    r"cookie[-_]?(?:banner|bar|dialog|notice|modal|popup)|cookiebotdialog|"
    r"^pum-overlay$|^popmake$|"  # Popup Maker's site-wide overlays (signups, other stories' lightboxes)
    r"^spcv_|spot-?im|viafoura|(?:^|[-_])(?:replies|responses)$|"  # comment vendors that never say "comment"
    r"webmentions?|referr?ers?|trackbacks?|pingbacks?|linkbacks?|backlinks?|^h-cite$|^u-(?:in-reply-to|like-of|repost-of|bookmark-of|mention-of|comment)$|^p-comment$|"
    r"(?:^|[-_])next-?(?:article|story|post)s?\b|^up-?next\b|"  # the next story, preloaded or as a template
    r"(?:^|[-_])newsletters?(?:$|[-_](?:signup|sign-up|subscribe|subscription|form|cta|box|promo|widget|banner|module|"
    r"block|callout|inline|optin|opt-in))|^read-?more(?:$|[-_](?:links?|list|stories|articles|box))",
    re.I)
# a layout's modifier says what it holds, not what it is: "o-layout--with-related-rail"
_MODIFIER = re.compile(r"--(?:with|has)-|^(?:with|has)-", re.I)


def _chrome_tokens(names: str) -> bool:
    return any(_ALWAYS_CHROME.search(t) for t in names.split() if "embed" not in t.lower() and not _MODIFIER.search(t))


# "comment" is a section only where it is the head of the name (comments, comment-list,
# CommentsItem-body); "commentOnSelection" or "comment-count" name a feature or a counter.
_COMMENT = re.compile(r"comment(?!ary|ator)", re.I)  # (commentary, commentator: opinion)
_COMMENT_FEATURE = re.compile(r"comments?[-_ ]?(?:on|to|count|counter|button|btn|icon|link|bubble|cta|number|"
                              r"toggle|trigger|badge)", re.I)
_OUTSIDE_CHROME = re.compile(r"sidebar|footer|masthead|navbar|\bnav\b|\bmenu\b|site-header|"
                             r"\bheader\b|\brail\b|right-?col|(?:^|[-_\s])aside(?:$|\s)", re.I)
_SOFT = re.compile(r"shar(?:e|ing)|social|follow|byline|author|breadcrumb|subscribe|\btags?\b", re.I)
# page-level elements: their class names describe the page ("template-newsletter"), not a part of it
_PAGE_TAGS = {"html", "body"}

# Class tokens that describe the content's metadata, not a part of the page: WordPress's and
# Ghost's post_class() (category-trending, tag-newsletter), Drupal's node--promoted ...
_TAXONOMY = ("category-", "tag-", "tags-", "node--", "node-promoted", "format-", "post-format", "status-",
             "type-", "section-", "topic-", "has-")
_STATE_SUFFIXES = ("-enabled", "-disabled", "-active", "-inactive")  # "c-social-embeds-enabled": a state
# On the article's own container, only a token that *is* a section name makes it chrome
# (<article class="card related">); "newsletter-post", "inline-promos", "commentary" do not.
_SECTION_NAMES = frozenset((
    "related", "comments", "comment", "newsletter", "promo", "promos", "teaser", "recommended", "trending",
    "outbrain", "taboola", "disqus", "webmentions", "mentions", "reactions", "likes", "reposts",
    "related-posts", "related-articles", "related-stories", "more-stories", "read-more", "most-popular",
    "most-read", "h-cite", "u-in-reply-to", "u-like-of", "u-repost-of", "u-mention-of", "u-comment", "p-comment",
    "next-article", "next-story", "next-post", "up-next",
))

# The walk carries a context as five bits (chrome in the low two, then soft, body, lazy): an int
# is hashed and tested faster than a tuple, and the walk does both for every element.
SOFT, BODY, LAZY = 4, 8, 16
CTXS: tuple[Ctx, ...] = tuple(Ctx(b & 3, bool(b & SOFT), bool(b & BODY), bool(b & LAZY)) for b in range(32))


def ctx_bits(ctx: Ctx) -> int:
    return ctx.chrome | ctx.soft * SOFT | ctx.body * BODY | ctx.lazy * LAZY


CHILD_BITS: dict[tuple, int] = {}  # child_bits results: pages repeat the same markup


def _comment_section(names: str) -> bool:
    for tok in names.split():
        if _COMMENT.search(tok) and not _COMMENT_FEATURE.search(tok):
            return True
    return False


def child_ctx(ctx: Ctx, tag: str, cls: str | None, idv: str | None, role: str | None,
              itemprop: str | None) -> Ctx:
    """The context of an element's children: the nearest marker wins, except sticky chrome."""
    chrome, soft, body, lazy = ctx
    if tag in ("noscript", "template"):
        lazy = True
    names = f"{cls or ''} {idv or ''}".strip()
    if names and any(t.lower().startswith(_TAXONOMY) or t.endswith(_STATE_SUFFIXES) for t in names.split()):
        names = " ".join(t for t in names.split()
                         if not t.lower().startswith(_TAXONOMY) and not t.endswith(_STATE_SUFFIXES))
    page_level = tag in _PAGE_TAGS
    is_body = tag == "article" or (itemprop or "").lower() == "articlebody" or bool(names and body_names(names))
    if names and not page_level:
        if is_body:
            chrome_section = any(t.lower() in _SECTION_NAMES for t in names.split())
        else:
            chrome_section = _chrome_tokens(names) or _comment_section(names)
        if chrome_section:
            return Ctx(2, soft, body, lazy)
    if is_body:
        if chrome == 1:  # an article inside a badly closed sidebar: content again
            chrome = 0
        body, soft = True, False
    if not page_level and (tag in CHROME_TAGS or (role or "").lower() in _CHROME_ROLES or (
            names and _OUTSIDE_CHROME.search(names))):
        if body and chrome == 0:
            soft = True
        elif chrome == 0:
            chrome = 1
    if names and not page_level and _SOFT.search(names):
        soft = True
    return Ctx(chrome, soft, body, lazy)


def child_bits(bits: int, tag: str, cls: str | None, idv: str | None, role: str | None,
               itemprop: str | None) -> int:
    """``child_ctx`` on the walk's bits (cached by the walk in ``CHILD_BITS``)."""
    return ctx_bits(child_ctx(CTXS[bits], tag, cls, idv, role, itemprop))


def is_prose(block_text: str, anchor_text: str) -> bool:
    """A sentence that mentions the link, not a bar of buttons or a lone label."""
    return len(block_text) >= 40 and len(anchor_text) <= 0.5 * len(block_text)


# "Discuss on Reddit", "Comments on Hacker News", "Reply on Mastodon": the article's own
# discussion thread elsewhere, not a post it cites. "Retweet this article": a share button.
_DISCUSSION = re.compile(
    r"^\W*(?:(?:you can|feel free to|please|want to|like or)\s+)?(?:discuss(?:ion)?|comments?|"
    r"comment|join the (?:discussion|conversation)|reply|replies|respond|"
    r"responses?|talk about (?:it|this)|vote)\b[^.!?]{0,40}?\b(?:on|at|via|in)\s+\S+"
    r"|^\W*comments?\s*[:?]|^\W*this (?:post|article|piece|essay) (?:was|is|has been) discussed\b"
    r"|^\W*(?:re)?tweet (?:this|it)\b|^\W*retweet\b|^\W*share (?:this|it)\b", re.I)


def is_discussion_link(anchor_text: str, block_text: str) -> bool:
    """A link to the article's own discussion thread or a share action: short text that says so."""
    if anchor_text and len(anchor_text) < 80 and _DISCUSSION.search(anchor_text):
        return True
    return bool(block_text) and len(block_text) < 120 and _DISCUSSION.search(block_text) is not None


# Headings of the lists a blog prints under a post: other people's reactions to it.
_REACTION_HEADINGS = re.compile(
    r"^\W*(?:\d+\s+)?(?:likes?|reposts?|retweets?|boosts?|mentions?|webmentions?|reactions?|bookmarks?|"
    r"responses?|replies|shares|(?:liked|boosted|reposted|favou?rited|shared|bookmarked)\s+by)\W*(?:\(\d+\))?\W*$",
    re.I)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def under_reaction_heading(el) -> bool:
    """Whether a link sits in a block (up to three levels up) whose heading names reactions."""
    node = el.getparent()
    for _ in range(3):
        if node is None:
            return False
        for child in node:
            if child.tag in _HEADINGS:
                text = child.text_content()
                if len(text) < 40 and _REACTION_HEADINGS.match(text.strip()):
                    return True
                break
        node = node.getparent()
    return False
