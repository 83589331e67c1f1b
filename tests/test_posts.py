"""Post detection on our fixtures: every platform, every form, every trap."""

from __future__ import annotations

import functools

import pytest
from conftest import FIXTURES, extract_page, posts_by_key

from crawler.extract import CrawlMeta, extract_record, extract_text_record

OFFICIAL = {
    ("twitter", "1918223344556677889"): ("https://x.com/PortAuthorityTW/status/1918223344556677889", "PortAuthorityTW"),
    ("instagram", "DAbCdEfGhIj"): ("https://www.instagram.com/p/DAbCdEfGhIj/", "lena.harbour"),
    ("tiktok", "7354123456789012345"): ("https://www.tiktok.com/@mayorofthetide/video/7354123456789012345", "mayorofthetide"),
    ("youtube", "dQw4w9WgXcQ"): ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
    ("bluesky", "3lnxyzabc2k2s"): ("https://bsky.app/profile/did:plc:abc123xyz456def789ghi0jk/post/3lnxyzabc2k2s", "inesroadway.bsky.social"),
    ("threads", "DBcDeFgHiJk"): ("https://www.threads.com/@tideferries/post/DBcDeFgHiJk", "tideferries"),
    ("mastodon", "113456789012345678"): ("https://fedi.engineering.example/@girder/113456789012345678", "girder@fedi.engineering.example"),
    ("reddit", "1kabc2d"): ("https://www.reddit.com/r/tidewater/comments/1kabc2d/", "commuter_77"),
    ("facebook", "1234567890123456"): ("https://www.facebook.com/TidewaterCouncil/posts/1234567890123456/", "TidewaterCouncil"),
    ("telegram", "tideshipping/4821"): ("https://t.me/tideshipping/4821", "tideshipping"),
    ("linkedin", "urn:li:share:7323456789012345678"): ("https://www.linkedin.com/feed/update/urn:li:share:7323456789012345678/", None),
    ("truthsocial", "114456789012345678"): ("https://truthsocial.com/@harbourfan/posts/114456789012345678", "harbourfan"),
    ("vimeo", "876543210"): ("https://vimeo.com/876543210/ab12cd34ef", None),
    ("spotify", "4uLU6hMCjMI75M1A2tKUQC"): ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", None),
    ("spotify", "7makk4oTQel546B0PZlDM5"): ("https://open.spotify.com/episode/7makk4oTQel546B0PZlDM5", None),
    ("tumblr", "745612345678901234"): ("https://www.tumblr.com/bridgeart/745612345678901234", "bridgeart"),
    ("pinterest", "99360735500167749"): ("https://www.pinterest.com/pin/99360735500167749/", None),
    ("flickr", "53712345678"): ("https://www.flickr.com/photos/harbourlens/53712345678/", "harbourlens"),
    ("vine", "bXidIgMnIPJ"): ("https://vine.co/v/bXidIgMnIPJ", None),
    ("twitch", "BraveHarbourBridgeClip-AbC123xYz"): ("https://clips.twitch.tv/BraveHarbourBridgeClip-AbC123xYz", None),
    ("twitch", "2134567890"): ("https://www.twitch.tv/videos/2134567890", None),
    ("snapchat", "W7_EDlXWTBiXAEEniNoMPwAAYdWZ1b2RmZnd6AZaK3XBJAZaK3XAfAAAAAQ"): (
        "https://www.snapchat.com/spotlight/W7_EDlXWTBiXAEEniNoMPwAAYdWZ1b2RmZnd6AZaK3XBJAZaK3XAfAAAAAQ", None),
    ("twitter", "1918001122334455667"): ("https://x.com/HarbourMaster/status/1918001122334455667", "HarbourMaster"),
}


@pytest.fixture(scope="module")
def official():
    return extract_page("embeds-official.html")


def test_official_embed_code_of_every_platform(official):
    got = posts_by_key(official)
    assert set(got) == set(OFFICIAL), set(got) ^ set(OFFICIAL)
    for key, (url, handle) in OFFICIAL.items():
        assert got[key]["url"] == url, key
        assert got[key]["author"]["handle"] == handle, key


