"""WARC_OUTPUT archives the exchanges as they went over the wire, checked by ``warcio check``
and ``cdxj-indexer`` and compared byte for byte with what our test server sent and received.

The server is a plain socket server, so that what it sends is exactly what the test wrote:
a reason phrase of its own, lower-case and odd-spaced header names, a repeated header
interleaved with others, a chunked body, a gzip body, and one payload served at two URLs.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
TWEET = ("<blockquote class='twitter-tweet'><p>Hello</p>&mdash; A (@a) "
         "<a href='https://twitter.com/a/status/{n}'>link</a></blockquote>")


def _page(title: str, n: int) -> bytes:
    return (f"<!doctype html><html lang='en'><head><title>{title}</title><meta property='og:type' content='article'>"
            f"</head><body><article><h1>{title}</h1><p>{title} is long enough to be the body of an article.</p>"
            f"{TWEET.format(n=n)}</article></body></html>").encode()


SAME = _page("Same", 1918000000000000001)
CHUNKED = _page("Chunked", 1918000000000000002)
ZIPPED = gzip.compress(_page("Zipped", 1918000000000000003), mtime=0)


def _chunked(body: bytes) -> bytes:
    half = len(body) // 2
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:half], body[half:])) + b"0\r\n\r\n"


RESPONSES = {
    "/a.html": (b"HTTP/1.1 200 Fine By Us\r\nx-lower-case: yes\r\nSet-Cookie: a=1; Path=/\r\n"
                b"Content-Type:text/html; charset=utf-8\r\nX-Spaced:   lots  of   space \r\nSet-Cookie: b=2\r\n"
                b"Content-Length: %d\r\n\r\n" % len(SAME)) + SAME,
    "/b.html": (b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nTransfer-Encoding: chunked\r\n"
                b"x-order: after-te\r\n\r\n") + _chunked(CHUNKED),
    "/c.html": (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: text/html\r\n"
                b"X-Copy-Of: /a.html\r\n\r\n" % len(SAME)) + SAME,
    "/d.html": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                b"Content-Length: %d\r\nVary: Accept-Encoding\r\n\r\n" % len(ZIPPED)) + ZIPPED,
}
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class RawServer:
    """Answers each request on a connection with bytes given verbatim; keeps what it received."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received: dict[str, bytes] = {}
        self.sent: dict[str, bytes] = {}
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                end = buf.index(b"\r\n\r\n") + 4
                request, buf = buf[:end], buf[end:]
                path = request.split(b" ", 2)[1].decode()
                answer = RESPONSES.get(path, NOT_FOUND)
                self.received[path], self.sent[path] = request, answer
                conn.sendall(answer)

    def close(self):
        self.sock.close()


