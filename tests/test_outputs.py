"""Outputs: JSON Feed 1.1, W3C PROV, the WARC evidence archive, the demo."""

from __future__ import annotations

import json
from datetime import datetime

from conftest import LOOPBACK, assert_valid, jsonl, run_cli


def _check_jsonfeed(doc: dict) -> None:
    """The JSON Feed 1.1 rules that a reader relies on (jsonfeed.org/version/1.1)."""
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(doc["title"], str) and doc["title"]
    for key in ("home_page_url", "feed_url"):
        assert doc[key].startswith(("http://", "https://", "file:///"))
    assert isinstance(doc["items"], list)
    ids = set()
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"] not in ids
        ids.add(item["id"])
        assert "content_text" in item or "content_html" in item
        assert isinstance(item.get("content_text", ""), str)
        for key in ("url", "title", "summary"):
            assert key not in item or isinstance(item[key], str)
        for key in ("date_published", "date_modified"):
            if key in item:
                datetime.fromisoformat(item[key].replace("Z", "+00:00"))
        for author in item.get("authors", []):
            assert isinstance(author["name"], str)
        for key in item:
            assert key in {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
                           "image", "banner_image", "date_published", "date_modified", "authors", "tags",
                           "language", "attachments", "author"} or key.startswith("_")
        assert item["_provenance"]["about"].startswith("https://")
        assert item["_provenance"]["version"] == item["_provenance"]["record"]["version"]
        assert item["id"] == item["_provenance"]["record"]["id"]
        assert_valid(item["_provenance"]["record"])


def test_feed_exporters_and_warc_output(demo_site, tmp_path):
    warc = tmp_path / "evidence.warc.gz"
    res = run_cli("crawl", "feed", "-a", f"url={demo_site.base}/rss.xml", "-o", str(tmp_path / "r.jsonl"),
                  "-o", f"{tmp_path / 'feed.json'}:jsonfeed", "-o", f"{tmp_path / 'out.prov.json'}:prov",
                  "-s", f"WARC_OUTPUT={warc}", "-s", "PROGRESS_INTERVAL=0", *LOOPBACK, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    records = jsonl((tmp_path / "r.jsonl").read_text())
    feed = json.loads((tmp_path / "feed.json").read_text())
    _check_jsonfeed(feed)
    assert len(feed["items"]) == len(records) == 12
    dates = [datetime.fromisoformat(i["date_published"]) for i in feed["items"]]
    assert dates == sorted(dates, reverse=True)

    from prov.model import ProvDocument

    prov = ProvDocument.deserialize(source=str(tmp_path / "out.prov.json"), format="json")
    text = (tmp_path / "out.prov.json").read_text()
    # PROV-JSON writes wasQuotedFrom as a derivation typed prov:Quotation
    assert "wasDerivedFrom" in text and "prov:Quotation" in text
    assert "wasGeneratedBy" in text and "wasAssociatedWith" in text
    quotes = [r for r in prov.get_records() if r.get_type().localpart == "Derivation"]
    assert len(quotes) == sum(len(p["evidence"]) for r in records for p in r["posts"])
    n_posts = len({(p["platform"], p["post_id"]) for r in records for p in r["posts"]})
    entities = [r for r in prov.get_records() if r.get_type().localpart == "Entity"]
    assert len(entities) == len(records) + n_posts

    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        ids = {rec.rec_headers.get_header("WARC-Record-ID"): rec.rec_headers.get_header("WARC-Target-URI")
               for rec in ArchiveIterator(fh) if rec.rec_type == "response"}
    for r in records:
        assert ids[r["crawl"]["warc_record_id"]] == r["crawl"]["final_url"]
    assert any(u.endswith("/rss.xml") for u in ids.values())


def test_demo_from_the_command_line(tmp_path):
    res = run_cli("demo", "-o", str(tmp_path / "demo"), timeout=120)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    out = res.stdout.decode()
    assert "articles: 24" in out and "rights holders: Tidewater Media Group (24)" in out
    records = jsonl((tmp_path / "demo" / "records.jsonl").read_text())
    assert len(records) == 24
    _check_jsonfeed(json.loads((tmp_path / "demo" / "feed.json").read_text()))
    platforms = {p["platform"] for r in records for p in r["posts"]}
    assert len(platforms) >= 12
    assert (tmp_path / "demo" / "provenance.prov.json").stat().st_size > 1000
