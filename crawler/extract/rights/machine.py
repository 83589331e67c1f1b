"""Machine-readable rights: ``<meta>`` copyright and Dublin Core, licence links, JSON-LD
``copyrightHolder``/``copyrightYear``/``copyrightNotice``/``creditText``/``license``."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.document import Document, collapse, merge_walked, node_types
from crawler.extract.rights.holder import clean_holder
from crawler.extract.rights.signs import SignScan, placement
from crawler.extract.rights.statement import (
    YEAR_ANY,
    entry,
    name_and_years,
    parse_statement,
    years_of,
)
from crawler.records import Rights

_CC = re.compile(r"creativecommons\.org/(?:licenses/(?P<kind>by(?:-nc)?(?:-nd|-sa)?)/(?P<ver>\d\.\d)|"
                 r"publicdomain/(?P<pd>zero|mark)/(?P<pdver>\d\.\d))", re.I)


def meta_rights(doc: Document) -> list[Rights]:
    out = []
    for name in ("copyright", "dc.rights", "dcterms.rights", "dc:rights", "dcterms:rights", "rights"):
        for value in doc.meta.get(name, ()):
            parsed = parse_statement(value)
            if parsed is None and "(c)" in value.lower():  # "1999-2021 (c) NAME": the tag says "(c)" is the sign
                parsed = parse_statement(re.sub(r"\([cC]\)", "©", value))
            if parsed is None and value.strip():  # no sign: the tag says it is the copyright
                holder, years = name_and_years(value) or (clean_holder(value), [])  # "Harbour Post 2025"
                parsed = {"statement": collapse(value), "holder": holder, "years": years, "reserved": None,
                          "restrictions": []}
            if parsed and parsed["statement"]:
                out.append(entry(parsed, "copyright", "meta", "page"))
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
    head = doc.head
    out = list(head.iter("a", "link")) if head is not None else []
    return out + merge_walked(scan.licenses, scan.pruned, lambda root: root.iter("a", "link"))


def license_links(doc: Document, scan: SignScan | None = None) -> tuple[list[Rights], list[Rights]]:
    body_links, page_links = [], []
    for el in _link_candidates(doc, scan):
        rel = el.get("rel")
        href = el.get("href") or ""
        if not (rel and "license" in rel.lower().split()) and not (
                el.tag == "a" and ("ommons" in href or "OMMONS" in href) and _CC.search(href)):
            continue  # (a literal test first: pages have hundreds of links, few licences)
        scope, in_footer = placement(el) if el.tag == "a" else ("page", False)
        if scope == "quote":
            continue  # a licence link quoted from elsewhere
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
        # an @id the page's graph does not resolve names nobody we can tell: no name is made
        # up from its URL (the holder is unknown, the years still count)
    return None


def _year_list(value: Any) -> list[int]:
    if isinstance(value, int) and 1800 <= value <= 2200:
        return [value]
    if isinstance(value, str):
        m = YEAR_ANY.search(value)
        if m:
            return years_of(m)
    return []


_RIGHTS_KEYS = ("copyright", "creditText", "license")  # (copyrightHolder, copyrightYear, copyrightNotice)


def jsonld_rights(doc: Document) -> tuple[list[Rights], list[Rights]]:
    article, media = [], []
    if not doc.jsonld_may_hold(*_RIGHTS_KEYS):
        return article, media
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

