"""Copyright, licence, syndication and credit statements, each with holder, years and scope.

Three levels are kept apart (see the embeds-and-rights doc, section 5): the site's own line
(``page``: footer, ``meta name=copyright``), this text's rights (``article``: wire notices,
JSON-LD Article fields) and media credits (``media``: captions, ImageObject fields). The first
``page`` entry is the page's rights line: footer text before meta tags before JSON-LD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from crawler.extract.document import Document, collapse, is_article_body, merge_walked, node_types
from crawler.records import Rights

_SYM = r"(?:©|ⓒ|Ⓒ|&copy;|&#169;|&#x0*a9;|\\u00a9)"
_SIGN = rf"(?:{_SYM}|\(c\)|\bcopyright\b|\bcopr\.)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_RANGE = rf"(?P<y1>{_YEAR})(?:\s*[-–—/]\s*(?P<y2>{_YEAR}|\d\d\b|present|today|heute|hoy))?"
_RESERVED_ALL = re.compile(
    r"all rights reserved|alle rechte vorbehalten|todos los derechos reservados|"
    r"todos os direitos reservados|tous droits réservés|tutti i diritti riservati|"
    r"alle rechten voorbehouden|جميع الحقوق محفوظة|無断転載(?:を)?禁(?:止|じます)|版权所有|版權所有|"
    r"무단\s?전재|all reproduction and representation rights reserved|"
    r"alle rechte für die wiedergabe|derechos reservados|direitos reservados|rights reserved",
    re.I,
)
_RESERVED_SOME = re.compile(r"some rights reserved|algunos derechos reservados|certains droits réservés", re.I)
_RESTRICTION_WORDS = re.compile(
    r"reproduc|republi|redistribut|rewritten|broadcast|without (?:the )?(?:prior )?(?:written )?"
    r"(?:permission|consent)|prohibited|untersagt|prohibida|interdite|재배포", re.I)
_RESTRICTION = re.compile(rf"[^.]*(?:{_RESTRICTION_WORDS.pattern})[^.]*\.?", re.I)
_SENTENCE_PIECE = re.compile(r"[^.]+\.?")
_ANY_SIGN = re.compile(rf"{_SYM}|\(c\)\s*{_YEAR}|\bcopyright\b|\bcopr\.|{_RESERVED_ALL.pattern}|®", re.I)
# Case-sensitive literals only: a fast first test for _ANY_SIGN on every text node of a page.
# Each literal starts at a fairly rare character ("pyright", not "copyright"; "serv", not
# "reserv"), which lets the regex engine skip ahead: three times faster than the plain words.
_QUICK = re.compile(r"©|ⓒ|Ⓒ|&copy;|&#|\\u00a9|\([cC]\)|pyright|PYRIGHT|opr\.|OPR\.|®|serv|SERV|behalt|BEHALT|"
                    r"orbehoud|محفوظة|無断|版权|版權|무단")
_WIRE = re.compile(
    r"associated press|\bAP\b|reuters|agence france-presse|\bAFP\b|\bdpa\b|\bEFE\b|\bANSA\b|"
    r"press association|\bPA Media\b|bloomberg news|\bKyodo\b|xinhua|\bUPI\b", re.I)
_MEDIA_CREDIT = re.compile(r"\b(?:AP Photo|REUTERS/|via Getty Images|Getty Images|Photo:|Foto:|Bild:|"
                           r"Shutterstock|Unsplash|iStock|imago|picture alliance)", re.I)
_TEMPLATE = re.compile(r"\{\{|\{year\}|\$\{|<%|\[year\]", re.I)
_NOT_STATEMENT = re.compile(r"^(?:copyright (?:policy|information|notice|info)|copyright & |"
                            r"copyright and |copyright-?hinweis|copyright$)", re.I)
_CC = re.compile(r"creativecommons\.org/(?:licenses/(?P<kind>by(?:-nc)?(?:-nd|-sa)?)/(?P<ver>\d\.\d)|"
                 r"publicdomain/(?P<pd>zero|mark)/(?P<pdver>\d\.\d))", re.I)
_FOOTER_NAMES = re.compile(r"footer|copyright|colophon|legal|bottom|site-info|siteinfo", re.I)
_MEDIA_NAMES = re.compile(r"caption|credit|figcaption|photo-?info|image-?source|bildquelle", re.I)
_SKIP = {"script", "style", "head", "title", "template", "svg", "noscript", "select", "option"}
_BLOCKS = {"p", "div", "li", "footer", "section", "small", "address", "td", "span", "dd", "figcaption",
           "center", "font", "aside", "cite", "em", "strong", "b", "i", "h6", "h5", "h4"}


def _years(m: re.Match) -> list[int]:
    y1 = int(m.group("y1"))
    y2 = m.group("y2")
    if not y2 or not y2[:2].isdigit():
        return [y1]
    end = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
    return [y1, end] if end > y1 else [y1]


_SIGN_YEAR = re.compile(rf"(?:{_SIGN}[\s,:]*)+(?:{_SYM}\s*)?{_RANGE}", re.I)
_SIGN_ONLY = re.compile(rf"(?:{_SIGN}[\s,:]*)+", re.I)
_YEAR_ANY = re.compile(_RANGE, re.I)
_REG_YEAR = re.compile(rf"®\s*{_RANGE}", re.I)
_CUT = re.compile(rf"\.(?:\s|$)|\s[|·•]\s?|\s[-–—]\s|{_RESERVED_ALL.pattern}|{_RESERVED_SOME.pattern}|"
                  r"\bis a registered\b|,\s*(?:a division|a subsidiary|part of)|\s{3,}|\n", re.I)
_HOLDER_TRIM = " \t,;:·•|-–—()[]\"'“”"


def _clean_holder(raw: str) -> str | None:
    raw = _CUT.split(raw.lstrip(_HOLDER_TRIM + " "), maxsplit=1)[0]
    raw = re.sub(rf"^(?:{_SIGN}|by|von|por|par|di|of)\s+", "", raw.strip(_HOLDER_TRIM), flags=re.I)
    raw = re.sub(rf"\s*{_YEAR}\s*$", "", raw).strip(_HOLDER_TRIM)
    raw = re.sub(rf"^{_SIGN}\s*", "", raw, flags=re.I).strip(_HOLDER_TRIM)
    if not raw or len(raw) > 80 or len(raw.split()) > 10 or not re.search(r"[^\W\d_]", raw):
        return None
    if raw.lower() in ("all", "copyright", "the", "by"):
        return None
    return raw


def parse_statement(text: str) -> dict[str, Any] | None:
    """Holder, years, reservation and restrictions of one rights line, or None."""
    text = collapse(text) or ""
    if not text or _TEMPLATE.search(text) or _NOT_STATEMENT.match(text):
        return None
    holder = None
    years: list[int] = []
    start = 0
    m = _SIGN_YEAR.search(text)
    if m:
        years, start = _years(m), m.start()
        holder = _clean_holder(text[m.end():])
        if holder is None:  # "Holder © 2025"
            before = re.split(r"[|·•]|\.\s", text[: m.start()])[-1]
            holder = _clean_holder(before) if before.strip() else None
            if holder:
                start = text.rfind(before.strip(), 0, m.start())
    elif (m := _SIGN_ONLY.search(text)) and re.search(_SYM, m.group(0), re.I):
        start = m.start()
        after = text[m.end():]
        ym = _YEAR_ANY.search(after[:120])
        if ym and ym.start() < 80:  # "© Holder 2019", "© Copyright 2016, Holder"
            years = _years(ym)
            holder = _clean_holder(after[: ym.start()]) or _clean_holder(after[ym.end():])
        else:
            holder = _clean_holder(after)
        if holder is None and not years and not _RESERVED_ALL.search(text):
            return None
    elif _RESERVED_ALL.search(text):
        r = _RESERVED_ALL.search(text)
        ym = _REG_YEAR.search(text) or _YEAR_ANY.search(text)
        if not ym:
            return None
        years = _years(ym)
        start = min(ym.start(), r.start())
        holder = _clean_holder(text[ym.end():r.start()]) if ym.end() < r.start() else None
    else:
        return None
    statement = _statement_span(text, start)
    scope_text = text[max(0, start - 200):start + len(statement)]  # AFP/dpa put it first
    reserved = "some" if _RESERVED_SOME.search(scope_text) else (
        "all" if _RESERVED_ALL.search(scope_text) else None)
    # the sentence pieces (up to a dot) naming a restriction; what _RESTRICTION.finditer finds,
    # without its quadratic backtracking on long statements
    restrictions = [collapse(piece) for piece in _SENTENCE_PIECE.findall(statement)
                    if _RESTRICTION_WORDS.search(piece)]
    return {"statement": statement, "holder": holder, "years": years, "reserved": reserved,
            "restrictions": [r for r in restrictions if r]}


def _statement_span(text: str, start: int) -> str:
    """From the sign to the end of the rights sentences that follow it."""
    tail = text[start:]
    parts = re.split(r"(?<=\.)\s+|\s+\|\s+", tail)
    out = [parts[0]]
    for p in parts[1:]:
        if _RESERVED_ALL.search(p) or _RESERVED_SOME.search(p) or _RESTRICTION.match(p):
            out.append(p)
        else:
            break
    return " ".join(out)[:500].strip()


# ---- where a line stands ------------------------------------------------------------------


def _placement(el: HtmlElement) -> tuple[str, bool]:
    """(scope, in_footer) from the element's ancestors."""
    in_body = False
    for a in el.iterancestors():
        tag = a.tag if isinstance(a.tag, str) else ""
        names = f"{a.get('class') or ''} {a.get('id') or ''} {a.get('itemprop') or ''}"
        if tag in ("figcaption", "figure") or _MEDIA_NAMES.search(names) or "copyrightHolder" in names:
            return "media", False
        if tag == "footer" or (a.get("role") or "") == "contentinfo" or _FOOTER_NAMES.search(names):
            return "page", True
        if is_article_body(a, tag, names):
            in_body = True
    return ("article" if in_body else "page"), False


