"""``crawler report``: the site it writes from real crawls, its inputs, its errors, its escaping.

The pages are read back as HTML here (lxml); ``test_report_browser.py`` opens them in Chromium.
The helpers below (crawled sites, hostile pages) serve both files.
"""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from conftest import crawl, make_article_site, run_cli, start_server

pytest.importorskip("jinja2", reason="the report extra is not installed")
pytest.importorskip("networkx", reason="the report extra is not installed")

# a string that runs script wherever it is not escaped: in text, in an attribute, in a script
PAYLOAD = ('</script><script>window.__pwned=1;alert(1)</script>'
           '<img src=x onerror="window.__pwned=2;alert(2)">"\'><svg onload="window.__pwned=3;alert(3)">')
JS_URL = "javascript:window.__pwned=4;alert(4)"


def hostile_page() -> str:
    """An article whose every field a page controls carries PAYLOAD (and a javascript: licence)."""
    e = html.escape(PAYLOAD, quote=True)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{e}">
<meta name="author" content="{e}"><meta name="description" content="{e}"><meta property="og:site_name" content="{e}">
<meta property="article:published_time" content="2025-05-02T10:00:00Z">
<link rel="license" href="{html.escape(JS_URL)}"></head>
<body><article><h1>{e}</h1>
<p>The mayor said something that people argued about for days, {e} and more.</p>
<blockquote class="twitter-tweet"><p lang="en">{e}</p>&mdash; {e} (@evil_handle)
<a href="https://twitter.com/evil_handle/status/1918000000000000001">May 2, 2025</a></blockquote>
<p>Another paragraph of the story that is long enough to matter here.</p>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Evil123/">
<a href="https://www.instagram.com/p/Evil123/">A post shared by {e} (@evil.gram)</a></blockquote>
</article><footer><p>&copy; 2025 {e}. All rights reserved.</p></footer></body></html>"""


def make_hostile_site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hostile.html").write_text(hostile_page(), "utf-8")
    (root / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                      "<url><loc>__BASE__/hostile.html</loc></url></urlset>")
    return root


def hostile_record(base: dict) -> dict:
    """``base`` (a real record) with PAYLOAD in every string a page could set and JS_URL in every URL."""
    rec = json.loads(json.dumps(base))
    art = rec["article"]
    for k in ("title", "publisher", "description", "language"):
        art[k] = PAYLOAD
    art["url"] = art["canonical_url"] = "http://127.0.0.1:9/hostile?" + PAYLOAD
    art["authors"] = [PAYLOAD]
    rec["id"] = "sha256:" + "e" * 64
    rec["posts"] = [{
        "platform": "javascript:alert(9)</script>", "post_id": PAYLOAD, "url": JS_URL, "kind": PAYLOAD,
        "author": {"handle": PAYLOAD, "name": PAYLOAD}, "posted": PAYLOAD, "text": PAYLOAD,
        "media": [JS_URL, " JavaScript:alert(5)", "java\tscript:alert(6)", "data:text/html,<script>alert(7)</script>"],
        "evidence": [{"form": PAYLOAD, "locator": PAYLOAD, "position": 0, "context": PAYLOAD}]}]
    rec["rights"] = [{"statement": PAYLOAD, "holder": PAYLOAD, "years": [2025], "kind": PAYLOAD, "reserved": PAYLOAD,
                      "restrictions": [PAYLOAD], "license_url": JS_URL, "source": PAYLOAD, "scope": "page"}]
    rec["crawl"].update(url=art["url"], spider=PAYLOAD)
    return rec


NO_ID_PAGE = """<html><head><title>Ferry fares rise again</title><meta property="og:type" content="article"></head>
<body><article><h1>Ferry fares rise again</h1>
<p>The operator announced the new fares on Monday, and riders were quick to respond online.</p>
<blockquote><p>Fares up again and the 7am boat still late every day. Enough.</p>
&mdash; Island Commuter (@islandcommuter) May 5, 2025</blockquote>
<p>The council said it would review the contract before the summer season starts.</p></article></body></html>"""


def crawl_sites(demo_site, serve_dir, tmp_path: Path) -> tuple[list[Path], list[dict]]:
    """Real crawls of two loopback sites (the demo site, and a small generated one with a post without
    id): two outlets, 28 articles."""
    first, records = crawl("sitemap", "-a", f"url={demo_site.base}/", cwd=tmp_path, out_name="demo.jsonl")
    assert first.returncode == 0 and len(records) == 24, first.stderr.decode()[-2000:]
    root = make_article_site(tmp_path / "other-site", 3)
    (root / "noid.html").write_text(NO_ID_PAGE, "utf-8")  # a tweet quoted as text: a post without id
    sitemap = (root / "sitemap.xml").read_text()
    (root / "sitemap.xml").write_text(sitemap.replace("</urlset>", "<url><loc>__BASE__/noid.html</loc></url></urlset>"))
    other = serve_dir(root)
    second, more = crawl("sitemap", "-a", f"url={other.base}/sitemap.xml", cwd=tmp_path, out_name="other.jsonl")
    assert second.returncode == 0 and len(more) == 4, second.stderr.decode()[-2000:]
    assert [p["post_id"] for r in more for p in r["posts"] if "noid" in r["article"]["url"]] == [None]
    return [tmp_path / "demo.jsonl", tmp_path / "other.jsonl"], records + more


def accounts_and_outlets(records: list[dict]) -> tuple[set, set]:
    """What the graph must draw, computed here from the records, not by the report's code."""
    outlets = {urlsplit(r["article"]["canonical_url"] or r["article"]["url"]).netloc.removeprefix("www.")
               for r in records}
    accounts = {(p["platform"], p["author"]["handle"].lower()) for r in records for p in r["posts"]
                if p["author"]["handle"]}
    return outlets, accounts


