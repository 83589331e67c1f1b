"""One rights line in text: its holder, years, reservation and restrictions.

Pure string work; where the line stands on the page is decided by the callers.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.document import collapse
from crawler.extract.fastre import with_first_chars
from crawler.extract.rights import cjk
from crawler.extract.rights.holder import DOMAIN, HOLDER_TRIM, NAV_START, REGISTRY_IDS, clean_holder, name_like
from crawler.extract.rights.signs import RANGE, RESERVED_ALL, RESERVED_SOME, SIGN, SYM
from crawler.records import Rights

_RESTRICTION_WORDS = with_first_chars(re.compile(
    r"reproduc|republi|redistribut|rewritten|broadcast|without (?:the )?(?:prior )?(?:written )?"
    r"(?:permission|consent)|prohibited|untersagt|prohibida|interdite|재배포", re.I))
_RESTRICTION = re.compile(rf"[^.]*(?:{_RESTRICTION_WORDS.pattern})[^.]*\.?", re.I)
_SENTENCE_PIECE = re.compile(r"[^.]+\.?")
_TEMPLATE = re.compile(r"\{\{|\{year\}|\$\{|<%|\[year\]", re.I)
# "Copyright Policy", "Copyright Infringement Notification", "Copyrights": a link or a heading
# about copyright, not a line of it
_TOPIC = (r"(?:policy|information|info|notices?|notification|infringements?|agent|complaints?|claims?|act|"
          r"office|law|reform|terms|statement|disclaimer|protection|matters|permissions?|questions|issues)\b")
_NOT_STATEMENT = re.compile(rf"^(?:copyright {_TOPIC}|copyright & |"
                            r"copyright and |copyright-?hinweis|copyright$)", re.I)
_TOPIC_WORD = re.compile(_TOPIC, re.I)


def years_of(m: re.Match) -> list[int]:
    y1 = int(m.group("y1"))
    y2 = m.group("y2")
    if not y2 or not y2[:2].isdigit():
        return [y1]
    end = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
    return [y1, end] if end > y1 else [y1]


_SIGN_YEAR = with_first_chars(re.compile(rf"(?:{SIGN}[\s,:]*)+(?:{SYM}\s*)?{RANGE}", re.I))
_SIGN_ONLY = re.compile(rf"(?:{SIGN}[\s,:]*)+", re.I)
YEAR_ANY = re.compile(RANGE, re.I)
_REG_YEAR = re.compile(rf"®\s*{RANGE}", re.I)
_YEAR_BEFORE = re.compile(rf"{RANGE}[\s,]*$", re.I)  # "2001 – 2022 © Holder"


# a date as Java's and JavaScript's Date.toString() print it, where a footer meant the year:
# "© 1996-Thu Dec 15 06:14:35 EST 2016 National Geographic Society", "Thu Dec 15 2016 06:14:35 GMT-0500"
_DATE_STRING = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} "
    r"(?:\d\d:\d\d:\d\d [A-Z]{2,5} (?P<y>\d{4})|(?P<y2>\d{4}) \d\d:\d\d:\d\d GMT[+-]\d{4}(?: \([^)]{1,40}\))?)")
_SYM = re.compile(SYM, re.I)
_BEFORE_SPLIT = re.compile(r"[|·•∙]|\.\s|\s[-–—]\s")
_NAME_STOP = re.compile(r"\s[|·•∙]")
_REGISTRATION = re.compile(rf"\d{{5}}|^\W*(?:{REGISTRY_IDS}|RCS|Reg\.?)\b", re.I)


def _piece_before(text: str, end: int) -> str:
    """The last piece of ``text[:end]`` between separators, passing over a registration number
    ("Gazzetta S.r.l. - P.IVA 01234567890 - © 2025": the name is before the VAT number) and over
    the site's version ("DIARIO Bahía de Cádiz v. 5.0 – © 2004-2026")."""
    head = _VERSION_TAIL.sub("", text[:end])
    pieces = [p for p in _BEFORE_SPLIT.split(head) if p and p.strip(HOLDER_TRIM + " .")]
    while len(pieces) > 1 and _REGISTRATION.search(pieces[-1]):
        pieces.pop()
    return pieces[-1] if pieces else ""