# The two tests of ``is_sign_text``, for the posts walker's inlined loop.
QUICK_SIGN, ANY_SIGN = _QUICK, _ANY_SIGN


def is_sign_text(piece: str | None) -> bool:
    """A text node that may hold a rights line (a cheap literal test, then the sign regex)."""
    return bool(piece) and not piece.isspace() and _QUICK.search(piece) is not None and (
        _ANY_SIGN.search(piece) is not None)


@dataclass
class SignScan:
    """Text nodes with a rights sign, collected by the posts walker in its one pass.

    ``holders`` are (visit order, element holding the text); ``pruned`` are subtrees the walker
    did not enter (comments, related stories), scanned here so that no rights line is missed.
    """

    holders: list[tuple[int, HtmlElement]] = field(default_factory=list)
    pruned: list[tuple[int, HtmlElement]] = field(default_factory=list)
    licenses: list[tuple[int, HtmlElement]] = field(default_factory=list)  # <a>/<link> with rel or a CC URL
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
    # most pruned subtrees (related stories, comments) hold no sign: ask libxml2 first
    if _QUICK.search(etree.tostring(root, method="text", encoding=str, with_tail=False)):
        yield from _holders_in(root, root_tail=False)


def _text_candidates(doc: Document, scan: SignScan | None = None) -> list[tuple[HtmlElement, str]]:
    if scan is None:
        body = doc.tree.find("body")
        holders = list(_holders_in(body if body is not None else doc.tree, root_tail=False))
    else:
        holders = merge_walked(scan.holders, scan.pruned, _pruned_holders)
    seen: set[int] = set()
    out: list[tuple[HtmlElement, str]] = []
    for holder in holders:
        block = holder
        while block.tag not in _BLOCKS and block.getparent() is not None:
            block = block.getparent()
        if id(block) not in seen:
            seen.add(id(block))
            out.append((block, _own_text(block)))
    return out