def test_posts_are_in_page_order_with_evidence(official):
    positions = [p["evidence"][0]["position"] for p in official["posts"]]
    assert positions == sorted(positions)
    first = official["posts"][0]
    ev = first["evidence"][0]
    assert ev["form"] == "embed"
    assert ev["locator"].startswith("/html/body")
    assert ev["context"] == "The port authority announced the news shortly after dawn."
    link = posts_by_key(official)[("twitter", "1918001122334455667")]
    assert link["evidence"][0]["form"] == "link"
    assert "put it last night" in link["evidence"][0]["context"]


def test_tweet_details_from_the_blockquote(official):
    tweet = official["posts"][0]
    assert tweet["author"] == {"handle": "PortAuthorityTW", "name": "Port Authority"}
    assert tweet["text"].startswith("The harbour bridge is open again")
    assert tweet["media"] == ["https://pic.twitter.com/AbCdEf1234"]
    assert tweet["posted"].startswith("2025-05-02")  # from the snowflake id


def test_traps_are_not_citations(official):
    ids = {p["post_id"] for p in official["posts"]}
    assert len(ids) == len(OFFICIAL)  # the control: the page's real citations are all found
    # related box, sidebar feed, reader comments, playlist, live channel
    for trap in ("1917000000000000001", "1916000000000000002", "abcdefghijk", "tidewaterlive"):
        assert trap not in ids
    assert not any(p["platform"] == "youtube" and p["post_id"] != "dQw4w9WgXcQ" for p in official["posts"])


def test_rendered_dom_forms():
    got = posts_by_key(extract_page("embeds-rendered.html"))
    assert got[("twitter", "1918300000000000001")]["evidence"][0]["form"] == "rendered"
    assert got[("twitter", "1918300000000000002")]["evidence"][0]["form"] == "rendered"
    assert got[("instagram", "C7xYzAbCdEf")]["evidence"][0]["form"] == "rendered"
    assert got[("bluesky", "3lo2abcdefg2k")]["evidence"][0]["form"] == "rendered"
    assert got[("telegram", "hafenfunk/77")]["evidence"][0]["form"] == "rendered"
    assert ("tiktok", "7354999999999999999") in got
    assert ("facebook", "987654321098765") in got
    assert got[("mastodon", "112233445566778899")]["author"]["handle"] == "lotse@social.hafen.example"
    # an Instagram iframe inside div.twitter-tweet is Instagram: classify by the URL
    assert ("instagram", "C8AbCdEfGhI") in got
    assert not any(p["platform"] == "twitter" and p["post_id"] is None for p in got.values())


def test_amp_components():
    got = posts_by_key(extract_page("embeds-amp.html"))
    expected = {("twitter", "1918400000000000001"), ("instagram", "C9AbCdEfGhI"),
                ("youtube", "aBcDeFgHiJk"), ("facebook", "2234567890123456"),
                ("tiktok", "7355000000000000001"), ("reddit", "1kdef3g"), ("vimeo", "765432109"),
                ("pinterest", "99360735500167750"), ("vimeo", "765432110")}
    assert set(got) == expected  # no timeline, no live channel, no page plugin
    assert got[("twitter", "1918400000000000001")]["author"]["handle"] == "CoastWatchTW"
    assert all(p["evidence"][0]["form"] in ("amp", "iframe") for p in got.values())