def _name_before_reservation(text: str, sign: int) -> tuple[str, int] | None:
    """The holder before a reservation that the sign ends ("NAME All rights reserved ©"), and
    where it starts."""
    head = text[:sign]
    last = next(reversed(list(RESERVED_ALL.finditer(head))), None)
    if last is None or head[last.end():].strip(" .,|"):
        return None
    before = _piece_before(head, last.start()).strip()
    while (nav := NAV_START.match(before)) and nav.end() < len(before):
        before = before[nav.end():].strip()  # the footer's links before it: "Términos de Uso NAME"
    holder = clean_holder(before) if before else None
    return (holder, text.rfind(before, 0, last.start())) if holder else None


_SEPARATOR_AFTER = re.compile(r"\s*(?:[|·•∙—–]|-\s|\.(?:\s|$))")
_TO_WHOM = re.compile(r"^(?:a|à|to|by|por|par|di|von)\s+", re.I)  # "Todos os direitos reservados a Holder"
_SPAN_SPLIT = re.compile(r"(?<=\.)\s+|\s+\|\s+")


# the only name after "© YEAR" is a "Powered by" one: a publisher's network when it is no
# software (a CMS, a theme, a host), which makes the site, not its content
_POWERED_BY = re.compile(r"\s*(?:proudly\s+)?powered\s+by\s+(.{2,60})$", re.I)
_SOFTWARE = re.compile(r"wordpress|blogger|blogspot|ghost|jekyll|hugo|hexo|gatsby|squarespace|wix|weebly|"
                       r"drupal|joomla|typo3|contao|theme|elementor|shopify|tumblr|medium|substack|webflow|"
                       r"hubspot|jimdo|strato|ionos|cloudflare|netlify|github|vercel|mkdocs|sphinx", re.I)


_WORD_THEN_C = re.compile(r"copyright\s*\(c\)", re.I)  # "Copyright (c) 매경AX. All rights reserved."
# the word at the start of a line (a block's lines are joined by " | "): "港湾新聞... | Copyright NAME."
_WORD_ONLY = re.compile(r"(?:^|\||(?<=[.!?。]\s))\s*copyright\s+(?![\d©(])", re.I)  # (or after a sentence)
_VERSION_TAIL = re.compile(r"\s+v(?:ersion)?\.?\s?\d+(?:\.\d+)*(?=[\s\-–—|·]*$)", re.I)
_ISSUE_BEFORE = re.compile(r"(?:^|\|\s)(?P<name>[^|\d]{2,60}?)\s+\d{1,2}\s?/\s?(?=\d)")  # a print issue: "NAME 52/"
_ISSUE_WORD = re.compile(r"(?:ausgabe|heft|issue|edition|nr|no|vol|volume|num[ée]ro|n[úu]mero)\W*$", re.I)


_NAME_THEN_YEAR = re.compile(rf"(?P<name>[^\d©]{{2,80}}?)[\s,]+{RANGE}\s*\.?$", re.I)
_YEAR_THEN_NAME = re.compile(rf"^{RANGE}[\s,]+(?P<name>[^\d©]{{2,80}})$", re.I)


def name_and_years(raw: str) -> tuple[str, list[int]] | None:
    """A short "NAME YEAR" or "YEAR NAME" (a meta tag's copyright, a bare "Copyright" line's rest):
    the name as a holder and the years, or None when the text is not of that shape."""
    raw = raw.strip()
    m = _NAME_THEN_YEAR.match(raw) or _YEAR_THEN_NAME.match(raw)
    if m is None:
        return None
    name = m.group("name")  # "2022 Harbour Post AG, Switzerland": the name before the place
    holder = name_like(name) or ("," in name and name_like(name.split(",", 1)[0])) or None
    return (holder, years_of(m)) if holder else None


def _after_word(rest: str) -> tuple[str, list[int]] | None:
    """What follows a bare "Copyright": a name ("Copyright John H. Cochrane. Simple theme."), or a
    name and its years ("Copyright Harbour Post 2025"), up to a rights phrase or a separator
    ("Copyright NHK (Japan Broadcasting Corporation) All rights reserved.", "Copyright by NAME")."""
    rest = _TO_WHOM.sub("", rest.lstrip())
    if _TOPIC_WORD.match(rest):
        return None  # "Copyright Infringement Notification": a link about copyright
    for stop in (RESERVED_ALL.search(rest), _NAME_STOP.search(rest)):
        if stop is not None:
            rest = rest[:stop.start()]
    holder = name_like(rest)
    return (holder, []) if holder else name_and_years(rest)


