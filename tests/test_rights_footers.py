"""Footer shapes of small sites and CMS themes (2010-2026): the links a line shares its box with,
a second holder, street addresses, licence names, an article's own footer, topic links that say
"copyright", slots written with "@" for the sign. Each case is modelled on a shape an unseen
real page showed; the markup is ours."""

from __future__ import annotations

import pytest

from crawler.extract import CrawlMeta, extract_record
from crawler.extract.rights import parse_statement


def _record(body: str) -> dict:
    html = f"<html><body><article><p>Story of the day.</p></article>{body}</body></html>"
    return extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).to_dict()


def _page_line(body: str) -> tuple | None:
    for scope in ("page", "article"):
        for r in _record(body)["rights"]:
            if r["scope"] == scope and r["kind"] in ("copyright", "syndication"):
                return r["holder"], r["years"]
    return None


@pytest.mark.parametrize("footer,line", [
    # the footer's links follow the name with no separator between them
    ("<div id='footer'><p class='copyright'>© Copyright 2019 <a href='/'>Hafenwelt</a> <a href='/impressum/'>"
     "Impressum</a> <a href='/datenschutz/'>Datenschutz</a></p></div>", ("Hafenwelt", [2019])),
    ("<footer>©2018 Hafen Invest AG <a href='/p'>Pflichtangaben</a> <a href='/i'>Impressum</a> <a href='/a'>AGB</a>"
     "</footer>", ("Hafen Invest AG", [2018])),
    # ... or stand before the sign: none of them is the holder
    ("<footer><a href='/kontakt/'>Kontakt</a><a href='/impressum/'>Impressum</a><a href='/ds/'>Datenschutzerklärung"
     "</a><span>© 2019</span></footer>", (None, [2019])),
    # an English menu: two menu words in a row end the name, a menu word alone is no holder
    ("<footer><div>© 2016 Harbour Portal <a href='/p'>Privacy</a> <a href='/l'>Legal</a> <a href='/a'>About our Ads</a>"
     "</div></footer>", ("Harbour Portal", [2016])),
    ("<footer><a href='/'>Home</a> <a href='/about'>About</a> <span>© 2019</span></footer>", (None, [2019])),
    ("<footer>© 2025 Harbour Privacy Information Center</footer>", ("Harbour Privacy Information Center", [2025])),
    # a government CMS writes soft hyphens into its link words
    ("<footer><p>© 2019 Bundesamt für Häfen <a href='/i'>Im\u00adpres\u00adsum</a> <a href='/d'>Da\u00adten\u00adschutz"
     "</a></p></footer>",
     ("Bundesamt für Häfen", [2019])),
    # a second holder's line after "und ©"
    ("<footer>Copyright © 2019 Hafen Medien GmbH und © 2019 Harbour Interactive, Inc. Alle Rechte vorbehalten."
     "</footer>", ("Hafen Medien GmbH", [2019])),
    # a German street address after the company form
    ("<footer>© 2016 Hafenwein GmbH + Co. KG Am-Kai-Str. 2, 04509 Hafenstadt</footer>",
     ("Hafenwein GmbH + Co. KG", [2016])),
    # a separator left after the name
    ("<footer>© 2019 copyright Hafen Blog // Alle Rechte vorbehalten</footer>", ("Hafen Blog", [2019])),
    # the licence's name between the years and the holder
    ("<footer>© 2007–16 CC BY-NC-SA 2.0 hafenblog</footer>", ("hafenblog", [2007, 2016])),
    # a registration number after a slash is no holder
    ("<footer>© 2004-2024 / ISSN: 2174-4963 / NIF: 75.817.982-T</footer>", (None, [2004, 2024])),
])
def test_a_footer_lines_holder_stops_where_the_name_does(footer, line):
    assert _page_line(footer) == line


