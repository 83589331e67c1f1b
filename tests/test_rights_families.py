"""Rights families real pages use: holder and years in any order, registration tails, picture
and agency credits, market-data notices, and rights lines the article quotes from elsewhere."""

from __future__ import annotations

import pytest
from conftest import extract_page

from crawler.extract import CrawlMeta, extract_record
from crawler.extract.rights import parse_statement


def page_line(record: dict) -> dict | None:
    """The page's rights line as bench/realworld.py reads it."""
    for scope in ("page", "article"):
        for r in record["rights"]:
            if r["scope"] == scope and r["kind"] in ("copyright", "syndication"):
                return r
    return None


@pytest.mark.parametrize("line,holder,years", [
    ("© Copyright 2008 - 2016. The Harbour Ledger · Version 2.4", "The Harbour Ledger", [2008, 2016]),
    ("2001 – 2022 © Nordmedia, a.s.", "Nordmedia, a.s.", [2001, 2022]),
    ("2015-2024 © Baltic Daily. All rights reserved.", "Baltic Daily", [2015, 2024]),
    ("© 2004–2024, Tidewater", "Tidewater", [2004, 2024]),
    ("Grupo Bahía Todos los Derechos Reservados ©", "Grupo Bahía", []),  # the sign after the reservation
    ("© 2020 a Harbour Media plc subsidiary", "Harbour Media plc", [2020]),
    ("© 2023 Powered by Harbour Media Network", "Harbour Media Network", [2023]),  # a network, no other name
    ("© 2023 Powered by WordPress", None, [2023]),  # software makes the site: no holder
    ("© ٢٠٢٤ ميناء نيوز. جميع الحقوق محفوظة", "ميناء نيوز", [2024]),  # Arabic-Indic digits
    ("© ２０２５ 港湾新聞", "港湾新聞", [2025]),  # fullwidth digits
    ("© 2025 Tide Weekly Unsubscribe | Tide Weekly, P.O. Box 42", "Tide Weekly", [2025]),  # a newsletter's footer
    ("Tous droits réservés - Les Echos 2024", "Les Echos", [2024]),
    ("Alle Rechte vorbehalten – Hafenblatt 2023", "Hafenblatt", [2023]),
    ("©News Group Newspapers Limited in England No. 679215 Registered office: 1 London Bridge Street",
     "News Group Newspapers Limited", []),
    ("Copyright 2019-2024 Harbour Media Ltd, registered in England and Wales, company number 0123",
     "Harbour Media Ltd", [2019, 2024]),
    ("© 2023 Quay Press S.A.", "Quay Press S.A.", [2023]),
    ("All contents © 2025 Harbour Post or other copyright holders.", "Harbour Post", [2025]),
    ("© 2025 Quay Media Group and its licensors. All rights reserved.", "Quay Media Group", [2025]),
    ("Copyright © 2025 Harbour Post, a Quay Media company.", "Harbour Post", [2025]),
    ("© 2025 Smith and Partners LLP", "Smith and Partners LLP", [2025]),  # "and" inside a name stays
    ("Foo Media, 2008–2016 ©", "Foo Media", [2008, 2016]),
    ("© Foo Media, 2008-2016", "Foo Media", [2008, 2016]),
    ("Copyright 2016 © Foo Media", "Foo Media", [2016]),
    ("Copyright Harbour Post 2025", "Harbour Post", [2025]),  # the word, the name, then the year
    ("Copyright Harbour Post, 2010-2025", "Harbour Post", [2010, 2025]),
    ("© 2024 Hafen Verlag GmbH & Co. KG – Alle Rechte vorbehalten", "Hafen Verlag GmbH & Co. KG", [2024]),
    ("Copyright © 2024 · All Rights Reserved · Harbour Ledger", "Harbour Ledger", [2024]),  # holder last
    ("© 2024 All Rights Reserved by Harbour Ledger", "Harbour Ledger", [2024]),
    ("Copyright © 2024 Harbour Ledger Ltd, 1 Quay Street, Harbourton HB1 2CD", "Harbour Ledger Ltd", [2024]),
    # a dot inside a name ends no sentence: company forms, saints, initials
    ("Copyright © 2025 Harbour Times Pvt. Ltd. All rights reserved.", "Harbour Times Pvt. Ltd", [2025]),
    ("Copyright © 1995–2025 Gazeta Portowa sp. z o.o. Wszelkie prawa zastrzeżone.", "Gazeta Portowa sp. z o.o.",
     [1995, 2025]),
    ("© 2025 Grupo Portuario de Medios S.A. de C.V. Todos los derechos reservados.",
     "Grupo Portuario de Medios S.A. de C.V.", [2025]),
    ("© Copyright 2025 St. Louis Harbour Review", "St. Louis Harbour Review", [2025]),
    ("Copyright © 2025 J. R. Harbour", "J. R. Harbour", [2025]),
    # the name before the sign when a separator or a sentence end follows the year
    ("Harbour Notes © 2025 | Privacy Policy | Terms", "Harbour Notes", [2025]),
    ("Harbour Notes © 2025. Proudly powered by WordPress", "Harbour Notes", [2025]),
    ("© 2025 Jane Doe ∙ Privacy ∙ Terms", "Jane Doe", [2025]),
    # tails that are no part of the name
    ("© 2025 Harbour News & Media Limited or its affiliated companies. All rights reserved.",
     "Harbour News & Media Limited", [2025]),
    ("© 2025. All rights reserved. Harbour Ledger is a trading name of Quay Media Ltd.", "Harbour Ledger", [2025]),
    ("Gazzetta del Porto S.r.l. - P.IVA 01234567890 - © 2025 Tutti i diritti riservati", "Gazzetta del Porto S.r.l",
     [2025]),
    ("© dpa-infocom, dpa:250512-99-123456/4", "dpa-infocom", []),
    ("© 2025 Todos os direitos reservados a Jornal do Porto", "Jornal do Porto", [2025]),
    # the site's network named as what powers it, before the sign as after it
    ("© 2023 Powered by Harbour Media Network", "Harbour Media Network", [2023]),
    ("Powered By Harbour News Net Version 3.0 © 2018-2020 . All Rights Reserved .", "Harbour News Net", [2018, 2020]),
    ("Powered by WordPress © 2018", None, [2018]),
    ("版权所有 © 港湾日报社 | 京ICP备2021012345号-1", "港湾日报社", []),  # a licence number holds no year
    ("港湾日报版权所有，未经书面授权禁止使用", "港湾日报", []),  # the name right before "rights owned"
    ("关于我们 | 港湾日报 版权所有", "港湾日报", []),
    # the sign, the reservation, then the name and its year
    ("© Tous droits réservés - Le Courrier du Port 2025", "Le Courrier du Port", [2025]),
    ("© All rights reserved. Harbour Ledger 2025", "Harbour Ledger", [2025]),
])
def test_holder_and_years_in_any_order(line, holder, years):
    parsed = parse_statement(line)
    assert parsed is not None
    assert (parsed["holder"], parsed["years"]) == (holder, years)