@pytest.fixture
def raw_server():
    server = RawServer()
    yield server
    server.close()


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*args], cwd=cwd, capture_output=True, timeout=180, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def test_warc_holds_the_exchanges_as_served(raw_server, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "evidence.warc"
    urls = ",".join(f"{raw_server.base}{p}" for p in RESPONSES)
    res = _run(sys.executable, "-m", "crawler", "crawl", "articles", "-a", f"urls={urls}", "-o", str(tmp_path / "r.jsonl"),
               "-s", f"WARC_OUTPUT={warc}", "-s", "STATE_ENABLED=0", "-s", "PROGRESS_INTERVAL=0",
               "-s", "CONCURRENT_REQUESTS=1", "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert len(records) == 4

    check = _run(str(BIN / "warcio"), "check", "-v", str(warc), cwd=tmp_path)
    assert check.returncode == 0, (check.stdout + check.stderr).decode()
    index = _run(str(BIN / "cdxj-indexer"), str(warc), cwd=tmp_path)
    assert index.returncode == 0, index.stderr.decode()
    cdx = {json.loads(line.split(" ", 2)[2])["url"]: json.loads(line.split(" ", 2)[2])
           for line in index.stdout.decode().splitlines()}
    for path in RESPONSES:
        assert f"{raw_server.base}{path}" in cdx, path
    assert cdx[f"{raw_server.base}/c.html"]["mime"] == "warc/revisit"

    with warc.open("rb") as fh:
        archived = [(r.rec_type, dict(r.rec_headers.headers), r.raw_stream.read())
                    for r in ArchiveIterator(fh, no_record_parse=True)]
    assert archived[0][0] == "warcinfo" and b"social-provenance-crawler" in archived[0][2]
    by_id = {h["WARC-Record-ID"]: (t, h, block) for t, h, block in archived}
    for path, sent in raw_server.sent.items():
        url = f"{raw_server.base}{path}"
        (resp,) = [(t, h, b) for t, h, b in archived if t in ("response", "revisit") and h["WARC-Target-URI"] == url]
        rtype, headers, block = resp
        assert headers["WARC-IP-Address"] == "127.0.0.1"
        if path == "/c.html":  # same payload as /a.html: a revisit holding the header block only
            assert rtype == "revisit" and headers["WARC-Refers-To-Target-URI"] == f"{raw_server.base}/a.html"
            assert block == sent[:sent.index(b"\r\n\r\n") + 4]
        else:
            assert rtype == "response" and block == sent, path  # status line, headers, body: as sent
        (req,) = [(h, b) for t, h, b in archived if t == "request" and h["WARC-Target-URI"] == url]
        assert req[0]["WARC-Concurrent-To"] == headers["WARC-Record-ID"]
        assert req[1] == raw_server.received[path]  # the request as the server received it
    for r in records:
        rtype, headers, _ = by_id[r["crawl"]["warc_record_id"]]
        assert headers["WARC-Target-URI"] == r["crawl"]["final_url"]

    # the warc spider reads the archive back: every page, the revisited one included (its payload
    # is the earlier response's), each body as the page was, whatever the transfer and content coding
    res = _run(sys.executable, "-m", "crawler", "crawl", "warc", "-a", f"path={warc}", "-o", str(tmp_path / "again.jsonl"),
               "-s", "STATE_ENABLED=0", "-s", "PROGRESS_INTERVAL=0", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    again = [json.loads(line) for line in (tmp_path / "again.jsonl").read_text().splitlines()]
    assert sorted((r["crawl"]["url"], r["version"]) for r in again) == sorted(
        (r["crawl"]["url"], r["version"]) for r in records)
    # and says where each page's evidence is: the revisit record itself for the revisited page
    kinds = {r["crawl"]["url"]: record_at(warc, r["crawl"]["source"])[0] for r in again}
    assert kinds[f"{raw_server.base}/c.html"] == "revisit"
    assert {k for u, k in kinds.items() if not u.endswith("/c.html")} == {"response"}


def record_at(path: Path, source: dict) -> tuple[str, str, str]:
    """(type, WARC-Target-URI, WARC-Record-ID) of the record at ``source["offset"]`` in ``path``: the file
    opened, the offset sought, one record read with warcio, as someone checking the evidence would."""
    from warcio.archiveiterator import ArchiveIterator

    assert source["kind"] == "warc" and source["url"] == str(path)
    with open(path, "rb") as fh:
        fh.seek(source["offset"])
        rec = next(iter(ArchiveIterator(fh, arc2warc=True)))
        return rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"), rec.rec_headers.get_header("WARC-Record-ID")


@pytest.mark.parametrize("gz", [True, False])
def test_the_warc_spider_records_the_offset_of_each_pages_record(tmp_path, gz):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / ("pages.warc.gz" if gz else "pages.warc")
    urls = [f"https://news.example/2025/05/0{n}/story-{n}.html" for n in range(1, 6)]
    with open(warc, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        w.write_record(w.create_warcinfo_record(warc.name, {"software": "test"}))
        for n, url in enumerate(urls):
            req = StatusAndHeaders(f"GET /{n} HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", http_headers=req))  # records between pages
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = _page(f"Story {n}", 1918000000000000100 + n)
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=hh))
    res = _run(sys.executable, "-m", "crawler", "crawl", "warc", "-a", f"path={warc}", "-o", str(tmp_path / "r.jsonl"),
               "-s", "STATE_ENABLED=0", "-s", "PROGRESS_INTERVAL=0", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert sorted(r["crawl"]["url"] for r in records) == urls
    offsets = set()
    for r in records:
        assert record_at(warc, r["crawl"]["source"]) == ("response", r["crawl"]["url"], r["crawl"]["warc_record_id"])
        offsets.add(r["crawl"]["source"]["offset"])
    assert len(offsets) == len(urls)

