"""A page's second column: the river of other stories a "minutes" or live page shows beside or
below its own story, each in its own <article> ("minutes-secondary"), and WordPress's
``#secondary`` sidebar. Their posts are other stories' citations. A button styled "secondary"
that links a post is the article's citation all the same."""

from __future__ import annotations

from conftest import assert_valid

from crawler.extract import CrawlMeta, extract_record

PAGE = "https://ledger.example/minutes/139022/harbour-storm-closes-the-pier"


def _ids(html: str) -> list[str]:
    rec = assert_valid(extract_record(html.encode(), CrawlMeta(url=PAGE), main_text=False).to_dict())
    return [p["post_id"] for p in rec["posts"]]


def _minute(tid: str, title: str) -> str:
    return (f"<div class='minute'><article><h2>{title}</h2><p>Text.</p><blockquote class='twitter-tweet'>"
            f"<p>Words</p>— Port (@port) <a href='https://twitter.com/port/status/{tid}'>May 1, 2025</a>"
            f"</blockquote></article></div>")


def test_the_river_of_other_stories_in_the_second_column_cites_nothing_of_this_story():
    html = ("<html><body><div class='minutes-header'>Minutes</div>"
            f"<div class='minutes-primary'>{_minute('1918000000000000001', 'Harbour storm closes the pier')}</div>"
            f"<div class='minutes-secondary'>{_minute('1918000000000000002', 'Ferry timetable changes')}"
            f"{_minute('1918000000000000003', 'New harbour master named')}</div></body></html>")
    assert _ids(html) == ["1918000000000000001"]


def test_wordpress_secondary_sidebar_cites_nothing_and_a_secondary_button_still_does():
    html = ("<html><body><div id='primary'><article><p>The pier closed, as the harbour "
            "<span class='btn-secondary'><a href='https://twitter.com/port/status/1918000000000000004'>posted</a></span>.</p>"
            "</article></div><div id='secondary' class='widget-area'><article class='widget'><blockquote "
            "class='twitter-tweet'><a href='https://twitter.com/port/status/1918000000000000005'>May 2, 2025</a>"
            "</blockquote></article></div></body></html>")
    assert _ids(html) == ["1918000000000000004"]
