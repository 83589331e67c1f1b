"""The README's cron line and systemd ExecStart, run as written (host and paths substituted)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, assert_valid

README = (ROOT / "README.md").read_text("utf-8")
BIN = Path(sys.executable).parent


def _block(lang: str) -> str:
    return re.search(rf"```{lang}\n(.*?)```", README, re.S).group(1)


def _prepare(tmp_path, server_base):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "crawler").symlink_to(shutil.which("crawler", path=str(BIN)) or BIN / "crawler")
    # our test server is on loopback, which the crawler refuses unless allowed
    return lambda cmd: (cmd.replace("/srv/newswatch", str(tmp_path))
                        .replace("https://news.example/", server_base + "/ -s ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8"))


def _check_run(tmp_path):
    summary = json.loads((tmp_path / "state" / "last-run.json").read_text())
    assert summary["records"] == 24
    [out] = list((tmp_path / "records").glob("*.jsonl"))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 24
    for r in records:
        assert_valid(r)
    feed = json.loads((tmp_path / "public" / "feed.json").read_text())
    assert len(feed["items"]) == 24


def test_cron_line_runs_as_written(demo_site, tmp_path):
    line = _block("cron").strip()
    fields = line.split(None, 5)
    assert len(fields) == 6 and fields[0] == "*/15"
    command = fields[5].replace("\\%", "%")  # what cron hands to the shell
    command = _prepare(tmp_path, demo_site.base)(command)
    res = subprocess.run(["/bin/sh", "-c", command], capture_output=True, timeout=180)
    assert res.returncode == 0, (tmp_path / "logs" / "crawl.log").read_text()[-2000:]
    _check_run(tmp_path)
    # the next run finds nothing new: it writes an empty records file and keeps the feed
    res = subprocess.run(["/bin/sh", "-c", command], capture_output=True, timeout=180)
    assert res.returncode == 0
    assert json.loads((tmp_path / "state" / "last-run.json").read_text())["records"] == 0


def test_systemd_execstart_runs_as_written(demo_site, tmp_path):
    service = _block("ini")
    exec_start = re.search(r"^ExecStart=(.*)$", service, re.M).group(1)
    workdir = re.search(r"^WorkingDirectory=(.*)$", service, re.M).group(1)
    assert workdir == "/srv/newswatch"
    command = _prepare(tmp_path, demo_site.base)(exec_start.replace("%%", "%"))
    res = subprocess.run(command.split(), cwd=tmp_path, capture_output=True, timeout=180)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    _check_run(tmp_path)
    timer = re.findall(r"```ini\n(.*?)```", README, re.S)[1]
    assert "OnCalendar=*:0/15" in timer and "WantedBy=timers.target" in timer
