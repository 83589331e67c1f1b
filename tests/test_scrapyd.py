"""Scrapyd: deploy the project with scrapyd-deploy, schedule a crawl over HTTP, read its items."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import FIXTURES, ROOT, assert_valid, start_server

from crawler.demo import SiteServer

BIN = Path(sys.executable).parent


def _api(base: str, path: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{path}", data=body, timeout=30) as resp:
        return json.loads(resp.read())


def test_deploy_schedule_and_read_items(tmp_path):
    def command(port: int) -> list[str]:
        (tmp_path / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {tmp_path}/eggs\n"
            f"logs_dir = {tmp_path}/logs\nitems_dir = {tmp_path}/items\ndbs_dir = {tmp_path}/dbs\n"
            "max_proc = 1\npoll_interval = 0.5\n")
        return [str(BIN / "scrapyd")]

    server, port = start_server(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _api(base, "daemonstatus.json")["status"] == "ok"
        project = tmp_path / "project"
        shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "build", "*.egg-info", "demo-output", ".state", "__pycache__", ".pytest_cache", "mutants"))
        cfg = (project / "scrapy.cfg").read_text()
        (project / "scrapy.cfg").write_text(cfg.replace("url = http://127.0.0.1:6800/", f"url = {base}/"))
        res = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True, timeout=180)
        assert res.returncode == 0 and b'"status": "ok"' in res.stdout, res.stdout + res.stderr
        with SiteServer(FIXTURES / "site") as site:
            job = _api(base, "schedule.json", {
                "project": "crawler", "spider": "sitemap", "url": f"{site.base}/",
                "setting": [f"STATE_URI=sqlite:///{tmp_path}/state.sqlite", "PROGRESS_INTERVAL=0",
                            "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8"]})
            assert job["status"] == "ok", job
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                jobs = _api(base, "listjobs.json?project=crawler")
                if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                    break
                time.sleep(0.5)
            else:
                raise AssertionError(f"job did not finish: {jobs}")
        items = tmp_path / "items" / "crawler" / "sitemap" / f"{job['jobid']}.jl"
        records = [json.loads(line) for line in items.read_text().splitlines()]
        assert len(records) == 24
        for r in records:
            assert_valid(r)
            assert r["crawl"]["spider"] == "sitemap"
        assert (tmp_path / "state.sqlite").is_file()
    finally:
        server.terminate()
        server.wait(timeout=30)