def report(*args: str, cwd: Path, stdin: bytes | None = None):
    res = run_cli("report", *args, cwd=cwd, stdin=stdin)
    return res, res.stdout.decode().strip(), res.stderr.decode().strip()


def page(path: Path):
    return lxml.html.fromstring(path.read_bytes())


# ---- from real crawls ----------------------------------------------------------------------


def test_report_of_two_crawled_sites(demo_site, serve_dir, tmp_path):
    sources, records = crawl_sites(demo_site, serve_dir, tmp_path)
    res, out, err = report("-o", "rep", "--from", str(sources[0]), "--from", str(sources[1]), cwd=tmp_path)
    assert res.returncode == 0, err
    assert out == str(Path("rep") / "index.html") and (tmp_path / out).is_file()
    rep = tmp_path / "rep"
    index = page(rep / "index.html")
    rows = index.cssselect("#article-table tbody tr")
    assert len(rows) == len(records) == 28
    titles = sorted(r.cssselect("td a")[0].text_content() for r in rows)
    assert titles == sorted(r["article"]["title"] for r in records)
    assert index.get_element_by_id("n-articles").text_content() == "28"
    posts = {(p["platform"], p["post_id"]) for r in records for p in r["posts"]}
    assert index.get_element_by_id("n-posts").text_content() == str(len(posts))
    assert len(list((rep / "articles").glob("*.html"))) == 28
    assert len(list((rep / "posts").glob("*.html"))) == len(posts)
    # every article page has one card per cited post, with one evidence line per piece of evidence
    for row in rows:
        href = row.cssselect("td a")[0].get("href")
        art = page(rep / href)
        title = art.cssselect("h1")[0].text_content()
        rec = next(r for r in records if r["article"]["title"] == title)
        cards = art.cssselect("article.card")
        assert len(cards) == len(rec["posts"])
        assert [len(c.cssselect(".evidence li")) for c in cards] == \
            [len(p["evidence"]) for p in sorted(rec["posts"], key=lambda p: min(e["position"] for e in p["evidence"]))]
    # the most-cited list counts articles: the generated site's three articles each cite one tweet
    top = index.cssselect("#top-posts li")
    assert top and all("cited by 1 article on 1 outlet" in li.text_content() for li in top)
    # graph: one node per outlet and per account
    outlets, accounts = accounts_and_outlets(records)
    graph = page(rep / "graph.html")
    assert len(outlets) == 2
    assert sorted(n.get("data-id") for n in graph.cssselect(".node.outlet")) == sorted(outlets)
    assert len(graph.cssselect(".node.account")) == len(accounts)
    # self-contained: every page loads only what is in the folder
    for path in [rep / "index.html", rep / "graph.html", *list((rep / "posts").glob("*.html"))[:5]]:
        doc = page(path)
        for el, attr in [*((e, "href") for e in doc.cssselect("link")), *((e, "src") for e in doc.cssselect("[src]"))]:
            value = el.get(attr)
            assert value.startswith("data:") or not urlsplit(value).scheme, (path.name, value)
            if not value.startswith("data:"):
                assert (path.parent / value).resolve().is_file(), value


