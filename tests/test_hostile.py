"""Hostile inputs through ``crawler extract``: a record or one clear line, in bounded time and memory."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys

import pytest
from conftest import ROOT, assert_valid

MEMORY_LIMIT = int(2.5 * 1024**3)


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _extract(path, *args):
    return subprocess.run([sys.executable, "-m", "crawler", "extract", str(path), *args], capture_output=True,
                          cwd=ROOT, timeout=60, preexec_fn=_limits)


def _jsonld(payload: str) -> bytes:
    return (f'<html><head><script type="application/ld+json">{payload}</script></head>'
            f'<body><article><p>{"Words of the story. " * 30}</p></article></body></html>').encode()


HOSTILE = {
    "empty.html": b"",
    "random.html": os.urandom(200_000),
    "random-text.html": bytes(b % 94 + 32 for b in os.urandom(300_000)),
    "deep.html": b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000 + b"</body></html>",
    "big-attribute.html": b'<html><body><div data-x="' + b"a<b" * 1_700_000 + b'">x</div><p>text</p></body></html>',
    "lying-charset.html": '<html><head><meta charset="utf-16"></head><body><p>café © 2025 Café Ltd</p></body></html>'.encode("latin-1"),
    "invalid-utf8.html": b"<html><body><p>caf\xc3\x28 \xff\xfe \xe2\x82</p><footer>\xa9 2025 Holder</footer></body></html>",
    "jsonld-invalid.html": _jsonld('{"@type": "NewsArticle", "headline": '),
    "jsonld-nested.html": _jsonld("[" * 50_000 + "]" * 50_000),
    "jsonld-types.html": _jsonld('{"@type": ["NewsArticle", 3], "headline": 42, "author": [null, 1, {"name": []}], '
                                 '"datePublished": {"x": 1}, "publisher": "P", "copyrightHolder": [[{"@id": 5}]], '
                                 '"copyrightYear": "abcd", "license": 7, "url": ["a", 1]}'),
    "jsonld-huge-graph.html": _jsonld(json.dumps({"@graph": [{"@type": "Thing", "name": str(i)} for i in range(20_000)]})),
    "fake.pdf.html": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
    "image.html": b"\x89PNG\r\n\x1a\n" + os.urandom(5000),
    "many-embeds.html": b"<html><body><article>" + b"".join(
        b'<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/%d">x</a></blockquote>' % (10**18 + i)
        for i in range(20_000)) + b"</article></body></html>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gives_a_record_or_one_clear_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    res = _extract(path)
    err = res.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    if res.returncode == 0:
        [line] = res.stdout.decode().splitlines()
        assert_valid(json.loads(line))
    else:
        assert res.returncode == 1
        assert len(err.strip().splitlines()) == 1 and name in err, err


def test_binary_inputs_are_named_as_such(tmp_path):
    (tmp_path / "doc.html").write_bytes(HOSTILE["fake.pdf.html"])
    res = _extract(tmp_path / "doc.html")
    assert res.returncode == 1 and b"looks like a PDF document" in res.stderr


def test_size_limit_refuses_and_is_settable(tmp_path):
    page = b"<html><body>" + b"<p>" + b"word " * 8_400_000 + b"</p></body></html>"  # ~42 MB
    (tmp_path / "big.html").write_bytes(page)
    res = _extract(tmp_path / "big.html")
    assert res.returncode == 1 and b"above the 20.9715 MB limit (--max-bytes)" in res.stderr
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(page))
    res = _extract(tmp_path / "bomb.html.gz")
    assert res.returncode == 1 and b"decompresses to above" in res.stderr
    res = _extract(tmp_path / "big.html", "--max-bytes", str(50 * 1024 * 1024), "--no-main-text")
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert_valid(json.loads(res.stdout))


def test_hostile_pages_through_a_spider(tmp_path):
    from conftest import crawl

    from crawler.demo import SiteServer

    site = tmp_path / "site"
    site.mkdir()
    for name, data in HOSTILE.items():
        (site / name).write_bytes(data)
    with SiteServer(site) as server:
        urls = ",".join(f"{server.base}/{name}" for name in sorted(HOSTILE))
        res, records = crawl("articles", "-a", f"urls={urls}", "-s", f"STATS_FILE={tmp_path / 's.json'}",
                             "-s", "ROBOTSTXT_OBEY=False", cwd=tmp_path, timeout=240)
    assert res.returncode == 0
    log = res.stderr.decode("utf-8", "replace")
    assert "Traceback" not in log, log[-3000:]
    stats = json.loads((tmp_path / "s.json").read_text())
    # every page gave a valid record or was counted (not HTML, or no record with a reason)
    accounted = len(records) + stats["not_html"] + stats["detail"].get("pages/failed", 0)
    assert accounted == len(HOSTILE), (len(records), stats)
