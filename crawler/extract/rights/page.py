"""Choosing each line's scope and the page's own rights line among text, meta, links and JSON-LD.

Three levels are kept apart (see the embeds-and-rights doc, section 5): the site's own line
(``page``: footer, ``meta name=copyright``), this text's rights (``article``: wire notices,
JSON-LD Article fields) and media credits (``media``: captions, ImageObject fields). The first
``page`` entry is the page's rights line: footer text before meta tags before JSON-LD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.document import Document, collapse, merge_walked
from crawler.extract.fastre import with_first_chars
from crawler.extract.rights.machine import jsonld_rights, license_links, meta_rights
from crawler.extract.rights.signs import ANY_SIGN, IN_FOOTER, NAMED_COPYRIGHT, SignScan, placement, text_candidates
from crawler.extract.rights.statement import entry, parse_statement
from crawler.records import Rights

_WIRE = with_first_chars(re.compile(
    r"associated press|\bAP\b|reuters|agence france-presse|\bAFP\b|\bdpa\b|\bEFE\b|\bANSA\b|"
    r"press association|\bPA Media\b|bloomberg news|\bKyodo\b|xinhua|\bUPI\b", re.I))
_AGENCY = (r"dpa|afp|ap|reuters|epa|efe|ansa|apa|anp|sipa|pa|xinhua|imago|getty(?: images)?|"
           r"picture[- ]alliance|keystone|tass|belga|ritzau|ntb|tt|kyodo|yonhap|aap|ddp|kna|zuma")
# A picture's credit: a credit word ("Photo:", "Foto:", "Credit:"), a picture library, or an
# agency credit of the "NAME/AGENCY" or "AGENCY/NAME" form, which names a wire service but is a
# credit for one picture, not the text's syndication. (The "NAME/" side is a look-behind so that
# a match starts at a few known characters: see fastre.)
_MEDIA_CREDIT = with_first_chars(re.compile(
    r"\b(?:AP Photo|REUTERS/|via Getty Images|Getty Images|Shutterstock|Unsplash|iStock|imago|"
    r"picture alliance|(?:photos?|fotos?|bild|image|picture|pic|credit|crédit(?: photo)?|"
    r"photograph|illustration|bildnachweis|fotografía|grafik|infografik|infographic|chart data)\s?:)|"
    rf"(?:(?<=\w)|(?<=\w\s))/\s?(?:{_AGENCY})\b|\b(?:{_AGENCY})\s?/\s?\w", re.I))
# Every match of _MEDIA_CREDIT holds a "/" or a ":" except a picture library's bare name: in a
# text with neither (most rights lines) only those are searched, a much shorter alternation.
_LIBRARY = with_first_chars(re.compile(
    r"\b(?:AP Photo|via Getty Images|Getty Images|Shutterstock|Unsplash|iStock|imago|picture alliance)", re.I))


def media_credit(text: str) -> bool:
    """``_MEDIA_CREDIT.search(text) is not None``, faster; or a picture word before the sign
    ("All photos © 2024 Jane Smith", "Top image © ...")."""
    if ("©" in text or "&copy;" in text) and _PICTURE_SIGN.search(text):
        return True
    if "/" in text or ":" in text:
        return _MEDIA_CREDIT.search(text) is not None
    return _LIBRARY.search(text) is not None


_PICTURE_SIGN = re.compile(r"\b(?:photos?|images?|pictures?|illustrations?|graphics?|grafik|fotos?|bilder?|"
                           r"charts?|maps?|video)\s*(?:©|&copy;)", re.I)


# Data-vendor and market-data notices (quotes, prices, index data): a credit for a widget's
# data, never the page's own line.
_DATA_NOTICE = with_first_chars(re.compile(
    r"\b(?:market|financial|stock|fund|price|pricing|exchange|index|quotes?|ticker)\s+data\s+"
    r"(?:is\s+|are\s+)?(?:provided|supplied|powered|sourced|delivered|courtesy|by|from|©)|"
    r"\bdata\s+(?:is\s+|are\s+)?(?:provided|supplied|powered|delivered)\s+by\b|"
    r"\bquotes?\s+(?:are\s+|is\s+)?(?:delayed|provided|supplied|powered)|"
    r"\bdelayed\s+(?:by\s+)?(?:at\s+least\s+)?\d+\s*min", re.I))
_UNSUBSCRIBE = re.compile(r"\bunsubscribe\b|\babmelden\b|se d[ée]sabonner|darse de baja|cancelar (?:la )?suscripci",
                          re.I)  # an email's footer link
_SEPARATOR = re.compile(r"\s[|·•]\s|(?<=[.!?])\s")
_BAR = re.compile(r"\s[|·•]\s")
_WORD = re.compile(r"[^\W_]+")


def _kind(statement: str, scope: str) -> str:
    if scope == "media":
        return "credit"
    if _WIRE.search(statement) and scope == "article":
        return "syndication"
    return "copyright"


def _in_quotes(head: str) -> bool:
    """An opening quotation mark before the statement is still open: the article quotes it."""
    if "„" in head:  # German „…“, whose closer is the English opener
        return head.count("„") > head.count("“")
    return (head.count("“") > head.count("”") or head.count("«") != head.count("»")
            or head.count('"') % 2 == 1)


def _context(text: str, statement: str) -> tuple[str, str, str]:
    """What stands before the statement in its own segment (up to a sentence end or a
    ``|``/``·`` separator: where "Photo:" would make it a credit), and the text before and after
    it up to a ``|``/``·`` separator, sentences included (where a market-data notice would be)."""
    i = text.find(statement)
    if i < 0:
        return "", "", ""
    head = text[max(0, i - 200):i]
    tail = text[i + len(statement):i + len(statement) + 200]
    return _SEPARATOR.split(head)[-1], _BAR.split(head)[-1], _BAR.split(tail, maxsplit=1)[0]


def _site_words(doc: Document) -> set[str]:
    """Words naming the site itself (og:site_name, application-name, the JSON-LD publisher, the
    host's labels): a line whose holder is the site is its own line, whatever notice stands next
    to it."""
    named = [*doc.meta.get("og:site_name", ()), *doc.meta.get("application-name", ())]
    for node in doc.jsonld:  # the publisher the page's JSON-LD declares, by name and legal name
        publisher = node.get("publisher")
        for pub in publisher if isinstance(publisher, list) else (publisher,):
            pub = doc.resolve(pub)
            if isinstance(pub, dict):
                named.extend(v for v in (pub.get("name"), pub.get("legalName")) if isinstance(v, str))
    names = " ".join(named)
    host = urlsplit(doc.url).hostname or ""
    words = set(_WORD.findall(names.lower())) | set(host.lower().split(".")[:-1])
    return {w for w in words if len(w) > 2 and w not in ("www", "the", "news", "com")}


def _vendor_notice(line: _Line, site: set[str]) -> bool:
    """A data vendor's line: the statement names market data, or follows such a notice, or is
    followed by one that names its holder; never a line whose holder is the site."""
    holder_words = set(_WORD.findall((line.parsed["holder"] or "").lower()))
    if holder_words & site:
        return False
    if line.data_notice:
        return True
    return line.notice_after and any(w in line.tail.lower() for w in holder_words if len(w) > 2)


@dataclass(frozen=True, slots=True)
class _Line:
    """What a rights line's text says by itself, whatever the page: its statement and the
    notices and credits around it. Cached per text, as the pages of one site repeat their footer."""

    parsed: dict[str, Any]  # parse_statement's result: copied before a caller changes it
    quoted: bool  # an opening quotation mark before the statement is still open
    before: str  # see _context
    tail: str
    data_notice: bool  # the statement or what stands before it names market data
    notice_after: bool  # what follows it does
    credit: bool  # "Photo: NAME © 2025 AGENCY": a credit word before or in the statement
    credit_in_text: bool  # a credit anywhere in the block's text
    wire: bool  # the statement names a wire service


@lru_cache(maxsize=4096)
def line_facts(text: str) -> _Line | None:
    """What ``text`` says as a rights line by itself (None: it holds no statement), cached."""
    parsed = parse_statement(text)
    if parsed is None:
        return None
    statement = parsed["statement"]
    i = text.find(statement)
    before, head, tail = _context(text, statement)
    return _Line(parsed=parsed, quoted=i > 0 and _in_quotes(text[:i]), before=before, tail=tail,
                 data_notice=bool(_DATA_NOTICE.search(statement) or _DATA_NOTICE.search(head)),
                 notice_after=_DATA_NOTICE.search(tail) is not None,
                 credit=media_credit(before) or media_credit(statement),
                 credit_in_text=media_credit(text),
                 wire=_WIRE.search(statement) is not None)


def find_rights(doc: Document, scan: SignScan | None = None) -> list[Rights]:
    """Every rights statement of the page; ``scan`` reuses the posts walker's pass."""
    footer: list[tuple[Rights, int]] = []  # (line, placement's in_footer: IN_FOOTER or NAMED_COPYRIGHT)
    footer_wire: list[tuple[Rights, int]] = []  # a wire's line in the footer ("copyright-providers")
    page_other: list[Rights] = []
    article: list[Rights] = []
    media: list[Rights] = []
    site: set[str] | None = None
    for el, text in text_candidates(doc, scan):
        scope, in_footer = placement(el)
        if scope == "quote":
            continue
        if scope == "page" and not in_footer and _UNSUBSCRIBE.search(text):
            in_footer = IN_FOOTER  # an email's footer (a newsletter has no <footer>): "© NAME | Unsubscribe"
        line = line_facts(text)
        if line is None or line.quoted:
            continue  # "its footer read “© 2019 Other Site”": a quotation, not a line of this page
        parsed = {**line.parsed, "years": list(line.parsed["years"]),
                  "restrictions": list(line.parsed["restrictions"])}
        if site is None:
            site = _site_words(doc)
        if _vendor_notice(line, site):
            media.append(entry(parsed, "credit", "text", "media"))  # a data vendor's notice
            continue
        if line.credit:
            media.append(entry(parsed, "credit", "text", "media"))  # "Photo: NAME © 2025 AGENCY"
            continue
        if not in_footer and scope in ("article", "page") and _cites_other_site(el, doc, parsed, site, text):
            continue  # a cited web page's own line, listed with its link in the text
        if scope == "article" and not line.wire:
            if line.credit_in_text or not parsed["years"]:
                scope = "media"
            else:
                scope = "page"
        if in_footer and parsed["holder"] is None:
            # "<b>Name</b><br>© All rights reserved."
            parsed["holder"] = _name_on_line_before(el, parsed["statement"])
        if scope == "page" and not in_footer and not parsed["years"] and not parsed["reserved"]:
            scope = "media"  # "© Name" with no year outside the footer: a picture credit
        kind = "credit" if scope == "media" else "syndication" if line.wire and scope == "article" else "copyright"
        found = entry(parsed, kind, "text", scope)
        if in_footer:
            (footer_wire if line.wire else footer).append((found, in_footer))
        else:
            (page_other if scope == "page" else article if scope == "article" else media).append(found)
    if footer and footer_wire:
        # a portal's footer credits the wire whose stories it carries, beside its own line: the
        # wire's line is this story's syndication, the portal's is the page's
        article = [replace(e, kind="syndication", scope="article") for e, _ in footer_wire] + article
    else:
        footer += footer_wire  # the wire's own site: its line is the page's
    meta = meta_rights(doc)
    links, link_page = license_links(doc, scan)
    jsonld_article, jsonld_media = jsonld_rights(doc)
    # dated or reserved footer lines first, the footer's own before an element merely named
    # "copyright" (a station's line under each story); undated ones last-first (credits precede
    # the footer)
    dated = [(e, where) for e, where in footer if e.years or e.reserved]
    footer_lines = [e for e, _ in sorted(dated, key=lambda pair: pair[1] == NAMED_COPYRIGHT)] + [
        e for e, _ in reversed(footer) if not (e.years or e.reserved)]
    unsigned = [] if (footer or page_other or meta or article or jsonld_article) else _unsigned_line(doc, scan)
    ordered = (footer_lines + page_other + meta + unsigned + link_page + article + jsonld_article + links + media
               + jsonld_media)
    return _dedupe(ordered)


def _cites_other_site(el, doc: Document, parsed: dict, site: set[str], text: str) -> bool:
    """A line in the article's text after a link to another site, naming a holder that is not
    this site: the article lists a source page with its rights line ("<a>Page</a>, © 2019 X").
    A link inside the line, after its sign, is part of it ("© 2013 CNN. <a>Turner Broadcasting
    System, Inc.</a> All Rights Reserved."): the site's parent company, not a cited page."""
    if not parsed["holder"] or set(_WORD.findall(parsed["holder"].lower())) & site:
        return False
    own = _site_domain(urlsplit(doc.url).hostname or "")
    sign_at = text.find(parsed["statement"][:12])
    for a in el.iter("a"):
        try:
            host = urlsplit(a.get("href") or "").hostname or ""
        except ValueError:
            continue
        if not host or _site_domain(host) == own or _site_domain(host) in _SOCIAL_DOMAINS:
            continue  # (a "follow us on Facebook | Instagram" link before the site's own line cites no page)
        label = collapse(a.text_content())
        if not label:
            continue  # a badge or seal (an image linking its issuer) names no page the text cites
        at = text.find(label)
        if sign_at < 0 or at < 0 or at < sign_at:
            return True
    return False


# the networks a "follow us" line links to (rights does not import the embeds registry, which
# imports rights: these few registrable domains are all it needs)
_SOCIAL_DOMAINS = frozenset(("facebook.com", "facebook.de", "fb.com", "instagram.com", "twitter.com", "x.com",
                             "youtube.com", "tiktok.com", "linkedin.com", "pinterest.com", "threads.net", "threads.com",
                             "bsky.app", "t.me", "whatsapp.com", "xing.com", "vk.com"))


def _site_domain(host: str) -> str:
    """The registrable part of a host (wp.pl for sportowefakty.wp.pl, bbc.co.uk for www.bbc.co.uk)."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov", "edu", "ne", "or") else 2
    return ".".join(labels[-keep:])


def _name_on_line_before(el, statement: str) -> str | None:
    """The short line just before a holderless line in the same block, when it is a name."""
    lines: list[str] = []
    current: list[str] = []
    for node in el.iter():
        if node.tag == "br" or (node is not el and node.tag in ("p", "div", "li")):
            lines.append("".join(current))
            current = []
        if node is not el and node.tag not in ("br",) and isinstance(node.tag, str) and node.text:
            current.append(node.text)
        if node is el and node.text:
            current.append(node.text)
        if node is not el and node.tail:
            current.append(node.tail)
    lines.append("".join(current))
    lines = [collapse(x) or "" for x in lines]
    head = statement[:12]
    for i, line in enumerate(lines):
        if head in line and line.startswith(head) and i > 0:
            before = lines[i - 1]
            if before and len(before) <= 60 and len(before.split()) <= 6 and not re.search(r"\d", before):
                return before.strip(" ,;:·•|-–—")
            return None
    return None


_NAMED = "[contains(@class, 'opyright') or contains(@id, 'opyright')]"
_COPYRIGHT_NAMED = etree.XPath(f"//*{_NAMED}")
_COPYRIGHT_NAMED_BELOW = etree.XPath(f"descendant::*{_NAMED}")


def _copyright_named(doc: Document, scan: SignScan | None):
    """Elements whose class or id says "copyright", in document order: met by the posts walker
    (plus the subtrees it did not enter) when there was one, else found by XPath (in C)."""
    if scan is None or not scan.walked:
        return _COPYRIGHT_NAMED(doc.tree)
    return merge_walked(scan.named, scan.pruned, _COPYRIGHT_NAMED_BELOW)


def _unsigned_line(doc: Document, scan: SignScan | None = None) -> list[Rights]:
    """The holder a site-wide element named "copyright" shows without a sign (CSS ``::before``
    or JavaScript writes the © and the year): its first short text that is not a link.

    Asked only of pages where no signed line was found.
    """
    for el in _copyright_named(doc, scan):
        if el.tag in ("a", "link", "meta", "script", "style") or placement(el)[0] != "page":
            continue
        for node in el.iter():
            if node is not el and (not isinstance(node.tag, str) or node.tag in _NOT_HOLDER_TAGS or any(
                    a.tag in _NOT_HOLDER_TAGS for a in _ancestors_below(node, el))):
                continue  # (a link's text, a social icon's "Facebook", is not the holder)
            text = collapse(node.text)
            if not text or len(text) > 80 or len(text.split()) > 8 or not re.search(r"[^\W\d_]{2}", text):
                continue
            if parse_statement(text) is not None or re.match(r"(?i)copyright\b|[/|·•]", text):
                break  # a signed or titled element: not an unsigned holder
            if _LICENCE_WORDS(text):
                break  # "Text is available under the <a>CC BY-SA</a>": a licence line, read as one
            if _MAKER_CREDIT.search(text) or _NO_HOLDER(text):
                continue  # "Crafted with ♥ by TemplatesYard": who made the site or its theme; "Follow us"
            # read as the line it is once the sign is shown: "Nikkei Inc. No reproduction without
            # permission." is the holder and a restriction, "中国日报版权所有" a holder and "all rights
            # reserved"; "@2016 - Name" (an at for the sign) a year and a holder
            parsed = parse_statement(_AT_YEAR.sub("© ", text, count=1) if _AT_YEAR.match(text) else f"© {text}") or {}
            if not (parsed.get("reserved") or parsed.get("restrictions") or parsed.get("years")):
                parsed = {}  # a name alone is the holder whole ("Yahoo - ABC News Network")
            holder = parsed.get("holder") or text.strip(" ,;:·•|-–—")
            return [Rights(statement=text, holder=holder, years=parsed.get("years") or [], kind="copyright",
                           reserved=parsed.get("reserved"), restrictions=parsed.get("restrictions") or [],
                           license_url=None, source="text", scope="page")]
    return []


_NOT_HOLDER_TAGS = ("a", "script", "style", "button")
# the label of the social icons beside the line, a story's "original content" tag (WeChat's
# <span id="copyright_logo">原创</span>): in a copyright slot, but no name
_NO_HOLDER = re.compile(r"(?:follow|folge?n?(?: sie)?|suivez|s[íi]guenos|seguici|siga)\b|关注|關注|原创|原創",
                        re.I).match
_LICENCE_WORDS = re.compile(r"\blicen[cs]|available under", re.I).search
_AT_YEAR = re.compile(r"@\s?(?=(?:19|20)\d\d\b)")


def _ancestors_below(node, top):
    for a in node.iterancestors():
        if a is top:
            return
        yield a


# who built the site or its theme, in a footer's copyright slot: not a holder
_MAKER_CREDIT = re.compile(
    r"^\W*(?:hand-?)?(?:crafted|designed|made|built|powered|developed|created|coded|theme|template|"
    r"website|site)\b.{0,40}?\b(?:by|with|on)\b", re.I)


def _dedupe(entries: list[Rights]) -> list[Rights]:
    seen: set[tuple] = set()
    out = []
    for e in entries:
        key = (e.statement.lower(), e.scope, e.source)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def find_rights_in_text(text: str) -> list[Rights]:
    """Rights lines of a plain-text article: last lines first count as the page's own."""
    out = []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if not ANY_SIGN.search(line):
            continue
        parsed = parse_statement(line)
        if parsed is None:
            continue
        scope = "article" if _WIRE.search(parsed["statement"]) and i < len(lines) - 1 else "page"
        if media_credit(line):
            scope = "media"
        out.append(entry(parsed, _kind(parsed["statement"], scope), "text", scope))
    return _dedupe(out)
