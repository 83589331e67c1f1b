"""Where rights lines can be: the sign patterns, the cheap per-text-node test the posts walker
runs on every text node, the text blocks holding a sign, and where such a block stands
(footer, article body, caption).

The patterns live here, below the statement parser, because the walker's per-node test and the
parser must agree on what a sign is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.document import Document, is_article_body, merge_walked
from crawler.extract.fastre import with_first_chars

SYM = r"(?:©|ⓒ|Ⓒ|&copy;|&#169;|&#x0*a9;|\\u00a9)"
SIGN = rf"(?:{SYM}|\(c\)|\bcopyright\b|\bcopr\.)"
YEAR = r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)"  # (a whole number: not four digits of a licence number)
RANGE = rf"(?P<y1>{YEAR})(?:\s*[-–—/~～]\s*(?P<y2>{YEAR}|\d\d\b|present|today|heute|hoy))?"
RESERVED_ALL = with_first_chars(re.compile(
    r"all rights reserved|alle rechte vorbehalten|todos los derechos reservados|"
    r"todos os direitos reservados|tous droits réservés|tutti i diritti riservati|"
    r"alle rechten voorbehouden|جميع الحقوق محفوظة|無断転載(?:を)?禁(?:止|じます)|版权所有|版權所有|"
    r"무단\s?전재|all reproduction and representation rights reserved|"
    r"alle rechte für die wiedergabe|derechos reservados|direitos reservados|rights reserved|"
    # the other languages' "all rights reserved", and Italy's "reproduction reserved"
    r"všechna práva vyhrazena|všetky práva vyhradené|wszelkie prawa zastrzeżone|все права защищены|"
    r"всі права захищені|tüm hakları saklıdır|alle rettigheder forbeholdes|alle rettigheter reservert|"
    r"alla rättigheter förbehållna|kaikki oikeudet pidätetään|minden jog fenntartva|"
    r"toate drepturile rezervate|όλα τα δικαιώματα διατηρούνται|כל הזכויות שמורות|riproduzione riservata|"
    r"всички права запазени|сва права задржана|сите права се задржани|усі права захищені|усе правы абаронены|"
    r"sva prava (?:pri|za)držana|vse pravice pridržane|visos teisės saugomos|visas tiesības aizsargātas|"
    r"kõik õigused kaitstud|tots els drets reservats|të gjitha të drejtat e rezervuara|alle regte voorbehou|"
    r"öll réttindi áskilin|με επιφύλαξη παντός δικαιώματος|hak cipta dilindungi|hak cipta terpelihara|"
    r"สงวนลิขสิทธิ์|सर्वाधिकार सुरक्षित|(?:تمامی|کلیه) حقوق محفوظ است",
    re.I,
))
RESERVED_SOME = with_first_chars(
    re.compile(r"some rights reserved|algunos derechos reservados|certains droits réservés", re.I))
ANY_SIGN = with_first_chars(
    re.compile(rf"{SYM}|\(c\)\s*{YEAR}|\bcopyright\b|\bcopr\.|{RESERVED_ALL.pattern}|®", re.I))
# Case-sensitive literals only: a fast first test for ANY_SIGN on every text node of a page.
# The regex engine skips ahead to the characters a match can start with, so each branch starts
# at a rare one: a literal whose own first letter is common is matched from a rarer letter inside
# it with a look-behind or look-ahead ("serv" from its "v", "pr." from its dot, "yright" from its
# "y", "behalt" from its "b"), which matches exactly where the literal does (a test holds it to
# the plain literals). On the real pages the test cost 0.15x of a parse in the walk with the
# plain literals ("s" and "p" stopped the engine everywhere), 0.08x in this form. "serv"
# (reserved, réservés, riservati) stays: its "v" forms alone ("ved") would pass every "moved".
QUICK_SIGN = re.compile(r"©|ⓒ|Ⓒ|®|&(?:copy;|#)|\\u00a9|\([cC]\)|y(?=right)|Y(?=RIGHT)|\.(?<=pr\.)|\.(?<=PR\.)|"
                        r"v(?<=serv)|V(?<=SERV)|b(?=ehalt|ehoud)|B(?=EHALT|EHOUD)|محفوظة|無断|版权|版權|무단")
_SITE_FOOTER_NAMES = re.compile(r"footer|colophon|legal|bottom|site-info|siteinfo|"
                                r"(?<![a-z])(?:pie|pied|fusszeile|fuss|rodape|piede|stopka|paticka|voettekst)(?![a-z])",
                                re.I)  # (the footer in Spanish, French, German, Portuguese, Italian, Polish ...)
_COPYRIGHT_NAME = re.compile(r"copyright", re.I).search
_MEDIA_NAMES = re.compile(r"caption|credit|figcaption|photo-?info|image-?source|bildquelle", re.I)
_SCREEN_READER_ONLY = re.compile(
    r"\b(?:sr-only|screen-reader-(?:text|only)|visually-?hidden|hidden-(?:label|text)|a11y-hidden|assistive-text)\b",
    re.I)
_SKIP = {"script", "style", "head", "title", "template", "svg", "noscript", "select", "option"}
_BLOCKS = {"p", "div", "li", "footer", "section", "small", "address", "td", "span", "dd", "figcaption",
           "center", "font", "aside", "cite", "em", "strong", "b", "i", "h6", "h5", "h4", "blockquote", "q"}
_QUOTES = {"blockquote", "q"}
_INLINE = {"span", "small", "font", "cite", "em", "strong", "b", "i"}
# a sign, a year or both, and nothing that could be a holder ("©", "© 2025", "Copyright ©")
_SIGN_PIECE = re.compile(r"^\W*(?:copyright|copr\.|\(c\))?\W*(?:\d{4}(?:\s*[-–]\s*\d{2,4})?)?\W*$", re.I)
# the sign with a reservation, the holder left to the line around it ("<b>NAME</b><span>Todos los
# Derechos Reservados ©</span>"; a reservation alone is the second half of a line already read),
# and "版权所有" alone, a label of the name beside it ("<i>版权所有：</i>NAME")
_RESERVED_PIECE = re.compile(
    rf"^\W*(?:(?:{RESERVED_ALL.pattern})\W*©|©\W*(?:\d{{4}}\W*)?(?:{RESERVED_ALL.pattern})|版权所有|版權所有)\W*$",
    re.I)


# ---- where a line stands ------------------------------------------------------------------


def _names(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"


@lru_cache(maxsize=8192)
def _name_marks(names: str) -> tuple[bool, bool, bool]:
    """(names a site footer, names a media credit, names "copyright"): one cached look per class
    and id string (placement asks it of every ancestor of every rights line; pages repeat them)."""
    return (_SITE_FOOTER_NAMES.search(names) is not None,
            _MEDIA_NAMES.search(names) is not None or "copyrightHolder" in names,
            _COPYRIGHT_NAME(names) is not None)


def _beside_picture(el: HtmlElement) -> bool:
    """A picture in the element or in the element next to it: the element is that picture's
    credit. Not any picture under its parent: a site's copyright element that sits in the page
    wrapper or in <body> has the article's photos and the ads' pixels there. A logo is no picture
    ("<img src=logo_footer.svg> Nikkei Inc. No reproduction without permission."). Nor is an
    element holding a row of links (a footer bar: "© 2019 Name | Impressum | AGB | Sitemap"), or
    the site's footer, header or menu beside it (its seals and partner logos), and a row of links
    or another part of the footer line beside it (a registration badge: "<div class=copyright>
    <img src=ghs.png> 沪公网安备 ...")."""
    if _link_row(el):
        return False
    for near in (el, el.getprevious(), el.getnext()):
        if near is None or not isinstance(near.tag, str):
            continue
        if near is not el and near.tag not in _PICTURE_TAGS and (
                near.tag in _CHROME_TAGS or next(near.iter("p", "article"), None) is not None or _link_row(near)
                or _footer_part(near)):
            continue  # a block of text beside it (the article with its photos), the site's chrome
        for pic in near.iter("img", "picture", "video"):
            if pic.tag == "picture" and next(pic.iter("img"), None) is not None:
                continue  # its <img> is asked
            if not _LOGO(" ".join(pic.get(a) or "" for a in ("src", "alt", "class", "id", "title"))):
                return True
    return False


_LOGO = re.compile(r"logo", re.I).search


def _link_row(el: HtmlElement) -> bool:
    """A row of links: a footer's menu, not a picture's caption."""
    return sum(1 for _ in el.iter("a")) >= 3


def _footer_part(el: HtmlElement) -> bool:
    """Named for a footer or for "copyright": a part of the footer line, not a picture's box."""
    names_footer, _, names_copyright = _name_marks(_names(el))
    return names_footer or names_copyright
_PICTURE_TAGS = ("img", "picture", "video", "figure")
_CHROME_TAGS = ("footer", "header", "nav", "aside")
# an article's own footer ("endofarticle", "article-footer", "entry-footer"): its lines are the
# article's (its print edition's "©SZ vom 15.05.2019"), not the site's, even outside <article>
_ARTICLE_FOOTER = re.compile(r"(?:article|entry|post|story)[-_]*(?:footer|foot|end)\b|end-?of-?article|"
                             r"endofarticle", re.I).search


def _in_article_body(el: HtmlElement) -> bool:
    """Inside an <article> or ``itemprop="articleBody"`` (the strong markers: themes name their
    page wrappers "post" or "content", and the site footer sits inside them)."""
    for a in el.iterancestors():
        if a.tag == "article" or (a.get("itemprop") or "").lower() == "articlebody":
            return True
    return False


def _footer_kind(el: HtmlElement, names: str, named_footer: bool) -> str | None:
    """What a footer-like element (``<footer>``, ``role=contentinfo``, a footer's name) is:
    ``page`` (the site's footer), ``article`` (an article's own: "entry-footer"), ``inside`` (one
    inside the article body), or None when it is no footer."""
    if not (el.tag == "footer" or (el.get("role") or "") == "contentinfo" or named_footer):
        return None
    if _in_article_body(el):
        return "inside"
    return "article" if _ARTICLE_FOOTER(names) else "page"


def _in_site_footer(el: HtmlElement) -> bool:
    """Inside the site's footer, with no figure between (a theme names the footer's line "credit")."""
    for a in el.iterancestors():
        if a.tag in ("figure", "figcaption"):
            return False
        names = _names(a)
        kind = _footer_kind(a, names, _name_marks(names)[0])
        if kind is not None:
            return kind == "page"
    return False


IN_FOOTER = 2  # placement's second value: the line is in the site's footer ...
NAMED_COPYRIGHT = 1  # ... or in an element merely named "copyright" outside the article
_FOOTER_PLACEMENT = {"page": ("page", IN_FOOTER), "article": ("article", False)}  # by _footer_kind


def placement(el: HtmlElement) -> tuple[str, int]:
    """(scope, in_footer) from the element and its ancestors; in_footer is ``IN_FOOTER``,
    ``NAMED_COPYRIGHT`` (a footer's line too, but second to the footer's own) or 0.

    The scope is ``quote`` inside a ``<blockquote>`` or ``<q>``: a line the article quotes from
    another site or post is neither the page's nor this article's. An element merely named
    "copyright" is the site's line only outside the article and away from pictures: inside the
    article or beside an image it is a picture's credit ("© 2024 NAME" under a lead image).
    """
    in_body = False
    if el.tag in _QUOTES:
        return "quote", False
    own_names = _names(el)
    own_footer, own_media, own_copyright = _name_marks(own_names)
    if (where := _FOOTER_PLACEMENT.get(_footer_kind(el, own_names, own_footer))) is not None:
        return where  # the line is the footer's own text ("<footer>© Name</footer>")
    if own_media or el.tag == "figcaption":
        if el.tag != "figcaption" and _in_site_footer(el):
            return "page", IN_FOOTER  # the site's footer line, named "credit" (<p class="credit">© 2017 NAME)
        return "media", False  # <span class="credit">© 2025 AFP</span>, a caption's own text
    named: HtmlElement | None = el if own_copyright else None
    for a in el.iterancestors():
        tag = a.tag if isinstance(a.tag, str) else ""
        if tag in _QUOTES:
            return "quote", False
        names = _names(a)
        footer, media, copyright_named = _name_marks(names)
        # "footer-credits", "site-info": the site's footer, although the name says credit; but
        # an article's own footer ("entry-footer", <footer> in <article>) holds the article's
        # lines (the wire's "Copyright 2025 The Associated Press"), not the site's
        if (where := _FOOTER_PLACEMENT.get(_footer_kind(a, names, footer))) is not None:
            return where
        if tag in ("figcaption", "figure") or media:
            return "media", False
        if named is None and copyright_named:
            named = a
        if is_article_body(a, tag, names):
            in_body = True
    if named is not None:
        if in_body or _beside_picture(named):
            return "media", False
        return "page", NAMED_COPYRIGHT
    return ("article" if in_body else "page"), False


def is_sign_text(piece: str | None) -> bool:
    """A text node that may hold a rights line (a cheap literal test, then the sign regex)."""
    return bool(piece) and not piece.isspace() and QUICK_SIGN.search(piece) is not None and (
        ANY_SIGN.search(piece) is not None)


@dataclass
class SignScan:
    """Text nodes with a rights sign, collected by the posts walker in its one pass.

    ``holders`` are (visit order, element holding the text); ``pruned`` are subtrees the walker
    did not enter (comments, related stories), scanned here so that no rights line is missed.
    """

    holders: list[tuple[int, HtmlElement]] = field(default_factory=list)
    pruned: list[tuple[int, HtmlElement]] = field(default_factory=list)
    licenses: list[tuple[int, HtmlElement]] = field(default_factory=list)  # <a>/<link> with rel or a CC URL
    named: list[tuple[int, HtmlElement]] = field(default_factory=list)  # class/id naming "copyright"
    walked: bool = False  # set by the walker once it has filled the lists

    def add(self, order: int, holder: HtmlElement | None, piece: str | None) -> None:
        if holder is not None and is_sign_text(piece):
            self.holders.append((order, holder))


def _holders_in(root: HtmlElement, *, root_tail: bool):
    """Elements holding sign text below ``root``, in document order (own walk, in C)."""
    events = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in events:
        if event == "start":
            if el.tag in _SKIP:
                events.skip_subtree()
            elif is_sign_text(el.text):
                yield el
            continue
        if (el is not root or root_tail) and is_sign_text(el.tail):
            parent = el.getparent()
            if parent is not None:
                yield parent


def _pruned_holders(root: HtmlElement):
    # most pruned subtrees (related stories, comments) hold no sign: ask libxml2 first, then test
    # their text nodes as lxml iterates them (a long comment thread has "serv" and "pr." in it
    # somewhere, but seldom a sign), and walk the subtree for the holders only when one is there
    if QUICK_SIGN.search(etree.tostring(root, method="text", encoding=str, with_tail=False)) and any(
            len(t) > 5000 or is_sign_text(t) for t in root.itertext()):  # (a script's long text: walk)
        yield from _holders_in(root, root_tail=False)


def text_candidates(doc: Document, scan: SignScan | None = None) -> list[tuple[HtmlElement, str]]:
    if scan is None:
        body = doc.body
        holders = list(_holders_in(body if body is not None else doc.tree, root_tail=False))
    else:
        holders = merge_walked(scan.holders, scan.pruned, _pruned_holders)
    seen: set[int] = set()
    out: list[tuple[HtmlElement, str]] = []
    for holder in holders:
        block = _block_of(holder)
        text = None  # read once per block, for the blocks not seen yet
        # "<span>©</span> <span>2025</span> <span>Name</span>": a sign alone in an inline element
        # is one piece of a line that its parent block holds whole
        while block.tag in _INLINE and (parent := block.getparent()) is not None:
            text = _own_text(block)
            if not _SIGN_PIECE.match(text) and not _RESERVED_PIECE.match(text):
                break
            block, text = _block_of(parent), None
        if id(block) not in seen:
            seen.add(id(block))
            out.append((block, text if text is not None else _own_text(block)))
    return out


def _block_of(el: HtmlElement) -> HtmlElement:
    while el.tag not in _BLOCKS and el.getparent() is not None:
        el = el.getparent()
    return el


def _own_text(block: HtmlElement) -> str:
    """The block's text in reading order, a line break (``<br>``, a nested block: a menu, an
    address line) written " | " so that a holder ends there ("Copyright © 2025<br>Harbour
    Ledger<br>123 Harbour St" is the holder "Harbour Ledger", not its address too)."""
    parts: list[str] = []
    skipped: set[HtmlElement] = set()
    events = etree.iterwalk(block, events=("start", "end", "comment", "pi"))
    for event, node in events:
        if event == "start":
            if node is not block and (node.tag in _SKIP or _SCREEN_READER_ONLY.search(node.get("class") or "")):
                events.skip_subtree()  # (so is a label only screen readers hear: "opens in a new tab")
                if node.tail:
                    parts.append(node.tail)
                skipped.add(node)
                continue
            if node is not block and node.tag in _LINE_TAGS:
                parts.append(" | ")
            if node.text:
                parts.append(node.text)
        elif node is not block:
            if event == "end" and node in skipped:
                continue  # passed over at its start, its tail read then
            if event == "end" and node.tag in _LINE_TAGS:
                parts.append(" | ")
            if node.tail:
                parts.append(node.tail)
    text = " ".join(" ".join(parts).replace("\xad", "").split())  # (soft hyphens: "Im\xadpres\xadsum")
    return _LINE_RUNS.sub(" | ", text).strip(" |")[:2000]


# elements that start a new line: a break, and the blocks a footer line shares its box with
_LINE_TAGS = frozenset(("br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "address", "section", "nav", "table",
                        "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "header", "footer", "aside", "blockquote",
                        "figure", "figcaption"))
_LINE_RUNS = re.compile(r"(?:\s*\|\s*){2,}")
