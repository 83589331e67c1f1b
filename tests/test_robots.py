"""robots.txt is obeyed by default: a disallowed page is never requested, by a crawl or by
``crawler extract URL``, while robots.txt itself, sitemaps, feeds and allowed pages still are.

Every other HTTP test either turns ``ROBOTSTXT_OBEY`` off or crawls a site whose robots.txt
blocks nothing it fetches, so these are the tests that fail if the default is switched off.
"""

from __future__ import annotations

import pytest
from conftest import LOOPBACK, crawl, jsonl, make_article_site, run_cli


@pytest.fixture
def guarded_site(tmp_path, serve_dir):
    """Two allowed articles and one under ``/private/``, listed by a sitemap and an RSS feed."""
    root = make_article_site(tmp_path / "site", 2)
    (root / "private").mkdir()
    (root / "private" / "p.html").write_text((root / "a0.html").read_text().replace("Article 0", "Private"))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n\nSitemap: __BASE__/sitemap.xml\n")
    (root / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>__BASE__/{p}</loc></url>" for p in ("a0.html", "private/p.html", "a1.html"))
        + "</urlset>")
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>__BASE__/</link>'
        + "".join(f"<item><title>{p}</title><link>__BASE__/{p}</link></item>" for p in ("private/p.html", "a1.html"))
        + "</channel></rss>")
    return serve_dir(root)


def test_sitemap_crawl_skips_disallowed_pages_and_reads_listings(guarded_site, tmp_path):
    res, records = crawl("sitemap", "-a", f"url={guarded_site.base}/", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(r["crawl"]["url"].rsplit("/", 1)[1] for r in records) == ["a0.html", "a1.html"]
    assert guarded_site.requests["/private/p.html"] == 0
    assert guarded_site.requests["/robots.txt"] >= 1 and guarded_site.requests["/sitemap.xml"] == 1


def test_feed_crawl_skips_disallowed_pages(guarded_site, tmp_path):
    res, records = crawl("feed", "-a", f"url={guarded_site.base}/rss.xml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert [r["crawl"]["url"] for r in records] == [f"{guarded_site.base}/a1.html"]
    assert guarded_site.requests["/private/p.html"] == 0 and guarded_site.requests["/rss.xml"] == 1


def test_the_same_crawl_with_robots_off_fetches_the_page(guarded_site, tmp_path):
    """The control: the fixture does list the private page, so its absence above is robots.txt."""
    res, records = crawl("sitemap", "-a", f"url={guarded_site.base}/", "-s", "ROBOTSTXT_OBEY=False", cwd=tmp_path)
    assert res.returncode == 0
    assert len(records) == 3 and guarded_site.requests["/private/p.html"] == 1


def test_extract_url_obeys_robots(guarded_site):
    res = run_cli("extract", f"{guarded_site.base}/private/p.html", f"{guarded_site.base}/a1.html", *LOOPBACK)
    assert res.returncode == 1
    [record] = jsonl(res.stdout)
    assert record["crawl"]["url"] == f"{guarded_site.base}/a1.html"
    [line] = res.stderr.decode().strip().splitlines()
    assert line.endswith("private/p.html: cannot fetch: IgnoreRequest: Forbidden by robots.txt"), line
    assert guarded_site.requests["/private/p.html"] == 0 and guarded_site.requests["/robots.txt"] == 1
