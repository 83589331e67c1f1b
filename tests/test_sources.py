"""Crawl inputs: sitemap (index, news, robots), feed (RSS, Atom, JSON Feed), site, WARC."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from conftest import FIXTURES, crawl, make_article_site

ARTICLES = 24  # article pages in fixtures/site (built by fixtures/build_site.py)


def test_sitemap_from_site_root_via_robots(demo_site, tmp_path):
    res, records = crawl("sitemap", "-a", f"url={demo_site.base}/", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(records) == ARTICLES  # about and section pages are listed but not articles
    assert len({r["id"] for r in records}) == ARTICLES
    assert demo_site.requests["/robots.txt"] >= 1
    assert demo_site.requests["/news-sitemap.xml"] == 1 and demo_site.requests["/sitemap.xml"] == 1
    news = [r for r in records if r["crawl"]["source"]["url"].endswith("news-sitemap.xml")]
    assert news and all(r["crawl"]["source"]["publisher"] == "Tidewater Gazette" for r in news)
    assert all(r["crawl"]["source"]["title"] for r in news)
    assert sum(len(r["posts"]) for r in records) > 40


def test_news_sitemap_fields_fill_a_bare_page_and_since_filters(serve_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "bare.html").write_text("<html><body><p>" + "Text. " * 30 + "</p></body></html>")
    (site / "old.html").write_text("<html><body><p>old</p></body></html>")
    (site / "news.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        "<url><loc>__BASE__/bare.html</loc><news:news><news:publication><news:name>Bare Times</news:name>"
        "</news:publication><news:publication_date>2025-05-03T10:00:00Z</news:publication_date>"
        "<news:title>A bare page</news:title></news:news></url>"
        "<url><loc>__BASE__/old.html</loc><lastmod>2020-01-01</lastmod></url></urlset>")
    server = serve_dir(site)
    res, records = crawl("sitemap", "-a", f"url={server.base}/news.xml", "-a", "since=2025-01-01", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    [rec] = records
    assert rec["article"]["title"] == "A bare page"
    assert rec["article"]["publisher"] == "Bare Times"
    assert rec["article"]["published"] == "2025-05-03T10:00:00Z"
    assert server.requests["/old.html"] == 0


def test_sitemap_index_gzip_and_malformed_documents(serve_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for i in range(3):
        (site / f"a{i}.html").write_text(f"<html><head><title>A{i}</title></head><body><p>x</p></body></html>")
    child = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<url><loc>__BASE__/a{i}.html</loc></url>" for i in range(2)) + "</urlset>")
    (site / "broken.xml").write_text("<urlset><url><loc>__BASE__/a2.html</loc></url>")  # truncated: recovered
    (site / "notxml.xml").write_text("this is not a sitemap at all")
    (site / "index.xml").write_text(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<sitemap><loc>__BASE__/{n}</loc></sitemap>" for n in ("one.xml.gz", "notxml.xml", "missing.xml", "broken.xml"))
        + "</sitemapindex>")
    server = serve_dir(site)
    # gzipped bytes are served as they are, so the child sitemap names the server itself
    (site / "one.xml.gz").write_bytes(gzip.compress(child.replace("__BASE__", server.base).encode()))
    res, records = crawl("sitemap", "-a", f"url={server.base}/index.xml", cwd=tmp_path)
    assert res.returncode == 0
    assert sorted(r["article"]["title"] for r in records) == ["A0", "A1", "A2"]
    log = res.stderr.decode()
    assert "notxml.xml" in log and "missing.xml: HTTP 404" in log


def test_xml_attacks_are_not_expanded_or_fetched(serve_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10))
           + ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>__BASE__/a.html?&lol9;</loc></url></urlset>')
    (site / "lol.xml").write_text(lol)
    (site / "xxe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY ext SYSTEM "__BASE__/secret.txt">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>__BASE__/b.html&ext;</loc></url></urlset>')
    (site / "secret.txt").write_text("secret")
    (site / "lol-rss.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10))
        + '<!ENTITY ext SYSTEM "__BASE__/secret.txt">]><rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&ext;</title><link>__BASE__/a.html</link></item></channel></rss>")
    server = serve_dir(site)
    res, _ = crawl("feed", "-a", f"url={server.base}/lol-rss.xml", cwd=tmp_path, timeout=60)
    # the feed is read; its one entry, a.html, is not on the server: every page failed (exit 4)
    assert res.returncode == 4 and b"Traceback" not in res.stderr
    for name in ("lol.xml", "xxe.xml"):
        res, _ = crawl("sitemap", "-a", f"url={server.base}/{name}", cwd=tmp_path, timeout=60)
        assert res.returncode == 4, res.stderr[-1000:]
    assert server.requests["/secret.txt"] == 0
    assert all("lollol" not in path for path in server.requests)


def test_feed_spider_rss_atom_and_json_feed(demo_site, serve_dir, tmp_path):
    res, records = crawl("feed", "-a", f"url={demo_site.base}/rss.xml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(records) == 12
    assert all(r["crawl"]["source"]["kind"] == "feed" and r["crawl"]["source"]["title"] for r in records)
    site = tmp_path / "site"
    site.mkdir()
    (site / "p.html").write_text("<html><body><p>" + "Body text. " * 20 + "</p></body></html>")
    (site / "atom.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title>'
        '<entry><title>Atom entry</title><link href="__BASE__/p.html"/><updated>2025-05-02T10:00:00Z</updated>'
        "<id>urn:1</id></entry></feed>")
    (site / "feed.json").write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Site", "items": ['
        '{"id": "1", "url": "__BASE__/p.html?via=json", "title": "JSON entry", "date_published": "2025-05-04T00:00:00Z"}]}')
    (site / "bad.xml").write_text("<html><body>not a feed</body></html>")
    server = serve_dir(site)
    urls = ",".join(f"{server.base}/{n}" for n in ("atom.xml", "feed.json", "bad.xml"))
    res, records = crawl("feed", "-a", f"url={urls}", cwd=tmp_path)
    assert res.returncode == 0
    titles = sorted(r["article"]["title"] for r in records)
    assert titles == ["Atom entry", "JSON entry"]
    assert "bad.xml" in res.stderr.decode()


def test_site_spider_follows_links_and_emits_only_articles(demo_site, tmp_path):
    res, records = crawl("site", "-a", f"url={demo_site.base}/", "-a", "depth=1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(records) == ARTICLES
    assert all("/2025/05/" in r["crawl"]["url"] for r in records)
    res, records = crawl("site", "-a", f"url={demo_site.base}/", "-a", "depth=1",
                         "-a", "deny=/2025/05/0", "-a", "allow=/2025/", cwd=tmp_path)
    assert records and all("/2025/05/0" not in r["crawl"]["url"] for r in records)
    demo_site.requests.clear()
    res, records = crawl("site", "-a", f"url={demo_site.base}/", "-a", "depth=0", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert records == []  # the home page itself is not an article
    assert demo_site.requests["/"] == 1 and not any(p.startswith("/2025/") for p in demo_site.requests)


def _write_warc(path, pages):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, ctype in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_warc_spider_reads_archives_without_network(tmp_path):
    page = (FIXTURES / "pages" / "seed-embed.html").read_bytes()
    _write_warc(tmp_path / "a.warc.gz", [
        ("https://www.latintimes.example/rubio-third-countries-deportations", page, "text/html; charset=utf-8"),
        ("https://www.latintimes.example/logo.png", b"\x89PNG....", "image/png"),
    ])
    _write_warc(tmp_path / "b.warc.gz", [("https://ex.example/2025/05/02/amp", (FIXTURES / "pages" / "embeds-amp.html").read_bytes(), "text/html")])
    (tmp_path / "c.warc.gz").write_bytes(b"garbage, not an archive")
    res, records = crawl("warc", "-a", f"path={tmp_path}/*.warc.gz", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert len(records) == 2
    rec = next(r for r in records
               if r["crawl"]["url"] == "https://www.latintimes.example/rubio-third-countries-deportations")
    assert rec["crawl"]["warc_record_id"].startswith("<urn:uuid:")
    assert rec["crawl"]["status"] == 200 and rec["crawl"]["fetched_at"].startswith("20")
    assert rec["posts"][0]["post_id"] == "1917634117335879720"
    assert "c.warc.gz" in res.stderr.decode()


def test_bad_spider_arguments_are_clear(tmp_path):
    for args, msg in ((("sitemap",), b"-a url="), (("feed", "-a", "url=ftp://x"), b"feed: give"),
                      (("site", "-a", "url=http://127.0.0.1:9/", "-a", "depth=x"), b"not a whole number"),
                      (("warc", "-a", "path=/nonexistent/*.warc"), b"no file matches"),
                      (("sitemap", "-a", "url=http://127.0.0.1:9/", "-a", "since=someday"), b"not a date")):
        res, _ = crawl(*args, cwd=tmp_path)
        assert res.returncode != 0 and msg in res.stderr, (args, res.stderr[-500:])


def _atom(entries):
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title>'
            + "".join(f'<entry><title>{p}</title><link href="__BASE__/{p}"/><published>{d}</published>'
                      f"<updated>{d}</updated><id>urn:{p}</id></entry>" for p, d in entries) + "</feed>")


def test_feed_since_and_updated_dates_spare_requests(serve_dir, tmp_path):
    site = make_article_site(tmp_path / "site", 3)
    entries = [("a0.html", "2020-01-01T00:00:00Z"), ("a1.html", "2025-05-02T10:00:00Z"), ("a2.html", "2025-05-03T10:00:00Z")]
    (site / "atom.xml").write_text(_atom(entries))
    server = serve_dir(site)
    url = f"url={server.base}/atom.xml"
    # -a since: the entry published before it is not requested at all
    res, records = crawl("feed", "-a", url, "-a", "since=2025-01-01", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(r["crawl"]["url"].rsplit("/", 1)[1] for r in records) == ["a1.html", "a2.html"]
    assert server.requests["/a0.html"] == 0
    # with state: a second run does not request entries updated before our last fetch...
    state, stats = f"sqlite:///{tmp_path / 'state.sqlite'}", tmp_path / "stats.json"
    res, first = crawl("feed", "-a", url, cwd=tmp_path, state=state)
    assert len(first) == 3
    server.requests.clear()
    res, second = crawl("feed", "-a", url, "-s", f"STATS_FILE={stats}", cwd=tmp_path, state=state)
    assert second == [] and json.loads(stats.read_text())["detail"]["state/unchanged_lastmod"] == 3
    assert not any(p.endswith(".html") for p in server.requests) and server.requests["/atom.xml"] == 1
    # ...and does request the one the feed says was updated since
    (site / "atom.xml").write_text(_atom(entries[:2] + [("a2.html", "2099-01-01T00:00:00Z")]))
    server.requests.clear()
    res, third = crawl("feed", "-a", url, cwd=tmp_path, state=state)
    assert [r["crawl"]["url"].rsplit("/", 1)[1] for r in third] == []  # refetched, same findings: nothing new
    assert [p for p in server.requests if p.endswith(".html")] == ["/a2.html"]


def test_gzipped_sitemap_bomb_is_capped():
    from crawler.sources.sitemaps import SitemapError, parse_sitemap

    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.example/a</loc></url>'
    ok = parse_sitemap(gzip.compress((urlset + "</urlset>").encode()), "https://ex.example/s.xml.gz")
    assert [e.loc for e in ok.entries] == ["https://ex.example/a"]  # the control: gzip is read
    bomb = gzip.compress((urlset + " " * (51 * 1024 * 1024) + "</urlset>").encode())  # 51 MB from 50 KB
    with pytest.raises(SitemapError, match="gzipped sitemap inflates beyond 52428800 bytes"):
        parse_sitemap(bomb, "https://ex.example/bomb.xml.gz")


def _arc(pages, gz=False):
    """An ARC v1 file (the Internet Archive's format before WARC): a filedesc record, then one
    record per page; gzipped as real .arc.gz files are, one gzip member per record."""
    desc = b"1 0 Tidewater\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://test.arc 0.0.0.0 20250502100000 text/plain %d\n" % len(desc) + desc + b"\n"]
    for url, body in pages:
        http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
        records.append(b"%s 93.184.216.34 20250502100000 text/html %d\n" % (url.encode(), len(http + body))
                       + http + body + b"\n")
    return b"".join(gzip.compress(r) if gz else r for r in records)


def test_warc_spider_reads_arc_files(tmp_path):
    page = (FIXTURES / "pages" / "seed-embed.html").read_bytes()
    (tmp_path / "a.arc").write_bytes(_arc([("https://www.latintimes.example/2025/04/30/rubio-one", page)]))
    (tmp_path / "b.arc.gz").write_bytes(_arc([("https://www.latintimes.example/2025/04/30/rubio-two", page)], gz=True))
    res, records = crawl("warc", "-a", f"path={tmp_path / 'a.arc'},{tmp_path / 'b.arc.gz'}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert sorted(r["crawl"]["url"].rsplit("/", 1)[1] for r in records) == ["rubio-one", "rubio-two"]
    for r in records:
        assert r["crawl"]["fetched_at"] == "2025-05-02T10:00:00Z" and r["crawl"]["status"] == 200
        assert [p["post_id"] for p in r["posts"]] == ["1917634117335879720"]
