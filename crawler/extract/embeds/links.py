"""Links to posts: which are citations of the article, and what they say about the post.

A link names a post by its URL; whether it *cites* the post depends on where it stands: a
sentence of the text does, a share bar, a byline, the article's own discussion thread or a
"Likes" list under the post does not. A picture credit ("Via Twitter: @user") does, and gives
the post's handle.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml.html import HtmlElement

from crawler.extract.document import text_of
from crawler.extract.embeds.base import Hit
from crawler.extract.embeds.context import Ctx, is_discussion_link, is_prose, under_reaction_heading
from crawler.extract.embeds.markup import posted, sentence_around

if TYPE_CHECKING:
    from crawler.extract.embeds.walker import Walker

_CREDIT_HANDLE = re.compile(r"(?:^|[\s:(])@([A-Za-z0-9_.]{1,30})\b")
_BLOCK_TAGS = ("p", "li", "div", "figcaption", "td", "blockquote")
_REACTION_FRAGMENT = re.compile(r"#(?:favou?rited|liked|boosted|reblogged|reposted)[-_]by", re.I)


def judge_link(walker: Walker, el: HtmlElement, ctx: Ctx, loc: str | None) -> bool:
    """Add the post ``el`` links to when the link cites it. True: the link was a post's link
    (cited or not), the walk need not descend."""
    href = el.get("href")
    ref = walker.registry.match(href) if href else None
    if ref is None:
        return False
    cls = el.get("class") or ""
    if "u-syndication" in cls or (href and _REACTION_FRAGMENT.search(href)):
        return True  # the post's own copy elsewhere (POSSE), or a like or boost of it: not a citation
    if "embedly-card" in cls or el.get("data-iframely-url") is not None:
        walker.add([Hit(ref, "cms", handle=ref.handle, posted=posted(ref))], el, ctx, loc)
        return True
    if "lazy-load-youtube" in cls or "lyt-playbtn" in cls or "lty-playbtn" in cls:
        walker.add([Hit(ref, "lazy", handle=ref.handle)], el, ctx, loc)
        return True
    if ctx.lazy:  # a link in <noscript> or parsed markup is no citation in the text, but a
        # picture linking the post there is a lazy player's fallback (WP YouTube Lyte's poster)
        if len(el) and el.find(".//img") is not None and len(text_of(el)) < 60:  # ("Watch this video on YouTube")
            walker.add([Hit(ref, "lazy", handle=ref.handle, posted=posted(ref))], el, ctx, loc)
        return True
    anchor_text = text_of(el)
    block = el.getparent()
    while block is not None and block.tag not in _BLOCK_TAGS:
        block = block.getparent()
    block_text = text_of(block) if block is not None else ""
    credit = _CREDIT_HANDLE.search(anchor_text) if "@" in anchor_text else None
    if ctx.soft and not is_prose(block_text, anchor_text) and credit is None:
        return True  # a share bar or byline link, not a citation in the text (a picture credit is)
    if is_discussion_link(anchor_text, block_text):
        return True  # the article's own thread elsewhere ("Discuss on Reddit"), or a share action
    if not is_prose(block_text, anchor_text) and under_reaction_heading(el):
        return True  # a "Likes" / "Reposts" / "Mentions" list under the article
    handle = ref.handle or (credit.group(1) if credit else None)  # "Via Twitter: @user", "Instagram: @user"
    walker.add([Hit(ref, "link", handle=handle, posted=posted(ref))], el, ctx, loc,
               context=sentence_around(block_text, anchor_text))
    return True