@pytest.mark.parametrize("text,holder", [
    ("Copyright Infringement Notification", None),
    ("Copyrights © 2022. All rights reserved.", None),
    ("Copyright 2023 - Todos os direitos reservados. Feito com ♥ por Estúdio Web", None),
    ("©2026 - Orgulhosamente, uma produção Estúdio Web", None),
    ("Photos and graphics © Hafen Trust or used with permission.", "Hafen Trust"),
    ("Copyright (c) 항만AX. All rights reserved.", "항만AX"),
    ("Copyright (c) Hafen Verlag 2026", "Hafen Verlag"),
    ("版权所有：中国港湾网 中文域名：中国港湾网.政务", "中国港湾网"),  # "copyright owned by: NAME"
    ("版權所有 ：香港港灣日報", "香港港灣日報"),
    # the name after the reservation, as its own sentence; not a footer link, nor another item
    ("Copyright © All rights reserved. Hafen Tribune", "Hafen Tribune"),
    ("© All rights reserved. Privacy Policy", None),
    ("© All rights reserved. | Terms", None),
    ("© Bildrechte anzeigen", None),
])
def test_words_about_copyright_and_makers_are_no_holder(text, holder):
    parsed = parse_statement(text)
    assert (parsed and parsed["holder"]) == holder


