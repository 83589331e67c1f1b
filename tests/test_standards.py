"""Our outputs read by tools we did not write: SchemaStore's JSON Feed 1.1 schema through
``check-jsonschema``, the ``prov`` library's RDF and XML round trips, ``prov2ld`` (a second
PROV-JSON reader); and the modes whole-document outputs are created with.

One small site of our own: five articles whose times are given at different offsets (so that
string order and time order differ), one with only a day, one with no date, and one post cited
by two articles.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

SHARED_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "jsonfeed-1.1.schema.json"
BIN = Path(sys.executable).parent
LOOPBACK = ("-s", "ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8")

# name -> (published as the page gives it, tweets cited)
ARTICLES = {
    "a1": ("2025-05-01T10:00:00-07:00", [1918000000000000001]),  # 17:00 UTC: the newest
    "a2": ("2025-05-01T12:00:00Z", [1918000000000000001, 1918000000000000002]),  # 12:00 UTC
    "a3": ("2025-05-01T20:00:00+09:00", [1918000000000000003]),  # 11:00 UTC
    "a4": ("2025-04-30", [1918000000000000004]),  # a day only: midnight UTC
    "a5": (None, [1918000000000000005]),  # no date at all
}
TIME_ORDER = ["a1", "a2", "a3", "a4"]
QNAME = {"prov:QUALIFIED_NAME", "xsd:QName"}  # a qualified name in PROV-JSON (current and older spelling)


def _page(name: str, published: str | None, tweets: list[int], extra: str = "") -> str:
    date = f"<meta property='article:published_time' content='{published}'>" if published else ""
    quotes = "".join(
        f"<blockquote class='twitter-tweet'><p>Said {t}</p>&mdash; Some One (@someone{t % 10}) "
        f"<a href='https://twitter.com/someone{t % 10}/status/{t}'>the post</a></blockquote>"
        for t in tweets)
    return (f"<!doctype html><html lang='en'><head><title>Story {name}</title>"
            f"<meta property='og:type' content='article'><meta property='og:site_name' content='Harbour Post'>"
            f"<meta name='author' content='Ann Lee'>{date}</head><body><article><h1>Story {name}</h1>"
            f"<p>Story {name} is long enough to be the body of an article on this small site.</p>{quotes}{extra}"
            f"</article><footer>© Harbour Media Group. All rights reserved.</footer></body></html>")


def _write_site(root: Path, extra: dict[str, str] | None = None) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, (published, tweets) in ARTICLES.items():
        (root / f"{name}.html").write_text(_page(name, published, tweets, (extra or {}).get(name, "")), "utf-8")


@pytest.fixture
def site(tmp_path):
    from crawler.demo import SiteServer

    root = tmp_path / "site"
    _write_site(root)
    with SiteServer(root) as server:
        server.root_dir = root
        yield server


def _cli(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess:
    def preexec():
        if umask is not None:
            os.umask(umask)

    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=cwd, capture_output=True, timeout=180,
                          env=dict(os.environ, PYTHONUNBUFFERED="1"), preexec_fn=preexec)


def _crawl(site, tmp_path: Path, *outputs: str, umask: int | None = None) -> subprocess.CompletedProcess:
    urls = ",".join(f"{site.base}/{n}.html" for n in ARTICLES)
    res = _cli("crawl", "articles", "-a", f"urls={urls}", "-s", "PROGRESS_INTERVAL=0",
               "-s", f"STATE_URI=sqlite:///{tmp_path / 'state.sqlite'}", "-s", f"ROLLING_FEED={tmp_path / 'rolling.json'}",
               *outputs, *LOOPBACK, cwd=tmp_path, umask=umask)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    return res


def _check_jsonschema(path: Path) -> None:
    if not SHARED_SCHEMA.is_file():
        pytest.skip("../shared/schemas is absent")
    res = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(SHARED_SCHEMA), str(path)],
                         capture_output=True, timeout=120)
    assert res.returncode == 0, (res.stdout + res.stderr).decode()


def _names(feed: dict) -> list[str]:
    return [Path(i["url"]).stem for i in feed["items"]]


def test_json_feeds_pass_schemastore_and_sort_by_instant(site, tmp_path):
    _crawl(site, tmp_path, "-o", f"{tmp_path / 'feed.json'}:jsonfeed")
    res = _cli("feed", "-o", str(tmp_path / "cli.json"), "-s", f"STATE_URI=sqlite:///{tmp_path / 'state.sqlite'}",
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    for name in ("feed.json", "rolling.json", "cli.json"):
        path = tmp_path / name
        _check_jsonschema(path)
        feed = json.loads(path.read_text("utf-8"))
        # by instant, not by string; a5 (no date) is placed by the time it was fetched: today
        assert _names(feed) == ["a5", *TIME_ORDER], name
        assert feed["feed_url"] and feed["home_page_url"] == f"{site.base}/"
        assert feed["language"] == "en"
        items = {Path(i["url"]).stem: i for i in feed["items"]}
        assert "date_published" not in items["a5"], "the crawl time is not a publication date"
        assert items["a4"]["date_published"] == "2025-04-30T00:00:00+00:00"
        assert items["a1"]["date_published"] == "2025-05-01T10:00:00-07:00"
        for item in feed["items"]:
            assert item["language"] == "en"
            assert item["author"] == {"name": "Ann Lee"} and item["authors"] == [{"name": "Ann Lee"}]
            prov = item["_provenance"]
            assert prov["about"].startswith("https://") and prov["version"] == prov["record"]["version"]
            assert item["id"] == prov["record"]["id"]
    assert json.loads((tmp_path / "feed.json").read_text())["feed_url"] == (tmp_path / "feed.json").as_uri()
    assert json.loads((tmp_path / "rolling.json").read_text())["feed_url"] == (tmp_path / "rolling.json").as_uri()


def test_feed_since_and_limit_compare_instants(site, tmp_path):
    _crawl(site, tmp_path)
    state = ("-s", f"STATE_URI=sqlite:///{tmp_path / 'state.sqlite'}")
    # 11:30 UTC: a1 (17:00Z) and a2 (12:00Z) are later; a3 ("20:00+09:00", 11:00Z) is not, though its
    # string sorts after both; a5, which gives no date, counts from when it was fetched (today)
    res = _cli("feed", "-o", str(tmp_path / "since.json"), "--since", "2025-05-01T11:30:00Z", *state, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert _names(json.loads((tmp_path / "since.json").read_text())) == ["a5", "a1", "a2"]
    res = _cli("feed", "-o", str(tmp_path / "limit.json"), "--limit", "2", "--since", "2025-04-01", *state,
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert _names(json.loads((tmp_path / "limit.json").read_text())) == ["a5", "a1"]


def test_item_id_is_stable_across_versions_and_prov_links_them(site, tmp_path):
    _crawl(site, tmp_path)
    first = {Path(i["url"]).stem: i for i in json.loads((tmp_path / "rolling.json").read_text())["items"]}
    # a1 now cites one more post: a new version of the same article
    extra = "<blockquote class='twitter-tweet'><a href='https://twitter.com/other/status/1918000000000000099'>x</a></blockquote>"
    (site.root_dir / "a1.html").write_text(_page("a1", *ARTICLES["a1"], extra=extra), "utf-8")
    _crawl(site, tmp_path, "-o", f"{tmp_path / 'second.prov.json'}:prov")
    second = {Path(i["url"]).stem: i for i in json.loads((tmp_path / "rolling.json").read_text())["items"]}
    assert second["a1"]["id"] == first["a1"]["id"]
    assert second["a1"]["_provenance"]["version"] != first["a1"]["_provenance"]["version"]
    assert second["a1"]["_provenance"]["record"]["previous_version"] == first["a1"]["_provenance"]["version"]

    prov = json.loads((tmp_path / "second.prov.json").read_text())
    (revision,) = [d for d in prov["wasDerivedFrom"].values() if d["prov:type"]["$"] == "prov:Revision"]
    assert revision["prov:type"]["type"] in QNAME
    old = first["a1"]["_provenance"]["version"].split(":")[1][:12]
    assert revision["prov:usedEntity"].endswith(old) and revision["prov:usedEntity"] in prov["entity"]
    _prov_round_trips(tmp_path / "second.prov.json")


def _prov_round_trips(path: Path):
    from prov.model import ProvDocument

    doc = ProvDocument.deserialize(source=str(path), format="json")
    for fmt, kw in (("rdf", {"rdf_format": "turtle"}), ("xml", {})):
        text = doc.serialize(format=fmt, **kw)
        back = ProvDocument.deserialize(content=text, format=fmt, **kw)
        assert back == doc, f"PROV {fmt} round trip differs"
    # a second reader: prov2ld (PROV-JSON to PROV-JSONLD)
    res = subprocess.run([str(BIN / "prov2ld"), str(path), str(path.with_suffix(".jsonld"))], capture_output=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    return doc, json.loads(path.with_suffix(".jsonld").read_text())


def test_prov_document_is_well_formed_for_other_readers(site, tmp_path):
    _crawl(site, tmp_path, "-o", f"{tmp_path / 'out.prov.json'}:prov", "-o", str(tmp_path / "r.jsonl"))
    text = (tmp_path / "out.prov.json").read_text()
    prov = json.loads(text)
    assert ".example" not in json.dumps(prov["prefix"])
    (crawler,) = [a for a in prov["agent"].values() if a.get("prov:type", {}).get("$") == "prov:SoftwareAgent"]
    assert crawler["prov:type"]["type"] in QNAME
    for ent in prov["entity"].values():
        assert isinstance(ent, dict), "an entity declared more than once"
        assert ent["prov:type"]["type"] in QNAME
        assert ent["prov:location"]["type"] == "xsd:anyURI"
    # the tweet cited by a1 and a2: one entity, two quotations carrying their own form and locator
    post = "post:twitter-1918000000000000001"
    quotes = [d for d in prov["wasDerivedFrom"].values() if d["prov:usedEntity"] == post]
    assert len(quotes) == 2 and all(q["prov:type"]["$"] == "prov:Quotation" for q in quotes)
    assert all(q["spc:form"] and q["spc:locator"] for q in quotes)
    assert "spc:form" not in prov["entity"][post] and "spc:forms" not in prov["entity"][post]
    (activity,) = prov["activity"].values()
    # PROV-JSON writes these three as plain strings (their type is fixed by the spec)
    times = [g["prov:time"] for g in prov["wasGeneratedBy"].values()]
    assert len(times) == len(ARTICLES) and all(datetime.fromisoformat(t).tzinfo for t in times)
    start, end = (datetime.fromisoformat(activity[k]) for k in ("prov:startTime", "prov:endTime"))
    assert start == min(map(datetime.fromisoformat, times)) and end == max(map(datetime.fromisoformat, times))
    attributed = {(a["prov:entity"], a["prov:agent"]) for a in prov["wasAttributedTo"].values()}
    assert (post, "account:twitter-someone1") in attributed
    a1 = next(k for k, v in prov["entity"].items() if v["prov:location"]["$"].endswith("/a1.html"))
    assert {(a1, "party:Harbour_Post"), (a1, "party:Harbour_Media_Group")} <= attributed
    assert prov["agent"]["party:Harbour_Media_Group"]["prov:label"] == "Harbour Media Group"

    doc, ld = _prov_round_trips(tmp_path / "out.prov.json")
    # in RDF (PROV-O) the times are xsd:dateTime literals, the locations xsd:anyURI
    import rdflib
    from rdflib.namespace import PROV, XSD

    graph = rdflib.Graph().parse(data=doc.serialize(format="rdf", rdf_format="turtle"), format="turtle")
    for prop, n in ((PROV.startedAtTime, 1), (PROV.endedAtTime, 1), (PROV.atTime, len(ARTICLES))):
        values = list(graph.objects(None, prop))
        assert len(values) == n and all(v.datatype == XSD.dateTime for v in values), prop
    locations = list(graph.objects(None, PROV.atLocation))
    assert locations and all(v.datatype == XSD.anyURI for v in locations)
    ids = [n.get("@id") for n in ld["@graph"] if n.get("@type") == "prov:Entity"]
    assert len(ids) == len(set(ids)) == len(prov["entity"])


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_whole_document_outputs_respect_the_umask(site, tmp_path, umask):
    _crawl(site, tmp_path, "-o", f"{tmp_path / 'feed.json'}:jsonfeed", "-o", f"{tmp_path / 'out.prov.json'}:prov",
           "-o", str(tmp_path / "out.json"), "-s", f"STATS_FILE={tmp_path / 'stats.json'}", umask=umask)
    res = _cli("feed", "-o", str(tmp_path / "cli.json"), "-s", f"STATE_URI=sqlite:///{tmp_path / 'state.sqlite'}",
               cwd=tmp_path, umask=umask)
    assert res.returncode == 0, res.stderr.decode()
    for name in ("feed.json", "out.prov.json", "out.json", "stats.json", "rolling.json", "cli.json"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o666 & ~umask, f"{name}: {oct(mode)}"
    assert not list(tmp_path.glob(".tmp-*")), "a temporary file was left behind"


def test_tools_are_installed():
    """The readers above come from the ``test`` extra: a missing one is a broken install, not a skip."""
    for tool in ("check-jsonschema", "prov2ld", "cdxj-indexer", "warcio"):
        assert shutil.which(tool, path=str(BIN)), tool
