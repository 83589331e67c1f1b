"""Rights statements: textual forms, languages, machine-readable forms, scopes and traps."""

from __future__ import annotations

import pytest
from conftest import SHARED, extract_page, needs_shared

from crawler.extract import CrawlMeta, extract_record, extract_text_record
from crawler.extract.rights import parse_statement


@pytest.mark.parametrize("line,holder,years,reserved", [
    ("© 2025 Latin Times. All rights reserved. Do not reproduce without permission.", "Latin Times", [2025], "all"),
    ("&copy; 2010–2025 Hafen Verlag GmbH. Alle Rechte vorbehalten.", "Hafen Verlag GmbH", [2010, 2025], "all"),
    ("&#169; 2019 - 2024 Quay Media", "Quay Media", [2019, 2024], None),
    ("Copyright (c) 2019 ASAHI INTERACTIVE, Inc. All rights reserved.", "ASAHI INTERACTIVE, Inc", [2019], "all"),
    ("(C) 2024 Example Ltd", "Example Ltd", [2024], None),
    ("Copr. 2019-25 Example Corp", "Example Corp", [2019, 2025], None),
    ("Copyright 2025 by Jane Doe", "Jane Doe", [2025], None),
    ("Holder Name © 2025", "Holder Name", [2025], None),
    ("© BRIGITTE.de 2019", "BRIGITTE.de", [2019], None),
    ("© Copyright 2016, The Political Insider", "The Political Insider", [2016], None),
    ("Copyright © 2023 · Teslamag.de", "Teslamag.de", [2023], None),
    ("©2020 Group Nine Media Inc.", "Group Nine Media Inc", [2020], None),
    ("2024 The Local, All Rights Reserved.", "The Local", [2024], "all"),
    ("TODOS LOS DERECHOS RESERVADOS ® 2021", None, [2021], "all"),
    ("© Future US, Inc. Full 7th Floor, 130 West 42nd Street, New York", "Future US, Inc", [], None),
    ("ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지", "매일경제 & mk.co.kr", [], "all"),
    ("© 2025 Diario Sur. Todos los derechos reservados.", "Diario Sur", [2025], "all"),
    ("© 2025 Jornal Porto. Todos os direitos reservados.", "Jornal Porto", [2025], "all"),
    ("© 2025 Le Quai. Tous droits réservés.", "Le Quai", [2025], "all"),
    ("© 2025 Il Porto. Tutti i diritti riservati.", "Il Porto", [2025], "all"),
    ("© 2025 De Haven. Alle rechten voorbehouden.", "De Haven", [2025], "all"),
    ("© 2025 الميناء. جميع الحقوق محفوظة", "الميناء", [2025], "all"),
    ("© 2025 港新聞 無断転載禁止", "港新聞", [2025], "all"),
    ("© 2025 港口新闻 版权所有", "港口新闻", [2025], "all"),
    ("© 2025 Example Blog. Some rights reserved.", "Example Blog", [2025], "some"),
    ("All reproduction and representation rights reserved. © 2025 Agence France-Presse",
     "Agence France-Presse", [2025], "all"),
])
def test_textual_forms(line, holder, years, reserved):
    parsed = parse_statement(line)
    assert parsed is not None
    assert parsed["holder"] == holder
    assert parsed["years"] == years
    assert parsed["reserved"] == reserved


@pytest.mark.parametrize("line", [
    "(a) first (b) second (c) third", "Copyright Policy", "Copyright Information",
    "© {year} Placeholder Inc", "Example® and Brand™ are trademarks", "Read our copyright guide",
])
def test_not_rights_statements(line):
    """Not a statement alone, nor on a page beside a real one (the control, which must be found)."""
    assert parse_statement(line) is None
    html = (f"<html><body><article><p>{'Words of the story here. ' * 8}</p><p>{line}</p></article>"
            "<footer><p>© 2025 Control Harbour Media. All rights reserved.</p></footer></body></html>")
    rights = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()["rights"]
    assert [(r["kind"], r["scope"], r["holder"], r["years"], r["reserved"]) for r in rights] == [
        ("copyright", "page", "Control Harbour Media", [2025], "all")]


def test_wire_restrictions_are_kept():
    parsed = parse_statement("Copyright 2025 The Associated Press. All rights reserved. "
                             "This material may not be published, broadcast, rewritten or redistributed.")
    assert parsed["holder"] == "The Associated Press"
    assert parsed["restrictions"] == [
        "This material may not be published, broadcast, rewritten or redistributed."]


