"""Private addresses are refused by default, checked per request, redirect hop and DNS answer.

Servers run on 127.0.0.x only; "refused" is proven by the server receiving no request at all.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from conftest import FIXTURES, jsonl, run_cli

from crawler.demo import SiteServer
from crawler.ssrf import parse_allowed, refusal


class Recorder:
    """A loopback server that counts requests and answers with a page or a redirect."""

    def __init__(self, host: str, redirect_to: str | None = None):
        self.hits: list[str] = []
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):  # noqa: N802
                rec.hits.append(self.path)
                if redirect_to and not self.path.startswith("/robots"):
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                body = (FIXTURES / "pages" / "seed-embed.html").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    made = []

    def make(host, redirect_to=None):
        r = Recorder(host, redirect_to)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def _crawl(url, tmp_path, *settings):
    return run_cli("crawl", "articles", "-a", f"urls={url}", "-s", "STATE_ENABLED=False",
                   "-s", "PROGRESS_INTERVAL=0", *settings, cwd=tmp_path)


def test_loopback_is_refused_by_default(servers, tmp_path):
    target = servers("127.0.0.1")
    res = _crawl(f"{target.base}/a.html", tmp_path)
    assert res.returncode == 3  # nothing could be fetched: a failed crawl, not a quiet success
    assert target.hits == []  # not even robots.txt
    assert jsonl(res.stdout) == []
    assert f"refused {target.base}/a.html: 127.0.0.1 is a loopback address".encode() in res.stderr


def test_allowed_range_admits_only_that_range_and_redirects_are_checked(servers, tmp_path):
    inside = servers("127.0.0.3")
    bouncer = servers("127.0.0.2", redirect_to=f"{inside.base}/secret.html")
    res = _crawl(f"{bouncer.base}/a.html", tmp_path, "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.2/32")
    assert res.returncode == 3  # the one page failed (its redirect was refused): nothing fetched
    assert "/a.html" in bouncer.hits
    assert inside.hits == []  # the redirect hop was refused
    assert b"127.0.0.3 is a loopback address" in res.stderr
    res = _crawl(f"{bouncer.base}/a.html", tmp_path, "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.2/32,127.0.0.3/32")
    [record] = jsonl(res.stdout)
    assert record["crawl"]["final_url"] == f"{inside.base}/secret.html"


def test_host_names_are_checked_on_their_resolved_address(tmp_path):
    with SiteServer(FIXTURES / "pages") as site:
        port = site.base.rsplit(":", 1)[1]
        res = _crawl(f"http://localhost:{port}/seed-embed.html", tmp_path)
        assert sum(site.requests.values()) == 0
        assert b"refused host localhost" in res.stderr
        res = _crawl(f"http://localhost:{port}/seed-embed.html", tmp_path, "-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.1/32")
        assert len(jsonl(res.stdout)) == 1


def test_extract_url_is_refused_too(servers):
    target = servers("127.0.0.1")
    res = run_cli("extract", f"{target.base}/x.html")
    assert res.returncode == 1 and target.hits == []
    assert b"x.html: cannot fetch" in res.stderr and b"Traceback" not in res.stderr


def test_bad_allowed_networks_setting_is_a_clear_error(tmp_path):
    res = _crawl("http://127.0.0.1:9/", tmp_path, "-s", "ALLOWED_PRIVATE_NETWORKS=localhost")
    assert res.returncode == 1
    assert b"'localhost' is not a CIDR range" in res.stderr and b"Traceback" not in res.stderr


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True),
    ("::1", True), ("fd00:ec2::254", True), ("fe80::1", True), ("ff02::1", True),
    ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True),
    ("93.184.216.34", False), ("2606:4700:4700::1111", False), ("8.8.8.8", False),
])
def test_address_rules(address, blocked):
    assert (refusal(address) is not None) is blocked
    if blocked and ":" not in address:
        assert refusal(address, parse_allowed(f"{address}/32")) is None
