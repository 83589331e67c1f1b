"""Where a rights holder's name ends, and what is no name.

A footer line runs on past its holder: a sentence end, separators, "all rights reserved" in many
languages, corporate and registration tails, the footer's own links, a second holder, a licence,
a date. ``clean_holder`` cuts a holder there; ``name_like`` accepts only a short name of
capitalised words, a domain or a name in a script without capitals, for places where a holder
stands with no sign to vouch for it (after a bare "Copyright", after a reservation's sentence).
"""

from __future__ import annotations

import re

from crawler.extract.fastre import with_first_chars
from crawler.extract.rights import cjk
from crawler.extract.rights.signs import RESERVED_ALL, RESERVED_SOME, SIGN, SYM, YEAR

# the links a footer line shares its box with, written without separators ("© 2018 Exporo AG
# Pflichtangaben Impressum AGB"): a holder ends where they start and never is one
_NAV = (r"(?-i:Impressum|Imprint|Datenschutz\w*|AGB|Sitemap|Pflichtangaben|Nutzungsbedingungen|"
        r"Nutzungsrichtlinien|Kontakt|Contacto|Mentions l[ée]gales|Aviso legal|Note legali|Privacy Policy|"
        r"Terms (?:of (?:Use|Service)|(?:and|&) Conditions)|Cookie (?:Policy|Settings)|Cookies|Disclaimer|"
        r"Términos (?:de [Uu]so|y [Cc]ondiciones)|Política de (?:[Pp]rivacidad|[Cc]ookies)|Termos de [Uu]so|"
        r"Política de [Pp]rivacidade|Condizioni d'uso|Conditions générales(?: d'utilisation)?|"
        r"Politique de confidentialité|"
        r"Contact [Uu]s|Unsubscribe|Abmelden|D[ée]sinscri\w*|"  # (a newsletter's footer: "© 2022 NAME Unsubscribe")
        r"Bildrechte|Bildnachweis\w*|Bildquellen|Fotonachweis\w*|Image [Cc]redits|Photo [Cc]redits)(?![\w-])")
# words that are links of a footer's menu in English; two in a row are the menu, never a name
# ("© 2016 Microsoft Privacy Legal About our Ads Feedback Help")
_MENU_WORD = (r"(?-i:Privacy|Legal|About|Feedback|Help|Terms|Contact|Careers|Advertise|Advertising|Sitemap|"
              r"Accessibility|Cookies|Disclaimer|Newsletters?|Subscribe|FAQs?|Jobs|Press|Home|Imprint|Support)")
_MENU = rf"{_MENU_WORD}\s+{_MENU_WORD}(?![\w-])"
NAV_START = re.compile(rf"{_NAV}|{_MENU}|{_MENU_WORD}$")  # (and a menu word alone: "Home About © 2019")


# A holder ends at a sentence end, a separator, a rights phrase, a corporate-family clause or a
# company-registration tail ("... Limited in England No. 679215", ", registered in England and
# Wales", "company number 0123", "Registered office: ...").
_CUT = with_first_chars(re.compile(rf"\.(?:\s|$)|\s[|·•∙]\s?|\s[-–—]\s|{RESERVED_ALL.pattern}|{RESERVED_SOME.pattern}|"
                  r"\bis a registered\b|,\s*(?:a division|a subsidiary|part of)|\s{3,}|\n|"
                  r",\s*an?\s(?:[\w&.'-]+\s){1,4}?(?:company|brand)\b|"
                  r"\s(?:or|and|and/or)\s(?:(?:its|their)\s(?:licensors|affiliate[sd]|suppliers|partners|subsidiaries|"
                  r"group companies|"
                  r"contributors|respective)|(?:other|respective|third[- ]party)\s(?:copyright\s)?"
                  r"(?:holders|owners|contributors|authors|rights))\b|"
                  r",?\s(?:registered|incorporated)\s(?:in|at|office|under|with|no)\b|"
                  r"\sin (?:England|Scotland|Wales|Northern Ireland|Ireland)\b|\sregistered office\b|"
                  r",?\s(?:company|registration|reg\.|firm|vat)\s?(?:no\b|number|nr\b|reg)|\sNo\.\s?\d|"
                  r",\s+\d{1,5}\s+[A-Z]|"  # an address, "Ltd, 1 Quay Street"
                  r",\s+(?-i:[a-z]{3,})\b(?![.\w])|"  # a clause: "Quay Holdings Ltd, still lists ..."
                  r"\s(?:is|are|was)\s|"  # a sentence about the name: "X is a trading name of Y"
                  r",\s*[\w-]+:\d|;\s|"  # an agency's story id ("dpa-infocom, dpa:250512-99-123456/4"), a ";"
                  rf"\s{_NAV}|\s{_MENU}|"  # the footer's links
                  r"\s[\w.-]+(?:str\.|straße|strasse)\s*\d|"  # a German address: "Co. KG W.-C.-Röntgen-Str. 2"
                  rf"\s(?:(?:und|and|&|et|y|e)\s+)?{SYM}|"  # a second holder: "GmbH und © 2019 CBS Interactive"
                  r"\s(?:or|and)\s(?:used|reproduced)\s(?:with|by)\s", re.I))  # "© WWF or used with permission"