def _own_text(block: HtmlElement) -> str:
    parts = []
    for node in block.iter():
        tag = node.tag if isinstance(node.tag, str) else None
        if node is not block and (tag is None or tag in _SKIP):
            if node.tail:
                parts.append(node.tail)
            continue
        if node.text and tag is not None:
            parts.append(node.text)
        if node is not block and node.tail:
            parts.append(node.tail)
    text = " ".join(" ".join(parts).split())
    return text[:2000]


def _kind(statement: str, scope: str) -> str:
    if scope == "media":
        return "credit"
    if _WIRE.search(statement) and scope == "article":
        return "syndication"
    return "copyright"


def _entry(parsed: dict[str, Any], kind: str, source: str, scope: str,
           license_url: str | None = None) -> Rights:
    return Rights(statement=parsed["statement"], holder=parsed["holder"], years=parsed["years"],
                  kind=kind, reserved=parsed["reserved"], restrictions=parsed["restrictions"],
                  license_url=license_url, source=source, scope=scope)


def find_rights(doc: Document, scan: SignScan | None = None) -> list[Rights]:
    """Every rights statement of the page; ``scan`` reuses the posts walker's pass."""
    footer: list[Rights] = []
    page_other: list[Rights] = []
    article: list[Rights] = []
    media: list[Rights] = []
    for el, text in _text_candidates(doc, scan):
        scope, in_footer = _placement(el)
        parsed = parse_statement(text)
        if parsed is None:
            continue
        if scope == "article" and not _WIRE.search(parsed["statement"]):
            if _MEDIA_CREDIT.search(text) or not parsed["years"]:
                scope = "media"
            else:
                scope = "page"
        if scope == "page" and not in_footer and not parsed["years"] and not parsed["reserved"]:
            scope = "media"  # "© Name" with no year outside the footer: a picture credit
        if scope == "page" and _MEDIA_CREDIT.search(parsed["statement"]):
            scope = "media"
        entry = _entry(parsed, _kind(parsed["statement"], scope), "text", scope)
        (footer if in_footer else page_other if scope == "page" else
         article if scope == "article" else media).append(entry)
    meta = _meta_rights(doc)
    links, link_page = _license_links(doc, scan)
    jsonld_article, jsonld_media = _jsonld_rights(doc)
    # dated or reserved footer lines first; undated ones last-first (credits precede the footer)
    footer = [e for e in footer if e.years or e.reserved] + [
        e for e in reversed(footer) if not (e.years or e.reserved)]
    ordered = footer + page_other + meta + link_page + article + jsonld_article + links + media + jsonld_media
    return _dedupe(ordered)


