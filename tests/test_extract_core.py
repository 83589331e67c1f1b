"""Small in-process checks of the extraction core's helpers, written to kill mutants that the
page-level tests let live (docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import pytest

from crawler.extract.embeds.base import (
    Platform,
    collapse_text,
    iso_from_ms,
    parse_date_text,
    parse_url,
    tid_time,
)
from crawler.extract.embeds.registry import REGISTRY, Registry


@pytest.mark.parametrize("text,date", [
    ("April 30, 2025", "2025-04-30"), ("Apr. 3 2025", "2025-04-03"), ("sept 9, 2024", "2024-09-09"),
    ("25. September 2018", "2018-09-25"), ("3 de mayo de 2025", "2025-05-03"), ("1er", None),
    ("12 mars 2024", "2024-03-12"), ("7 maart 2023", "2023-03-07"), ("2 março 2022", "2022-03-02"),
    ("2018年9月28日", "2018-09-28"), ("2018년 9월 28일", "2018-09-28"), ("posted 2025-05-02T10:00", "2025-05-02"),
    ("February 30, 2025", None), ("Smarch 3, 2025", None), ("2025-13-01", None), ("", None), (None, None),
    # an unknown month name in the first form does not stop the next form from matching
    ("Foo 3, 2025 or 4 May 2025", "2025-05-04"),
    # an impossible ISO date does not stop the next form
    ("2025-02-31 then May 2, 2025", "2025-05-02"),
    ("  MAY 2, 2025  ", "2025-05-02"),
])
def test_parse_date_text(text, date):
    assert parse_date_text(text) == date


def test_iso_from_ms_bounds():
    assert iso_from_ms(1746180000000) == "2025-05-02T10:00:00Z"
    assert iso_from_ms(1136073600000) == "2006-01-01T00:00:00Z"  # first year kept
    assert iso_from_ms(1136073599000) is None  # 2005: before any platform we read
    assert iso_from_ms(4133980799000) == "2100-12-31T23:59:59Z"
    assert iso_from_ms(4133980800000) is None  # 2101
    assert iso_from_ms(10**20) is None  # overflow is None, not an exception


def test_tid_time():
    assert tid_time("3lnxyzabc2k2s") == "2025-04-29T19:24:04Z"  # 13 base32-sortable digits, >> 10: µs
    assert tid_time("3lnxyzabc2k2") is None  # 12 characters
    assert tid_time("3lnxyzabc2k2s1") is None  # 14 characters
    assert tid_time("klnxyzabc2k2s") is None  # first character above j: the top bit would be set
    assert tid_time("3lnxyzabc2k21") is None  # 1 is not in the alphabet


def test_collapse_text_removes_bidi_isolates():
    assert collapse_text("\u2066@Port\u2069  said\n\tthis ") == "@Port said this"
    assert collapse_text("") is None and collapse_text(None) is None


@pytest.mark.parametrize("raw,host", [
    ("https://www.twitter.com/a", "twitter.com"), ("//m.youtube.com/watch?v=x", "youtube.com"),
    ("  https://mobile.twitter.com/a ", "twitter.com"), ("https://TWITTER.com./a", "twitter.com"),
    ("https://m.co/a", "m.co"), ("https://www.co/a", "www.co"),  # a prefix only when a domain remains
    ("http://old.reddit.com/r/x", "reddit.com"), ("https://web.facebook.com/x", "facebook.com"),
])
def test_parse_url_strips_only_prefixes_of_real_domains(raw, host):
    u = parse_url(raw)
    assert u is not None and u.host == host and u.scheme in ("http", "https")


@pytest.mark.parametrize("raw", [None, "", "ftp://twitter.com/a", "javascript:alert(1)", "twitter.com/a/status/1",
                                 "https://x.com@evil.example/a", "https:///path-only", "http://[/x"])
def test_parse_url_refuses(raw):
    assert parse_url(raw) is None


def test_url_parts():
    u = parse_url("https://www.youtube.com/watch?v=abc&t=&x=1#frag")
    assert (u.path, u.query, u.fragment) == ("/watch", "v=abc&t=&x=1", "frag")
    assert u.params == {"v": "abc", "t": "", "x": "1"}
    assert parse_url("https://youtube.com").path == "/"
    assert u.host_is("youtube.com") and u.host_is("example.org", "youtube.com")
    assert not parse_url("https://notyoutube.com/").host_is("youtube.com")
    assert parse_url("https://a.b.youtube.com/").host_is("youtube.com")


@pytest.mark.parametrize("raw,maybe", [
    ("https://X.com/a/status/1", True), ("//twitter.com/a", True), ("  https://www.youtube.com/x", True),
    ("https://user@twitter.com:443/a", True), ("https://fedi.example/@a/113456789012345678", True),
    ("https://fedi.example/@a/1134567890", False),  # not a snowflake-length id
    ("https://e.example/?url=ftp%3A%2F%2Fx.com", False),  # a proxy parameter, but not an http URL
    ("https://cdn.iframe.ly/api/iframe?url=https://x.com/a", True), ("https://e.example/?src=http://a", True),
    ("https://e.example/?other=http://a", False), ("ftp://twitter.com/a", False), ("https://nothing.example/x", False),
])
def test_may_name_post(raw, maybe):
    fresh = Registry(list(REGISTRY.platforms))  # REGISTRY caches hosts: a fresh one really computes
    assert fresh.may_name_post(raw) is maybe
    assert fresh.may_name_post(raw) is maybe  # the cached answer is the same


def test_a_registry_built_from_the_platforms():
    fresh = Registry(list(REGISTRY.platforms))
    assert fresh.by_class["twitter-tweet"] is twitter.PLATFORM.classes["twitter-tweet"]
    assert fresh.by_tag["amp-twitter"] is twitter.PLATFORM.tags["amp-twitter"]
    assert fresh.by_name["twitter"] is twitter.PLATFORM
    assert [p.name for p in fresh.any_host] == [p.name for p in REGISTRY.platforms if p.any_host] != []
    url = "https://web.archive.org/web/20250502101010/https://twitter.com/Port/status/1918223344556677889"
    assert fresh.match(url).post_id == "1918223344556677889"  # archive hosts are registered too


def test_is_wrapper():
    assert REGISTRY.is_wrapper("https://cdn.embedly.com/widgets/media.html?url=https%3A%2F%2Fyoutu.be%2Fx")
    assert REGISTRY.is_wrapper("/media/oembed?url=https://x.com/a/status/1") is False  # relative: resolved first
    assert REGISTRY.is_wrapper("https://news.example/media/oembed?url=https://x.com/a/status/1")
    assert not REGISTRY.is_wrapper("https://www.youtube.com/embed/dQw4w9WgXcQ")
    assert not REGISTRY.is_wrapper("not a url")


def test_registry_lookups():
    assert REGISTRY.platform_for("mobile.x.com").name == "twitter"
    assert REGISTRY.platform_for("x.com").name == "twitter"
    assert REGISTRY.platform_for("com") is None and REGISTRY.platform_for("example.org") is None
    assert REGISTRY.by_name["twitter"].name == "twitter"
    assert REGISTRY.mentions("see twitter.com/a") and REGISTRY.mentions("https://t.me/a/1")
    assert not REGISTRY.mentions("plain words, nothing else")
    assert set(REGISTRY.by_host) >= {"twitter.com", "x.com", "web.archive.org"}
    assert {p.name for p in REGISTRY.any_host} == {p.name for p in REGISTRY.platforms if p.any_host}


def test_registry_refuses_a_rule_registered_twice():
    def no_url(u):
        return None

    a = Platform(name="a", parse_url=no_url, hosts=("a.example",), classes={"embed-a": lambda el: []})
    b = Platform(name="b", parse_url=no_url, hosts=("b.example",), classes={"embed-a": lambda el: []})
    with pytest.raises(ValueError, match="b: rule 'embed-a' already registered"):
        Registry([a, b])
    first = Registry([a, Platform(name="c", parse_url=no_url, hosts=("a.example",))])
    assert first.by_host["a.example"].name == "a"  # the first platform to claim a host keeps it


# -- X / Twitter (crawler/extract/embeds/twitter.py) ----------------------------------------

from crawler.extract import CrawlMeta, extract_record  # noqa: E402
from crawler.extract.embeds import twitter  # noqa: E402


def _posts(markup: str) -> list[tuple]:
    html = f"<html><body><article><p>{'Words of the story here. ' * 6}</p>{markup}</article></body></html>"
    rec = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()
    return [(p["post_id"], p["author"]["handle"], p["author"]["name"], p["posted"], p["text"], p["media"],
             [e["form"] for e in p["evidence"]]) for p in rec["posts"]]


@pytest.mark.parametrize("url,post_id,handle", [
    ("https://platform.twitter.com/embed/Tweet.html?id=1918223344556677889", "1918223344556677889", None),
    ("https://syndication.twitter.com/srv/embed/index.html?id=1918223344556677889", "1918223344556677889", None),
    ("https://platform.x.com/embed/Tweet.html?id=1918223344556677889", "1918223344556677889", None),
    ("https://platform.twitter.com/embed/Tweet.html?id=abc", None, None),
    ("https://platform.twitter.com/widgets/follow_button.html?id=1918223344556677889", None, None),
    ("https://twitter.com/#!/Port/status/1918223344556677889", "1918223344556677889", "Port"),
    ("http://twitter.com/#%21/Port/status/106083225444687872", "106083225444687872", "Port"),  # "#!" escaped
    ("https://twitter.com/intent/status/1918223344556677889", "1918223344556677889", None),
    ("https://x.com/Search/status/1918223344556677889", "1918223344556677889", None),
    ("https://x.com/Port/statuses/1918223344556677889/", "1918223344556677889", "Port"),
    ("https://x.com/Port/article/1918223344556677889", "1918223344556677889", "Port"),
    ("https://x.com/Port/status/1", None, None),  # one digit: not an id
    ("https://x.com/Port/status/1918223344556677889abc", None, None),
    ("https://x.com/Port/likes", None, None),
])
def test_twitter_urls(url, post_id, handle):
    ref = twitter.parse(parse_url(url))
    if post_id is None:
        assert ref is None
    else:
        assert (ref.platform, ref.post_id, ref.handle) == ("twitter", post_id, handle)
        assert ref.url == (f"https://x.com/{handle}/status/{post_id}" if handle else f"https://x.com/i/status/{post_id}")


def test_twitter_snowflake_times():
    assert twitter.posted_from_id("1918223344556677889") == "2025-05-02T08:37:38Z"  # (id >> 22) + 1288834974657 ms
    assert twitter.posted_from_id("27000000000000000") == "2011-01-17T13:51:16Z"  # the smallest id we date
    assert twitter.posted_from_id("26999999999999999") is None  # older ids are sequential: no time in them


def test_twitter_ids_in_cms_placeholders():
    assert twitter.from_id("123456789").post_id == "123456789"
    assert twitter.from_id("12345678") is None  # shorter numbers there are the site's own ids
    assert twitter.from_id("1" * 20).post_id == "1" * 20 and twitter.from_id("1" * 21) is None
    assert twitter.from_id("12345678a") is None


def test_twitter_blockquote_details():
    [post] = _posts('<blockquote class="twitter-tweet"><p lang="en">Bridge  open \u2066@Port\u2069 again '
                    "pic.twitter.com/Abc123 pic.twitter.com/Abc123</p>&mdash; Port Authority (@PortAuthorityTW) "
                    '<a href="https://twitter.com/Other/status/1918223344556677000">a link inside</a> '
                    '<a href="https://twitter.com/PortAuthorityTW/status/123456789012345678">May 2, 2025</a></blockquote>')
    # the last status link names the post; the signature gives name and handle; the text is the first <p>
    assert post == ("123456789012345678", "PortAuthorityTW", "Port Authority", "2011-10-10T17:56:06Z",
                    "Bridge open @Port again pic.twitter.com/Abc123 pic.twitter.com/Abc123",
                    ["https://pic.twitter.com/Abc123"], ["embed"])
    [post] = _posts('<blockquote class="twitter-tweet"><p>Text</p> - Jo Doe (@jodoe) '
                    '<a href="https://twitter.com/jodoe/status/20">March 3, 2009</a></blockquote>')
    assert post == ("20", "jodoe", "Jo Doe", "2009-03-03", "Text", [], ["embed"])  # pre-snowflake: the date line


def test_twitter_blockquote_without_a_status_link():
    assert _posts('<blockquote class="twitter-tweet" data-tweet-id="1918223344556677889"><p>No link</p></blockquote>') == [
        ("1918223344556677889", None, None, "2025-05-02T08:37:38Z", "No link", [], ["embed"])]
    assert _posts('<div class="twitter-tweet twitter-tweet-rendered"><iframe data-tweet-id="1918223344556677888">'
                  "</iframe></div>") == [("1918223344556677888", None, None, "2025-05-02T08:37:38Z", None, [], ["rendered"])]
    assert _posts('<div class="twitter-tweet"><iframe src="https://platform.twitter.com/embed/Tweet.html?'
                  'id=1918223344556677887"></iframe></div>') == [
        ("1918223344556677887", None, None, "2025-05-02T08:37:38Z", None, [], ["rendered"])]
    assert _posts('<blockquote class="twitter-tweet" data-tweet-id="x"><p>nothing</p></blockquote>') == []


def test_twitter_amp_and_script():
    assert _posts('<amp-twitter data-timeline-source-type="profile" data-tweetid="1918223344556677886"></amp-twitter>'
                  '<amp-twitter data-momentid="1918223344556677885"></amp-twitter>'
                  '<amp-twitter data-tweetid="abc"></amp-twitter>') == []
    [post] = _posts('<amp-twitter data-tweetid=" 1918223344556677885 "><blockquote placeholder class="twitter-tweet">'
                    "<p>Hi</p>&mdash; Coast (@CoastWatchTW) "
                    '<a href="https://twitter.com/CoastWatchTW/status/1918223344556677885">May 2, 2025</a>'
                    "</blockquote></amp-twitter>")
    assert post == ("1918223344556677885", "CoastWatchTW", "Coast", "2025-05-02T08:37:38Z", "Hi", [], ["amp"])
    # a placeholder naming another post does not lend its details
    [post] = _posts('<amp-twitter data-tweetid="1918223344556677884"><blockquote placeholder class="twitter-tweet">'
                    '<p>Hi</p><a href="https://twitter.com/x/status/1918223344556677000">x</a></blockquote></amp-twitter>')
    assert post == ("1918223344556677884", None, None, "2025-05-02T08:37:38Z", None, [], ["amp"])
    assert _posts("<script>twttr.widgets.createTweet( \"1918223344556677883\", el);"
                  "twttr.widgets.createTweet('1234', el)</script>") == [
        ("1918223344556677883", None, None, "2025-05-02T08:37:38Z", None, [], ["script"])]


def test_twitter_mutation_survivors_pinned():
    """Cases mutation testing found unheld (docs/testing.md, "Mutation testing")."""
    # the snowflake epoch to the millisecond: this id is 999 ms into its second
    assert twitter.posted_from_id("1918223345115987968") == "2025-05-02T08:37:38Z"
    # platform.twitter.com: an embed path and a numeric id, both
    assert twitter.parse(parse_url("https://platform.twitter.com/widgets/tweet_button.html?id=1918223344556677889")) is None
    assert twitter.parse(parse_url("https://platform.twitter.com/embed/Tweet.html")) is None
    assert twitter.ref("1918223344556677889").kind == "post"
    # any element with data-tweet-id (the rendered widget's own attribute)
    assert _posts('<div data-tweet-id=" 1918223344556677882 "></div>') == [
        ("1918223344556677882", None, None, "2025-05-02T08:37:38Z", None, [], ["rendered"])]
    # a blockquote the widget script has already rendered
    [post] = _posts('<blockquote class="twitter-tweet twitter-tweet-rendered">'
                    '<a href="https://twitter.com/Port/status/1918223344556677881">May 2, 2025</a></blockquote>')
    assert post[0] == "1918223344556677881" and post[1] == "Port" and post[-1] == ["rendered"]
    # the link's handle wins over the signature's; only status links of X/Twitter count
    [post] = _posts('<blockquote class="twitter-tweet"><p>Text</p>&mdash; Port (@port_alias) '
                    '<a href="https://twitter.com/Port/status/1918223344556677880">May 2, 2025</a>'
                    '<a href="https://example.com/x/status/1918223344556677000">elsewhere</a></blockquote>')
    assert post[:3] == ("1918223344556677880", "Port", "Port")
    # the signature is the *last* dash: a dash inside the tweet's own text is not it
    [post] = _posts('<blockquote class="twitter-tweet"><p>Open again — finally - at dawn</p>&mdash; Port Authority '
                    '(@PortAuthorityTW) <a href="https://twitter.com/i/status/1918223344556677879">May 2, 2025</a>'
                    "</blockquote>")
    assert post[1:3] == ("PortAuthorityTW", "Port Authority")
    [post] = _posts('<blockquote class="twitter-tweet"><p>Open - finally</p> - Jo Doe (@jodoe) '
                    '<a href="https://twitter.com/i/status/21">March 3, 2009</a></blockquote>')
    assert post[1:3] == ("jodoe", "Jo Doe")  # the same with ASCII dashes
    # a signature at the very start of the blockquote's text
    [post] = _posts('<blockquote class="twitter-tweet">— Jo Doe (@jodoe) '
                    '<a href="https://twitter.com/i/status/20">March 3, 2009</a></blockquote>')
    assert post[1:4] == ("jodoe", "Jo Doe", "2009-03-03")
    # an AMP Moment is not a post even when it carries a tweet id
    assert _posts('<amp-twitter data-momentid="1918223344556677885" data-tweetid="1918223344556677885"></amp-twitter>') == []


@pytest.mark.parametrize("url,expected", [
    # an archived copy of a post names the original post
    ("https://web.archive.org/web/20250502101010/https://twitter.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("https://web.archive.org/web/20250502101010*/https://x.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("http://archive.org/wayback/20250502/https://x.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("https://archive.ph/20250502101010/https://www.instagram.com/p/DAbCdEfGhIj/", ("instagram", "DAbCdEfGhIj", None)),
    # archives collapse "//" in the inner URL
    ("https://web.archive.org/web/20250502101010/https:/x.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("https://web.archive.org/web/20250502101010/http:/x.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("https://archive.ph/?url=https://x.com/Port/status/1918223344556677889", ("twitter", "1918223344556677889", "Port")),
    ("https://archive.ph/AbCdE", None),  # a short link to a snapshot names nothing we can read
    # one level only: an archive of an archive, a proxy of a proxy
    ("https://web.archive.org/web/20250502/https://web.archive.org/web/1/https://x.com/a/status/1918223344556677889", None),
    ("https://e.example/x?url=https://e2.example/?url=https://x.com/a/status/1918223344556677889", None),
    # oEmbed endpoints on the platform's own host and CMS proxies
    ("https://publish.twitter.com/oembed?url=https://twitter.com/Port/status/1918223344556677889",
     ("twitter", "1918223344556677889", "Port")),
    ("https://www.youtube.com/oembed?url=https%3A//www.youtube.com/watch%3Fv%3DdQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ", None)),
    # a YouTube community post or clip has its own "Ugkx" id, not a video's
    ("https://www.youtube.com/post/UgkxHarbourStormPost0001", ("youtube", "UgkxHarbourStormPost0001", None)),
    ("https://www.youtube.com/channel/UC1/community?lb=UgkxHarbourStormPost0001", ("youtube", "UgkxHarbourStormPost0001", None)),
    ("https://www.youtube.com/clip/UgkxHarbourStormClip0001", ("youtube", "UgkxHarbourStormClip0001", None)),
    ("https://www.youtube.com/@harbour/community", None),  # the channel's tab, no post
    # the Reddit app's share link names the post by its own code (as Facebook's /share/p/ does)
    ("https://www.reddit.com/r/harbour/s/AbCdEf1234", ("reddit", "AbCdEf1234", None)),
    ("https://cdn.iframe.ly/api/iframe?url=https://www.instagram.com/p/DAbCdEfGhIj/&key=1", ("instagram", "DAbCdEfGhIj", None)),
    ("https://cdn.iframe.ly/api/iframe?href=https://x.com/a/b&u=https://www.instagram.com/p/DAbCdEfGhIj/",
     ("instagram", "DAbCdEfGhIj", None)),  # every proxy parameter is tried, in order
    ("https://cdn.iframe.ly/api/iframe?u=ftp://www.instagram.com/p/DAbCdEfGhIj/", None),
    ("https://cdn.iframe.ly/api/iframe?url=http://www.instagram.com/p/DAbCdEfGhIj/", ("instagram", "DAbCdEfGhIj", None)),
    ("https://www.youtube.com/oembed?url=//www.youtube.com/watch%3Fv%3DdQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ", None)),
    ("https://publish.twitter.com/oembed?url=https://publish.twitter.com/oembed?url=https://twitter.com/a/status/"
     "1918223344556677889", None),  # one level on the platform's own host too
    # the archived URL's own query is kept, a port on the archive's host is skipped, http:// inner URLs read
    ("https://web.archive.org/web/2025/https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ", None)),
    ("https://web.archive.org:443/web/2025/https://x.com/a/status/1918223344556677889", ("twitter", "1918223344556677889", "a")),
    ("https://web.archive.org/web/2025/http://twitter.com/a/status/1918223344556677889", ("twitter", "1918223344556677889", "a")),
    ("https://WEB.ARCHIVE.ORG/web/2025/https://x.com/a/status/1918223344556677889", ("twitter", "1918223344556677889", "a")),
    # a Mastodon-style post path on a host we do not know
    ("https://fedi.example/@girder/113456789012345678", ("mastodon", "113456789012345678", "girder@fedi.example")),
])
def test_archived_and_proxied_urls(url, expected):
    ref = REGISTRY.match(url)
    assert (ref and (ref.platform, ref.post_id, ref.handle)) == expected


def test_dates_are_utc_whatever_the_machines_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert iso_from_ms(1746180000000) == "2025-05-02T10:00:00Z"
        assert twitter.posted_from_id("1918223344556677889") == "2025-05-02T08:37:38Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_unknown_month_name_is_no_date():
    assert parse_date_text("25 Smarch 2025") is None
    assert parse_date_text("Smarch 25, 2025") is None


_SIGN_LITERALS = ("©", "ⓒ", "Ⓒ", "&copy;", "&#", "\\u00a9", "(c)", "(C)", "yright", "YRIGHT", "pr.", "PR.", "®",
                  "serv", "SERV", "behalt", "BEHALT", "behoud", "BEHOUD", "محفوظة", "無断", "版权", "版權", "무단")


def test_the_quick_sign_test_matches_exactly_where_its_literals_do():
    """QUICK_SIGN starts each branch at a rare character (look-arounds for the rest): on strings
    made of its literals, their pieces and their neighbours it finds a match exactly when one
    of the literals occurs."""
    import random

    from crawler.extract.rights.signs import QUICK_SIGN

    pieces = [*_SIGN_LITERALS, "copyright", "Reserved", "Copr.", "s", "p", "y", "v", "V", ".", "(", "&", "\\",
              "b", "B", "er", "ri", "ght", "eha", "lt", "oud", "u00a9", "#", "c)", " "]
    rng = random.Random(12)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        assert (QUICK_SIGN.search(text) is not None) == any(lit in text for lit in _SIGN_LITERALS), text