HOLDER_TRIM = " \t,;:·•|-–—()[]\"'“”/\\"
_ABBREV_END = re.compile(r"\b\w\.\w$")  # "a.s", "S.A", "N.V": a dotted company form
_CO_FORM = re.compile(r"\.\s+(?:KG|KGaA|OHG|Ltd|LLC|Inc|GmbH|AG|SE|plc|LP|LLP|S\.A)\b")
# words whose dot never ends a name: company forms' first halves, titles, saints and mountains
_ABBREVIATIONS = frozenset(("Pvt", "Pty", "sp", "Sp", "St", "Mt", "Ste", "Dr", "Mr", "Mrs", "Ms", "Prof", "Jr", "Sr",
                            "Bros", "Hnos", "Gebr", "Cia", "Intl"))
_PARTICLE_AFTER = re.compile(r"\.\s+(?:de|del|du|des|z|y|e|i|en|und)\s")  # "S.A. de C.V.", "sp. z o.o."
_WORD_BEFORE = re.compile(r"(\w+)$")


def _no_sentence_end(raw: str, end: int) -> bool:
    """Whether the dot at ``end`` is an abbreviation's, inside a name."""
    if end + 1 >= len(raw):
        return False
    m = _WORD_BEFORE.search(raw, 0, end)
    word = m.group(1) if m else ""
    if word in ("Co", "Cie") and _CO_FORM.match(raw, end):
        return True
    if word in _ABBREVIATIONS or _PARTICLE_AFTER.match(raw, end):
        return True
    # an initial: "J. R. Harbour", "John H. Harbour" (a capital alone, a capitalised word after)
    return len(word) == 1 and word.isupper() and raw[end + 1:end + 3].strip()[:1].isupper()


# (compiled once here: an f-string pattern in a call is rebuilt and looked up in re's cache each time)
_LEAD_WORD = re.compile(rf"^(?:{SIGN}|by|von|por|par|di|of)\s+", re.I)
_TRAILING_YEAR = re.compile(rf"\s*{YEAR}\s*$")
_LEAD_SIGN = re.compile(rf"^{SIGN}\s*", re.I)
_DATE_TAIL = re.compile(r"[\s,]*(?:\b(?:vom|from|du|del|of|on|am)\s+)?\d{1,2}[./]\d{1,2}[./]?$", re.I)
_LICENCE_LEAD = re.compile(r"^CC(?:[\s-]+(?:BY|SA|NC|ND))+(?:\s*\d\.\d)?\s+")  # "© 2007–16 CC BY-NC-SA 2.0 kinra"
_LETTER = re.compile(r"[^\W\d_]")
REGISTRY_IDS = r"P\.?\s?IVA|VAT|CIF|NIF|CNPJ|ABN|GST|KVK|SIRE[NT]|ISSN"  # VAT, company and serial numbers
_REGISTRATION_FIRST = re.compile(rf"(?:{REGISTRY_IDS}|ISBN)\b")  # a holder never starts with one
_PART_OF = re.compile(r"^(?-i:an?)\s+(.{2,60}?)\s+(?:subsidiary|company|brand|publication)$", re.I)


