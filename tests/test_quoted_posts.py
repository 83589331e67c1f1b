"""A post the article quotes in a blockquote with only its author's profile linked (live blogs
restyle tweets this way: "…," the <a href=twitter.com/USER>tweet</a> said.). The article cites a
post by that account in those words: an id-less post, form ``text``. Quotations of people, site
chrome and quotations whose link is the post itself are the controls."""

from __future__ import annotations

import pytest
from conftest import assert_valid

from crawler.extract import CrawlMeta, extract_record

PAGE = "https://ledger.example/live/harbour-storm"


def _posts(body: str, aside: str = "") -> list[tuple]:
    html = (f"<html><head><title>Harbour storm live</title></head><body><main><div id='posts'>"
            f"<article id='h_1'><h2>Mayor: the pier is closed</h2><div class='post-content'>{body}</div></article>"
            f"</div>{aside}</main></body></html>")
    rec = assert_valid(extract_record(html.encode(), CrawlMeta(url=PAGE), main_text=False).to_dict())
    return [(p["platform"], p["post_id"], p["author"]["handle"], [e["form"] for e in p["evidence"]], p["text"])
            for p in rec["posts"]]


@pytest.mark.parametrize("link,platform,handle", [
    ("<a href='https://twitter.com/harbourmayor' target='_blank'>tweet</a>", "twitter", "harbourmayor"),
    ("<a href='https://x.com/harbourmayor'>post</a>", "twitter", "harbourmayor"),
    ("<a href='https://bsky.app/profile/mayor.harbour.example'>skeet</a>", "bluesky", "mayor.harbour.example"),
    ("<a href='https://www.threads.com/@harbourmayor'>post</a>", "threads", "harbourmayor"),
])
def test_a_quoted_post_with_its_authors_profile_linked_is_an_idless_post(link, platform, handle):
    quote = f"<blockquote class='sc-dnqmqq'>“The pier is closed until the storm passes,” the {link} said.</blockquote>"
    [(got_platform, post_id, got_handle, forms, text)] = _posts(f"<p>The mayor posted an update.</p>{quote}")
    assert (got_platform, post_id, got_handle, forms) == (platform, None, handle, ["text"])
    assert text.startswith("“The pier is closed until the storm passes,”")


@pytest.mark.parametrize("quote", [
    # a person quoted, their profile linked by name or handle: no post is named
    "<blockquote>“We are ready,” said <a href='https://twitter.com/harbourmayor'>Mayor Ana Quay</a>.</blockquote>",
    "<blockquote>“We are ready,” said <a href='https://twitter.com/harbourmayor'>@harbourmayor</a>.</blockquote>",
    # two accounts linked: which one posted is not said
    "<blockquote>“Closed,” the <a href='https://twitter.com/harbourmayor'>tweet</a> from "
    "<a href='https://twitter.com/harbourpolice'>tweet</a> said.</blockquote>",
])
def test_a_quotation_of_a_person_is_no_post(quote):
    assert _posts(f"<p>Update.</p>{quote}") == []


def test_a_quotation_that_links_the_post_itself_is_read_as_that_post_once():
    quote = ("<blockquote>“Closed,” the <a href='https://twitter.com/harbourmayor/status/1397575220521623553'>tweet"
             "</a> said.</blockquote>")
    assert [(p[0], p[1], p[3]) for p in _posts(f"<p>Update.</p>{quote}")] == [
        ("twitter", "1397575220521623553", ["link"])]


def test_a_quoted_post_outside_the_article_is_not_the_articles():
    aside = ("<div class='widget-area'><blockquote>“Sunny tomorrow,” the <a href='https://twitter.com/harbourweather'>"
             "tweet</a> said.</blockquote></div>")
    assert _posts("<p>Update.</p>", aside=aside) == []