def test_picture_and_agency_credits_are_media_even_with_a_wire_name():
    rec = extract_page("rights-credits.html")
    by_holder = {r["holder"]: r for r in rec["rights"]}
    for holder in ("Agence France-Presse", "Max Muster/dpa", "Reuters"):
        assert (by_holder[holder]["scope"], by_holder[holder]["kind"]) == ("media", "credit"), holder
    line = page_line(rec)
    assert (line["holder"], line["years"]) == ("The Harbour Ledger", [2008, 2016])


def test_a_wire_credit_alone_is_not_the_page_line():
    """Positive control beside it: the same wire name in an end-of-body wire line is syndication."""
    body = ("<html><body><article><div class='story-body'><p>The port reopened.</p>"
            "<p><em>Photo: Lee Chan © 2016 Reuters</em></p>{}</div></article></body></html>")
    rec = extract_record(body.format("").encode(), CrawlMeta(url="https://ledger.example/a"),
                         main_text=False).to_dict()
    assert page_line(rec) is None
    wire = "<p>© 2016 Thomson Reuters. All rights reserved. Republication is prohibited.</p>"
    rec = extract_record(body.format(wire).encode(), CrawlMeta(url="https://ledger.example/a"),
                         main_text=False).to_dict()
    assert (page_line(rec)["holder"], page_line(rec)["kind"]) == ("Thomson Reuters", "syndication")


def test_market_data_notices_are_never_the_page_line():
    rec = extract_page("rights-market-data.html")
    line = page_line(rec)
    assert (line["holder"], line["years"]) == ("Nordmedia, a.s.", [2001, 2022])
    vendors = {r["holder"]: r for r in rec["rights"] if r["holder"] in ("Quotestream Data Inc", "Ledgerline Indexes")}
    assert len(vendors) == 2
    assert all((r["scope"], r["kind"]) == ("media", "credit") for r in vendors.values())