def clean_holder(raw: str) -> str | None:
    """The holder at the start of ``raw``, cut where its name ends; None when no name is left."""
    raw = raw.lstrip(HOLDER_TRIM + " .")
    if not raw.isascii():
        raw = cjk.cut_tail(raw)  # "明日大盘 京ICP备16058363号-1": the site's licence number follows
    pos = 0
    while cut := _CUT.search(raw, pos):
        end = cut.start()
        if raw[end] == "." and _no_sentence_end(raw, end):
            pos = end + 1  # "GmbH & Co. KG", "Pvt. Ltd.", "sp. z o.o.", "J. R. Harbour": no sentence ends
            continue
        # the last dot of "a.s." or "S.A." ends the name, not a sentence: keep it
        raw = raw[:end + 1] if raw[end] == "." and _ABBREV_END.search(raw, 0, end) else raw[:end]
        break
    raw = _LEAD_WORD.sub("", raw.strip(HOLDER_TRIM))
    raw = _PART_OF.sub(r"\1", raw)  # "a Reach plc subsidiary": Reach plc
    raw = _TRAILING_YEAR.sub("", raw).strip(HOLDER_TRIM)
    raw = _DATE_TAIL.sub("", raw)  # "©SZ vom 15.05.2019/vit": the year was a date's
    raw = _LICENCE_LEAD.sub("", _LEAD_SIGN.sub("", raw)).strip(HOLDER_TRIM)
    if not raw or len(raw) > 80 or len(raw.split()) > 10 or not _LETTER.search(raw):
        return None
    if raw.lower() in ("all", "copyright", "copyrights", "the", "by") or _MAKER.match(raw) or NAV_START.match(raw) or (
            _REGISTRATION_FIRST.match(raw)) or _PLACEHOLDER.match(raw):
        return None
    return raw


# a theme's text its user never replaced: "Copyright Your WebSite.Some Rights Reserved."
_PLACEHOLDER = re.compile(r"(?:your|my)\s?(?:web\s?site|site|company|name|blog|brand|business)\b", re.I)
# who made the site, where a holder would stand: "Proudly powered by WordPress", "Built with
# Hugo", "Site Design", "This site is part of ..."
_MAKER = re.compile(r"(?:proudly\s+)?(?:powered|built|published|designed|made|hosted|created|developed|crafted)"
                    r"\s+(?:by|with|on|using)\b|(?:web\s*)?(?:site|website|theme)\s+(?:design|by)\b|"
                    r"(?:feito|hecho|fait|gemacht)\s+(?:com|con|avec|mit)\b|orgulhosamente\b|"
                    r"this\s+(?:site|website|page|blog)\b", re.I)


_SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.(?:\s|$)")  # not the dot of an initial
DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]{2,40}(?:\.[a-z]{2,12}){1,2}$")
_NAME_WORD = re.compile(r"^(?:\(?[A-Z][\w'’.-]*\)?|&|and|of|de|da|do|dos|das|del|la|le|van|von|the)$")


def name_like(raw: str) -> str | None:
    """A holder after a bare "Copyright": a short name of capitalised words, or nothing."""
    # up to a sentence end, "John H. Cochrane" whole (clean_holder would cut at the initial)
    holder = _SENTENCE_END.split(raw, maxsplit=1)[0].strip(HOLDER_TRIM)
    if holder.count("(") > holder.count(")"):
        holder += ")"  # (the trim took the closing one: "NHK (Japan Broadcasting Corporation)")
    if not holder or len(holder) > 80 or len(holder.split()) > 6 or _PLACEHOLDER.match(holder):
        return None
    if holder[0].isalpha() and not holder[0].isascii() and not holder[0].isupper() and not holder[0].islower():
        return holder  # a script without capitals (Hangul, kanji): "Copyright by 항만일보"
    if DOMAIN.match(holder):
        return holder  # "Copyright by donga.com"
    if not holder[0].isupper():
        return None
    return holder if all(_NAME_WORD.match(w) for w in holder.split()) else None
