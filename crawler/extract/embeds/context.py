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


CHROME_TAGS = {"header", "nav", "footer", "aside", "menu"}
_CHROME_ROLES = {"banner", "navigation", "contentinfo", "complementary", "search"}
# Sections whose links are never the article's citations. Webmention and IndieWeb reaction
# markup (h-cite, u-in-reply-to, u-like-of ...) lists other people's posts *about* the page.
_ALWAYS_CHROME = re.compile(
    r"related|newsletter|outbrain|taboola|recommend|trending|most-?popular|most-?read|"
    r"disqus|read-?more|more-?stories|teaser|promo|webmentions?|\bh-cite\b|\bu-(?:in-reply-to|like-of|"
    r"repost-of|bookmark-of|mention-of|comment)\b|\bp-comment\b|\b(?:likes|reposts|reactions|mentions)\b|"
    r"\bnext-?(?:article|story|post)s?\b|\bup-?next\b",  # the next story, preloaded or as a template
    re.I)

# "comment" is a section only where it is the head of the name (comments, comment-list,
# CommentsItem-body); "commentOnSelection" or "comment-count" name a feature or a counter.
_COMMENT = re.compile(r"comment", re.I)
_COMMENT_FEATURE = re.compile(r"comments?[-_ ]?(?:on|to|count|counter|button|btn|icon|link|bubble|cta|number|"
                              r"toggle|trigger|badge)", re.I)
_OUTSIDE_CHROME = re.compile(r"sidebar|footer|masthead|navbar|\bnav\b|\bmenu\b|site-header|"
                             r"\bheader\b|\brail\b|right-?col", re.I)
_SOFT = re.compile(r"shar(?:e|ing)|social|follow|byline|author|breadcrumb|subscribe|\btags?\b", re.I)
# page-level elements: their class names describe the page ("template-newsletter"), not a part of it
_PAGE_TAGS = {"html", "body"}

CHILD_CTX: dict[tuple, Ctx] = {}  # child_ctx results: pages repeat the same markup


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
    page_level = tag in _PAGE_TAGS
    if names and not page_level and (_ALWAYS_CHROME.search(names) or _comment_section(names)):
        return Ctx(2, soft, body, lazy)
    if tag == "article" or (itemprop or "").lower() == "articlebody" or (names and body_names(names)):
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


def is_prose(block_text: str, anchor_text: str) -> bool:
    """A sentence that mentions the link, not a bar of buttons or a lone label."""
    return len(block_text) >= 40 and len(anchor_text) <= 0.5 * len(block_text)


# "Discuss on Reddit", "Comments on Hacker News", "Reply on Mastodon": the article's own
# discussion thread elsewhere, not a post it cites. "Retweet this article": a share button.
_DISCUSSION = re.compile(
    r"^\W*(?:discuss(?:ion)?|comments?|join the (?:discussion|conversation)|reply|replies|respond|"
    r"responses?|talk about (?:it|this)|vote)\b[^.!?]{0,40}?\b(?:on|at|via|in)\s+\S+"
    r"|^\W*(?:re)?tweet (?:this|it)\b|^\W*retweet\b|^\W*share (?:this|it)\b", re.I)


def is_discussion_link(anchor_text: str, block_text: str) -> bool:
    """A link to the article's own discussion thread or a share action: short text that says so."""
    if anchor_text and len(anchor_text) < 80 and _DISCUSSION.search(anchor_text):
        return True
    return bool(block_text) and len(block_text) < 120 and _DISCUSSION.search(block_text) is not None
