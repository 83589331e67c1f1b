"""The report in a real browser: Debian's Chromium, headless, driven by Playwright's Python API.

The report of real crawls of loopback sites is opened from disk and from a web server under a
sub-path: no console error, no request outside the report's folder, every article listed, the
filters narrow the list, cards carry their evidence, the graph has one node per outlet and
account, keyboard use works, light and dark schemes differ, the pages fit a phone, and
screenshots at desktop and phone widths are not blank. Hostile strings run nothing.

Without Chromium (or Playwright) these tests skip, except in CI (``CI=true``), where they fail:
``.ci/run`` installs Chromium, so its absence there is a broken setup, not a reason to skip.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import crawl
from test_report import (
    JS_URL,
    PAYLOAD,
    accounts_and_outlets,
    crawl_sites,
    hostile_record,
    make_hostile_site,
    report,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 740}


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    problem = _unavailable()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {problem}; .ci/run installs chromium", pytrace=False)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The report of real crawls of two loopback sites, plus the records it was made from."""
    from conftest import FIXTURES

    from crawler.demo import SiteServer

    tmp = tmp_path_factory.mktemp("report")
    servers = []

    def serve(path):
        servers.append(SiteServer(path).__enter__())
        return servers[-1]

    try:
        with SiteServer(FIXTURES / "site") as demo_site:
            sources, records = crawl_sites(demo_site, serve, tmp)
    finally:
        for s in servers:
            s.__exit__(None, None, None)
    # served later under a sub-path: put the report one level down
    (tmp / "www" / "reports").mkdir(parents=True)
    res, _, err = report("-o", "www/reports/r1", *[a for s in sources for a in ("--from", str(s))], cwd=tmp)
    assert res.returncode == 0, err
    return tmp / "www" / "reports" / "r1", records


class Watch:
    """What a page did: console errors, uncaught exceptions, dialogs and every request."""

    def __init__(self, page):
        self.errors, self.requests, self.dialogs = [], [], []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)


def open_page(browser, url: str, viewport=DESKTOP, scheme="light"):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, watch


def expect(locator):
    from playwright.sync_api import expect as playwright_expect  # waits until true (5 s at most)

    return playwright_expect(locator)


def visible_rows(page) -> int:
    return page.locator("#article-table tbody tr:visible").count()


# ---- the index, opened from disk and from a web server --------------------------------------


