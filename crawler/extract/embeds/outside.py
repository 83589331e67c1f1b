"""Posts after the article's body are the page's, not the article's.

Sidebars, "more from", "most viewed" and social-feed rails carry posts under names no list of
section words can hold ("col-md-4", "widget", "PopularPosts"), and a name-blind rule cannot tell
them from the article. Their place can: when the page has one article body that holds the
article (an ``<article>``, ``itemprop="articleBody"``, ``entry-content`` ... with its paragraphs),
a post that stands outside it and *after* it in the page was not cited by it. Posts before the
body stay (a lead video above the text is the article's), as do posts in JSON state, in
scripts and in parsed payloads, which stand wherever their code was put. A page with no such
body, or with several (lists of story cards), is left as the walk found it.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.embeds.walker import Walker

_PLACELESS_FORMS = ("json", "script")  # where the code stands says nothing of the post's place
_MIN_PARAGRAPHS = 3
_MIN_TEXT = 600


def drop_after_body(walker: Walker) -> None:
    """Remove from ``walker.found`` the posts found after the article's single body."""
    outside = [f for f in walker.found if not f.in_body and f.el is not None and f.hit.form not in _PLACELESS_FORMS]
    if not outside:
        return  # most pages: every post is inside the body, or there is no body
    bodies = [b for b in walker.bodies if _holds_the_article(b)]
    if len(bodies) != 1:
        return
    after = {id(f) for f in outside if _after(f.el, bodies[0])}
    if after:
        walker.found = [f for f in walker.found if id(f) not in after]


def _holds_the_article(body: HtmlElement) -> bool:
    """Paragraphs or text enough to be the article (not a teaser card or a header)."""
    paragraphs = 0
    for _ in body.iter("p"):
        paragraphs += 1
        if paragraphs >= _MIN_PARAGRAPHS:
            return True
    return len(etree.tostring(body, method="text", encoding=str)) >= _MIN_TEXT


def _after(el: HtmlElement, body: HtmlElement) -> bool:
    """Whether ``el`` comes after ``body`` in the page, outside it (False for an element of
    another tree: a parsed payload)."""
    # each ancestor of body (by id; the element is kept, so its id stays its own) -> the index of
    # its child on the way down to body
    on_path: dict[int, tuple[HtmlElement, int]] = {}
    node = body
    while (parent := node.getparent()) is not None:
        on_path[id(parent)] = (parent, parent.index(node))
        node = parent
    node = el
    while (parent := node.getparent()) is not None:
        if (step := on_path.get(id(parent))) is not None:
            return parent.index(node) > step[1]
        node = parent
    return False

