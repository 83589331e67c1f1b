"""Article metadata from our fixtures and, when present, canonical URLs of real pages."""

from __future__ import annotations

import json

from conftest import SHARED, extract_page, needs_shared

from crawler.extract import CrawlMeta, extract_record


def test_article_fields_from_jsonld_and_meta():
    rec = extract_page("embeds-official.html", url="https://news.tidewater.example/print/123")
    art = rec["article"]
    assert art["canonical_url"] == "https://news.tidewater.example/2025/05/02/harbour-bridge-reopens/"
    assert art["title"] == "Harbour bridge reopens after storm"
    assert art["authors"] == ["Mara Quill", "Theo Vance"]
    assert art["published"] == "2025-05-02T09:15:00+00:00"
    assert art["modified"] == "2025-05-02T11:40:00+00:00"
    assert art["publisher"] == "Tidewater Gazette"
    assert art["language"] == "en-US"
    assert len(art["text_sha256"]) == 64
    assert "text" not in art


def test_title_falls_back_to_html_title_without_site_suffix():
    rec = extract_page("seed-embed.html")
    assert rec["article"]["title"] == "Rubio defends deportation deals with third countries"
    assert rec["article"]["publisher"] == "Latin Times"
    assert rec["article"]["authors"] == ["Staff Writer"]
    assert rec["article"]["published"] == "2025-04-30T18:00:00Z"


def test_author_written_as_a_json_string_and_a_byline_run_into_its_date():
    from crawler.extract.article import _byline_names

    person = json.dumps({"@type": "Person", "name": "Ona Brill"})
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Tide tables",
                     "author": person})  # the Person is a string holding JSON, as some CMSs write it
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head><body><article><p>'
            + "The tide tables changed this week. " * 20 + "</p></article></body></html>")
    rec = extract_record(html, CrawlMeta(url="https://ex.example/tides")).to_dict()
    assert rec["article"]["authors"] == ["Ona Brill"]
    # escaped twice by the CMS, a "By" left in, a URL for a name
    html = ('<html><head><meta property="og:title" content="Tides &amp;#8216;late&amp;#8217; again">'
            '<meta name="author" content="By  Ona O&amp;#039;Brill"><meta name="author" content="https://ex.example/">'
            '</head><body><article><p>' + "The tide tables changed this week. " * 20 + "</p></article></body></html>")
    art = extract_record(html, CrawlMeta(url="https://ex.example/tides")).to_dict()["article"]
    assert (art["title"], art["authors"]) == ("Tides \u2018late\u2019 again", ["Ona O'Brill"])
    # trafilatura's byline guess, "Ann Lee Fri., Aug. 23" read as two names
    assert _byline_names("Ann Lee Fri; Aug") == ["Ann Lee"]
    assert _byline_names("Ann Lee; Fri., Aug. 23, 2019") == ["Ann Lee"]
    assert _byline_names("Wei Sun; Theresa May") == ["Wei Sun", "Theresa May"]  # names, not dates


def test_jsonld_wrapped_in_cdata_is_read():
    """XHTML-minded CMSs and page savers wrap the JSON in a CDATA section ("/*<![CDATA[*/{...}/*]]>*/"):
    still the page's JSON-LD, with its date, author, type and copyright."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Tide tables",
                     "datePublished": "2025-03-02T08:30:00+01:00", "author": {"@type": "Person", "name": "Ona Brill"},
                     "copyrightYear": 2025, "copyrightHolder": {"@type": "Organization", "name": "Harbour Ledger"}})
    body = "<body><article><p>" + "The tide tables changed this week. " * 20 + "</p></article></body></html>"
    for wrapped in (f"/*<![CDATA[*/{ld}/*]]>*/", f"\n  <![CDATA[\n  {ld}\n  ]]>\n", f"//<![CDATA[\n{ld}\n//]]>"):
        html = f'<html><head><script type="application/ld+json">{wrapped}</script></head>{body}'
        rec = extract_record(html, CrawlMeta(url="https://ex.example/tides")).to_dict()
        art = rec["article"]
        assert (art["published"], art["authors"], art["page_type"]) == (
            "2025-03-02T08:30:00+01:00", ["Ona Brill"], "newsarticle"), wrapped
        assert [(r["holder"], r["years"]) for r in rec["rights"]] == [("Harbour Ledger", [2025])]


def test_text_only_when_asked_and_relative_canonical_resolved():
    html = ('<html><head><title>T</title><link rel="canonical" href="/a/b"></head><body>'
            '<article><p>' + "Some sentence of the article body. " * 20 + '</p></article></body></html>')
    rec = extract_record(html, CrawlMeta(url="https://ex.example/x/y?z=1"), with_text=True).to_dict()
    assert rec["article"]["canonical_url"] == "https://ex.example/a/b"
    assert "Some sentence of the article body." in rec["article"]["text"]
    rec2 = extract_record(html, CrawlMeta(url="https://ex.example/x"), main_text=False).to_dict()
    assert rec2["article"]["text_sha256"] is None


def test_meta_written_with_value_for_content_is_read():
    """Some saving tools write ``<meta name="og:url" value=...>`` for ``property``/``content``."""
    html = ('<html><head><meta value="https://ex.example/2026/harbour" name="og:url">'
            '<meta value="Harbour pier closes" name="og:title"><meta value="article" name="og:type">'
            '<meta content="Kept" value="Dropped" name="og:site_name"></head><body><p>Text.</p></body></html>')
    art = extract_record(html, CrawlMeta(url="https://ex.example/x"), main_text=False).to_dict()["article"]
    assert (art["canonical_url"], art["title"], art["page_type"]) == (
        "https://ex.example/2026/harbour", "Harbour pier closes", "article")
    assert art["publisher"] == "Kept"


@needs_shared
def test_canonical_url_matches_labels_on_real_pages():
    labels = json.loads((SHARED / "realworld" / "labels.json").read_text("utf-8"))["pages"]
    with_url = [lab for lab in labels if lab.get("url")]
    right = 0
    wrong = []
    for lab in with_url:
        data = (SHARED / "realworld" / "pages" / lab["page"]).read_bytes()
        rec = extract_record(data, CrawlMeta(url="file:///page.html"), main_text=False).to_dict()
        if rec["article"]["canonical_url"] == lab["url"]:
            right += 1
        else:
            wrong.append((lab["page"], rec["article"]["canonical_url"], lab["url"]))
    assert right / len(with_url) >= 0.95, wrong


def test_a_bare_year_is_no_publication_date_but_a_declared_day_is():
    from crawler.extract import CrawlMeta, extract_record

    footer = "<footer><p>Copyright 2019 The Harbour Ledger</p></footer>"
    body = "<html><head>{}</head><body><article><p>{}</p></article>{}</body></html>"
    text = "The ferry strike ended after nine days of talks between the union and the port authority. " * 5
    rec = extract_record(body.format("", text, footer).encode(), CrawlMeta(url="https://ledger.example/a"))
    assert rec.article.published is None  # htmldate would say 2019-01-01 from the copyright year
    meta = '<meta property="article:published_time" content="2025-01-01T09:00:00Z">'
    rec = extract_record(body.format(meta, text, footer).encode(), CrawlMeta(url="https://ledger.example/a"))
    assert rec.article.published == "2025-01-01T09:00:00Z"  # a declared January 1st stays
