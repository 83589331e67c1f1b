"""Hostile inputs through ``crawler extract``: a record or one clear line, in bounded time and memory."""

from __future__ import annotations

import gzip
import json
import random
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


# Seeded, so a failure replays: the same "random" bytes on every run and machine.
_RANDOM = random.Random(17)

HOSTILE = {
    "empty.html": b"",
    "random.html": _RANDOM.randbytes(200_000),
    "random-text.html": bytes(b % 94 + 32 for b in _RANDOM.randbytes(300_000)),
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
    "image.html": b"\x89PNG\r\n\x1a\n" + _RANDOM.randbytes(5000),
    # XHTML's root written as XML: libxml2 puts the page in a second root that lxml never shows
    "self-closed-root.html": b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd" />\n<html xml:lang="de" />\n'
                             b'<head><title>Vereinsfest</title></head><body><div id="content"><p>Words of the story.</p>'
                             b'<blockquote class="twitter-tweet"><a href="https://twitter.com/verein/status/1234567890123">'
                             b'x</a></blockquote></div><div id="footer">&copy; Hundeverein e.V. 2010</div></body></html>',
    # a header included by the server closes its own document: libxml2 drops all that follows
    "stray-html-end.html": b'<html><head><title>Gemeinderat</title></head><body><div class="header">Kopf</div>'
                           b'<script>var x = 1;</script></body></html>\n<!--end header-->\n<div class="content"><p>'
                           b'Words of the story.</p><blockquote class="twitter-tweet"><a href="https://twitter.com/'
                           b'rat/status/1234567890124">x</a></blockquote></div><div class="footer">'
                           b'&copy; 2019 Gemeinde Harbour</div></body></html>',
    "many-embeds.html": b"<html><body><article>" + b"".join(
        b'<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/%d">x</a></blockquote>' % (10**18 + i)
        for i in range(20_000)) + b"</article></body></html>",
}


def _no_posts_no_rights(rec) -> bool:
    return rec["posts"] == [] and rec["rights"] == []


# What each hostile file gives, as docs/reliability.md states it: the exact error line, or a
# record and the facts that show the page was really read (not merely "something valid").
OUTCOMES = {
    "empty.html": "empty document",
    "fake.pdf.html": "not HTML or text: looks like a PDF document",
    "image.html": "not HTML or text: looks like a PNG image",
    "random.html": _no_posts_no_rights,
    "random-text.html": _no_posts_no_rights,
    "deep.html": _no_posts_no_rights,
    "big-attribute.html": lambda rec: bool(rec["article"]["text_sha256"]) and _no_posts_no_rights(rec),
    "lying-charset.html": lambda rec: [(r["holder"], r["years"]) for r in rec["rights"]] == [("Café Ltd", [2025])],
    "invalid-utf8.html": lambda rec: [(r["holder"], r["years"]) for r in rec["rights"]] == [("Holder", [2025])],
    "jsonld-invalid.html": lambda rec: bool(rec["article"]["text_sha256"]) and rec["article"]["title"] is None,
    "jsonld-nested.html": lambda rec: bool(rec["article"]["text_sha256"]) and rec["article"]["title"] is None,
    # the bad fields are ignored, the good one ("publisher": "P") kept
    "jsonld-types.html": lambda rec: (rec["article"]["title"], rec["article"]["authors"], rec["article"]["publisher"],
                                      rec["article"]["published"], rec["rights"]) == (None, [], "P", None, []),
    "jsonld-huge-graph.html": lambda rec: bool(rec["article"]["text_sha256"]) and rec["article"]["title"] is None,
    "self-closed-root.html": lambda rec: (rec["article"]["title"], [p["post_id"] for p in rec["posts"]],
                                          [(r["holder"], r["years"]) for r in rec["rights"]]) == (
        "Vereinsfest", ["1234567890123"], [("Hundeverein e.V.", [2010])]),
    "stray-html-end.html": lambda rec: ([p["post_id"] for p in rec["posts"]], [(r["holder"], r["years"]) for r in
                                                                                rec["rights"]]) == (
        ["1234567890124"], [("Gemeinde Harbour", [2019])]),
    "many-embeds.html": lambda rec: [p["post_id"] for p in rec["posts"]] == [str(10**18 + i) for i in range(20_000)],
}


def test_every_hostile_file_has_a_pinned_outcome():
    assert set(OUTCOMES) == set(HOSTILE)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gives_its_record_or_its_one_clear_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    res = _extract(path)
    err = res.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    expected = OUTCOMES[name]
    if isinstance(expected, str):
        assert res.returncode == 1 and res.stdout == b""
        assert err.strip().splitlines() == [f"crawler: {path}: {expected}"], err
    else:
        assert res.returncode == 0, err[-2000:]
        [line] = res.stdout.decode().splitlines()
        record = assert_valid(json.loads(line))
        assert expected(record), record["article"] | {"rights": record["rights"]}


def test_a_graph_of_things_gives_no_publication_date(tmp_path):
    """htmldate's last resort reads a bare year ("1995" here) as January 1st: not a date the page gave."""
    (tmp_path / "g.html").write_bytes(HOSTILE["jsonld-huge-graph.html"])
    res = _extract(tmp_path / "g.html", "--no-main-text")
    assert json.loads(res.stdout)["article"]["published"] is None


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
    # the files that give a record as a file give it as a page too, and the empty page none.
    # KNOWN GAP (reported to the spiders' owner): the PDF and PNG bytes served as text/html are
    # made into records, where `crawler extract` refuses them and docs/reliability.md says
    # spiders skip binaries; this pins today's outcome so a change is seen.
    assert sorted(r["crawl"]["url"].rsplit("/", 1)[1] for r in records) == sorted(
        [name for name, outcome in OUTCOMES.items() if callable(outcome)] + ["fake.pdf.html", "image.html"]), stats
    # (the posts: many-embeds.html's 20,000, self-closed-root.html's and stray-html-end.html's one each)
    assert stats["records"] == len(records) == 15 and stats["posts"] == 20_002, stats
