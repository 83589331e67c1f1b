"""The record model: schema, stable ids, findings-based versions."""

from __future__ import annotations

from conftest import FIXTURES, assert_valid

from crawler.extract import CrawlMeta, extract_record
from crawler.records import record_schema, validation_errors


def test_schema_ships_with_package_and_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(record_schema())


def test_schema_rejects_a_broken_record():
    page = (FIXTURES / "pages" / "embeds-official.html").read_bytes()
    rec = extract_record(page, CrawlMeta(url="https://news.tidewater.example/x")).to_dict()
    assert_valid(rec)
    rec["posts"][0]["evidence"] = []
    rec["article"]["published"] = "last Tuesday"
    errors = validation_errors(rec)
    assert any("evidence" in e for e in errors)
    assert any("published" in e for e in errors)


def test_id_is_stable_per_canonical_url_and_version_ignores_ads():
    page = (FIXTURES / "pages" / "embeds-official.html").read_text("utf-8")
    a = extract_record(page, CrawlMeta(url="https://news.tidewater.example/a?utm=1")).to_dict()
    with_ad = page.replace("<main>", '<main><div class="ad"><img src="/ads/banner-42.png"></div>')
    b = extract_record(with_ad, CrawlMeta(url="https://news.tidewater.example/b")).to_dict()
    assert a["id"] == b["id"]  # both declare the same canonical URL
    assert a["version"] == b["version"]
    assert a["crawl"]["content_sha256"] is None  # text input: no served bytes
    c = extract_record(page.encode(), CrawlMeta(url="https://news.tidewater.example/a")).to_dict()
    assert c["crawl"]["content_sha256"] and len(c["crawl"]["content_sha256"]) == 64


def test_version_changes_when_an_embed_is_added():
    page = (FIXTURES / "pages" / "seed-embed.html").read_text("utf-8")
    a = extract_record(page, CrawlMeta(url="https://www.latintimes.example/r")).to_dict()
    added = page.replace(
        "<p>Elsewhere",
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><p>Elsewhere',
    )
    b = extract_record(added, CrawlMeta(url="https://www.latintimes.example/r")).to_dict()
    assert a["id"] == b["id"]
    assert a["version"] != b["version"]
    assert len(b["posts"]) == len(a["posts"]) + 1


def test_fast_and_reference_validators_agree():
    import copy

    from crawler.records import is_valid

    page = (FIXTURES / "pages" / "embeds-official.html").read_bytes()
    rec = extract_record(page, CrawlMeta(url="https://news.tidewater.example/x")).to_dict()
    assert is_valid(rec) and not validation_errors(rec)
    breakages = [
        lambda r: r["posts"][0].__setitem__("evidence", []),
        lambda r: r["article"].__setitem__("published", "yesterday"),
        lambda r: r.__setitem__("id", "not-a-hash"),
        lambda r: r["rights"][0].__setitem__("scope", "planet"),
        lambda r: r["crawl"].pop("url"),
        lambda r: r.__setitem__("extra", 1),
    ]
    for breakage in breakages:
        broken = copy.deepcopy(rec)
        breakage(broken)
        assert not is_valid(broken) and validation_errors(broken)