def test_lazy_consent_cms_and_json_state():
    rec = extract_page("embeds-lazy.html", url="https://news.tidewater.example/2025/05/04/storm-cost/")
    got = posts_by_key(rec)
    lazy = {("youtube", "Lazy1234567"), ("twitter", "1918500000000000001"),
            ("instagram", "CaBcDeFgHiJ"), ("youtube", "Attr1234567"), ("youtube", "DataSrc1234"),
            ("vimeo", "765432111"), ("youtube", "NoScript123"), ("tiktok", "7355000000000000009"),
            ("bluesky", "3lo3abcdefg2k"), ("youtube", "LiteYt12345"), ("youtube", "RocketLazy1"),
            ("youtube", "LyteVid1234")}  # (a <noscript> poster linking the video: the player's fallback)
    for key in lazy:
        assert got[key]["evidence"][0]["form"] == "lazy", key
    cms = {("twitter", "1918500000000000002"), ("instagram", "IfrAmEly123"),
           ("reddit", "1kxyz12"), ("twitter", "1918500000000000003"),
           ("twitter", "1918500000000000006")}  # (Tumblr's URL-encoded data-url)
    for key in cms:
        assert key in got, key
    assert ("twitter", "1918500000000000005") not in got  # a text link in <noscript>: not the text's
    assert ("youtube", "Embedly1234") in got
    assert got[("twitter", "1918500000000000004")]["evidence"][0]["form"] == "script"
    # JSON state: the article's own embeds, not those of related or trending stories
    assert got[("twitter", "1918500000000000009")]["evidence"][0]["form"] == "json"
    assert got[("youtube", "ZyXwVuTsRqP")]["evidence"][0]["form"] == "json"
    assert ("twitter", "1917999999999999999") not in got
    assert ("instagram", "OtherStory12") not in got
    # a tweet pasted as plain text inside a blockquote
    text_posts = [p for p in rec["posts"] if p["post_id"] is None]
    assert len(text_posts) == 1
    assert text_posts[0]["author"] == {"handle": "InsureBoard", "name": "Insurance Board"}
    assert text_posts[0]["media"] == ["https://pic.twitter.com/ClaimPic99"]
    assert text_posts[0]["evidence"][0]["form"] == "text"


def test_seed_text_gives_exactly_the_tweet():
    text = (FIXTURES / "text" / "harbour-tweet.txt").read_text("utf-8")
    rec = extract_text_record(text, CrawlMeta(url="file:///harbour.txt")).to_dict()
    assert rec["article"]["title"] == "Harbour bridge reopens after storm"
    [post] = rec["posts"]
    assert post["platform"] == "twitter" and post["post_id"] is None
    assert post["author"] == {"handle": "PortAuthorityTW", "name": "Port Authority"}
    assert post["posted"] == "2025-05-02"
    assert post["media"] == ["https://pic.twitter.com/AbCdEf1234"]
    assert post["text"].startswith("The bridge is open again")
    assert post["evidence"][0]["locator"].startswith("char:")


def test_same_post_twice_is_one_post_with_two_evidences():
    html = ("<html><body><article><p>First the embed, then a link to it again in the text below.</p>"
            '<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/1918223344556677889">May 2, 2025</a></blockquote>'
            '<p>As the agency <a href="https://x.com/a/status/1918223344556677889/photo/1?s=20">said</a> '
            "again later in the afternoon, nothing more was planned.</p></article></body></html>")
    rec = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()
    [post] = rec["posts"]
    assert [e["form"] for e in post["evidence"]] == ["embed", "link"]
    assert post["url"] == "https://x.com/a/status/1918223344556677889"


# One real citation per platform, put beside each trap as the positive control.
CONTROLS = {
    "twitter": "https://x.com/ctrl/status/1918999999999999991",
    "facebook": "https://www.facebook.com/CtrlPage/posts/1234567890123499/",
    "tiktok": "https://www.tiktok.com/@ctrl/video/7354123456789012399",
    "pinterest": "https://www.pinterest.com/pin/99360735500167799/",
    "youtube": "https://www.youtube.com/watch?v=CtrlVideo01",
    "twitch": "https://clips.twitch.tv/CtrlClipSlug-abc",
    "snapchat": "https://www.snapchat.com/spotlight/W7_EDlXWTBiXAEEniNoMPwAAYdWZ1b2RmZnd6AZaK3XBJAZaK3XAfAAAAAQ",
    "telegram": "https://t.me/ctrlchannel/42",
    "instagram": "https://www.instagram.com/p/CtrlPost123/",
    "bluesky": "https://bsky.app/profile/ctrl.bsky.social/post/3lnxyzabc2k2t",
    "reddit": "https://www.reddit.com/r/storms/comments/1kctrl1/",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:share:7323456789012345699/",
    "spotify": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQD",
    "dailymotion": "https://www.dailymotion.com/video/x8ctrl1",
    "soundcloud": "https://soundcloud.com/ctrlband/ctrl-track",
}
CONTROL_IDS = {
    "twitter": "1918999999999999991", "facebook": "1234567890123499", "tiktok": "7354123456789012399",
    "pinterest": "99360735500167799", "youtube": "CtrlVideo01", "twitch": "CtrlClipSlug-abc",
    "snapchat": "W7_EDlXWTBiXAEEniNoMPwAAYdWZ1b2RmZnd6AZaK3XBJAZaK3XAfAAAAAQ", "telegram": "ctrlchannel/42",
    "instagram": "CtrlPost123", "bluesky": "3lnxyzabc2k2t", "reddit": "1kctrl1",
    "linkedin": "urn:li:share:7323456789012345699", "spotify": "4uLU6hMCjMI75M1A2tKUQD",
    "dailymotion": "x8ctrl1", "soundcloud": "ctrlband/ctrl-track",
}


