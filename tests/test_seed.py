"""The article this project started from (../shared/seed/article.txt)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SHARED, assert_valid, extract_page

from crawler.extract import CrawlMeta, extract_text_record

SEED = SHARED / "seed" / "article.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="../shared is absent")
def test_seed_text_gives_one_tweet():
    rec = extract_text_record(SEED.read_text("utf-8"), CrawlMeta(url=SEED.as_uri())).to_dict()
    assert_valid(rec)
    [post] = rec["posts"]
    assert post["platform"] == "twitter"
    assert post["post_id"] is None
    assert post["author"] == {"handle": "RedWave_Press", "name": "RedWave Press"}
    assert post["posted"] == "2025-04-30"
    assert post["media"] == ["https://pic.twitter.com/qwM8XLsBzO"]
    assert post["text"].startswith("NEW: Secretary of State Marco Rubio")


def test_seed_as_html_gives_the_tweet_with_its_id():
    rec = extract_page("seed-embed.html")
    [post] = rec["posts"]
    assert post["post_id"] == "1917634117335879720"
    assert post["author"] == {"handle": "RedWave_Press", "name": "RedWave Press"}
    assert post["posted"].startswith("2025-04-30")
    assert post["text"].startswith("NEW: Secretary of State Marco Rubio")
    assert post["media"] == ["https://pic.twitter.com/qwM8XLsBzO"]
    assert "better" in post["evidence"][0]["context"]
    assert (FIXTURES / "pages" / "seed-embed.html").is_file()