def test_page_line_scopes_and_order():
    html = """<html><head><meta name="copyright" content="© 2025 Quay Media">
    <script type="application/ld+json">{"@type":"NewsArticle","copyrightYear":2025,
      "copyrightHolder":{"@type":"Organization","name":"Quay Media"},
      "image":{"@type":"ImageObject","creditText":"Jo Lens/Quay","copyrightNotice":"© Jo Lens"}}</script>
    <script>/*! lib v1 | (c) 2020 Library Authors | MIT license */</script>
    <style>.c:after{content:"\\00a9 2020 CSS"}</style></head><body>
    <!-- © 2019 Old Comment Holder -->
    <article><div class="article-body"><p>Story text that is long enough to be the story.</p>
    <figure><img src="a.jpg"><figcaption>The quay at dawn. © Jo Lens</figcaption></figure>
    <p>Copyright 2025 The Associated Press. All rights reserved. This material may not be published,
    broadcast, rewritten or redistributed.</p></div></article>
    <footer><a href="/copyright">Copyright Policy</a>
    <p>© 2025 Quay Media Ltd. All rights reserved.</p>
    <a rel="license" href="https://creativecommons.org/licenses/by-nc/4.0/">CC BY-NC 4.0</a></footer>
    </body></html>"""
    rec = extract_record(html, CrawlMeta(url="https://quay.example/a")).to_dict()
    rights = rec["rights"]
    first_page = next(r for r in rights if r["scope"] == "page")
    assert (first_page["holder"], first_page["years"], first_page["source"]) == ("Quay Media Ltd", [2025], "text")
    kinds = {(r["kind"], r["scope"], r["source"]) for r in rights}
    assert ("copyright", "page", "meta") in kinds
    assert ("syndication", "article", "text") in kinds
    assert ("copyright", "article", "jsonld") in kinds
    assert ("credit", "media", "text") in kinds
    assert ("license", "page", "link") in kinds
    lic = next(r for r in rights if r["kind"] == "license")
    assert lic["license_url"] == "https://creativecommons.org/licenses/by-nc/4.0/" and lic["reserved"] == "some"
    statements = " ".join(r["statement"] for r in rights)
    for trap in ("Library Authors", "CSS", "Old Comment Holder", "Copyright Policy"):
        assert trap not in statements
    wire = next(r for r in rights if r["kind"] == "syndication")
    assert wire["holder"] == "The Associated Press" and wire["restrictions"]


def test_dublin_core_meta():
    html = ('<html><head><meta name="DC.rights" content="Copyright 2024 Harbour Archive">'
            '<meta name="dcterms.license" content="https://creativecommons.org/licenses/by/4.0/">'
            '</head><body><p>x</p></body></html>')
    rights = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()["rights"]
    assert rights[0]["holder"] == "Harbour Archive" and rights[0]["source"] == "meta"
    assert rights[1]["kind"] == "license" and rights[1]["license_url"].startswith("https://creativecommons.org/")


@pytest.mark.parametrize("where", [
    '<head><link rel="License" href="https://creativecommons.org/licenses/by-sa/4.0/"></head><body><p>x</p>',
    # inside a section the posts walker does not enter (reader comments): read all the same
    '<head></head><body><article><p>Text.</p></article><div class="comments"><p>Comments are '
    '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license">CC BY-SA 4.0</a></p></div>',
])
def test_licence_links_in_the_head_and_in_subtrees_the_walk_passes_over(where):
    html = f"<html>{where}</body></html>"
    rights = extract_record(html, CrawlMeta(url="https://ex.example/a"), main_text=False).to_dict()["rights"]
    assert [r["license_url"] for r in rights if r["kind"] == "license"] == [
        "https://creativecommons.org/licenses/by-sa/4.0/"]


def test_bad_jsonld_types_are_ignored():
    html = ('<html><head><script type="application/ld+json">{"@type":"NewsArticle","copyrightHolder":42,'
            '"copyrightYear":["x"],"license":{"bad":true}}</script><script type="application/ld+json">{broken'
            '</script></head><body><p>x</p></body></html>')
    rec = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()
    assert all(r["holder"] != 42 for r in rec["rights"])


def test_fixture_footer_line():
    rec = extract_page("embeds-official.html")
    first = next(r for r in rec["rights"] if r["scope"] == "page")
    assert first["holder"] == "Tidewater Media Group" and first["years"] == [2025] and first["reserved"] == "all"


@pytest.mark.skipif(not (SHARED / "seed" / "article.txt").is_file(), reason="../shared is absent")
def test_seed_rights():
    text = (SHARED / "seed" / "article.txt").read_text("utf-8")
    rec = extract_text_record(text, CrawlMeta(url="file:///seed.txt")).to_dict()
    [r] = rec["rights"]
    assert r["holder"] == "Latin Times" and r["years"] == [2025] and r["reserved"] == "all"
    assert "Do not reproduce without permission." in r["restrictions"]


@needs_shared
def test_page_copyright_on_real_pages():
    import sys

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "bench"))
    import realworld

    result = realworld.score(SHARED / "realworld")
    assert result["rights"]["page_copyright_accuracy"] >= 0.95, [
        p for p in result["problems"] if "RIGHTS" in p]