def _meta_rights(doc: Document) -> list[Rights]:
    out = []
    for name in ("copyright", "dc.rights", "dcterms.rights", "dc:rights", "dcterms:rights", "rights"):
        for value in doc.meta.get(name, ()):
            parsed = parse_statement(value) or (
                {"statement": collapse(value), "holder": _clean_holder(value), "years": [],
                 "reserved": None, "restrictions": []} if value.strip() else None)
            if parsed and parsed["statement"]:
                out.append(_entry(parsed, "copyright", "meta", "page"))
    for name in ("dcterms.license", "dc.license"):
        for value in doc.meta.get(name, ()):
            out.append(Rights(statement=value, holder=None, years=[], kind="license", reserved=None,
                              restrictions=[], license_url=value if value.startswith("http") else None,
                              source="meta", scope="page"))
    return out


def _link_candidates(doc: Document, scan: SignScan | None):
    """<a> and <link> elements in document order: from the posts walker's pass when there was
    one (the head and the subtrees it did not enter are read here), else from the whole tree."""
    if scan is None or not scan.walked:
        return doc.tree.iter("a", "link")
    head = doc.tree.find("head")
    out = list(head.iter("a", "link")) if head is not None else []
    return out + merge_walked(scan.licenses, scan.pruned, lambda root: root.iter("a", "link"))


def _license_links(doc: Document, scan: SignScan | None = None) -> tuple[list[Rights], list[Rights]]:
    body_links, page_links = [], []
    for el in _link_candidates(doc, scan):
        rel = el.get("rel")
        href = el.get("href") or ""
        if not (rel and "license" in rel.lower().split()) and not (
                el.tag == "a" and ("ommons" in href or "OMMONS" in href) and _CC.search(href)):
            continue  # (a literal test first: pages have hundreds of links, few licences)
        scope, in_footer = _placement(el) if el.tag == "a" else ("page", False)
        if scope == "article" and not in_footer:
            scope = "article"
        text = collapse(el.text_content()) if el.tag == "a" else None
        m = _CC.search(href)
        name = None
        if m:
            name = (f"CC {m.group('kind').upper()} {m.group('ver')}" if m.group("kind")
                    else f"CC0 {m.group('pdver')}" if m.group("pd") == "zero" else "Public Domain Mark")
        reserved = "none" if m and m.group("pd") else "some" if m else None
        entry = Rights(statement=text or name or href, holder=None, years=[], kind="license",
                       reserved=reserved, restrictions=[], license_url=href or None, source="link",
                       scope="media" if scope == "media" else scope)
        (page_links if scope == "page" else body_links).append(entry)
    return body_links, page_links