def test_report_from_the_state_store(demo_site, tmp_path):
    db = tmp_path / "state" / "crawler.sqlite"
    state = f"sqlite:///{db}"
    res, records = crawl("sitemap", "-a", f"url={demo_site.base}/", cwd=tmp_path, state=state)
    assert res.returncode == 0 and len(records) == 24
    time.sleep(1.1)  # the store keeps seconds: the re-crawl below must see the pages later
    res, again = crawl("sitemap", "-a", f"url={demo_site.base}/", "-s", "STATE_TRUST_LASTMOD=False", cwd=tmp_path,
                       state=state, out_name="again.jsonl")
    assert res.returncode == 0 and again == []  # unchanged: nothing emitted, but seen again
    with sqlite3.connect(db) as con:
        seen = {url: (first, last) for url, first, last in con.execute("SELECT url, first_seen, last_seen FROM urls")}
    res, out, err = report("-o", "rep", "-s", f"STATE_URI={state}", cwd=tmp_path)
    assert res.returncode == 0, err
    rep = tmp_path / "rep"
    assert len(page(rep / "index.html").cssselect("#article-table tbody tr")) == 24
    assert "the state store" in page(rep / "index.html").cssselect("footer")[0].text_content()
    for path in (rep / "articles").glob("*.html"):
        art = page(path)
        fields = dict(zip([d.text_content() for d in art.cssselect(".fields dt")], art.cssselect(".fields dd"),
                          strict=True))
        url = fields["URL"].text_content().strip()
        rec = next(r for r in records if r["article"]["url"] == url)
        first, last = (fields[k].cssselect("time")[0].get("datetime") for k in ("First seen", "Last seen"))
        assert (first, last) == seen[rec["crawl"]["url"]]  # the store's, not the record's fetch time
        assert last > rec["crawl"]["fetched_at"]
    # with the store's citation index (issue 13), the most-cited list is the index's
    from crawler.state import open_store

    store = open_store(state, lock=False)
    try:
        rows = store.top_posts() if hasattr(store, "top_posts") else None
    finally:
        store.close()
    if rows is not None:
        counts = {f"{r['platform']}:{r['post_key']}": r["articles"] for r in rows}
        top = page(rep / "index.html").cssselect("#top-posts li")
        assert len(top) == 20 and all(counts[li.get("data-post")] == int(li.get("data-articles")) for li in top)