def test_index_from_disk_lists_every_article_and_filters(browser, crawled):
    rep, records = crawled
    page, watch = open_page(browser, (rep / "index.html").as_uri())
    assert visible_rows(page) == len(records) == 28
    listed = sorted(page.locator("#article-table tbody tr td:first-child a").all_inner_texts())
    assert listed == sorted(r["article"]["title"] for r in records)
    assert page.locator("#filters").is_visible()  # the script ran and showed the filters
    # by site: the generated site has 3 articles
    other = urlsplit(next(r for r in records if "/a0.html" in r["article"]["url"])["article"]["url"]).netloc
    page.select_option("#f-site", other)
    assert visible_rows(page) == 4
    assert "4 of 28" in page.inner_text("#shown")
    page.click("button[type=reset]")
    expect(page.locator("#shown")).to_have_text("28 articles.")  # reset applies once the form is reset
    assert visible_rows(page) == 28
    # by platform, date range and title text: counted from the records here
    for platform in ("bluesky", "youtube"):
        page.select_option("#f-platform", platform)
        expected = sum(any(p["platform"] == platform for p in r["posts"]) for r in records)
        assert 0 < visible_rows(page) == expected < 28
    page.select_option("#f-platform", "")
    page.fill("#f-from", "2025-05-10")
    page.fill("#f-to", "2025-05-12")
    assert visible_rows(page) == sum("2025-05-10" <= (r["article"]["published"] or "")[:10] <= "2025-05-12"
                                     for r in records) == 3
    page.fill("#f-from", "")
    page.fill("#f-to", "")
    page.fill("#f-q", "harbour")
    assert visible_rows(page) == sum("harbour" in r["article"]["title"].lower() for r in records) > 0
    page.fill("#f-q", "")
    # sorting: the Posts column, ascending then descending
    page.click("th button[data-sort=posts]")
    counts = [int(x) for x in page.locator("#article-table tbody td:nth-child(4)").all_inner_texts()]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    page.click("th button[data-sort=posts]")
    counts = [int(x) for x in page.locator("#article-table tbody td:nth-child(4)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    assert page.get_attribute("th:has(button[data-sort=posts])", "aria-sort") == "descending"
    assert not watch.errors and not watch.dialogs
    folder = rep.as_uri() + "/"
    assert watch.requests and all(u.startswith(folder) for u in watch.requests), watch.requests


def test_served_under_a_path_requests_nothing_outside_the_folder(browser, crawled, serve_dir):
    rep, records = crawled
    server = serve_dir(rep.parent.parent)  # www/, the report at /reports/r1/
    folder = f"{server.base}/reports/r1/"
    page, watch = open_page(browser, folder + "index.html?platform=twitter")
    expected = sum(any(p["platform"] == "twitter" for p in r["posts"]) for r in records)
    assert visible_rows(page) == expected  # the query string fills the filter (the graph's links use it)
    page.click("#article-table tbody tr:visible td a >> nth=0")
    page.wait_for_load_state("load")
    assert page.locator("article.card").count() >= 1
    page.click("header nav >> text=Outlets and accounts")
    page.wait_for_load_state("load")
    page.click(".node.outlet >> nth=0")
    page.wait_for_load_state("load")
    assert "site=" in page.url and 0 < visible_rows(page) < len(records)
    assert not watch.errors, watch.errors
    assert all(u.startswith(folder) for u in watch.requests), [u for u in watch.requests if not u.startswith(folder)]
    assert server.requests and all(p.startswith("/reports/r1/") for p in server.requests), server.requests


# ---- article pages, post pages, graph ------------------------------------------------------


def test_article_pages_show_each_post_card_with_its_evidence(browser, crawled):
    rep, records = crawled
    by_url = {r["article"]["url"]: r for r in records}
    page, watch = open_page(browser, (rep / "index.html").as_uri())
    hrefs = page.locator("#article-table tbody td:first-child a").evaluate_all("as => as.map(a => a.href)")
    assert len(hrefs) == 28
    without_id = 0
    for href in hrefs:
        page.goto(href)
        url = page.locator(".fields dd >> nth=0").inner_text()
        rec = by_url[url]
        posts = sorted(rec["posts"], key=lambda p: min(e["position"] for e in p["evidence"]))
        cards = page.locator("article.card")
        assert cards.count() == len(posts), url
        for i, post in enumerate(posts):
            card = cards.nth(i)
            assert card.is_visible()
            head = card.locator("h3").inner_text()
            assert post["platform"] in head
            assert (post["post_id"] or "post without id") in head
            without_id += post["post_id"] is None
            items = card.locator(".evidence li")
            assert items.count() == len(post["evidence"])
            for j, ev in enumerate(sorted(post["evidence"], key=lambda e: e["position"])):
                text = items.nth(j).inner_text()
                assert ev["form"] in text and ev["locator"] in text
                if ev["context"]:
                    assert ev["context"] in text
        if rec["rights"]:
            assert page.locator(".badges .badge").count() == len(rec["rights"])
    assert without_id == 1  # the quoted tweet of the generated site
    # a post page lists the articles citing it
    page.click("article.card >> nth=0 >> text=who cites it")
    assert page.locator("#citing tbody tr").count() >= 1
    assert not watch.errors and not watch.dialogs


def test_graph_has_one_node_per_outlet_and_account(browser, crawled):
    rep, records = crawled
    outlets, accounts = accounts_and_outlets(records)
    page, watch = open_page(browser, (rep / "graph.html").as_uri())
    drawn = page.locator("svg.graph .node.outlet").evaluate_all("ns => ns.map(n => n.dataset.id)")
    assert sorted(drawn) == sorted(outlets) and len(outlets) == 2
    ids = page.locator("svg.graph .node.account").evaluate_all("ns => ns.map(n => n.dataset.id)")
    assert sorted(ids) == sorted(f"{p}:{h}" for p, h in accounts)
    # laid out at build time: nodes are spread over the picture, not stacked
    centres = page.locator("svg.graph .node circle").evaluate_all(
        "cs => cs.map(c => [c.cx.baseVal.value, c.cy.baseVal.value])")
    assert len({tuple(c) for c in centres}) == len(accounts)
    assert not watch.errors


# ---- accessibility: keyboard, colour schemes, phone width, screenshots ----------------------


def test_keyboard_reaches_and_works_the_controls(browser, crawled):
    rep, _ = crawled
    page, watch = open_page(browser, (rep / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.dataset.sort || ''"))
    assert {"f-q", "f-site", "f-platform", "f-holder", "f-from", "f-to", "title", "posts"} <= set(seen)
    page.focus("th button[data-sort=title]")
    page.keyboard.press("Enter")
    titles = page.locator("#article-table tbody td:first-child").all_inner_texts()
    assert [t.lower() for t in titles] == sorted(t.lower() for t in titles)
    # focus is visible: the focused control gets an outline
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert not watch.errors


def test_light_and_dark_schemes(browser, crawled):
    rep, _ = crawled
    colours = {}
    for scheme in ("light", "dark"):
        page, watch = open_page(browser, (rep / "index.html").as_uri(), scheme=scheme)
        colours[scheme] = page.evaluate("[getComputedStyle(document.body).backgroundColor, "
                                        "getComputedStyle(document.body).color]")
        assert not watch.errors
    assert colours["light"] != colours["dark"]
    assert colours["light"][0] == "rgb(255, 255, 255)" and colours["dark"][0] == "rgb(13, 17, 23)"


def _not_blank(browser, png: bytes) -> tuple[int, float]:
    """Distinct colours and the share of pixels unlike the top-left one, measured by the browser."""
    page = browser.new_page()
    data = "data:image/png;base64," + base64.b64encode(png).decode()
    stats = page.evaluate("""async (src) => {
        const img = new Image(); img.src = src; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set(); let other = 0;
        for (let i = 0; i < d.length; i += 4) {
            colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
            if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) other++;
        }
        return [colours.size, other / (d.length / 4)];
    }""", data)
    page.close()
    return stats[0], stats[1]


def test_screenshots_at_desktop_and_phone_widths(browser, crawled, tmp_path):
    rep, _ = crawled
    article = sorted((rep / "articles").glob("*.html"))[0]
    shots = []
    for viewport in (DESKTOP, PHONE):
        for scheme in ("light", "dark"):
            for target in (rep / "index.html", article, rep / "graph.html"):
                page, watch = open_page(browser, target.as_uri(), viewport=viewport, scheme=scheme)
                # readable at this width: the page itself never scrolls sideways (wide tables and the graph
                # scroll in their own box)
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
                    (target.name, viewport)
                path = tmp_path / f"{target.stem}-{viewport['width']}-{scheme}.png"
                png = page.screenshot(path=str(path))
                colours, ink = _not_blank(browser, png)
                assert colours > 10 and ink > 0.02, (path.name, colours, ink)
                assert not watch.errors
                shots.append(path)
    assert len(shots) == 12 and all(p.stat().st_size > 5000 for p in shots)
    if os.environ.get("REPORT_SCREENSHOTS"):  # to look at them: REPORT_SCREENSHOTS=DIR
        for p in shots:
            shutil.copy(p, Path(os.environ["REPORT_SCREENSHOTS"]) / p.name)


# ---- hostile strings ----------------------------------------------------------------------


def test_hostile_strings_run_nothing_in_the_browser(browser, serve_dir, tmp_path):
    hostile = serve_dir(make_hostile_site(tmp_path / "hostile-site"))
    res, records = crawl("sitemap", "-a", f"url={hostile.base}/sitemap.xml", cwd=tmp_path)
    assert res.returncode == 0 and len(records) == 1
    (tmp_path / "r.jsonl").write_text(json.dumps(records[0]) + "\n" + json.dumps(hostile_record(records[0])) + "\n")
    res, _, err = report("-o", "rep", "--from", "r.jsonl", cwd=tmp_path)
    assert res.returncode == 0, err
    rep = tmp_path / "rep"
    pages = [rep / "index.html", rep / "graph.html", *(rep / "articles").glob("*.html"), *(rep / "posts").glob("*.html")]
    assert len(pages) == 7
    seen_payload = 0
    for path in pages:
        page, watch = open_page(browser, path.as_uri(), viewport=PHONE)
        page.wait_for_timeout(50)  # an onerror handler would have run by now
        # long hostile strings wrap: the page still fits a phone
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path.name
        assert not watch.dialogs, (path.name, watch.dialogs)
        assert page.evaluate("window.__pwned === undefined"), path.name
        found = page.evaluate("""() => ({
            scripts: [...document.scripts].map(s => s.getAttribute('src')),
            handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length,
            injected: document.querySelectorAll('img, iframe, object, embed, svg:not(.chart):not(.graph)').length,
            links: [...document.links].map(a => a.protocol),
        })""")
        assert len(found["scripts"]) == 1 and found["scripts"][0].endswith("static/report.js"), path.name
        assert found["handlers"] == 0 and found["injected"] == 0, (path.name, found)
        assert set(found["links"]) <= {"file:", "http:", "https:"}, (path.name, found["links"])
        seen_payload += page.evaluate("(p) => document.body.innerText.split(p).length - 1", PAYLOAD)
        text = page.evaluate("document.body.innerText")
        if "articles" in path.parts and JS_URL in text:
            assert page.locator(f"a[href='{JS_URL}']").count() == 0
        assert all(u.startswith(rep.as_uri()) for u in watch.requests), watch.requests
        assert not watch.errors, watch.errors  # a blocked inline script would be a CSP error here
    assert seen_payload >= 15  # shown, as text, many times over


# ---- a long list: rows laid out as they scroll into view, pages written by worker processes --


def synthetic_records(n: int) -> list[dict]:
    """``n`` small records over 5 sites, each citing one or two posts (no crawl: size is the point)."""
    out = []
    for i in range(n):
        url = f"https://site{i % 5}.example/story-{i}.html"
        posts = [{"platform": ("twitter", "bluesky", "youtube")[(i + k) % 3], "post_id": f"{i}{k}", "url": None,
                  "kind": "post", "author": {"handle": f"acct{(i + k) % 40}", "name": None}, "posted": None,
                  "text": None, "media": [], "evidence": [{"form": "embed", "locator": f"/html/body/div[{k}]",
                                                           "position": k, "context": None}]}
                 for k in range(1 + i % 2)]
        out.append({"id": f"sha256:{i:064x}", "version": f"sha256:{i + 1:064x}", "previous_version": None,
                    "article": {"url": url, "canonical_url": url, "title": f"Story {i:05d}", "authors": [],
                                "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z", "modified": None,
                                "publisher": None, "language": "en", "text_sha256": None},
                    "posts": posts, "rights": [], "crawl": {"url": url, "fetched_at": "2025-12-31T00:00:00Z"}})
    return out


def test_a_long_list_opens_filters_and_sorts(browser, tmp_path):
    from crawler.report.render import LONG_LIST

    n = LONG_LIST + 100
    records = synthetic_records(n)
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    res, _, err = report("-o", "rep", "--from", "r.jsonl", cwd=tmp_path)
    assert res.returncode == 0, err
    rep = tmp_path / "rep"
    posts = sum(len(r["posts"]) for r in records)
    assert len(list((rep / "articles").glob("*.html"))) == n and len(list((rep / "posts").glob("*.html"))) == posts
    page, watch = open_page(browser, (rep / "index.html").as_uri())
    assert page.get_attribute("#article-table", "class") == "list long"
    assert page.locator("#article-table tbody tr").count() == n
    page.select_option("#f-site", "site3.example")
    assert visible_rows(page) == sum("site3." in r["article"]["url"] for r in records) == n // 5
    page.select_option("#f-platform", "bluesky")
    expected = sum("site3." in r["article"]["url"] and any(p["platform"] == "bluesky" for p in r["posts"])
                   for r in records)
    assert 0 < visible_rows(page) == expected
    page.click("button[type=reset]")
    expect(page.locator("#shown")).to_have_text(f"{n} articles.")
    page.click("th button[data-sort=title]")
    first = page.locator("#article-table tbody tr >> nth=0").inner_text()
    assert first.startswith("Story 00000")
    row = page.locator("#article-table tbody tr >> nth=1500")
    assert row.locator("a").text_content() == "Story 01500"
    row.scroll_into_view_if_needed()
    # laid out once scrolled to (content-visibility): its rendered text appears
    page.wait_for_function("(row) => row.innerText.includes('Story 01500')", arg=row.element_handle())
    assert row.is_visible()
    assert not watch.errors
