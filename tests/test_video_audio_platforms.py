"""Dailymotion and SoundCloud as French and German news pages embed them (2012-2024): the
player iframe in the text, an AMP player, a lazy player, a link to a track; not a thumbnail, a
channel, a set, or the site's own podcast in an ad slot after the text."""

from __future__ import annotations

from conftest import assert_valid

from crawler.extract import CrawlMeta, extract_record

PAGE = "https://hafen.example/2025/05/sturm"
TEXT = "<p>" + "Der Sturm traf den Hafen am Morgen, die Fähren blieben im Becken. " * 3 + "</p>"


def _posts(body: str, after: str = "") -> list[tuple]:
    html = f"<html><body><article>{TEXT}{body}{TEXT}</article>{after}</body></html>"
    rec = assert_valid(extract_record(html.encode(), CrawlMeta(url=PAGE), main_text=False).to_dict())
    return [(p["platform"], p["post_id"], [e["form"] for e in p["evidence"]]) for p in rec["posts"]]


def test_dailymotion_players_and_links_name_their_video():
    body = ('<div class="video_player"><iframe src="//www.dailymotion.com/embed/video/x2p552m?syndication=131181" '
            'width="534" height="320"></iframe></div>'
            '<amp-dailymotion data-videoid="x7upkam" layout="responsive" width="480" height="270"></amp-dailymotion>'
            '<p>Die Bilder <a href="https://dai.ly/x7tgad0">zeigen</a> die Mole.</p>'
            '<div class="live-item-video-thumb" style="background-image: url(//www.dailymotion.com/thumbnail/video/'
            'x2oj8id)"></div>')
    assert _posts(body) == [("dailymotion", "x2p552m", ["iframe"]), ("dailymotion", "x7upkam", ["amp"]),
                            ("dailymotion", "x7tgad0", ["link"])]


def test_soundcloud_tracks_but_not_the_sites_podcast_in_an_ad_slot():
    body = ('<p><iframe height="166" scrolling="no" src="https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/'
            'tracks/367477112&amp;color=%23ff5500&amp;auto_play=false"></iframe></p>'
            '<p>Der Hafenmeister <a href="https://soundcloud.com/hafenfunk/folge-12-der-sturm">sprach</a> darüber.</p>')
    ad = ('<div class="it-ad-wrapper"><div id="it-ad-content-after" class="it-ad"><b>HAFENCAST #169</b> | <a '
          'href="/podcast/">Alle Folgen</a><iframe data-lazy-src="https://w.soundcloud.com/player/?url=https%3A//'
          'api.soundcloud.com/tracks/709346965"></iframe></div></div>')
    assert _posts(body + ad) == [("soundcloud", "367477112", ["iframe"]),
                                 ("soundcloud", "hafenfunk/folge-12-der-sturm", ["link"])]
