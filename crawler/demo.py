"""The demo: our fixture news site served on 127.0.0.1, crawled with the ``sitemap`` spider.

``SiteServer`` is also what the tests crawl. It replaces ``__BASE__`` in served files with
its own base URL (so sitemaps carry absolute URLs), and answers conditional requests
(``ETag``/``If-None-Match``, ``Last-Modified``/``If-Modified-Since``) like a real server.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import mimetypes
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

TOKEN = b"__BASE__"


class SiteServer:
    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0):
        self.root = Path(root).resolve()
        self.delay = delay  # seconds per response: a slow site, for tests that interrupt a crawl
        self.requests: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                server.handle(self)

        self.httpd = http.server.ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # clients that hang up are normal
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def body_of(self, path: Path) -> bytes:
        return path.read_bytes().replace(TOKEN, self.base.encode())

    def handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        rel = unquote(urlsplit(h.path).path).lstrip("/") or "index.html"
        path = (self.root / rel).resolve()
        if path.is_dir():
            path = path / "index.html"
        self.requests[urlsplit(h.path).path] += 1
        if self.root not in path.parents or not path.is_file():
            h.send_response(404)
            h.send_header("Content-Type", "text/plain")
            h.end_headers()
            h.wfile.write(b"not found")
            return
        body = self.body_of(path)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = int(path.stat().st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        if inm or ims:
            self.conditional[urlsplit(h.path).path] += 1
        not_modified = (inm == etag) if inm else False
        if not inm and ims:
            try:
                not_modified = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", last_modified)
        h.end_headers()
        h.wfile.write(body)


def find_site(explicit: str | None = None) -> Path:
    """The demo site: given, ``fixtures/site`` under the working directory (a checkout being
    edited), else the copy the package ships (``crawler/demo_site``; ``fixtures/site`` in the
    checkout links to it), so ``crawler demo`` works from any directory after ``pip install``."""
    candidates = [Path(explicit)] if explicit else [
        Path.cwd() / "fixtures" / "site", Path(__file__).resolve().parent / "demo_site"]
    for c in candidates:
        if (c / "robots.txt").is_file():
            return c
    raise FileNotFoundError(
        "demo: cannot find the demo site (fixtures/site); run from the project checkout or pass --site DIR")


def summarize(records: list[dict]) -> str:
    platforms: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    holders: Counter[str] = Counter()
    for r in records:
        for p in r["posts"]:
            platforms[p["platform"]] += 1
            forms.update(e["form"] for e in p["evidence"])
        page = next((x for x in r["rights"] if x["scope"] == "page"), None)
        if page:
            holders[page["holder"] or "(no holder)"] += 1
    lines = [f"articles: {len(records)}", f"posts: {sum(platforms.values())}"]
    lines += [f"  {name:<12} {n}" for name, n in platforms.most_common()]
    lines.append("evidence forms: " + ", ".join(f"{k} {v}" for k, v in forms.most_common()))
    lines.append("rights holders: " + ", ".join(f"{k} ({v})" for k, v in holders.most_common()))
    return "\n".join(lines)


def write_report(records: list[dict], out: Path) -> str:
    """Write the demo's HTML report (what ``crawler report`` writes) into ``out``; the line to print.

    The line names its ``index.html``, or says why there is none (the optional ``report``
    extra not installed, or ``out`` holding something else): the demo's records stand anyway.
    """
    from crawler.report import missing_requirements

    missing = missing_requirements()
    if missing:
        return (f"report: not written, it needs {', '.join(missing)} "
                "(pip install 'social-provenance-crawler[report]')")
    from crawler.report.model import normalize
    from crawler.report.render import ReportError, build_report

    try:
        index = build_report([normalize(r) for r in records], out, source="the demo crawl",
                             title="Tidewater Gazette: provenance report (demo)")
    except ReportError as exc:
        return f"report: not written: {exc}"
    return f"report: {index}"
