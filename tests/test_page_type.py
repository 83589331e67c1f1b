"""Pages that declare themselves something else than an article (``og:type`` website): kept when
they cite posts, with what they declare in ``article.page_type``; ``ARTICLES_ONLY=1`` drops them.

A real crawl of a site on 127.0.0.1, by the sitemap and feed spiders."""

from __future__ import annotations

import pytest
from conftest import crawl

from crawler.extract import CrawlMeta, extract_record

ESSAY = """<html><head><title>On slow software</title><meta property="og:type" content="website">
</head><body><main><p>An essay long enough to be read as the main text of a page, on why software gets
slower every year, and what a reader of it can do.</p>
<p>As <a href="https://twitter.com/someone/status/1918000000000000001">this thread</a> argues, nobody
measures anything.</p></main></body></html>"""
FRONT = """<html><head><title>Sections</title><meta property="og:type" content="website"></head>
<body><ul><li><a href="/essay.html">On slow software</a></li></ul></body></html>"""
NEWS = """<html><head><title>Port reopens</title><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Port reopens"}</script>
<meta property="og:type" content="website"></head><body><article><p>The port reopened on Monday after a
week of repairs to the outer quay, the harbour office said.</p>
<blockquote class="twitter-tweet"><a href="https://twitter.com/port/status/1918000000000000002">May 1</a>
</blockquote></article></body></html>"""


@pytest.fixture
def blog_site(tmp_path, serve_dir):
    root = tmp_path / "site"
    root.mkdir()
    (root / "essay.html").write_text(ESSAY)
    (root / "sections.html").write_text(FRONT)
    (root / "news.html").write_text(NEWS)
    pages = ("essay.html", "sections.html", "news.html")
    (root / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>__BASE__/{p}</loc></url>" for p in pages) + "</urlset>")
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>__BASE__/</link>'
        + "".join(f"<item><title>{p}</title><link>__BASE__/{p}</link></item>" for p in pages)
        + "</channel></rss>")
    return serve_dir(root)


def _by_page(records: list[dict]) -> dict[str, dict]:
    return {r["crawl"]["url"].rsplit("/", 1)[1]: r for r in records}


@pytest.mark.parametrize("spider,listing", [("sitemap", "/sitemap.xml"), ("feed", "/rss.xml")])
def test_a_website_page_that_cites_posts_is_kept_with_its_declared_type(blog_site, tmp_path, spider, listing):
    res, records = crawl(spider, "-a", f"url={blog_site.base}{listing}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    pages = _by_page(records)
    assert sorted(pages) == ["essay.html", "news.html"]  # the section front cites nothing: dropped
    assert pages["essay.html"]["article"]["page_type"] == "website"
    assert [p["post_id"] for p in pages["essay.html"]["posts"]] == ["1918000000000000001"]
    assert pages["news.html"]["article"]["page_type"] == "newsarticle"  # JSON-LD before og:type
    assert "sections.html: the page declares it is not an article and cites no post" in res.stderr.decode()


def test_articles_only_drops_pages_that_declare_another_type(blog_site, tmp_path):
    res, records = crawl("sitemap", "-a", f"url={blog_site.base}/sitemap.xml", "-s", "ARTICLES_ONLY=1",
                         cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(_by_page(records)) == ["news.html"]
    assert "essay.html: the page declares it is not an article and ARTICLES_ONLY is set" in res.stderr.decode()


def test_page_type_is_null_when_the_page_is_silent():
    html = b"<html><head><title>T</title></head><body><p>Text.</p></body></html>"
    rec = extract_record(html, CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert rec["article"]["page_type"] is None


@pytest.mark.parametrize("extra,expected", [((), ["essay.html", "news.html"]), (("-s", "ARTICLES_ONLY=1"), ["news.html"])])
def test_the_site_and_warc_spiders_keep_citing_pages_alike(blog_site, tmp_path, extra, expected):
    # (the section front links the essay only, so a site crawl from it meets the essay alone)
    """Pages nobody listed (a site crawl, an archive) follow the same rule: a page that is not an
    article but cites posts is kept unless ARTICLES_ONLY; one that cites nothing is dropped."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    res, records = crawl("site", "-a", f"url={blog_site.base}/sections.html", *extra, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(_by_page(records)) == [p for p in expected if p != "news.html"]
    archive = tmp_path / "pages.warc.gz"
    with open(archive, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for name, body in (("essay.html", ESSAY), ("sections.html", FRONT), ("news.html", NEWS)):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://blog.example/{name}", "response",
                                                          payload=io.BytesIO(body.encode()), http_headers=headers))
    res, records = crawl("warc", "-a", f"path={archive}", *extra, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(_by_page(records)) == expected
