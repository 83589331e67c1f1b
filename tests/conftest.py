"""Shared test helpers: fixture paths, schema validation, a loopback HTTP server, the CLI."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.extract import CrawlMeta, extract_record
from crawler.records import validation_errors

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

needs_shared = pytest.mark.skipif(not (SHARED / "realworld" / "labels.json").is_file(),
                                  reason="../shared is absent")


def assert_valid(record: dict) -> dict:
    errors = validation_errors(record)
    assert not errors, errors
    return record


def extract_page(name: str, url: str | None = None, **kw) -> dict:
    path = FIXTURES / "pages" / name
    record = extract_record(path.read_bytes(), CrawlMeta(url=url or path.as_uri()), **kw).to_dict()
    return assert_valid(record)


def posts_by_key(record: dict) -> dict[tuple[str, str | None], dict]:
    return {(p["platform"], p["post_id"]): p for p in record["posts"]}


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "crawler", *args], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, env=env, timeout=timeout)


def jsonl(text: str | bytes) -> list[dict]:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def demo_site():
    """Our demo news site (fixtures/site) on 127.0.0.1, with ETag/Last-Modified support."""
    from crawler.demo import SiteServer

    with SiteServer(FIXTURES / "site") as server:
        yield server


@pytest.fixture
def serve_dir():
    """Serve any directory the test writes on 127.0.0.1: ``serve_dir(path) -> SiteServer``."""
    from crawler.demo import SiteServer

    servers = []

    def start(path):
        server = SiteServer(path).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def make_article_site(root: Path, n: int) -> Path:
    """A site of ``n`` small article pages, each citing one tweet, and a sitemap of them all."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"a{i}.html").write_text(
            f"<html><head><title>Article {i}</title><meta property='og:type' content='article'></head><body>"
            f"<article><p>Story {i} is long enough to be the body of an article here.</p>"
            f"<blockquote class='twitter-tweet'><a href='https://twitter.com/x/status/{1918000000000000000 + i}'>"
            "May 1, 2025</a></blockquote></article></body></html>")
    locs = "".join(f"<url><loc>__BASE__/a{i}.html</loc></url>" for i in range(n))
    (root / "sitemap.xml").write_text(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
    return root


LOOPBACK = ("-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8")  # our test servers; refused by default


def crawl(*args: str, cwd: Path, timeout: float = 180, state: str | None = None,
          out_name: str = "out.jsonl") -> tuple[subprocess.CompletedProcess, list[dict]]:
    """``crawler crawl ...`` writing JSON Lines to a file; returns the process and the records.

    Without ``state`` (a STATE_URI) the run keeps no state, so repeated crawls each emit all.
    """
    out = cwd / out_name
    if out.exists():
        out.unlink()
    state_args = ("-s", f"STATE_URI={state}") if state else ("-s", "STATE_ENABLED=False")
    res = run_cli("crawl", *args, "-o", str(out), "-s", "PROGRESS_INTERVAL=0", *state_args, *LOOPBACK,
                  cwd=cwd, timeout=timeout)
    records = jsonl(out.read_text("utf-8")) if out.exists() else []
    for r in records:
        assert_valid(r)
    return res, records


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` is listening on (Linux ``/proc``): proof that a server we
    started owns its port, not some other process that took it first."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def start_server(command_for: Callable[[int], list[str]], *, timeout: float = 60, attempts: int = 5,
                 **popen) -> tuple[subprocess.Popen, int]:
    """Start a server process that cannot bind port 0 itself (redis-server, scrapyd).

    A free port can only be a guess (another process may take it between our probe and the
    server's bind), so the server counts as started only once *it* listens on the port; if it
    exits (port taken), another port is tried; if it neither listens nor exits in ``timeout``
    seconds, the test fails saying so, never goes on against a server that is not there.
    """
    for _ in range(attempts):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        command = command_for(port)
        proc = subprocess.Popen(command, **popen)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port in listening_ports(proc.pid):
                return proc, port
            if proc.poll() is not None:
                break  # lost the port to another process: try another one
            time.sleep(0.05)
        else:
            proc.kill()
            proc.wait()
            pytest.fail(f"{command[0]} did not listen on 127.0.0.1:{port} within {timeout} s")
    pytest.fail(f"{command[0]} exited {attempts} times without listening (last exit {proc.returncode})")


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it is true; fail the test naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 serving ``fixtures/``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of this test's own on 127.0.0.1 (the distributed and citation tests)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (.ci/run installs the Debian package redis-server)")
    proc, port = start_server(lambda port: [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                            "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