def test_report_from_a_redis_store(demo_site, tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (.ci/run installs the Debian package redis-server)")
    proc, port = start_server(lambda port: [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                            "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        res, records = crawl("sitemap", "-a", f"url={demo_site.base}/", cwd=tmp_path, state=url)
        assert res.returncode == 0 and len(records) == 24, res.stderr.decode()[-2000:]
        # REDIS_URL alone makes Redis the store, as it does for a distributed crawl
        res, _, err = report("-o", "rep", "-s", f"REDIS_URL={url}", cwd=tmp_path)
        assert res.returncode == 0, err
        rows = page(tmp_path / "rep" / "index.html").cssselect("#article-table tbody tr")
        assert sorted(r.cssselect("a")[0].text_content() for r in rows) == sorted(r["article"]["title"] for r in records)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    res, out, err = report("-o", "rep2", "-s", f"STATE_URI={url}", cwd=tmp_path)  # the server is gone
    assert res.returncode == 2 and len(err.splitlines()) == 1 and url in err and not (tmp_path / "rep2").exists()


def test_report_reads_standard_input_and_replaces_an_earlier_report(demo_site, tmp_path):
    _, records = crawl("sitemap", "-a", f"url={demo_site.base}/", cwd=tmp_path)
    lines = "".join(json.dumps(r) + "\n" for r in records).encode()
    res, _, err = report("-o", "rep", "--from", "-", cwd=tmp_path, stdin=lines)
    assert res.returncode == 0, err
    assert len(list((tmp_path / "rep" / "articles").glob("*.html"))) == 24
    # a second report in the same folder replaces the first: no page of it is left behind
    res, _, err = report("-o", "rep", "--from", "-", cwd=tmp_path, stdin=lines.splitlines(True)[0])
    assert res.returncode == 0, err
    assert len(list((tmp_path / "rep" / "articles").glob("*.html"))) == 1


def test_demo_writes_the_report_and_prints_its_path(tmp_path):
    res = run_cli("demo", "-o", "out", cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    line = next(x for x in res.stdout.decode().splitlines() if x.startswith("report: "))
    index = tmp_path / line.removeprefix("report: ")
    assert index.name == "index.html" and index.is_file()
    assert len(page(index).cssselect("#article-table tbody tr")) == 24


# ---- bad input: one line, exit 2, nothing created ------------------------------------------


def test_a_missing_store_is_never_created(tmp_path):
    for args in ([], ["-s", "STATE_URI=sqlite:///nowhere/crawler.sqlite"]):
        res, out, err = report("-o", "rep", *args, cwd=tmp_path)
        assert res.returncode == 2 and not out
        assert len(err.splitlines()) == 1 and "no state store" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no .state, no nowhere/, no rep/


def test_bad_inputs_are_one_line_and_exit_2(tmp_path):
    (tmp_path / "notjson.jsonl").write_text('{"id": 1}\nnot json\n')
    (tmp_path / "notrecord.jsonl").write_text('{"id": "x"}\n')
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("someone else's file")
    (tmp_path / "ok.jsonl").write_text("")
    cases = [
        (["--from", "missing.jsonl"], "missing.jsonl: no such file"),
        (["--from", "notjson.jsonl"], "notjson.jsonl, line 1"),
        (["--from", "notrecord.jsonl"], "notrecord.jsonl, line 1: no id or no article.url"),
        (["--from", "ok.jsonl", "-s", "STATE_URI=sqlite:///x.sqlite"], "either --from FILE or -s STATE_URI"),
        (["--from", "ok.jsonl", "-s", "STATE_URI"], "expected NAME=VALUE"),
        (["--from", "-", "--from", "-"], "standard input can be read once"),
    ]
    for args, message in cases:
        res, out, err = report("-o", "rep", *args, cwd=tmp_path, stdin=b"")
        assert res.returncode == 2, (args, err)
        assert len(err.splitlines()) == 1 and message in err, (args, err)
    assert not (tmp_path / "rep").exists()
    res, _, err = report("-o", "full", "--from", "ok.jsonl", cwd=tmp_path)
    assert res.returncode == 2 and "not empty" in err and len(err.splitlines()) == 1
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["mine.txt"]


# ---- escaping --------------------------------------------------------------------------------


def assert_inert(doc, path: str) -> None:
    """No element, attribute or link that a page's strings could have put there."""
    scripts = doc.cssselect("script")
    assert [s.get("src") for s in scripts] in (["static/report.js"], ["../static/report.js"]), path
    assert not [s for s in scripts if (s.text or "").strip()], path
    assert not doc.cssselect("img, iframe, object, embed"), path
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert not [a for a in el.attrib if a.lower().startswith("on")], (path, el.tag, dict(el.attrib))
        for attr in ("href", "src", "action", "formaction", "xlink:href"):
            value = (el.get(attr) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:text", "vbscript:")), (path, value)
    for a in doc.cssselect("a[href]"):
        scheme = urlsplit(a.get("href")).scheme
        assert scheme in ("", "http", "https"), (path, a.get("href"))
    svgs = doc.cssselect("svg")
    assert all(s.get("class") in ("chart", "graph") for s in svgs), path


def test_hostile_strings_are_text(demo_site, serve_dir, tmp_path):
    hostile = serve_dir(make_hostile_site(tmp_path / "hostile-site"))
    res, records = crawl("sitemap", "-a", f"url={hostile.base}/sitemap.xml", cwd=tmp_path)
    assert res.returncode == 0 and len(records) == 1
    crawled = records[0]
    assert crawled["article"]["title"] == PAYLOAD  # the crawl kept the strings: the report must escape them
    assert any(r["license_url"] == JS_URL for r in crawled["rights"])
    (tmp_path / "records.jsonl").write_text(json.dumps(crawled) + "\n" + json.dumps(hostile_record(crawled)) + "\n")
    res, _, err = report("-o", "rep", "--from", "records.jsonl", cwd=tmp_path)
    assert res.returncode == 0, err
    rep = tmp_path / "rep"
    pages = [rep / "index.html", rep / "graph.html", *(rep / "articles").glob("*.html"), *(rep / "posts").glob("*.html")]
    assert len(pages) == 2 + 2 + 3
    shown = Counter()
    for path in pages:
        doc = page(path)
        assert_inert(doc, path.name)
        shown[path.parent.name] += doc.text_content().count(PAYLOAD)
    assert shown["articles"] >= 10 and shown["posts"] >= 2 and shown["rep"] >= 2
    # the only files written are the report's own: a hostile platform name is no path
    assert sorted(p.name for p in rep.iterdir()) == [".crawler-report", "articles", "graph.html", "index.html",
                                                      "posts", "static"]


def test_only_http_links_become_links():
    from crawler.report.model import safe_url

    for url in ("https://x.com/a/status/1", "http://127.0.0.1:8000/a b", "HTTPS://EXAMPLE.ORG/"):
        assert safe_url(url) == url.strip(" ")
    for url in (JS_URL, " javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "http://\nx",
                "data:text/html,x", "//evil.example/x", "https://", "http:///x", "file:///etc/passwd", "", None, 7):
        assert safe_url(url) is None, url


def test_partial_records_are_shown_and_a_line_that_is_no_record_is_named(tmp_path):
    """Records of older versions (fewer fields) are shown; a JSON value that is no record names its line."""
    good = {"id": "sha256:" + "a" * 64, "article": {"url": "https://n.example/a", "title": "A"},
            "crawl": {"fetched_at": "2025-05-01T00:00:00Z"}}
    (tmp_path / "r.jsonl").write_text(json.dumps(good) + "\n\n[1, 2]\n")
    res, _, err = report("-o", "rep", "--from", "r.jsonl", cwd=tmp_path)
    assert res.returncode == 2 and "r.jsonl, line 3: not a JSON object" in err
    (tmp_path / "r.jsonl").write_text(json.dumps(good) + "\n")
    res, _, err = report("-o", "rep", "--from", "r.jsonl", cwd=tmp_path)
    assert res.returncode == 0, err  # an old or partial record is shown with what it has
    assert len(page(tmp_path / "rep" / "index.html").cssselect("#article-table tbody tr")) == 1
