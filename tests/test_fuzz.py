"""Property tests of the extract core: any bytes and any URL give a valid record or a clean error,
and no noise around a real embed hides it (so an extractor that refuses or ignores everything fails).

Derandomized: the same examples on every run, so a failure replays as it was seen."""

from __future__ import annotations

import html

from conftest import assert_valid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import CrawlMeta, ExtractError, extract_record, extract_text_record

SNIPPETS = [
    '<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/1918223344556677889">May 2, 2025</a></blockquote>',
    '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/DAbCdEfGhIj/"></blockquote>',
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>', "<footer>© 2025 Holder. All rights reserved.</footer>",
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":{"name":"A"}}</script>',
    '<script type="application/ld+json">{"@type":', "<amp-twitter data-tweetid='x'></amp-twitter>", "— N (@h) May 2, 2025",
    '<a href="https://x.com/i/status/">x</a>', "<noscript>", "</div>", "<p>", "&copy;", "\x00", "<!--", "<![CDATA[",
    '<script type="text/plain">&lt;blockquote class="twitter-tweet"&gt;</script>', "<template><iframe src=//t.me/a/1>",
    '<div data-embed-html="&lt;iframe src=&quot;https://vimeo.com/1&quot;&gt;"></div>', "Copyright (c) 1999-25 X",
]

html_like = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=40)), max_size=30).map("".join)
urls = st.one_of(st.just("https://news.example/a"), st.text(max_size=60),
                 st.builds(lambda h, p: f"https://{h}/{p}", st.text(min_size=1, max_size=20), st.text(max_size=20)))
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow])
TWEET_ID = "1918223344556677889"


def _check(source, url):
    try:
        record = extract_record(source, CrawlMeta(url=url or "about:blank"), main_text=False).to_dict()
    except ExtractError as exc:
        assert str(exc)
        return
    assert_valid(record)


@FUZZ
@given(st.binary(max_size=4000), urls)
def test_any_bytes(data, url):
    _check(data, url)


@FUZZ
@given(html_like, urls)
def test_any_html_like_text(text, url):
    _check(text, url)
    _check(text.encode("utf-8", "surrogatepass") if text else b"x", url)


@FUZZ
@given(html_like, html_like)
def test_escaped_noise_never_hides_a_real_embed(before, after):
    page = (f"<html><body><article><p>{html.escape(before)}</p>{SNIPPETS[0]}<p>{html.escape(after)}</p>"
            "</article></body></html>")
    record = extract_record(page, CrawlMeta(url="https://news.example/a"), main_text=False).to_dict()
    assert_valid(record)
    assert [(p["platform"], p["post_id"]) for p in record["posts"]] == [("twitter", TWEET_ID)]


@FUZZ
@given(st.text(max_size=3000))
def test_any_plain_text(text):
    try:
        record = extract_text_record(text, CrawlMeta(url="file:///a.txt")).to_dict()
    except ExtractError as exc:
        assert not text.strip(), f"refused a non-blank text: {exc}"  # only a blank text has nothing to read
        return
    assert_valid(record)
