"""The ``articles`` spider crawls pages served on 127.0.0.1 and writes JSON Lines."""

from __future__ import annotations

from conftest import LOOPBACK, assert_valid, jsonl, run_cli


def test_articles_spider_writes_jsonl(site, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# our fixture site\n{site}/pages/embeds-official.html\n\n{site}/pages/seed-embed.html\n")
    out = tmp_path / "out.jsonl"
    res = run_cli("crawl", "articles", "-a", f"file={urls}", "-a", f"urls={site}/pages/embeds-amp.html",
                  "-o", str(out), "-s", "LOG_LEVEL=INFO", *LOOPBACK, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    records = jsonl(out.read_text("utf-8"))
    assert len(records) == 3
    by_url = {r["crawl"]["url"]: r for r in records}
    rec = by_url[f"{site}/pages/embeds-official.html"]
    assert rec["crawl"]["status"] == 200 and rec["crawl"]["spider"] == "articles"
    assert len(rec["posts"]) == 23
    assert len({r["crawl"]["crawl_id"] for r in records}) == 1
    for r in records:
        assert_valid(r)


def test_articles_spider_to_stdout_and_bad_arguments(site, tmp_path):
    res = run_cli("crawl", "articles", "-a", f"urls={site}/pages/seed-embed.html", *LOOPBACK, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    [record] = jsonl(res.stdout)
    assert record["posts"][0]["post_id"] == "1917634117335879720"
    res = run_cli("crawl", "articles", "-a", "urls=ftp://x", cwd=tmp_path)
    assert res.returncode != 0
    assert b"not an http(s) URL" in res.stderr
