"""The real ``crawler`` command in a subprocess."""

from __future__ import annotations

import gzip
import json

from conftest import FIXTURES, LOOPBACK, assert_valid, jsonl, run_cli

from crawler.extract import CrawlMeta, extract_record

PAGES = FIXTURES / "pages"


def test_extract_prints_one_valid_record_per_input_in_order(tmp_path):
    gz = tmp_path / "amp.html.gz"
    gz.write_bytes(gzip.compress((PAGES / "embeds-amp.html").read_bytes()))
    res = run_cli("extract", str(PAGES / "embeds-official.html"), str(gz),
                  str(FIXTURES / "text" / "harbour-tweet.txt"), str(PAGES / "seed-embed.html"))
    assert res.returncode == 0, res.stderr.decode()
    records = jsonl(res.stdout)
    assert [r["article"]["canonical_url"] for r in records][:2] == [
        "https://news.tidewater.example/2025/05/02/harbour-bridge-reopens/",
        "https://news.tidewater.example/2025/05/03/storm-gallery/",
    ]
    assert records[2]["crawl"]["url"].startswith("file://") and records[2]["crawl"]["url"].endswith(".txt")
    assert records[3]["article"]["publisher"] == "Latin Times"
    for r in records:
        assert_valid(r)


def test_extract_errors_are_one_line_and_others_still_run(tmp_path):
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(b"this is not gzip")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    res = run_cli("extract", str(tmp_path / "missing.html"), str(tmp_path), str(bad), str(empty),
                  str(PAGES / "seed-embed.html"))
    assert res.returncode == 1
    err = res.stderr.decode().strip().splitlines()
    assert len(err) == 4, err
    assert "missing.html: no such file" in err[0]
    assert "is a directory" in err[1]
    assert "bad.html.gz: not a valid gzip file" in err[2]
    assert "empty.html: empty document" in err[3]
    assert "Traceback" not in res.stderr.decode()
    [record] = jsonl(res.stdout)
    assert record["posts"][0]["author"]["handle"] == "RedWave_Press"


def test_extract_stdin_url_and_text_options():
    res = run_cli("extract", "-", "--url", "https://www.latintimes.example/x", "--text",
                  stdin=(PAGES / "seed-embed.html").read_bytes())
    assert res.returncode == 0, res.stderr.decode()
    [record] = jsonl(res.stdout)
    assert record["crawl"]["url"] == "https://www.latintimes.example/x"
    assert "Rubio" in record["article"]["text"]


def test_bad_usage_exits_2():
    assert run_cli().returncode == 2
    assert run_cli("extract").returncode == 2
    res = run_cli("extract", "--url", "https://ex.example/", "a.html", "b.html")
    assert res.returncode == 2 and b"--url" in res.stderr


def test_extract_fetches_urls_through_scrapy(site):
    res = run_cli("extract", f"{site}/pages/embeds-amp.html", f"{site}/pages/nope.html",
                  str(PAGES / "seed-embed.html"), "-s", "ROBOTSTXT_OBEY=False", *LOOPBACK)
    assert res.returncode == 1, res.stderr.decode()
    records = jsonl(res.stdout)
    assert len(records) == 2
    assert records[0]["crawl"]["status"] == 200
    assert records[0]["crawl"]["url"] == f"{site}/pages/embeds-amp.html"
    assert len(records[0]["posts"]) == 9
    assert "nope.html: HTTP 404" in res.stderr.decode()


def test_python_dash_m_and_version():
    import tomllib

    from conftest import ROOT

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    res = run_cli("--version")
    assert res.returncode == 0 and res.stdout.decode().strip() == f"crawler {version}"
    [record] = jsonl(run_cli("extract", str(PAGES / "seed-embed.html")).stdout)
    assert record["crawl"]["crawler_version"] == version  # records say which crawler made them


def test_the_cli_writes_the_record_the_core_makes():
    """JSON Lines from ``crawler extract`` (a real process, real serialisation) read back equal to
    the record the extraction core returns in-process: no field lost, retyped or re-encoded."""
    path = FIXTURES / "pages" / "embeds-official.html"
    url = "https://news.tidewater.example/g"
    res = run_cli("extract", str(path), "--url", url)
    assert res.returncode == 0, res.stderr.decode()
    written = json.loads(res.stdout)
    rec = extract_record(path.read_bytes(), CrawlMeta(url=url)).to_dict()
    for r in (written, rec):
        r["crawl"].pop("fetched_at")  # the only field that differs between two runs
    assert written == rec
    assert written["posts"][0]["evidence"][0]["position"] == 0  # an int, not "0"
    assert written["rights"][0]["years"] == [2025]


def test_precise_text_reaches_the_extractor(tmp_path):
    """``--precise-text`` lets trafilatura cross-check its main text: on a page whose story sits
    under forty menu links, the cross-checked text is the story alone."""
    story = "The harbour bridge reopened this morning after the storm damaged its northern span, officials said. "
    page = tmp_path / "menu.html"
    page.write_text("<html><body>" + "".join(f"<div class='menu'><a href='/{i}'>Menu item {i} with words</a></div>"
                                             for i in range(40)) + f"<div>{story * 4}</div></body></html>")
    precise = run_cli("extract", str(page), "--text", "--precise-text")
    fast = run_cli("extract", str(page), "--text")
    assert precise.returncode == fast.returncode == 0, precise.stderr.decode()
    [p], [f] = jsonl(precise.stdout), jsonl(fast.stdout)
    assert p["article"]["text"].strip() == (story * 4).strip()
    assert p["article"]["text_sha256"] != f["article"]["text_sha256"]  # the option changed the extraction