# decimal digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, Thai, fullwidth ...)
# as ASCII ones, so that a year written in them is read as one
_DIGITS = {zero + i: 48 + i for zero in (0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6,
                                         0xD66, 0xE50, 0xED0, 0x1040, 0x17E0, 0xFF10) for i in range(10)}


def parse_statement(text: str) -> dict[str, Any] | None:
    """Holder, years, reservation and restrictions of one rights line, or None."""
    text = collapse(text) or ""
    if " ," in text:  # "<a>Vox Media</a>, Inc.": the text of a link and its tail were joined by a space
        text = text.replace(" ,", ",")
    if not text or _TEMPLATE.search(text) or _NOT_STATEMENT.match(text):
        return None
    if not text.isascii():
        text = text.translate(_DIGITS)  # "© ٢٠٢٤ NAME": the year in Arabic-Indic digits is 2024
    if ":" in text and (date := _DATE_STRING.search(text)):  # a server's date for the year
        text = text[:date.start()] + (date.group("y") or date.group("y2")) + text[date.end():]
    holder = None
    years: list[int] = []
    start = 0
    sign_end: int | None = None  # where "© 2025" ends, when the line has one
    m = _SIGN_YEAR.search(text)
    if m:
        years, start, sign_end = years_of(m), m.start(), m.end()
        # "Holder © 2025 | Privacy | Terms", "Holder © 2025. Powered by ...": the name stands before
        after = text[m.end():]
        separator_after = _SEPARATOR_AFTER.match(after) is not None
        holder = None if separator_after else clean_holder(after)
        before = _piece_before(text, m.start()) if holder is None else ""
        if holder is None:  # "Holder © 2025"
            holder = clean_holder(before) if before.strip() else None
            if holder is None and (past := _past_reservation(before)) is not None:
                holder = clean_holder(past)  # "版权所有 NAME Copyright © 2018": the reservation, then its owner
            if holder:
                start = text.rfind(before.strip(), 0, m.start())
        if holder is None and (past := _past_reservation(after)) is not None:
            # "© 2024 · All Rights Reserved · Holder", "© 2024 All Rights Reserved by Holder"; past a
            # sentence end, a name only ("... reserved. Linking to us is mandatory." names nobody)
            rest = _TO_WHOM.sub("", past.lstrip(HOLDER_TRIM + " "))
            holder = clean_holder(rest)
            if holder and past.lstrip().startswith("."):
                holder = name_like(holder)
        if holder is None and separator_after:
            holder = clean_holder(after)
        for side in (after, before) if holder is None else ():
            if (powered := _POWERED_BY.match(side)) and not _SOFTWARE.search(powered.group(1)):
                # "© 2023 Powered by Minute Media", "Powered By Harbour Net Version 3.0 © 2018": the
                # network's name
                if holder := clean_holder(powered.group(1)):
                    break
    elif (m := _SIGN_ONLY.search(text)) and (_SYM.search(m.group(0)) or _WORD_THEN_C.search(m.group(0))):
        start = m.start()
        after = text[m.end():]
        ym = YEAR_ANY.search(after[:120])
        if yb := _YEAR_BEFORE.search(text, max(0, start - 40), start):
            years, start = years_of(yb), yb.start()
            holder = clean_holder(after)
            if holder is None:  # "Holder, 2008–2016 ©"
                before = _BEFORE_SPLIT.split(text[:start])[-1]
                holder = clean_holder(before) if before.strip() else None
                if holder:
                    start = text.rfind(before.strip(), 0, start)
        elif ym and ym.start() < 80:  # "© Holder 2019", "© Copyright 2016, Holder"
            years = years_of(ym)
            head = after[: ym.start()]
            holder = clean_holder(head) or clean_holder(after[ym.end():])
            if holder is None and (past := _past_reservation(head)) is not None:
                holder = clean_holder(past.lstrip(HOLDER_TRIM + " ."))  # "© Tous droits réservés - Les Echos 2024"
        else:
            holder = clean_holder(after)
            past = _past_reservation(after) if holder is None else None
            if past is not None and not _NAME_STOP.match(past):
                # "© All rights reserved. Harbour Tribune" (not "... | Terms": another item)
                name = name_like(_TO_WHOM.sub("", past.lstrip(" .")))
                holder = None if name is None or NAV_START.match(name) else name
            if holder is None and not after.strip(" .|") and (named := _name_before_reservation(text, start)):
                holder, start = named  # "Harbour Post Todos los Derechos Reservados ©": the sign last
        if holder is None and not years and not RESERVED_ALL.search(text):
            return None
    elif (m := _WORD_ONLY.search(text)) and (named := _after_word(text[m.end():])):
        holder, years = named  # a footer's line with no sign: "Copyright NAME", "Copyright NAME YEAR"
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip("| \t"))  # (the word, not the line break)
    elif RESERVED_ALL.search(text):
        r = RESERVED_ALL.search(text)
        ym = _REG_YEAR.search(text) or YEAR_ANY.search(text)
        if not ym and (owner := cjk.owner(text, r)):
            holder, start = owner  # "版权所有：中国政府网", "光明网版权所有"
        elif not ym and DOMAIN.match((piece := _piece_before(text, r.start()).strip(HOLDER_TRIM)).lower()):
            holder, start = piece, text.rfind(piece, 0, r.start())  # "Gamersky.com All rights reserved."
        elif not ym:
            return None
        else:
            years = years_of(ym)
            start = min(ym.start(), r.start())
            if ym.end() < r.start():  # "2024 Holder. All rights reserved."
                holder = clean_holder(text[ym.end():r.start()])
                if holder is None and (owner := cjk.owner(text, r)):
                    holder, start = owner  # "快科技·1997-2021 版权所有": the name before the years
                issue = _ISSUE_BEFORE.search(text, 0, ym.start() + 1) if holder is None else None
                if issue and not _ISSUE_WORD.match(issue.group("name")):  # "DER SPIEGEL 52/2018 | Alle Rechte ..."
                    holder, start = clean_holder(issue.group("name")), issue.start("name")
            elif r.end() < ym.start():  # "Tous droits réservés - Holder 2024"
                holder = clean_holder(text[r.end():ym.start()])
    else:
        return None
    statement = _statement_span(text, start)
    if sign_end is not None and start + len(statement) < sign_end:
        statement = text[start:sign_end]  # a name before the sign: the line runs at least to its year
    scope_text = text[max(0, start - 200):start + len(statement)]  # AFP/dpa put it first
    reserved = "some" if RESERVED_SOME.search(scope_text) else (
        "all" if RESERVED_ALL.search(scope_text) else None)
    # the sentence pieces (up to a dot) naming a restriction; what _RESTRICTION.finditer finds,
    # without its quadratic backtracking on long statements
    restrictions = [collapse(piece) for piece in _SENTENCE_PIECE.findall(statement)
                    if _RESTRICTION_WORDS.search(piece)]
    return {"statement": statement, "holder": holder, "years": years, "reserved": reserved,
            "restrictions": [r for r in restrictions if r]}


def _past_reservation(after: str) -> str | None:
    """What follows an "All rights reserved" that opens ``after`` (the text after the sign), or
    None when the reservation does not come first."""
    rest = after.lstrip(HOLDER_TRIM + " .")
    r = RESERVED_ALL.match(rest)
    return rest[r.end():] if r else None


def _statement_span(text: str, start: int) -> str:
    """From the sign to the end of the rights sentences that follow it."""
    tail = text[start:]
    parts = _SPAN_SPLIT.split(tail)
    out = [parts[0]]
    for p in parts[1:]:
        if RESERVED_ALL.search(p) or RESERVED_SOME.search(p) or _RESTRICTION.match(p):
            out.append(p)
        else:
            break
    return " ".join(out)[:500].strip()


def entry(parsed: dict[str, Any], kind: str, source: str, scope: str,
           license_url: str | None = None) -> Rights:
    return Rights(statement=parsed["statement"], holder=parsed["holder"], years=parsed["years"],
                  kind=kind, reserved=parsed["reserved"], restrictions=parsed["restrictions"],
                  license_url=license_url, source=source, scope=scope)