@pytest.mark.parametrize("markup,platform", [
    ('<a class="twitter-share-button" href="https://twitter.com/intent/tweet?text=x">Tweet</a>', "twitter"),
    ('<a href="https://twitter.com/SomeSite">Follow</a>', "twitter"),
    ('<a class="twitter-timeline" href="https://twitter.com/SomeSite?ref_src=twsrc%5Etfw">Tweets</a>', "twitter"),
    ('<a class="twitter-moment" href="https://twitter.com/i/moments/1234567890123">Moment</a>', "twitter"),
    ('<div class="fb-comments" data-href="https://ex.example/a"></div>', "facebook"),
    ('<div class="fb-like" data-href="https://www.facebook.com/SomePage"></div>', "facebook"),
    ('<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@someone" data-embed-type="creator" data-unique-id="someone"></blockquote>', "tiktok"),
    ('<a data-pin-do="embedBoard" href="https://www.pinterest.com/someone/board/"></a>', "pinterest"),
    ('<iframe src="https://platform.twitter.com/widgets/tweet_button.html?url=https%3A%2F%2Fex.example"></iframe>', "twitter"),
    ('<iframe src="https://www.youtube.com/embed/videoseries?list=PL123"></iframe>', "youtube"),
    ('<iframe src="https://player.twitch.tv/?channel=somechannel&parent=ex.example"></iframe>', "twitch"),
    ('<blockquote class="snapchat-embed" data-snapchat-embed-url="https://www.snapchat.com/lens/abcdef123456/embed"></blockquote>', "snapchat"),
    ('<a href="https://t.me/share/url?url=https%3A%2F%2Fex.example">Share</a>', "telegram"),
    ('<a href="https://www.instagram.com/explore/tags/storm/">#storm</a>', "instagram"),
    ('<a href="https://bsky.app/profile/someone.bsky.social/feed/aaa">Feed</a>', "bluesky"),
    ('<a href="https://www.reddit.com/r/storms/">r/storms</a>', "reddit"),
    ('<a href="https://www.linkedin.com/in/someone/">LinkedIn</a>', "linkedin"),
    ('<a href="https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M">Playlist</a>', "spotify"),
    ('<div style="background-image: url(//www.dailymotion.com/thumbnail/video/x2oj8id)"></div>'
     '<a href="https://www.dailymotion.com/lemondefr">Channel</a>', "dailymotion"),
    ('<a href="https://soundcloud.com/harbourcast">Our podcast</a> <a href="https://soundcloud.com/harbourcast/sets/'
     'season-2">Season 2</a>', "soundcloud"),
    ('<a href="https://x.com@evil.example/a/status/1918223344556677889">look-alike</a>', "twitter"),
    ('<a href="https://notx.com/a/status/1918223344556677889">look-alike host</a>', "twitter"),
    ('<style>.instagram-media iframe{width:100%}</style><script src="https://www.tiktok.com/embed.js"></script>', "tiktok"),
])
def test_false_positive_traps(markup, platform):
    """Each trap sits beside one real citation of the same platform, which must be found: a
    detector that finds nothing at all cannot pass."""
    control = CONTROLS[platform]
    html = (f"<html><body><article><p>{'Plain words of the article. ' * 4}{markup}</p>"
            f'<p>As the post <a href="{control}">said</a> in the morning, nothing more was planned.</p>'
            "</article></body></html>")
    rec = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()
    assert [(p["platform"], p["post_id"], p["evidence"][0]["form"]) for p in rec["posts"]] == [
        (platform, CONTROL_IDS[platform], "link")]


