"""Social posts an article cites: one walk over the tree, platform rules behind a registry.

``find_posts`` returns ``Post`` records in page order; one post found several times
(blockquote + noscript + JSON + link) is one record with several pieces of evidence.
"""

from __future__ import annotations

import re

from crawler.extract.document import Document, node_types
from crawler.extract.embeds.base import Hit
from crawler.extract.embeds.context import CTXS
from crawler.extract.embeds.jsonstate import scan_state
from crawler.extract.embeds.markup import posted, sentence_around
from crawler.extract.embeds.outside import drop_after_body
from crawler.extract.embeds.quoted import quoted_post
from crawler.extract.embeds.registry import REGISTRY
from crawler.extract.embeds.walker import Found, Walker
from crawler.extract.rights import SignScan
from crawler.extract.textcite import find_text_posts
from crawler.records import Author, Evidence, Post

__all__ = ["REGISTRY", "find_posts", "find_posts_in_text", "posts_from", "walk_page"]


def find_posts(doc: Document, page_urls: list[str], signs: SignScan | None = None) -> list[Post]:
    """Posts in page order. ``signs`` collects rights-sign text on the same walk."""
    return posts_from(walk_page(doc, signs), doc, page_urls)


def walk_page(doc: Document, signs: SignScan | None = None) -> Walker:
    """The one walk over the page (embeds, rights signs, scripts); it needs no page URL, so it
    can run before article extraction, which then reads JSON-LD from the scripts it kept."""
    walker = Walker(doc.tree, doc.url, signs=signs)
    body = doc.body
    walker.walk(body if body is not None else doc.tree, walker.base_ctx)
    if signs is not None:
        signs.walked = body is not None  # without a body the walk covered the whole tree anyway
    if body is not None and doc.scripts is None:
        doc.scripts = walker.page_scripts()
    if body is not None and doc.metas is None:
        doc.metas = walker.page_metas()
    return walker


def posts_from(walker: Walker, doc: Document, page_urls: list[str]) -> list[Post]:
    """Finish after the walk: embeds in the article's JSON state, then tweets pasted as text."""
    scan_state(doc.scripts if doc.scripts is not None else walker.page_scripts(), page_urls, walker,
               lambda: page_titles(doc))
    reviewed_posts(doc, walker)
    written_out_posts(walker)
    drop_after_body(walker)
    drop_the_page_itself(walker, page_urls)
    found = [(f.hit, f.locator, f.context) for f in walker.found]
    # Blockquotes that no rule claimed may still be a tweet pasted as text (no markup left), or
    # a post the article quotes with its author's profile linked ("…," the <a>tweet</a> said.)
    for el, loc, in_body in walker.unmatched_quotes:
        text = "\n".join(t.strip() for t in el.itertext() if t.strip())
        text_hits = find_text_posts(text)
        for th in text_hits:
            found.append((th.hit, loc, th.context))
        if not text_hits and in_body and (hit := quoted_post(el)) is not None:
            found.append((hit, loc, None))
    return merge(found)


def drop_the_page_itself(walker: Walker, page_urls: list[str]) -> None:
    """A page that is itself a post (a Tumblr or Mastodon post page, a crawled tweet) links to
    itself from its title and permalink: that is the page, not a post it cites."""
    own = set()
    for u in page_urls:
        ref = REGISTRY.match(u)
        if ref is not None and ref.post_id:
            own.add((ref.platform, ref.post_id))
    if own:
        walker.found = [f for f in walker.found if (f.hit.ref.platform, f.hit.ref.post_id) not in own]


_WRITTEN_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_CODE_TAGS = ("code", "pre", "kbd", "samp", "var")


def written_out_posts(walker: Walker) -> None:
    """A post's address written out in the text, not linked ("Source: https://x.com/.../status/1"),
    or the bare line WordPress leaves when an embed's oEmbed call failed: a citation, form
    ``link``. Not in code samples, site chrome, share bars or parked markup."""
    for owner, text, bits in walker.bare_urls:
        parent = owner.getparent()
        if owner.tag in _CODE_TAGS or (parent is not None and parent.tag in _CODE_TAGS):
            continue
        if "<" in text and ">" in text:
            continue  # markup shown as text (a tutorial's embed code): not a written-out address
        for m in _WRITTEN_URL.finditer(text):
            if m.start() and text[m.start() - 1] in "\"'=":
                continue  # an attribute's value in code shown as text
            url = m.group(0)
            ref = REGISTRY.match(url.rstrip(".,;:!?"))
            if ref is not None:
                walker.add([Hit(ref, "link", handle=ref.handle, posted=posted(ref))], owner, CTXS[bits],
                           context=sentence_around(" ".join(text.split()), url))


