"""Faulty servers: the crawl finishes, retries what is worth retrying, counts every failure,
and emits no partial record."""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
import time
from collections import Counter

from conftest import FIXTURES, LOOPBACK, assert_valid, jsonl, run_cli

PAGE = (FIXTURES / "pages" / "seed-embed.html").read_bytes()


class FaultyServer:
    def __init__(self):
        self.hits: Counter[str] = Counter()
        self.agents: set[str] = set()
        srv = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send_page(self, body=PAGE, status=200, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for k, v in headers:
                    self.send_header(k, v)
                if not any(k == "Content-Length" for k, _ in headers):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                path = self.path
                srv.hits[path] += 1
                srv.agents.add(self.headers.get("User-Agent", ""))
                n = srv.hits[path]
                if path == "/good":
                    return self.send_page()
                if path == "/500":
                    return self.send_page(b"oops", 500)
                if path == "/503-then-ok":  # asks for a pause once, then answers
                    if n == 1:
                        return self.send_page(b"busy", 503, [("Retry-After", "1")])
                    return self.send_page()
                if path == "/503-5s-then-ok":  # asks for a longer pause than RETRY_AFTER_MAX below
                    if n == 1:
                        return self.send_page(b"busy", 503, [("Retry-After", "5")])
                    return self.send_page()
                if path == "/timeout":
                    time.sleep(4)
                    return self.send_page()
                if path == "/drip":  # a byte at a time, never finishing in time
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    for _ in range(40):
                        self.wfile.write(b"<")
                        self.wfile.flush()
                        time.sleep(0.2)
                    return None
                if path == "/reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return None
                if path == "/truncated":  # Content-Length promises more than is sent
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(PAGE) * 2))
                    self.end_headers()
                    self.wfile.write(PAGE[: len(PAGE) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if path == "/loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if path == "/gzip-bomb":
                    bomb = gzip.compress(b"\0" * 50_000_000)
                    return self.send_page(bomb, 200, [("Content-Encoding", "gzip"), ("Content-Length", str(len(bomb)))])
                if path == "/pdf":
                    body = b"%PDF-1.7 ..."
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                return self.send_page(b"missing", 404)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # resets are the point here
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_faulty_server(tmp_path):
    server = FaultyServer()
    paths = ["/good", "/500", "/503-then-ok", "/timeout", "/drip", "/reset", "/truncated", "/loop",
             "/gzip-bomb", "/pdf", "/404"]
    try:
        res = run_cli("crawl", "articles", "-a", "urls=" + ",".join(server.base + p for p in paths),
                      "-o", str(tmp_path / "out.jsonl"), "-s", f"STATS_FILE={tmp_path / 'stats.json'}",
                      "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=1000000",
                      "-s", "ROBOTSTXT_OBEY=False", "-s", "STATE_ENABLED=False", "-s", "REDIRECT_MAX_TIMES=5",
                      "-s", "AUTOTHROTTLE_ENABLED=False", *LOOPBACK, cwd=tmp_path, timeout=240)
    finally:
        server.close()
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    records = jsonl((tmp_path / "out.jsonl").read_text())
    for r in records:
        assert_valid(r)
    assert sorted(r["crawl"]["url"].rsplit("/", 1)[1] for r in records) == ["503-then-ok", "good"]
    assert all(r["posts"] and r["posts"][0]["post_id"] == "1917634117335879720" for r in records)
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["failed"] == 8  # 500, timeout, drip, reset, truncated, loop, gzip bomb, 404
    assert stats["not_html"] == 1  # the PDF: skipped and counted
    assert stats["detail"].get("retry/retry_after_waits") == 1
    assert server.hits["/500"] == 2 and server.hits["/503-then-ok"] == 2  # retried once
    assert server.hits["/404"] == 1  # not worth retrying
    log = res.stderr.decode()
    for p in paths[1:]:
        if p not in ("/503-then-ok", "/pdf"):
            assert f"failed {server.base}{p}" in log, p


def test_retry_after_beyond_the_maximum_is_not_waited_for_and_contact_is_in_the_user_agent(tmp_path):
    """``RETRY_AFTER_MAX``: a pause up to it is honoured (counted), a longer one is not (the
    request is retried at the normal pace); ``CONTACT`` is appended to every request's User-Agent."""
    server = FaultyServer()
    try:
        res = run_cli("crawl", "articles", "-a", f"urls={server.base}/503-then-ok,{server.base}/503-5s-then-ok",
                      "-o", str(tmp_path / "out.jsonl"), "-s", f"STATS_FILE={tmp_path / 'stats.json'}",
                      "-s", "RETRY_AFTER_MAX=2", "-s", "CONTACT=mailto:ops@news.example",
                      "-s", "STATE_ENABLED=False", "-s", "AUTOTHROTTLE_ENABLED=False", *LOOPBACK, cwd=tmp_path)
    finally:
        server.close()
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    assert len(jsonl((tmp_path / "out.jsonl").read_text())) == 2
    assert server.hits["/503-then-ok"] == 2 and server.hits["/503-5s-then-ok"] == 2  # both retried
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["detail"].get("retry/retry_after_waits") == 1  # only the 1 s pause was waited for
    [agent] = server.agents
    assert agent.startswith("social-provenance-crawler/") and agent.endswith(" mailto:ops@news.example"), agent