def test_head_metadata_is_not_a_citation():
    html = ('<html><head><meta name="twitter:site" content="@SomeSite">'
            '<meta property="article:publisher" content="https://www.facebook.com/SomeSite/posts/1234567890">'
            '<link rel="me" href="https://mastodon.example/@site/112233445566778899">'
            '<script type="application/ld+json">{"@type":"Organization","sameAs":["https://x.com/SomeSite/status/1918223344556677889"]}</script>'
            "</head><body><p>Nothing else is cited here, except the control in the body: "
            f'<a href="{CONTROLS["twitter"]}">the post</a>.</p></body></html>')
    rec = extract_record(html, CrawlMeta(url="https://ex.example/a")).to_dict()
    assert [(p["platform"], p["post_id"]) for p in rec["posts"]] == [("twitter", CONTROL_IDS["twitter"])]


@pytest.mark.parametrize("url,platform,post_id,canonical", [
    ("https://mobile.twitter.com/a_b/statuses/1918223344556677889/video/1", "twitter", "1918223344556677889", "https://x.com/a_b/status/1918223344556677889"),
    ("https://twitter.com/i/web/status/1918223344556677889", "twitter", "1918223344556677889", "https://x.com/i/status/1918223344556677889"),
    ("https://fxtwitter.com/a/status/1918223344556677889", "twitter", "1918223344556677889", "https://x.com/a/status/1918223344556677889"),
    ("https://twitter.com/#!/a/status/1918223344556677889", "twitter", "1918223344556677889", "https://x.com/a/status/1918223344556677889"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=10", "youtube", "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://instagr.am/p/BalQ2SWFty8/?igsh=xyz", "instagram", "BalQ2SWFty8", "https://www.instagram.com/p/BalQ2SWFty8/"),
    ("https://www.instagram.com/someone/reel/DAbCdEfGhIj/embed/captioned/", "instagram", "DAbCdEfGhIj", "https://www.instagram.com/p/DAbCdEfGhIj/"),
    ("https://www.facebook.com/permalink.php?story_fbid=123456789&id=987", "facebook", "123456789", None),
    ("https://www.facebook.com/watch/?v=1234567890", "facebook", "1234567890", "https://www.facebook.com/watch/?v=1234567890"),
    # more address forms of the same posts
    ("https://www.facebook.com/photo/?fbid=10159876543210987&set=a.1234", "facebook", "10159876543210987", None),
    ("https://www.facebook.com/watch/live/?ref=watch_permalink&v=10159876543210987", "facebook", "10159876543210987",
     "https://www.facebook.com/watch/?v=10159876543210987"),
    ("https://m.tiktok.com/v/7345678901234567890.html?u_code=abc", "tiktok", "7345678901234567890", None),
    ("https://www.reddit.com/user/stormwatcher/comments/1cxyz9q/slug/", "reddit", "1cxyz9q",
     "https://www.reddit.com/comments/1cxyz9q/"),
    ("https://www.reddit.com/gallery/1cxyz9q", "reddit", "1cxyz9q", "https://www.reddit.com/comments/1cxyz9q/"),
    ("https://vimeo.com/showcase/10234567/video/912345678", "vimeo", "912345678", "https://vimeo.com/912345678"),
    ("https://m.twitch.tv/clip/IcyOriginalTriangle-5GQ9hBdAaPC", "twitch", "IcyOriginalTriangle-5GQ9hBdAaPC", None),
    ("https://www.google.com/url?q=https://twitter.com/cityfire/status/1791234567890123456&sa=D", "twitter",
     "1791234567890123456", None),
    ("https://embed.spotify.com/?uri=spotify%3Atrack%3A4uLU6hMCjMI75M1A2tKUQC", "spotify", "4uLU6hMCjMI75M1A2tKUQC",
     "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"),
    ("https://open.spotify.com/embed-podcast/episode/7makk4oTQel546B0PZlDM5", "spotify", "7makk4oTQel546B0PZlDM5",
     "https://open.spotify.com/episode/7makk4oTQel546B0PZlDM5"),
    # Flash-era and old share forms (pages of 2010-2017), archive copies without a scheme
    ("https://mastodon.social/web/statuses/112345678901234567", "mastodon", "112345678901234567", None),
    ("https://www.youtube.com/watch#!v=kR3xQ9vB_2s", "youtube", "kR3xQ9vB_2s", "https://www.youtube.com/watch?v=kR3xQ9vB_2s"),
    ("https://www.twitch.tv/harbourtv/v/212345678", "twitch", "212345678", None),
    ("https://archive.ph/o/AbCdE/https://twitter.com/cityfire/status/1791234567890123456", "twitter",
     "1791234567890123456", None),
    ("https://web.archive.org/web/2021/twitter.com/cityfire/status/1791234567890123456", "twitter",
     "1791234567890123456", None),
    ("https://www.facebook.com/video/embed?video_id=1234567890", "facebook", "1234567890",
     "https://www.facebook.com/watch/?v=1234567890"),
    ("https://www.facebook.com/video.php?v=1234567890", "facebook", "1234567890", "https://www.facebook.com/watch/?v=1234567890"),
    ("https://vimeo.com/moogaloop.swf?clip_id=765432111&server=vimeo.com", "vimeo", "765432111", "https://vimeo.com/765432111"),
    ("https://www.youtube.com/attribution_link?a=x1&u=%2Fwatch%3Fv%3DdQw4w9WgXcQ%26feature%3Dshare", "youtube",
     "dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.tiktok.com/embed/v2/7354123456789012345?lang=en", "tiktok", "7354123456789012345", "https://www.tiktok.com/video/7354123456789012345"),
    ("https://old.reddit.com/r/sub/comments/abc123/title/def456/", "reddit", "abc123/def456", "https://www.reddit.com/r/sub/comments/abc123/comment/def456/"),
    ("https://www.threads.com/@someone/post/DBcDeFgHiJk?xmt=1", "threads", "DBcDeFgHiJk", "https://www.threads.com/@someone/post/DBcDeFgHiJk"),
    ("https://www.linkedin.com/posts/someone_slug-activity-7323456789012345678-AbCd", "linkedin", "urn:li:activity:7323456789012345678", "https://www.linkedin.com/feed/update/urn:li:activity:7323456789012345678/"),
    ("https://www.linkedin.com/posts/someone_ugcPost-7323456789012345679-XyZw", "linkedin", "urn:li:ugcPost:7323456789012345679", None),
    ("https://www.twitch.tv/streamer/clip/FunnyClipSlug-abc", "twitch", "FunnyClipSlug-abc", "https://clips.twitch.tv/FunnyClipSlug-abc"),
    ("https://www.pinterest.co.uk/pin/some-title--99360735500167749/", "pinterest", "99360735500167749", "https://www.pinterest.com/pin/99360735500167749/"),
    # video and audio platforms of French and German pages
    ("//www.dailymotion.com/embed/video/x2p552m?syndication=131181", "dailymotion", "x2p552m",
     "https://www.dailymotion.com/video/x2p552m"),
    ("https://www.dailymotion.com/video/x7tgad0_storm-hits-the-harbour_news", "dailymotion", "x7tgad0", None),
    ("https://dai.ly/x7tgad0", "dailymotion", "x7tgad0", "https://www.dailymotion.com/video/x7tgad0"),
    ("https://geo.dailymotion.com/player/xjrxe.html?video=x8abc12", "dailymotion", "x8abc12", None),
    ("http://www.dailymotion.com/swf/video/x130bpf", "dailymotion", "x130bpf", None),
    ("https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/367477112&color=%23ff5500", "soundcloud",
     "367477112", "https://api.soundcloud.com/tracks/367477112"),
    ("https://soundcloud.com/harbourcast/episode-12-the-storm", "soundcloud", "harbourcast/episode-12-the-storm",
     "https://soundcloud.com/harbourcast/episode-12-the-storm"),
])
def test_url_normalisation(url, platform, post_id, canonical):
    from crawler.extract.embeds import REGISTRY

    ref = REGISTRY.match(url)
    assert ref is not None and ref.platform == platform and ref.post_id == post_id
    if canonical:
        assert ref.url == canonical


def test_registry_has_one_module_per_platform():
    from crawler.extract.embeds.registry import PLATFORM_MODULES, REGISTRY

    names = [p.name for p in REGISTRY.platforms]
    assert names == list(PLATFORM_MODULES)
    assert {"twitter", "instagram", "facebook", "youtube", "tiktok", "bluesky", "threads",
            "mastodon", "truthsocial", "reddit", "linkedin", "telegram", "tumblr", "pinterest",
            "flickr", "vimeo", "vine", "twitch", "snapchat", "spotify", "dailymotion", "soundcloud"} <= set(names)


def test_posted_derived_offline_from_ids():
    from crawler.extract.embeds import mastodon, twitter
    from crawler.extract.embeds.base import tid_time

    assert twitter.posted_from_id("1917634117335879720").startswith("2025-04-30")
    assert twitter.posted_from_id("12345") is None  # pre-snowflake ids carry no time
    assert mastodon.posted_from_id("113456789012345678").startswith("2024-11")
    assert tid_time("3lnxyzabc2k2s").startswith("2025-")


# The evidence forms of every post of every fixture page, in page order (README: "evidence form").
# Embedly and Drupal oEmbed wrappers are CMS wrappers (`cms`), not the platform's own iframe.
LAZY_URL = "https://news.tidewater.example/2025/05/04/storm-cost/"
FORMS = {
    "embeds-official.html": [
        ("twitter", "1918223344556677889", "embed"), ("instagram", "DAbCdEfGhIj", "embed"),
        ("tiktok", "7354123456789012345", "embed"), ("youtube", "dQw4w9WgXcQ", "iframe"),
        ("bluesky", "3lnxyzabc2k2s", "embed"), ("threads", "DBcDeFgHiJk", "embed"),
        ("mastodon", "113456789012345678", "embed"), ("reddit", "1kabc2d", "embed"),
        ("facebook", "1234567890123456", "embed"), ("telegram", "tideshipping/4821", "script"),
        ("linkedin", "urn:li:share:7323456789012345678", "iframe"), ("truthsocial", "114456789012345678", "iframe"),
        ("vimeo", "876543210", "iframe"), ("spotify", "4uLU6hMCjMI75M1A2tKUQC", "iframe"),
        ("spotify", "7makk4oTQel546B0PZlDM5", "iframe"), ("tumblr", "745612345678901234", "embed"),
        ("pinterest", "99360735500167749", "embed"), ("flickr", "53712345678", "embed"),
        ("vine", "bXidIgMnIPJ", "iframe"), ("twitch", "BraveHarbourBridgeClip-AbC123xYz", "iframe"),
        ("twitch", "2134567890", "iframe"),
        ("snapchat", "W7_EDlXWTBiXAEEniNoMPwAAYdWZ1b2RmZnd6AZaK3XBJAZaK3XAfAAAAAQ", "embed"),
        ("twitter", "1918001122334455667", "link"),
    ],
    "embeds-rendered.html": [
        ("twitter", "1918300000000000001", "rendered"), ("twitter", "1918300000000000002", "rendered"),
        ("instagram", "C7xYzAbCdEf", "rendered"), ("bluesky", "3lo2abcdefg2k", "rendered"),
        ("tiktok", "7354999999999999999", "rendered"), ("instagram", "C8AbCdEfGhI", "iframe"),
        ("telegram", "hafenfunk/77", "rendered"), ("facebook", "987654321098765", "iframe"),
        ("mastodon", "112233445566778899", "iframe"),
    ],
    "embeds-amp.html": [
        ("twitter", "1918400000000000001", "amp"), ("instagram", "C9AbCdEfGhI", "amp"),
        ("youtube", "aBcDeFgHiJk", "amp"), ("facebook", "2234567890123456", "amp"),
        ("tiktok", "7355000000000000001", "amp"), ("reddit", "1kdef3g", "amp"), ("vimeo", "765432109", "amp"),
        ("pinterest", "99360735500167750", "amp"), ("vimeo", "765432110", "amp"),
    ],
    "embeds-lazy.html": [
        ("youtube", "Lazy1234567", "lazy"), ("twitter", "1918500000000000001", "lazy"),
        ("instagram", "CaBcDeFgHiJ", "lazy"), ("youtube", "Attr1234567", "lazy"), ("youtube", "DataSrc1234", "lazy"),
        ("vimeo", "765432111", "lazy"), ("youtube", "NoScript123", "lazy"), ("tiktok", "7355000000000000009", "lazy"),
        ("bluesky", "3lo3abcdefg2k", "lazy"), ("youtube", "LiteYt12345", "lazy"), ("youtube", "RocketLazy1", "lazy"),
        ("youtube", "LyteVid1234", "lazy"),
        ("twitter", "1918500000000000002", "cms"), ("instagram", "IfrAmEly123", "cms"),
        ("youtube", "Embedly1234", "cms"), ("twitter", "1918500000000000003", "cms"), ("reddit", "1kxyz12", "cms"),
        ("twitter", "1918500000000000006", "cms"),
        ("twitter", "1918500000000000004", "script"), ("twitter", "1918500000000000009", "json"),
        ("youtube", "ZyXwVuTsRqP", "json"), ("twitter", None, "text"),
    ],
    "seed-embed.html": [("twitter", "1917634117335879720", "embed")],
}


@functools.cache
def _fixture_posts(page: str) -> list[tuple]:
    rec = extract_page(page, url=LAZY_URL if page == "embeds-lazy.html" else None)
    return [(p["platform"], p["post_id"], [e["form"] for e in p["evidence"]]) for p in rec["posts"]]


@pytest.mark.parametrize("page", sorted(FORMS))
def test_every_fixture_post_is_found_in_page_order(page):
    assert [(p, i) for p, i, _ in _fixture_posts(page)] == [(p, i) for p, i, _ in FORMS[page]]


@pytest.mark.parametrize("page,platform,post_id,form", [
    pytest.param(page, platform, post_id, form, marks=[],
                 id=f"{page}:{platform}:{post_id}")
    for page, posts in FORMS.items() for platform, post_id, form in posts])
def test_evidence_form_of_every_fixture_post(page, platform, post_id, form):
    [forms] = [f for p, i, f in _fixture_posts(page) if (p, i) == (platform, post_id)]
    assert forms == [form]


@pytest.mark.parametrize("code", [
    # Flash-era player code (pages of 2008-2015): the URL in <param name="movie">, with or without <embed>
    '<object width="425" height="344"><param name="movie" value="http://www.youtube.com/v/Fl4shEra123&hl=en">'
    '</param><embed src="http://www.youtube.com/v/Fl4shEra123&hl=en" type="application/x-shockwave-flash">'
    '</embed></object>',
    '<object><param name="movie" value="http://www.youtube.com/v/Fl4shEra123?version=3"></param></object>',
])
def test_flash_era_object_code_names_its_video(code):
    html = (f"<html><body><article><p>The harbour film from the archive, as it first ran.</p>{code}"
            "</article></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://x.example/a"), main_text=False).to_dict()
    assert [(p["platform"], p["post_id"], p["evidence"][0]["form"]) for p in rec["posts"]] == [
        ("youtube", "Fl4shEra123", "iframe")]


def test_facebook_code_that_wrote_facebooks_own_paths_names_its_video():
    """2015-16 video code carried paths relative to facebook.com; on the news site they read as
    the site's own paths unless the rule knows whose they are."""
    from crawler.extract import CrawlMeta, extract_record

    code = ('<div class="fb-video" data-href="/cityfiredept/videos/vb.193871623875/10159876543210987/?type=3">'
            '<div class="fb-xfbml-parse-ignore"><blockquote cite="/cityfiredept/videos/10159876543210987/">'
            '<a href="/cityfiredept/videos/10159876543210987/">Storm footage</a></blockquote></div></div>')
    html = f"<html><body><article><p>The fire department filmed the storm.</p>{code}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [(p.platform, p.post_id) for p in rec.posts] == [("facebook", "10159876543210987")]