def _holder_name(doc: Document, value: Any) -> str | None:
    if isinstance(value, list):
        for v in value:
            n = _holder_name(doc, v)
            if n:
                return n
        return None
    value = doc.resolve(value)
    if isinstance(value, str):
        return collapse(value)
    if isinstance(value, dict):
        n = value.get("name")
        if isinstance(n, str):
            return collapse(n)
        if "@id" in value and isinstance(value["@id"], str):  # unresolved: name from the id
            m = re.match(r"https?://(?:www\.)?([^/#]+)", value["@id"])
            if m:
                return m.group(1).split(".")[0]
    return None


def _year_list(value: Any) -> list[int]:
    if isinstance(value, int) and 1800 <= value <= 2200:
        return [value]
    if isinstance(value, str):
        m = _YEAR_ANY.search(value)
        if m:
            return _years(m)
    return []


def _jsonld_rights(doc: Document) -> tuple[list[Rights], list[Rights]]:
    article, media = [], []
    for node in doc.jsonld:
        types = node_types(node)
        is_media = bool(types & {"imageobject", "videoobject", "mediaobject", "audioobject"})
        holder = _holder_name(doc, node.get("copyrightHolder"))
        years = _year_list(node.get("copyrightYear"))
        notice = node.get("copyrightNotice") if isinstance(node.get("copyrightNotice"), str) else None
        credit = node.get("creditText") if isinstance(node.get("creditText"), str) else None
        lic = node.get("license")
        lic_url = lic if isinstance(lic, str) else (lic.get("url") or lic.get("@id")) if isinstance(lic, dict) else None
        if not (holder or years or notice or credit or lic_url):
            continue
        if not is_media and not (types & {"newsarticle", "article", "blogposting", "reportagenewsarticle",
                                          "webpage", "creativework", "analysisnewsarticle",
                                          "opinionnewsarticle", "liveblogposting", "techarticle"}):
            continue
        scope = "media" if is_media else "article"
        if holder or years or notice:
            parsed = parse_statement(notice) if notice else None
            statement = notice or " ".join(x for x in [
                "©", "-".join(map(str, years)) if years else "", holder or ""] if x)
            article_or_media = media if is_media else article
            article_or_media.append(Rights(
                statement=collapse(statement) or "©", holder=holder or (parsed or {}).get("holder"),
                years=years or (parsed or {}).get("years") or [],
                kind="credit" if is_media else "copyright",
                reserved=(parsed or {}).get("reserved"), restrictions=(parsed or {}).get("restrictions") or [],
                license_url=lic_url if isinstance(lic_url, str) else None, source="jsonld", scope=scope))
        elif lic_url and isinstance(lic_url, str):
            (media if is_media else article).append(Rights(
                statement=lic_url, holder=None, years=[], kind="license", reserved=None, restrictions=[],
                license_url=lic_url, source="jsonld", scope=scope))
        if credit:
            media.append(Rights(statement=collapse(credit) or credit, holder=collapse(credit), years=[],
                                kind="credit", reserved=None, restrictions=[], license_url=None,
                                source="jsonld", scope="media"))
    return article, media


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
        if not _ANY_SIGN.search(line):
            continue
        parsed = parse_statement(line)
        if parsed is None:
            continue
        scope = "article" if _WIRE.search(parsed["statement"]) and i < len(lines) - 1 else "page"
        if _MEDIA_CREDIT.search(line):
            scope = "media"
        out.append(_entry(parsed, _kind(parsed["statement"], scope), "text", scope))
    return _dedupe(out)
