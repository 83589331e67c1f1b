"""``crawler archive``: WARCs written here from our fixture site, run on real Dask clusters.

Every test runs the real command in a subprocess; archives are written with warcio (ARC by hand,
warcio writes none), broken ones by cutting or editing those bytes.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, assert_valid, crawl, jsonl, run_cli, wait_until

SITE = FIXTURES / "site"
PAGES = sorted(p for p in SITE.rglob("*") if p.is_file())
ARTICLES_PER_COPY = 24  # fixtures/site/2025/: the rest are robots.txt, sitemaps, a feed, 4 non-articles
TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain", ".xml": "application/xml"}


def captures(copy: int, host: str = "news{}.example", date: str = "2025-05-01T12:00:00Z") -> list[tuple]:
    """The fixture site as captured from a host of its own: (url, body, content type, date)."""
    out = [(f"https://{host.format(copy)}/{p.relative_to(SITE).as_posix()}", p.read_bytes(),
            TYPES.get(p.suffix, "application/octet-stream"), date) for p in PAGES]
    return sorted(out, key=lambda c: "/2025/" in c[0])  # an article last (the truncation test cuts it)


def write_warc(path: Path, caps: list[tuple], gz: bool = True, status: str = "200 OK") -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, body, ctype, date in caps:
            req = StatusAndHeaders(f"GET {url.split('/', 3)[-1]} HTTP/1.1", [("Host", url.split("/")[2])],
                                   is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", http_headers=req, warc_headers_dict={"WARC-Date": date}))
            hh = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh,
                                                warc_headers_dict={"WARC-Date": date}))
    return path


def write_arc(path: Path, caps: list[tuple]) -> Path:
    """ARC v1 (the Internet Archive's format before WARC): a filedesc header, then one
    ``URL IP DATE TYPE LENGTH`` line and the HTTP response per capture."""
    ver = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    out = b"filedesc://%s 0.0.0.0 20250501120000 text/plain %d\n" % (path.name.encode(), len(ver)) + ver + b"\n"
    for url, body, ctype, _ in caps:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n" % ctype.encode() + body
        out += b"%s 127.0.0.1 20250501120000 %s %d\n" % (url.encode(), ctype.split(";")[0].encode(), len(http))
        out += http + b"\n"
    path.write_bytes(out)
    return path


def offsets(path: Path) -> dict[str, int]:
    """URL -> offset of its response record, read back with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    out = {}
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            if rec.rec_type == "response":
                out[rec.rec_headers.get_header("WARC-Target-URI")] = it.get_record_offset()
    return out


def archive(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return run_cli("archive", *args, "--dashboard", "none", cwd=cwd, timeout=timeout)


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def records_in(folder: Path) -> list[dict]:
    out = []
    for p in sorted(folder.glob("part-*.jsonl")):
        out += jsonl(p.read_bytes())
    return out


def comparable(rec: dict, arc: bool = False) -> dict:
    """A record apart from what differs by design between two runs: crawl ids, the producer's
    name, where the archive was read from (and ARC's record ids, which warcio makes up)."""
    rec = json.loads(json.dumps(rec))
    for k in ("crawl_id", "spider", "source"):
        rec["crawl"].pop(k, None)
    if arc:
        rec["crawl"].pop("warc_record_id", None)
    return rec


def keyed(records: list[dict]) -> dict[tuple[str, str], dict]:
    out = {}
    for r in records:
        key = (r["crawl"]["url"], r["version"])
        assert key not in out, f"twice: {key}"
        out[key] = r
    return out


@pytest.fixture
def http_dir():
    """Serve a folder on 127.0.0.1 (plain static files, as an archive host would)."""
    servers = []

    def start(path: Path) -> str:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(path)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def test_files_globs_lists_and_urls_give_the_warc_spiders_records(tmp_path, http_dir):
    arch, lists, served = tmp_path / "arch", tmp_path / "lists", tmp_path / "served"
    for d in (arch, lists, served):
        d.mkdir()
    a = write_warc(arch / "a.warc.gz", captures(0))
    g1 = write_warc(arch / "g1.warc.gz", captures(1))
    g2 = write_warc(arch / "g2.warc", captures(2), gz=False)
    listed = write_warc(arch / "listed.warc.gz", captures(3))
    with gzip.open(lists / "warc.paths.gz", "wt") as fh:  # CC-NEWS's form: relative lines, gzipped
        fh.write("# our captures\n../arch/listed.warc.gz\n")
    remote = write_warc(served / "remote.warc.gz", captures(4))
    arc = write_arc(arch / "old.arc", [c for c in captures(5) if "/2025/05/0" in c[0]][:3])
    base = http_dir(served)

    res = archive(str(a), str(arch / "g*.warc*"), f"@{lists / 'warc.paths.gz'}", f"{base}/remote.warc.gz",
                  str(arc), "-o", str(tmp_path / "out"), "--workers", "2", cwd=tmp_path)
    err = res.stderr.decode()
    assert res.returncode == 0, err
    assert "Traceback" not in err
    assert "6/6 inputs" in err and "pages/s" in err and "records" in err  # the progress line
    m = manifest(tmp_path / "out")
    inputs = [str(a), str(g1), str(g2), str(listed), f"{base}/remote.warc.gz", str(arc)]
    assert sorted(m["inputs"]) == sorted(inputs)
    assert {e["status"] for e in m["inputs"].values()} == {"done"}
    # sitemaps and the feed are not pages; robots.txt (text) and 4 HTML pages are not articles
    assert m["inputs"][str(a)]["not_html"] == 3 and m["inputs"][str(a)]["not_articles"] == 5
    mine = records_in(tmp_path / "out")
    assert len(mine) == 5 * ARTICLES_PER_COPY + 3
    for r in mine:
        assert_valid(r)

    # the warc spider on the same archives (the URL's as the local file it serves)
    res, theirs = crawl("warc", "-a", f"path={','.join(str(p) for p in (a, g1, g2, listed, remote, arc))}",
                        cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    is_arc = {r["crawl"]["url"]: r["crawl"]["source"]["url"] == str(arc) for r in mine}
    assert {k: comparable(r, is_arc[k[0]]) for k, r in keyed(mine).items()} == \
        {k: comparable(r, is_arc[k[0]]) for k, r in keyed(theirs).items()}

    # each record says where its evidence is: the archive's URL and the record's offset
    where = {str(p): offsets(p) for p in (a, g2)}
    where[f"{base}/remote.warc.gz"] = offsets(remote)
    checked = 0
    for r in mine:
        src = r["crawl"]["source"]
        assert src["kind"] == "warc" and isinstance(src["offset"], int)
        if src["url"] in where:
            assert where[src["url"]][r["crawl"]["url"]] == src["offset"]
            checked += 1
    assert checked == 3 * ARTICLES_PER_COPY


def test_bad_archives_are_reported_with_their_offsets_and_the_rest_goes_on(tmp_path):
    good = write_warc(tmp_path / "good.warc.gz", captures(0))
    whole = write_warc(tmp_path / "whole.warc.gz", captures(1))
    last = max(offsets(whole).values())
    trunc = tmp_path / "trunc.warc.gz"
    trunc.write_bytes(whole.read_bytes()[: last + 200])  # the last record's gzip member cut short
    whole.unlink()
    notwarc = tmp_path / "notes.warc"
    notwarc.write_bytes(b"these are my notes, not an archive\n" * 20)
    lying = write_warc(tmp_path / "lying.warc", captures(2), gz=False)
    data = lying.read_bytes()
    target = "https://news2.example/2025/05/03/storm-damage.html"
    lied_at = offsets(lying)[target]
    cl = data.index(b"Content-Length: ", data.index(b"WARC-Type: response", lied_at))
    end = data.index(b"\r\n", cl)
    lying.write_bytes(data[:cl + 16] + str(int(data[cl + 16:end]) - 500).encode() + data[end:])

    res = archive(str(tmp_path / "*.warc*"), "-o", str(tmp_path / "out"), "--workers", "2", cwd=tmp_path)
    err = res.stderr.decode()
    assert res.returncode == 1, err
    assert "Traceback" not in err
    m = manifest(tmp_path / "out")["inputs"]
    assert m[str(good)]["status"] == "done" and m[str(good)]["records"] == ARTICLES_PER_COPY
    assert not m[str(good)]["faults"]
    # truncated gzip: the cut record reported at its offset, the records before it kept
    assert [f["offset"] for f in m[str(trunc)]["faults"]] == [last] and m[str(trunc)]["status"] == "bad"
    assert m[str(trunc)]["records"] == ARTICLES_PER_COPY - 1
    assert f"trunc.warc.gz: at offset {last}:" in err
    # not an archive at all
    assert m[str(notwarc)]["status"] == "bad" and m[str(notwarc)]["error"]["offset"] == 0
    assert "notes.warc: at offset 0:" in err
    # a lying Content-Length: that record reported, every other record of the archive kept
    assert [f["offset"] for f in m[str(lying)]["faults"]] == [lied_at]
    assert "Content-Length" in m[str(lying)]["faults"][0]["message"]
    assert m[str(lying)]["records"] == ARTICLES_PER_COPY - 1
    urls = {r["crawl"]["url"] for r in records_in(tmp_path / "out")}
    assert target not in urls and target.replace("news2", "news0") in urls


def test_text_articles_and_revisits_give_the_warc_spiders_records(tmp_path):
    """An article saved as text, a page whose payload was archived before (a ``revisit`` record,
    as WARC_OUTPUT writes one), a page that is no article but cites a post: the spider makes
    records of all three (of two with ARTICLES_ONLY), so must the command (with --articles-only)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from crawler.warc import payload_digest

    page = next(b for u, b, _, _ in captures(0) if "/2025/05/0" in u)
    text = b"Harbour wall repaired\n\nThe wall was rebuilt in May, see https://x.com/harbour/status/1918000000000000009\n"
    citing, citing_page = "https://news.example/about", (
        b"<html lang='en'><head><title>About us</title><meta property='og:type' content='website'></head><body>"
        b"<p>Our newsroom, as the mayor put it:</p><blockquote class='twitter-tweet'><p>Proud of them</p>&mdash; "
        b"Mayor (@mayor) <a href='https://twitter.com/mayor/status/1918000000000000042'>May 1, 2025</a>"
        b"</blockquote></body></html>")
    src = tmp_path / "own.warc.gz"
    first, again = "https://news.example/2025/05/01/first-capture-of-it.html", "https://news.example/copy-of-the-page"
    with open(src, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        html = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(first, "response", payload=io.BytesIO(page), http_headers=html))
        plain = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news.example/2025/05/02/harbour-wall.txt", "response",
                                            payload=io.BytesIO(text), http_headers=plain))
        w.write_record(w.create_revisit_record(again, payload_digest(page), first, "2025-05-01T12:00:00Z",
                                               http_headers=html))
        w.write_record(w.create_warc_record(citing, "response", payload=io.BytesIO(citing_page), http_headers=html))
        w.write_record(w.create_revisit_record("https://news.example/2025/05/03/unknown-payload-here.html",
                                               payload_digest(b"not in this archive"), "https://elsewhere.example/",
                                               "2025-05-01T12:00:00Z", http_headers=html))
    res = archive(str(src), "-o", str(tmp_path / "out"), "--workers", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    mine = keyed(records_in(tmp_path / "out"))
    res, theirs = crawl("warc", "-a", f"path={src}", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert {k: comparable(r) for k, r in mine.items()} == {k: comparable(r) for k, r in keyed(theirs).items()}
    assert sorted(u for u, _ in mine) == sorted([first, again, citing, "https://news.example/2025/05/02/harbour-wall.txt"])
    by_url = {u: r for (u, _), r in mine.items()}
    assert by_url[again]["crawl"]["content_sha256"] == by_url[first]["crawl"]["content_sha256"]
    assert by_url["https://news.example/2025/05/02/harbour-wall.txt"]["article"]["title"] == "Harbour wall repaired"
    assert manifest(tmp_path / "out")["inputs"][str(src)]["unresolved"] == 1

    res = archive(str(src), "-o", str(tmp_path / "only"), "--workers", "1", "--articles-only", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    mine = keyed(records_in(tmp_path / "only"))
    res, theirs = crawl("warc", "-a", f"path={src}", "-s", "ARTICLES_ONLY=1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    assert {k: comparable(r) for k, r in mine.items()} == {k: comparable(r) for k, r in keyed(theirs).items()}
    assert citing not in {u for u, _ in mine} and len(mine) == 3


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler", "archive", *args, "--dashboard", "none"], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))


def _done(folder: Path) -> dict:
    try:
        return {k: e for k, e in manifest(folder)["inputs"].items() if e["status"] == "done"}
    except (OSError, ValueError, KeyError):
        return {}


def test_a_worker_killed_mid_task_has_its_input_redone(tmp_path):
    for i in range(8):
        write_warc(tmp_path / f"in{i}.warc.gz", [c for k in range(3) for c in captures(10 * i + k)])
    out = tmp_path / "out"
    proc = _start([str(tmp_path / "in*.warc.gz"), "-o", str(out), "--workers", "2"], tmp_path)
    try:
        first = wait_until(lambda: _done(out), 240, "a first input done")
        pid = next(iter(first.values()))["worker_pid"]
        # that worker has started its next input: its partition is being written, not renamed yet
        tmp = wait_until(lambda: list(out.glob(f".tmp-{pid}-*")), 120, f"worker {pid} on its next input")
        os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err.decode()
    m = manifest(out)["inputs"]
    assert {e["status"] for e in m.values()} == {"done"} and len(m) == 8
    redone = next(k for k, e in m.items() if e["partition"] in tmp[0].name)
    assert m[redone]["worker_pid"] != pid and m[redone]["records"] == 3 * ARTICLES_PER_COPY
    records = records_in(out)
    keyed(records)  # every record once
    assert len(records) == 8 * 3 * ARTICLES_PER_COPY
    assert not list(out.glob(".tmp-*"))


def test_a_killed_job_resumes_with_every_record_exactly_once(tmp_path):
    for i in range(6):
        write_warc(tmp_path / f"in{i}.warc.gz", [c for k in range(2) for c in captures(10 * i + k)])
    target = tmp_path / "all.jsonl.gz"
    parts = tmp_path / "all.jsonl.gz.parts"
    args = [str(tmp_path / "in*.warc.gz"), "-o", str(target), "--workers", "2"]
    proc = _start(args, tmp_path)
    try:
        wait_until(lambda: _done(parts), 240, "a first input done")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole job: driver, nannies, workers
        proc.wait()
    before = _done(parts)
    assert 1 <= len(before) < 6 and not target.exists()

    res = run_cli("archive", *args, "--dashboard", "none", cwd=tmp_path, timeout=300)
    err = res.stderr.decode()
    assert res.returncode == 0, err
    assert f"{len(before)} of 6 inputs already done" in err
    after = manifest(parts)["inputs"]
    for k, e in before.items():
        assert after[k] == e  # not redone
    records = jsonl(gzip.decompress(target.read_bytes()))
    keyed(records)
    assert len(records) == 6 * 2 * ARTICLES_PER_COPY


def _mixed_warc(path: Path) -> Path:
    """News in English (May) and in French (June, another host), and an article citing nothing."""
    english = [c for c in captures(0) if "/2025/" not in c[0] or "/2025/05/0" in c[0]]  # 9 articles
    french = [(u.replace("news0.example", "fr.example"), b.replace(b'lang="en"', b'lang="fr"'), t,
               "2025-06-15T08:00:00Z") for u, b, t, _ in english if "/2025/05/0" in u][:3]
    plain = ("https://plain.example/2025/05/30/council-budget.html",
             b"<html lang='en'><head><title>Council budget</title><meta property='og:type' content='article'>"
             b"</head><body><article><h1>Council budget</h1><p>The council agreed its budget for the year "
             b"after a long debate about the harbour.</p></article></body></html>",
             "text/html", "2025-05-30T09:00:00Z")
    return write_warc(path, english + french + [plain])


def test_filters_site_dates_language_citing(tmp_path):
    src = _mixed_warc(tmp_path / "mixed.warc.gz")
    runs = {
        "all": [],
        "site": ["--site", "plain.example,fr.example"],
        "since": ["--since", "2025-06-01"],
        "until": ["--until", "2025-05-30"],  # a date: the whole day
        "lang_citing": ["--lang", "EN", "--citing"],
    }
    got = {}
    for name, opts in runs.items():
        res = archive(str(src), "-o", str(tmp_path / name), "--workers", "1", *opts, cwd=tmp_path)
        assert res.returncode == 0, res.stderr.decode()
        got[name] = keyed(records_in(tmp_path / name))
    everything = got["all"]
    host = {k: k[0].split("/")[2] for k in everything}
    assert len(everything) == 9 + 3 + 1
    assert set(got["site"]) == {k for k in everything if host[k] in ("plain.example", "fr.example")}
    assert set(got["since"]) == {k for k in everything if host[k] == "fr.example"}
    assert set(got["until"]) == {k for k in everything if host[k] in ("news0.example", "plain.example")}
    assert {everything[k]["article"]["language"] for k in everything} == {"en", "fr"}
    assert set(got["lang_citing"]) == {k for k in everything if host[k] == "news0.example"}
    assert manifest(tmp_path / "site")["inputs"][str(src)]["out_of_scope"] == 9 + 5  # HTML and text of news0


def _without_none(x):
    if isinstance(x, dict):
        return {k: _without_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_without_none(v) for v in x]
    return x


def test_parquet_partitions_hold_the_records_nested_fields(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src = write_warc(tmp_path / "a.warc.gz", captures(0))
    for fmt in ("jsonl", "parquet"):
        res = archive(str(src), "-o", str(tmp_path / fmt), "--format", fmt, "--workers", "1", cwd=tmp_path)
        assert res.returncode == 0, res.stderr.decode()
    table = pq.read_table(next((tmp_path / "parquet").glob("part-*.parquet")))
    rows = {r["version"] + r["crawl"]["url"]: _without_none(r) for r in table.to_pylist()}
    recs = {r["version"] + r["crawl"]["url"]: _without_none(r) for r in records_in(tmp_path / "jsonl")}
    for r in list(rows.values()) + list(recs.values()):
        r["crawl"].pop("crawl_id")
    assert rows == recs and len(rows) == ARTICLES_PER_COPY


def test_an_existing_dask_scheduler_runs_the_tasks(tmp_path):
    src = write_warc(tmp_path / "a.warc.gz", captures(0))
    dask = Path(sys.executable).with_name("dask")
    scheduler = subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
                                 stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    worker = None
    try:
        address = None
        while address is None:
            line = scheduler.stderr.readline()
            assert line, "dask scheduler exited"
            if "Scheduler at:" in line:
                address = line.split("Scheduler at:")[1].strip()
        threading.Thread(target=scheduler.stderr.read, daemon=True).start()  # keep the pipe drained
        worker = subprocess.Popen([str(dask), "worker", address, "--nthreads", "1", "--no-dashboard"],
                                  stderr=subprocess.DEVNULL, cwd=tmp_path)
        res = run_cli("archive", str(src), "-o", str(tmp_path / "out"), "--scheduler", address, cwd=tmp_path,
                      timeout=300)
        assert res.returncode == 0, res.stderr.decode()
        assert len(records_in(tmp_path / "out")) == ARTICLES_PER_COPY
        import psutil  # distributed's own dependency

        ran_on = manifest(tmp_path / "out")["inputs"][str(src)]["worker_pid"]
        assert ran_on in {p.pid for p in psutil.Process(worker.pid).children(recursive=True)}
    finally:
        for p in (worker, scheduler):
            if p is not None:
                p.terminate()
                p.wait(timeout=30)


@pytest.mark.parametrize("args, says", [
    (["nothing-here.warc.gz", "-o", "out"], "nothing-here.warc.gz: no such file"),
    (["*.nomatch", "-o", "out"], "no file matches"),
    (["@missing.txt", "-o", "out"], "cannot read the list"),
    (["a.warc.gz", "-o", "out", "--since", "last tuesday"], "--since 'last tuesday' is not a date"),
    (["a.warc.gz", "-o", "out.jsonl", "--format", "parquet"], "--format parquet writes a folder"),
    (["a.warc.gz", "-o", "out", "--workers", "0"], "--workers must be at least 1"),
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, args, says):
    write_warc(tmp_path / "a.warc.gz", captures(0)[:1])
    res = run_cli("archive", *args, cwd=tmp_path)
    err = res.stderr.decode()
    assert res.returncode == 2, err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_without_dask_the_command_says_how_to_install_it_and_plain_imports_stay_light(tmp_path):
    code = ("import sys; sys.modules['distributed'] = None; from crawler.cli import main; "
            "raise SystemExit(main(['archive', 'x.warc.gz', '-o', 'out']))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert res.returncode == 2
    assert "pip install 'social-provenance-crawler[archive]'" in res.stderr.decode()
    code = "import sys; from crawler.cli import build_parser; build_parser(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec', 'pyarrow')))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert res.stdout.decode().strip() == "[]", res.stderr.decode()


def test_a_second_job_on_the_same_folder_is_refused_and_other_options_too(tmp_path):
    src = write_warc(tmp_path / "a.warc.gz", captures(0)[:6])
    (tmp_path / "out").mkdir()
    import fcntl

    with open(tmp_path / "out" / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        res = run_cli("archive", str(src), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 2 and "another crawler archive job" in res.stderr.decode()
    res = archive(str(src), "-o", str(tmp_path / "out"), "--workers", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    res = run_cli("archive", str(src), "-o", str(tmp_path / "out"), "--citing", cwd=tmp_path)
    assert res.returncode == 2 and "other options" in res.stderr.decode()
    assert manifest(tmp_path / "out")["options"]["citing"] is False


def test_a_merged_file_holds_each_url_and_version_once_across_archives(tmp_path):
    same = captures(0)[-3:]  # three articles, captured in both archives
    a, b = write_warc(tmp_path / "a.warc.gz", same), write_warc(tmp_path / "b.warc", same + same, gz=False)
    res = archive(str(a), str(b), "-o", str(tmp_path / "all.jsonl"), "--workers", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    m = manifest(tmp_path / "all.jsonl.parts")["inputs"]
    assert m[str(a)]["records"] == m[str(b)]["records"] == 3 and m[str(b)]["duplicates"] == 3  # recaptured
    merged = jsonl((tmp_path / "all.jsonl").read_bytes())
    assert len(keyed(merged)) == 3
    assert {r["crawl"]["source"]["url"] for r in merged} == {str(a)}  # input order: the first capture