def test_a_vendor_notice_without_the_site_line_gives_no_page_line():
    html = ("<html><body><footer><p>Market data provided by Quotestream. © 2022 Quotestream Data Inc.</p>"
            "</footer></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert page_line(rec) is None
    assert [r["holder"] for r in rec["rights"]] == ["Quotestream Data Inc"]


def test_lines_quoted_from_another_site_are_not_the_page_line():
    rec = extract_page("rights-quoted.html")
    assert (page_line(rec)["holder"], page_line(rec)["years"]) == ("Tidewater", [2004, 2024])
    assert not [r for r in rec["rights"] if "Bayside" in (r["holder"] or "")]
    rec = extract_page("rights-quoted-nofooter.html")
    assert rec["rights"] == []


def test_the_same_line_unquoted_is_read():
    """Positive control for the quote checks: outside quotation marks the line counts."""
    html = ("<html><body><article><div class='entry-content'><p>Text.</p></div></article>"
            "<p>A week later: Copyright 2019 Bayside Gazette Ltd</p></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert page_line(rec)["holder"] == "Bayside Gazette Ltd"


def test_reserved_phrase_first_and_registration_tail_on_a_page():
    rec = extract_page("rights-registered.html")
    lines = [(r["holder"], r["years"]) for r in rec["rights"] if r["scope"] == "page"]
    assert lines == [("Le Quotidien du Port", [2024]), ("Harbour Print Newspapers Limited", [])]


def test_an_unsigned_holder_in_a_footer_element_named_copyright():
    """The © and year come from CSS or JavaScript: the footer's copyright element still names the
    holder. The image credit in an element of the same name inside the article is not it."""
    rec = extract_page("rights-unsigned-footer.html")
    line = page_line(rec)
    assert (line["holder"], line["years"]) == ("Morning Network - City Desk", [])


@pytest.mark.parametrize("footer", [
    "<footer><div class='copyright'><a href='/terms'>Terms</a> <a href='/privacy'>Privacy</a></div></footer>",
    "<footer><div class='copyright'>Copyright</div></footer>",
    "<article><div class='entry-content'><p>Text.</p><span class='copyright'>Picture: River Studio</span>"
    "</div></article>",
])
def test_no_unsigned_holder_from_links_titles_or_the_article(footer):
    html = f"<html><body>{footer}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert page_line(rec) is None


@pytest.mark.parametrize("footer", [
    "<footer><div class='copyright'>Harbour Ledger Media</div></footer>",
    # inside a box the posts walker does not enter (a newsletter sign-up): still found
    "<footer><div class='newsletter-signup'><p>Sign up.</p><div id='site-copyright'>Harbour Ledger Media"
    "</div></div></footer>",
])
def test_the_unsigned_element_is_found_where_the_walk_did_not_go(footer):
    """The walker collects elements named "copyright" on its one pass and the subtrees it did not
    enter are searched afterwards: the answer is the same as a search of the whole tree."""
    html = f"<html><body><article><p>Text of the story.</p></article>{footer}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert page_line(rec)["holder"] == "Harbour Ledger Media"


@pytest.mark.parametrize("footer", [
    # after an element the walk passes over (an icon, a script): the tail is still read
    "<footer><p>Links</p><svg><path d='M0 0'/></svg> © 2025 Harbour Ledger. All rights reserved.<p>x</p></footer>",
    "<footer><script>var a = 1;</script>© 2025 Harbour Ledger. All rights reserved.<p>x</p></footer>",
    # after a comment
    "<footer><!-- the site's line -->© 2025 Harbour Ledger. All rights reserved.<p>x</p></footer>",
    # after the very last node of the page, passed over
    "<footer><p>Links</p><button>Top</button> © 2025 Harbour Ledger. All rights reserved.</footer>",
])
def test_a_line_in_the_tail_of_a_node_the_walk_does_not_enter(footer):
    html = f"<html><body><article><p>Text of the story.</p></article>{footer}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert (page_line(rec)["holder"], page_line(rec)["years"]) == ("Harbour Ledger", [2025])


def test_a_signed_line_wins_over_the_unsigned_element():
    html = ("<html><body><footer><div class='copyright'><span>Morning Network</span></div>"
            "<p>© 2025 Morning Network Inc.</p></footer></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert (page_line(rec)["holder"], page_line(rec)["years"]) == ("Morning Network Inc", [2025])
    assert [r["holder"] for r in rec["rights"]] == ["Morning Network Inc"]


@pytest.mark.parametrize("footer,site_name", [
    # the data notice follows the site's line and does not name its holder (no site name known)
    ("<p>© 2025 Harbour Ledger LLC. All Rights Reserved. A division of Quay Group. Data is a real-time "
     "snapshot. Data is delayed at least 15 minutes.</p>", None),
    # a notice first, then the site's own line: the holder is the site (og:site_name)
    ("<p>Quotes delayed at least 15 minutes. © 2025 Harbour Ledger LLC. All rights reserved.</p>",
     "Harbour Ledger"),
    ("<p><small>Markets data delayed by at least 15 minutes. © HARBOUR LEDGER LLC 2025.</small></p>", "JSON-LD"),
])
def test_the_site_line_next_to_a_data_notice_stays_the_page_line(footer, site_name):
    head = f"<meta property='og:site_name' content='{site_name}'>" if site_name else ""
    if site_name == "JSON-LD":  # the site named only by its JSON-LD publisher
        head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rates", '
                '"publisher": {"@type": "Organization", "name": "Harbour Ledger", "legalName": "Harbour Ledger LLC"}}'
                "</script>")
    html = f"<html><head>{head}</head><body><footer>{footer}</footer></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert (page_line(rec)["holder"].lower(), page_line(rec)["years"]) == ("harbour ledger llc", [2025])


def test_elements_named_credit_or_copyright_by_a_picture_are_credits():
    """A credit-named element, or a copyright-named one beside an image or in the article, holds a
    picture's credit; a footer named "footer-credits" still holds the site's line."""
    rec = extract_page("rights-named-credits.html")
    scopes = {r["holder"]: r["scope"] for r in rec["rights"]}
    assert scopes == {"Max Muster": "media", "AFP": "media", "Erika Beispiel": "media",
                      "Hafenblatt Verlag": "page"}
    assert (page_line(rec)["holder"], page_line(rec)["years"]) == ("Hafenblatt Verlag", [2010, 2024])


def _line(html: str, url: str = "https://ledger.example/2025/05/story") -> dict | None:
    rec = extract_record(html.encode(), CrawlMeta(url=url), main_text=False).to_dict()
    return page_line(rec)


def test_a_holderless_line_takes_the_name_on_the_line_before_it():
    """"<b>Name</b><br>© All rights reserved.": the footer's holder stands on its own line; an
    address line before it is no holder."""
    footer = ("<footer><p class='descr'><b>12 Quay Street,</b><br>Harbourton, +44 1234 567<br><br>"
              "<b>The Harbour Ledger</b><br>© All rights reserved.</p></footer>")
    line = _line(f"<html><body><article><p>Story.</p></article>{footer}</body></html>")
    assert (line["holder"], line["years"], line["reserved"]) == ("The Harbour Ledger", [], "all")
    bare = "<footer><p>12 Quay Street 4<br>© All rights reserved.</p></footer>"
    assert _line(f"<html><body>{bare}</body></html>")["holder"] is None


def test_a_bare_copyright_word_and_a_name_in_a_footer():
    footer = ("<div id='footer-3' class='foot section'><div class='widget Attribution'>"
              "Copyright Jane Q. Harbour. Simple theme. Powered by <a href='https://blogs.example'>Blogs</a>."
              "</div></div>")
    line = _line(f"<html><body><div class='post-body'><p>A post.</p></div>{footer}</body></html>")
    assert (line["holder"], line["years"]) == ("Jane Q. Harbour", [])
    assert parse_statement("Copyright infringement is a crime in most countries.") is None  # prose, no name
    assert parse_statement("Copyright Policy") is None


def test_the_site_footers_line_named_credit_is_the_page_line():
    """Themes name the footer's line "credit" (<p class="credit">): in the site's footer it is the
    page's line; the same class on a picture's caption stays a credit."""
    footer = ("<footer id='footer' class='site-footer'><p class='credit'>Copyright © 2017 <a href='/'>Harbour "
              "Tavern</a>. Powered by <a href='https://wordpress.org'>WordPress</a>.</p></footer>")
    picture = "<figure><img src='/a.jpg'><p class='credit'>© 2017 Quay Photos</p></figure>"
    rec = extract_record(f"<html><body><article><p>A post.</p>{picture}</article>{footer}</body></html>".encode(),
                         CrawlMeta(url="https://ledger.example/a"), main_text=False).to_dict()
    line = page_line(rec)
    assert (line["holder"], line["years"]) == ("Harbour Tavern", [2017])
    assert [(r["holder"], r["scope"]) for r in rec["rights"] if r["holder"] == "Quay Photos"] == [("Quay Photos", "media")]


def test_an_emails_footer_line_beside_its_unsubscribe_link_is_the_page_line():
    """A newsletter's email has no <footer>: "© NAME" with no year beside "Unsubscribe" is still
    the sender's line, not a picture credit."""
    email = ("<table><tr><td><p>Today's harbour news, in brief and long enough to read.</p></td></tr>"
             "<tr><td><div style='text-align:center'>&copy; Harbour Brief &nbsp;<a href='https://mail.example/u'>"
             "Unsubscribe</a></div></td></tr></table>")
    line = _line(f"<html><body>{email}</body></html>")
    assert (line["holder"], line["years"], line["scope"]) == ("Harbour Brief", [], "page")


def test_a_seal_image_linking_its_issuer_beside_the_line_cites_no_page():
    footer = ("<div class='foot'><div class='foot_seal'><span><a href='https://seal.example/verify'><img src='/s.png'>"
              "</a></span></div>Run by the Harbour Trust　版权所有：港湾青年网</div>")
    line = _line(f"<html><body><div class='main'><p>Story text.</p></div>{footer}</body></html>")
    assert line["holder"] == "港湾青年网"


def test_a_linked_name_and_its_company_suffix_stay_one_name():
    footer = ("<footer><div class='c-footer__legal'>© 2025 <a rel='nofollow' href='https://harbour.example'>"
              "Harbour Media</a>, Inc. All Rights Reserved</div></footer>")
    line = _line(f"<html><body><article><p>A post.</p></article>{footer}</body></html>")
    assert (line["holder"], line["years"]) == ("Harbour Media, Inc", [2025])
    assert line["statement"] == "© 2025 Harbour Media, Inc. All Rights Reserved"


def test_a_cited_pages_rights_line_in_the_articles_source_list_is_not_the_pages():
    """The article lists its sources with each page's own line ("<a>About</a>, © 2019 Other"):
    that line is the cited site's; a line beside a link to the site itself still counts."""
    sources = ("<ul><li><a href='https://notice.example.org/about'>About the notice service</a>, "
               "Copyright © 2019 Notice Support Center All Rights Reserved.</li></ul>")
    assert _line(f"<html><body><div class='entry'><p>Sources:</p>{sources}</div></body></html>") is None
    own = ("<div class='site-bottom'><a href='https://ledger.example/about'>About</a> "
           "© 2019 The Harbour Ledger</div>")
    line = _line(f"<html><body><div class='entry'><p>Story.</p></div>{own}</body></html>")
    assert (line["holder"], line["years"]) == ("The Harbour Ledger", [2019])


def test_an_unresolved_jsonld_holder_gives_the_years_and_no_made_up_name():
    ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
          '"headline":"Barrier","copyrightYear":2022,"copyrightHolder":{"@id":"https://holding.example/#org"}}'
          '</script>')
    line = _line(f"<html><head>{ld}</head><body><article><p>Story.</p></article></body></html>")
    assert (line["holder"], line["years"], line["source"]) == (None, [2022], "jsonld")


@pytest.mark.parametrize("footer", [
    "<footer>Copyright © Lakeside Gazette</footer>",  # the footer's own text, no year
    "<footer>© Lakeside Gazette</footer>",
    "<div role='contentinfo'>© Lakeside Gazette</div>",
    "<div class='site-footer'>Copyright © Lakeside Gazette</div>",
    "<footer><p>© Lakeside Gazette</p></footer>",  # control: a paragraph inside the footer
])
def test_a_yearless_line_that_is_the_footers_own_text_is_the_page_line(footer):
    """A "© Name" line without a year is a picture's credit outside the footer; the footer's own
    text (no paragraph around it) is the footer all the same."""
    html = ("<html><body><article><div class='entry-content'><p>Text of the story, long enough.</p>"
            f"</div></article>{footer}</body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    line = page_line(rec)
    assert line is not None and (line["holder"], line["scope"]) == ("Lakeside Gazette", "page")


def test_a_captions_own_text_is_a_credit():
    html = ("<html><body><article><div class='entry-content'><p>Text of the story, long enough.</p>"
            "<figcaption>© Harbour Photo Agency</figcaption></div></article>"
            "<footer><p>© 2025 Lakeside Gazette</p></footer></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    by_holder = {r["holder"]: (r["scope"], r["kind"]) for r in rec["rights"]}
    assert by_holder["Harbour Photo Agency"] == ("media", "credit")
    assert page_line(rec)["holder"] == "Lakeside Gazette"


@pytest.mark.parametrize("content,holder,years", [
    ("Harbour Post 2025", "Harbour Post", [2025]),  # a meta tag's name and year, no sign
    ("2010-2025 Harbour Post", "Harbour Post", [2010, 2025]),
    ("Harbour Post", "Harbour Post", []),
    ("2025 Harbour Post AG, Switzerland", "Harbour Post AG", [2025]),  # the name before the place
    ("1999-2025 (c) Harbour Post, a.s.", "Harbour Post, a.s.", [1999, 2025]),  # "(c)" as the sign
])
def test_a_meta_copyright_without_a_sign_gives_its_name_and_years(content, holder, years):
    html = (f"<html><head><meta name='copyright' content='{content}'></head><body><article>"
            "<p>Text of the story, long enough to be the story.</p></article></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    line = page_line(rec)
    assert (line["holder"], line["years"], line["source"]) == (holder, years, "meta")


def test_this_sites_content_before_rights_owned_names_nobody():
    assert parse_statement("本网站所有内容版权所有") is None  # "all content of this site: rights owned"


@pytest.mark.parametrize("line", ["Copyright policy 2025", "Copyright reserved by the owners 2025",
                                  "copyright infringement claims since 2020"])
def test_a_copyright_word_before_prose_and_a_year_is_no_statement(line):
    assert parse_statement(line) is None


@pytest.mark.parametrize("footer,holder,years", [
    ("<footer><span>©</span> <span>2025</span> <span>Harbour Post</span></footer>", "Harbour Post", [2025]),
    ("<footer><p><small>Copyright ©</small> 2019-2025 Harbour Post Ltd</p></footer>", "Harbour Post Ltd", [2019, 2025]),
    ("<footer><p><span class='credit'>© 2024 AFP</span></p><p>© 2025 Harbour Post</p></footer>", "Harbour Post",
     [2025]),  # control: a span holding a whole line stays that line
    # the reservation and the sign in a span, the name in a <b> before it, the footer's link first
    ("<footer><div><a href='/terminos'>Términos de Uso</a><b>Grupo Bahía</b><span>Todos los Derechos Reservados © "
     "</span></div></footer>", "Grupo Bahía", []),
])
def test_a_line_split_over_inline_elements_is_read_whole(footer, holder, years):
    """A sign (and year) alone in a <span> is one piece of the line its block holds; a span that
    holds a whole line ("© 2024 AFP") stays that line."""
    html = ("<html><body><article><div class='entry-content'><p>Text of the story, long enough.</p>"
            f"</div></article>{footer}</body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    line = page_line(rec)
    assert line is not None and (line["holder"], line["years"]) == (holder, years)


def test_jsonld_is_decoded_for_rights_only_when_it_may_hold_them():
    """A live blog's JSON-LD holds a thousand updates and no rights field: detection does not
    decode it (article extraction may, and then rights read the decoded nodes); with a rights
    field it is read as before."""
    from crawler.extract.document import Document, parse_html
    from crawler.extract.rights import find_rights

    updates = ",".join(f'{{"@type":"BlogPosting","headline":"Update {i}","articleBody":"Ferries late."}}'
                       for i in range(50))
    live = (f'<script type="application/ld+json">{{"@context":"https://schema.org","@type":"LiveBlogPosting",'
            f'"headline":"Storm live","liveBlogUpdate":[{updates}]}}</script>')
    owned = live.replace('"headline":"Storm live"', '"headline":"Storm live","copyrightYear":2024,'
                         '"copyrightHolder":{"@type":"Organization","name":"The Harbour Ledger"}')
    for script, decoded, holders in ((live, False, []), (owned, True, ["The Harbour Ledger"])):
        doc = Document(tree=parse_html(f"<html><head>{script}</head><body><p>Story.</p></body></html>"),
                       url="https://ledger.example/live")
        rights = find_rights(doc)
        assert ("jsonld" in doc.__dict__, [r.holder for r in rights if r.source == "jsonld"]) == (decoded, holders)


def test_a_sign_deep_in_a_long_comment_thread_is_still_found():
    """Comment threads are passed over by the posts walk and searched for signs on their own:
    a thread full of "served", "Apr." and "service" is let through by the first literal test,
    and only a text node that holds a sign makes its block a candidate."""
    from crawler.extract.document import Document, parse_html
    from crawler.extract.embeds import walk_page
    from crawler.extract.rights import SignScan
    from crawler.extract.rights.signs import text_candidates

    chatter = "".join(f"<li class='comment'><p>I served on the board in Apr. {i}; the service was slow.</p></li>"
                      for i in range(40))
    for quoted, expected in (("", []), ("<li class='comment'><p>Quote: © 2019 Quay Press</p></li>",
                                        ["Quote: © 2019 Quay Press"])):
        html = (f"<html><body><article><p>Story.</p></article><ol class='comments'>{chatter}{quoted}</ol>"
                "</body></html>")
        doc = Document(tree=parse_html(html), url="https://ledger.example/a")
        scan = SignScan()
        walk_page(doc, scan)
        assert len(scan.pruned) == 1  # the thread was passed over by the walk
        assert [text for _, text in text_candidates(doc, scan)] == expected


def test_a_link_inside_the_line_after_its_sign_is_the_sites_parent_not_a_cited_page():
    """"© 2013 Harbour News Network. <a>Quay Broadcasting, Inc.</a> All Rights Reserved.": the
    link names the site's parent company inside its own line; a link before the sign is a source."""
    own = ("<div class='hn_ftrlgcpy'><img src='/img/hn_logo.png' alt=''>&copy; 2013 Harbour News Network. "
           "<a href='https://quay-broadcasting.example/'>Quay Broadcasting, Inc.</a> All Rights Reserved.</div>")
    line = _line(f"<html><body><div class='entry'><p>Story.</p></div>{own}</body></html>")
    assert (line["holder"], line["years"], line["reserved"]) == ("Harbour News Network", [2013], "all")


@pytest.mark.parametrize("slot,holder,reserved,restrictions", [
    # the logo beside the line is no picture, and the restriction is not part of the holder
    ("<div class='l-copyright'><span class='l-copyright_logo'><img src='/parts/logo_ledger_footer.svg' alt='LEDGER'>"
     "</span><span class='l-copyright_text'>Ledger Inc. No reproduction without permission.</span></div>",
     "Ledger Inc", None, ["No reproduction without permission."]),
    ("<div class='copyright'>港湾日报版权所有<br>Content@ledger.example</div>", "港湾日报", "all", []),
    ("<div class='copyright'>Harbour Media - City Desk</div>", "Harbour Media - City Desk", None, []),
])
def test_a_copyright_slot_without_a_sign_reads_its_holder_and_notice(slot, holder, reserved, restrictions):
    line = _line(f"<html><body><article><p>Story.</p></article><div class='site-end'>{slot}</div></body></html>")
    assert (line["holder"], line["reserved"], line["restrictions"]) == (holder, reserved, restrictions)


def test_a_themes_maker_in_the_copyright_slot_is_no_holder():
    slot = ("<div class='copyright-area'>Crafted with <i class='fa fa-heart'></i> by "
            "<a href='https://templates.example/'>TemplatesCo</a></div>")
    assert _line(f"<html><body><article><p>Story.</p></article>{slot}</body></html>") is None
    photo = ("<div class='copyright'><img src='/media/harbour-storm.jpg' alt='The storm'>Harbour Ledger</div>")
    line = _line(f"<html><body><div class='site-end'>{photo}</div></body></html>")
    assert line is None  # beside a picture the slot is its credit (control for the logo rule)


@pytest.mark.parametrize("line,holder", [
    ("Copyright © 1996–2024 Přístav.cz, a.s., všechna práva vyhrazena.", "Přístav.cz, a.s."),
    ("© 2024 Przystań Media S.A. Wszelkie prawa zastrzeżone", "Przystań Media S.A."),
    ("© 2024 РИА Гавань. Все права защищены", "РИА Гавань"),
    ("© 2024 Liman Medya. Tüm hakları saklıdır.", "Liman Medya"),
    ("© 2024 Hamn Media AB. Alla rättigheter förbehållna.", "Hamn Media AB"),
    ("© Porto Notizie - Riproduzione riservata", "Porto Notizie"),
    # the reservation first, then a sentence: it names nobody
    ("© 2016 All rights reserved. Linking to us is mandatory.", None),
    ("© 2016 Всички права запазени. Позоваването с хиперлинк е задължително.", None),
    ("© 2024 Luka Mediji d.o.o. Sva prava pridržana.", "Luka Mediji d.o.o."),
    ("© 2024 Pristan Media. Vse pravice pridržane.", "Pristan Media"),
    ("© 2024 Uosto Naujienos. Visos teisės saugomos.", "Uosto Naujienos"),
    ("© 2024 Sadama Uudised. Kõik õigused kaitstud.", "Sadama Uudised"),
    ("© 2024 Diari del Port. Tots els drets reservats.", "Diari del Port"),
    ("© 2024 Berita Pelabuhan. Hak cipta dilindungi undang-undang.", "Berita Pelabuhan"),
    ("© 2024 ข่าวท่าเรือ สงวนลิขสิทธิ์", "ข่าวท่าเรือ"),
    ("© 2024 बंदरगाह समाचार. सर्वाधिकार सुरक्षित", "बंदरगाह समाचार"),
])
def test_all_rights_reserved_in_more_languages(line, holder):
    """The phrase ends the holder and says the reservation, in each language as in English, and
    is never taken for a holder itself."""
    parsed = parse_statement(line)
    assert (parsed["holder"], parsed["reserved"]) == (holder, "all")


def test_a_copyright_element_in_the_page_wrapper_is_no_picture_credit():
    """Beside a picture means next to it: the article's photo elsewhere under <body> does not make
    the site's copyright element a credit (control: an element right after a picture is one)."""
    story = ("<article><p>Story.</p><figure><img src='/media/quay.jpg' alt='The quay'></figure>"
             "<p>More.</p></article>")
    line = _line(f"<html><body>{story}<div class='copyright'>© 2025 Harbour Ledger. All rights reserved.</div>"
                 "</body></html>")
    assert (line["holder"], line["years"]) == ("Harbour Ledger", [2025])
    credit = _line("<html><body><div><img src='/media/quay.jpg' alt='The quay'>"
                   "<div class='copyright'>© 2025 Jane Quay</div></div></body></html>")
    assert credit is None


def test_an_articles_own_footer_holds_the_articles_lines_not_the_sites():
    """A wire line in <div class="article-footer"> inside <article> is the article's syndication;
    the site's footer line stays the page's."""
    html = ("<html><body><article><p>Story.</p><div class='article-footer'><p>Copyright 2025 The Associated "
            "Press. All rights reserved.</p></div></article><footer>© 2025 Harbour Ledger Media LLC</footer>"
            "</body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False).to_dict()
    assert page_line(rec)["holder"] == "Harbour Ledger Media LLC"
    assert [(r["holder"], r["scope"], r["kind"]) for r in rec["rights"] if r["holder"] == "The Associated Press"] == [
        ("The Associated Press", "article", "syndication")]


@pytest.mark.parametrize("footer,holder", [
    # a <br> ends the line: the address below the name is no part of it
    ("<footer><p>Copyright © 2025<br>Harbour Ledger Media Group<br>123 Harbour St, Portland</p></footer>",
     "Harbour Ledger Media Group"),
    # the menu that shares the footer's box is another line
    ("<footer><div class='container'>© 2025 Harbour Notes <ul class='menu'><li>Home</li><li>About</li></ul>"
     "</div></footer>", "Harbour Notes"),
    # reading order: a nested element's text before its tail
    ("<footer><p>© 2025 <span><a href='/'>Harbour Ledger</a></span>. All rights reserved. "
     "<span><a href='/privacy'>Privacy</a></span></p></footer>", "Harbour Ledger"),
])
def test_a_footer_blocks_text_is_read_line_by_line_in_reading_order(footer, holder):
    line = _line(f"<html><body><article><p>Story.</p></article>{footer}</body></html>")
    assert (line["holder"], line["years"]) == (holder, [2025])


@pytest.mark.parametrize("line,holder", [
    ("Copyright NHK (Japan Broadcasting Corporation) All rights reserved.", "NHK (Japan Broadcasting Corporation)"),
    ("Copyright by 항만일보 All rights reserved.", "항만일보"),
    ("Copyright Folha de S.Porto. Todos os direitos reservados.", "Folha de S.Porto"),
    # the word at the start of a later line of the block
    ("港湾新聞 無断転載を禁止します。 | Copyright THE KOWAN NEWSPAPERS. All rights reserved.", "THE KOWAN NEWSPAPERS"),
])
def test_a_bare_copyright_word_takes_the_name_up_to_its_rights_phrase(line, holder):
    assert parse_statement(line)["holder"] == holder


@pytest.mark.parametrize("footer", ["<div id='pie'><p>© Diario del Puerto</p></div>",
                                    "<div id='fusszeile'>© Hafenblatt Online</div>"])
def test_a_footer_named_in_its_sites_language_is_the_footer(footer):
    line = _line(f"<html><body><article><p>Story.</p></article>{footer}</body></html>")
    assert line is not None and line["holder"] in ("Diario del Puerto", "Hafenblatt Online")


@pytest.mark.parametrize("credit", ["<p><em>All photos © 2024 Jane Smith</em></p>",
                                    "<p>Grafik: © Statista 2024</p>",
                                    "<p>The notice, marked © 2023 Quay Holdings Ltd, still lists the old tariffs.</p>"])
def test_picture_credits_and_a_cited_notice_in_a_blog_without_a_footer_line(credit):
    rec = extract_record(f"<html><body><article><p>Story.</p>{credit}</article></body></html>".encode(),
                         CrawlMeta(url="https://ledger.example/a"), main_text=False).to_dict()
    line = page_line(rec)
    assert line is None or line["holder"] == "Quay Holdings Ltd"  # (a dated line in the body counts, cut right)


def test_a_label_only_screen_readers_hear_is_not_part_of_the_holder():
    footer = ('<footer><p>© Copyright 2021 <a href="https://quay-group.example/">Quay Group'
              '<span class="hidden-label">this link opens in a new tab</span></a>. Harbour Post is a trademark'
              ' of Quay Group. All Rights Reserved.</p></footer>')
    html = f"<html><body><article><p>The story.</p></article>{footer}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert (page_line(rec)["holder"], page_line(rec)["years"]) == ("Quay Group", [2021])