_APPEARANCE_KEYS = ("firstAppearance", "appearance", "url", "sameAs")


def reviewed_posts(doc: Document, walker: Walker) -> None:
    """A fact check cites the post it reviews: a ``ClaimReview``'s ``itemReviewed`` names where
    the claim appeared (``appearance``, ``firstAppearance``, its ``url``), form ``link``."""
    if not doc.jsonld_may_hold("ClaimReview"):
        return  # (a substring test: no JSON-LD parse for the pages that hold no fact check)
    for node in doc.jsonld:
        if "claimreview" not in node_types(node):
            continue
        item = doc.resolve(node.get("itemReviewed"))
        stack = [item]
        while stack:
            value = doc.resolve(stack.pop())
            if isinstance(value, list):
                stack.extend(reversed(value))
            elif isinstance(value, dict):
                stack.extend(reversed([value[k] for k in _APPEARANCE_KEYS if k in value]))
            elif isinstance(value, str):
                ref = REGISTRY.match(value)
                if ref is not None:
                    walker.found.append(Found(Hit(ref, "link", handle=ref.handle), "jsonld:ClaimReview/itemReviewed",
                                              node.get("claimReviewed") if isinstance(node.get("claimReviewed"), str)
                                              else None))


def page_titles(doc: Document) -> list[str]:
    """The titles this page gives itself, to know its object in a JSON state blob by."""
    titles = [t for t in (doc.meta_first("og:title"), doc.meta_first("twitter:title")) if t]
    head = doc.head
    title = head.findtext("title") if head is not None else None  # (not ".//title": a whole-tree search)
    if title:
        titles.append(title.strip())
        titles.extend(part.strip() for part in re.split(r"\s[|·–—-]\s", title) if part.strip())
    return titles


def find_posts_in_text(text: str) -> list[Post]:
    return merge([(th.hit, f"char:{th.offset}", th.context) for th in find_text_posts(text)])


def merge(found: list[tuple[Hit, str, str | None]]) -> list[Post]:
    """Group hits by post; fill each field from the first hit that knows it."""
    posts: dict[tuple, Post] = {}
    idless: list[tuple[Post, Hit]] = []
    for position, (hit, locator, context) in enumerate(found):
        ev = Evidence(form=hit.form, locator=locator, position=position, context=context)
        ref = hit.ref
        if ref.post_id is None:
            post = _match_idless(posts.values(), hit)
            if post is None:
                post = _new_post(hit)
                posts[("idless", position)] = post
                idless.append((post, hit))
            post.evidence.append(ev)
            _fill(post, hit)
            continue
        key = (ref.platform, ref.post_id)
        post = posts.get(key)
        if post is None:
            post = _new_post(hit)
            posts[key] = post
        elif ref.handle and not post.author.handle:
            post.url = ref.url
        post.evidence.append(ev)
        _fill(post, hit)
    # a text-form post seen before its embed: fold it into the embed's post
    out = list(posts.values())
    for post, hit in idless:
        target = _match_idless([p for p in out if p is not post and p.post_id], hit)
        if target is not None and post in out:
            target.evidence.extend(post.evidence)
            target.evidence.sort(key=lambda e: e.position)
            _fill(target, hit)
            out.remove(post)
    out.sort(key=lambda p: p.evidence[0].position)
    return out


def _new_post(hit: Hit) -> Post:
    r = hit.ref
    return Post(platform=r.platform, post_id=r.post_id, url=r.url, kind=r.kind,
                author=Author(handle=None, name=None))


def _fill(post: Post, hit: Hit) -> None:
    handle = hit.handle or hit.ref.handle
    if handle and not post.author.handle:
        post.author.handle = handle
    if hit.name and not post.author.name:
        post.author.name = hit.name
    if hit.posted and not post.posted:
        post.posted = hit.posted
    if hit.text and not post.text:
        post.text = hit.text
    for m in hit.media:
        if m not in post.media:
            post.media.append(m)


def _match_idless(posts, hit: Hit) -> Post | None:
    """An id-less (text-form) hit is the same post as one with the same handle and day."""
    handle = (hit.handle or hit.ref.handle or "").lower()
    if not handle:
        return None
    for p in posts:
        if p.platform != hit.ref.platform or (p.author.handle or "").lower() != handle:
            continue
        if hit.posted and p.posted and p.posted[:10] != hit.posted[:10]:
            continue
        return p
    return None