def test_a_print_editions_date_line_is_the_articles_and_the_site_footer_stays_the_pages():
    """"©HZ vom 15.05.2019/vit" (the print edition, its date and the editor's initials) in the
    article's own footer, outside any <article>: the year is the date's, the holder "HZ", and the
    site's footer line below stays the page's."""
    html = ("<html><body><div id='main'><p>Story.</p><footer class='endofarticle'><div class='endofarticle__copyright'>"
            "©HZ vom 15.05.2019/vit</div></footer></div><footer id='sitefooter'><p class='footer-copyright'>"
            "<a href='/copyright'>Copyright © Hafen Zeitung Digitale Medien GmbH</a></p></footer></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).to_dict()
    lines = [(r["holder"], r["years"]) for r in rec["rights"] if r["kind"] == "copyright"]
    assert lines[0] == ("Hafen Zeitung Digitale Medien GmbH", [])
    assert ("HZ", [2019]) in lines


def test_a_copyright_bar_of_links_beside_the_footers_seals_is_the_pages_line():
    """The seals in the footer before it are no picture that the line would credit."""
    html = ("<html><body><article><p>Story.</p></article><footer><img src='/seal-quality.png' alt='Seal'></footer>"
            "<div id='copyright'><div>© 2019 Hafen Resort</div><div><a href='/i'>Impressum</a></div>"
            "<div><a href='/d'>Datenschutz</a></div><div><a href='/s'>Sitemap</a></div></div></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).to_dict()
    assert [(r["holder"], r["scope"]) for r in rec["rights"]] == [("Hafen Resort", "page")]


@pytest.mark.parametrize("slot,line", [
    # "@" written for the sign
    ("<div id='footer-copyright'><p>@2016 - Hafen Plus Size Fashion - Blog</p></div>",
     ("Hafen Plus Size Fashion", [2016])),
    # the slot holds the social icons' link text, not a holder
    ("<div class='fusion-copyright-content'><div class='social'><a href='https://www.facebook.com/hafen'>"
     "<span class='screen-reader-text'>Facebook</span></a></div></div>", None),
    # a licence line in the copyright slot is read as a licence
    ("<ul><li id='footer-info-copyright'>Text is available under the <a rel='license' "
     "href='https://creativecommons.org/licenses/by-sa/3.0/'>CC BY-SA 3.0</a></li></ul>", None),
])
def test_a_copyright_slot_without_a_sign(slot, line):
    assert _page_line(f"<footer>{slot}</footer>") == line


@pytest.mark.parametrize("footer,line", [
    # "Copyright by" a domain name, after a sentence of the same line
    ("<div id='footer'><div class='copyright'><p class='address'>주소 : 항만시 1 | 등록번호 : 항만아00741<br>"
     "모든 콘텐츠를 무단 사용하는 것은 저작권법에 저촉됩니다. Copyright by hangman.example</p></div></div>",
     ("hangman.example", [])),
    # the sign, a year written by a script, then the menu: no holder, so no line
    ("<div class='footer'><span class='bar'>© <script>document.write(new Date().getFullYear())</script> "
     "<span>|</span> <a href='/terms'>Terms and Conditions</a> <span>|</span> <a href='/privacy'>Privacy Policy</a>"
     "</span></div>", None),
])
def test_more_footer_lines(footer, line):
    assert _page_line(footer) == line


def test_a_wires_line_in_a_portals_footer_is_the_storys_syndication():
    """A portal's footer credits the wire whose stories it carries beside its own line: the
    portal's line is the page's, the wire's is this story's syndication. On the wire's own
    site (no other footer line) its line stays the page's."""
    footer = ("<footer><div id='footer-info'><div class='copyright-providers'><cite>Copyright 2011 The Associated "
              "Press. All rights reserved. This material may not be published.</cite></div>"
              "<p>Copyright © 2011 Harbour Portal Inc. All rights reserved.</p></div></footer>")
    rights = _record(footer)["rights"]
    assert [(r["holder"], r["scope"], r["kind"]) for r in rights] == [
        ("Harbour Portal Inc", "page", "copyright"), ("The Associated Press", "article", "syndication")]
    own = _record("<footer><p>© 2011 The Associated Press. All rights reserved.</p></footer>")["rights"]
    assert [(r["holder"], r["scope"]) for r in own] == [("The Associated Press", "page")]


@pytest.mark.parametrize("line,holder,years", [
    # a server printed its Date where the footer meant the year (Java's and JavaScript's forms)
    ("© 1996-Thu Dec 15 06:14:35 EST 2016 Harbour Geographic Society.", "Harbour Geographic Society", [1996, 2016]),
    ("© Thu Dec 15 2016 06:14:35 GMT-0500 (Eastern Standard Time) Harbour Ledger", "Harbour Ledger", [2016]),
])
def test_a_printed_date_stands_for_its_year(line, holder, years):
    parsed = parse_statement(line)
    assert (parsed["holder"], parsed["years"]) == (holder, years)


def test_the_footers_own_line_comes_before_a_copyright_element_elsewhere():
    """A station's line under each story (an element named "copyright", outside any footer) and
    a mega menu's copy come second to the site footer's own line."""
    html = ("<html><body><article><p>Story.</p></article><div class='x1y2'><div class='copyright'>Copyright © 2023 "
            "KTRK-TV. All Rights Reserved.</div></div><footer class='footer'><div class='footer-legal-copyright'>"
            "Copyright © <!-- -->2023<!-- --> ABC, Inc., KTRK-TV Houston. All Rights Reserved.</div></footer>"
            "</body></html>")
    rights = extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).to_dict()["rights"]
    assert [(r["holder"], r["years"]) for r in rights][:2] == [("ABC, Inc., KTRK-TV Houston", [2023]),
                                                               ("KTRK-TV", [2023])]


def test_a_follow_us_line_before_the_sites_own_line_cites_no_page():
    """Links to the site's social profiles before its line ("Folge uns auf Facebook | Instagram")
    do not make the line a cited page's; a link to another site still does (control)."""
    box = ("<div class='code-block'>Folge uns auf <a href='https://www.facebook.com/hafenblatt'>Facebook</a> | "
           "<a href='https://www.instagram.com/hafenblatt/'>Instagram</a><br><a href='/impressum'>© 2023 Hafenblatt</a>"
           " - Alle Angaben ohne Gewähr!</div>")
    html = f"<html><body><article><p>Story of the day.</p>{box}</article></body></html>"
    rights = extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).to_dict()["rights"]
    assert [(r["holder"], r["years"], r["scope"]) for r in rights] == [("Hafenblatt", [2023], "page")]
    cited = box.replace("https://www.instagram.com/hafenblatt/", "https://other-news.example/story")
    html = f"<html><body><article><p>Story of the day.</p>{cited}</article></body></html>"
    assert extract_record(html.encode(), CrawlMeta(url="https://hafen.example/a"), main_text=False).rights == []


@pytest.mark.parametrize("line,holder,years", [
    # a print issue's line: the magazine before its issue number is the holder
    ("DER HAFEN 52/2018 | Alle Rechte vorbehalten | Vervielfältigung nur mit Genehmigung", "DER HAFEN", [2018]),
    ("Heft 3/2020 | Alle Rechte vorbehalten", None, [2020]),  # "issue" is no name
    # the site's version between its name and the sign; a ";" ends the name
    ("DIARIO Hafen de Cádiz v. 5.0 – © 2004-2026", "DIARIO Hafen de Cádiz", [2004, 2026]),
    ("site design / logo © 2020 Hafen Exchange Inc; user contributions licensed under cc by-sa 4.0",
     "Hafen Exchange Inc", [2020]),
])
def test_a_print_issue_a_version_or_a_semicolon_around_the_name(line, holder, years):
    parsed = parse_statement(line)
    assert (parsed["holder"], parsed["years"]) == (holder, years)
