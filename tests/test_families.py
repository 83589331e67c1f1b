"""Markup families real pages use for posts (issue 12): one fixture page of ours per family,
modelled on what real pages do, and the posts each must give, with their evidence forms.

Each page mixes citations with the traps of its family (share counters, follow widgets, other
stories' embeds in the same JSON blob, webmention lists ...): a page's expected list holds
both, so a detector that finds nothing fails as surely as one that finds everything.
"""

from __future__ import annotations

import json
from html import escape as html_escape

import pytest
from conftest import extract_page

PAGE = "https://ledger.example/2025/05/harbour-storm-posts"


def _posts(name: str, url: str = PAGE) -> list[dict]:
    return extract_page(f"families/{name}", url=url, main_text=False)["posts"]


def _keys(posts: list[dict]) -> list[tuple[str, str | None, str]]:
    return [(p["platform"], p["post_id"], "+".join(e["form"] for e in p["evidence"])) for p in posts]


def test_cms_placeholders_name_a_platform_and_carry_an_id_or_url():
    assert _keys(_posts("cms-placeholders.html")) == [
        ("twitter", "1917634117335879720", "cms"),  # class embed-twitter + data-embed-id
        ("instagram", "DAb3xYz12Q9", "cms"),  # data-provider + data-url with ?igsh=
        ("tiktok", "7234567890123456789", "cms"),  # data-platform + data-id
        ("youtube", "aB3dE5fG7hI", "cms"),  # a *_type attribute + data-video-id
        ("twitter", "1917700000000000001", "cms"),  # escaped JSON data-config, no platform class
        ("bluesky", "3lbcdefghij2k", "cms"),  # JSON data-attrs
        ("youtube", "Zx9Yw8Vu7Ts", "cms"),  # a bare <oembed url=...> an editor left
        ("twitter", "1917800000000000002", "cms"),  # a full URL where the id is expected
        ("twitter", "1917900000000000003", "lazy"),  # the platform's oEmbed endpoint in data-src
        ("twitter", "1918000000000000004", "cms"),  # the site's own card of a tweet
    ]  # not: the share counter's data-id, the follow widget's id, amp-social-share's app id


def test_more_placeholder_shapes_name_their_platform_anywhere():
    """The platform named by a typed JSON attribute, a custom element's tag, a component name, an
    attribute named for the post (data-tweet) or for the platform and an id (data-youtube-id),
    official code left as an iframe's content (Instant Articles), and a class word around a JSON
    script of settings (Webedia's js-dailymotion)."""
    assert _keys(_posts("cms-placeholders-more.html")) == [
        ("twitter", "1918100000000000005", "cms"),  # data-embed='{"type":"tweet","id":...}'
        ("twitter", "1918100000000000006", "cms"),  # <x-twitter-embed tweet-id=...>
        ("instagram", "DQr5tUv7wX2", "cms"),  # data-component="InstagramEmbed" + JSON props
        ("twitter", "1918100000000000007", "cms"),  # class "tweet" + data-tweet
        ("youtube", "Lm4Nop5Qr6s", "cms"),  # data-youtube-id
        ("instagram", "Fb1aIaX3mpl", "lazy"),  # <iframe> whose content is the official code
        ("twitter", "1918100000000000008", "cms"),  # a custom element's own href: Rails' unfurled card
        ("instagram", "DQr5tUv7wX3", "cms"),  # JSON props whose key names the platform: {"instagram_id": ...}
        ("dailymotion", "x8q2hb7", "cms"),  # the settings as a JSON script inside: {"videoId": ...}
    ]  # not: a follow widget's data-instagram-id, the app id, a follow button component, a feed,
    #      a share button element, a channel id in props, a share widget's JSON settings


def test_a_publisher_rendered_card_gives_the_posts_text_and_author():
    card = _posts("cms-placeholders.html")[-1]
    assert card["author"] == {"handle": "HarbourRNLI", "name": "Harbour Lifeboat"}
    assert card["text"] == "Crew launched at 23:40 to a yacht in difficulty off the north pier. All safe."
    assert card["posted"].startswith("2025-05-01")
    assert card["url"] == "https://x.com/HarbourRNLI/status/1918000000000000004"


def test_placeholder_with_the_official_markup_keeps_a_card_link_out_of_the_links():
    """The card's timestamp link is the card's post, not a second in-text link citation."""
    posts = {p["post_id"]: p for p in _posts("cms-placeholders.html")}
    assert [e["form"] for e in posts["1918000000000000004"]["evidence"]] == ["cms"]


@pytest.mark.parametrize("name", ["cms-placeholders.html", "cms-placeholders-more.html"])
def test_family_pages_validate_and_keep_page_order(name):
    posts = _posts(name)
    positions = [p["evidence"][0]["position"] for p in posts]
    assert positions == sorted(positions)


def test_embeds_in_json_state_are_this_articles_only():
    """Next.js, Arc XP, __INITIAL_STATE__ (\\u002F-escaped), Astro island props, Nuxt 2 and Nuxt 3: the
    article's object is known by slug, canonical path or headline; related stories, sidebar
    items and the next story in the same blobs stay out."""
    assert _keys(_posts("json-state.html", "https://ledger.example/2025/05/ferry-strike-ends")) == [
        ("twitter", "1919000000000000001", "cms"),  # island props: a post URL
        ("instagram", "DFerry12aBc", "embed"),  # island props: escaped official code
        ("twitter", "1919000000000000002", "json"),  # __NEXT_DATA__ article found by its slug
        ("youtube", "FerryVid123", "json"),  # __INITIAL_STATE__ story found by its headline
        ("tiktok", "7355000000000000123", "json"),  # Arc XP raw_oembed
        ("twitter", "1919000000000000003", "json"),  # Nuxt: a typed component {is: "tweet", props: {id}}
        ("bluesky", "3lferryabc2k", "json"),  # Nuxt: escaped markup in the article's content
        ("twitter", "1919000000000000004", "json"),  # Nuxt 3 __NUXT_DATA__ (devalue): markup in the body
        ("youtube", "FerryNuxt3v", "json"),  # Nuxt 3: a typed component {type, videoId}
    ]  # not: related 1917000000000000009, sidebar OtherVid999, Nuxt's next story NuxtOther99,
    # Nuxt 3's more-stories NuxtRelat99


def test_nuxt3_state_behind_a_consent_gate_gives_the_articles_posts_only():
    """A Nuxt 3 page whose embeds are consent placeholders with nothing in them: the posts live in
    __NUXT_DATA__ (devalue), in the article object known by its title only; the state's root names
    the page's route (and holds everything, the related story's post and an Apollo cache too), so
    the objects inside it that name the page are what is read."""
    posts = _posts("nuxt3-consent.html", "https://tidemarket.example/de/daily/harbour-boots")
    assert _keys(posts) == [
        ("instagram", "DHarbour1a", "json"),
        ("twitter", "1919600000000000001", "json"),
    ]  # not: the related story's DOtherStry9, in relatedArticles and in the Apollo cache


def test_an_apollo_cache_is_followed_from_the_article_by_its_refs():
    cache = {
        "ROOT_QUERY": {'article({"slug":"harbour-boots"})': {"__ref": "Article:1"}, "latest": [{"__ref": "Article:2"}]},
        "Article:1": {"__typename": "Article", "slug": "harbour-boots", "body": [{"__ref": "Embed:9"}]},
        "Embed:9": {"__typename": "Embed", "html": '<blockquote class="twitter-tweet"><a href='
                    '"https://twitter.com/TideMarket/status/1919600000000000007">May 9</a></blockquote>'},
        "Article:2": {"__typename": "Article", "slug": "tide-clogs-return", "body": [{"__ref": "Embed:10"}]},
        "Embed:10": {"__typename": "Embed", "html": '<blockquote class="twitter-tweet"><a href='
                     '"https://twitter.com/Other/status/1919600000000000099">x</a></blockquote>'},
    }
    from crawler.extract import CrawlMeta, extract_record

    html = (f"<html><body><article>{_PARA}</article><script>window.__APOLLO_STATE__={json.dumps(cache)};"
            "</script></body></html>")
    rec = extract_record(html, CrawlMeta(url="https://tidemarket.example/daily/harbour-boots"))
    assert [(p.post_id, p.evidence[0].form) for p in rec.posts] == [("1919600000000000007", "json")]


def test_an_api_resource_name_is_not_another_page_of_the_site():
    """API Platform (Hydra) names each object by a relative IRI ("@id": "/api/documents/376"): not a
    page of the site, so the article's blocks are read; a related document is still known by its slug."""
    block = {"@id": "/api/document_block_external_contents/3479", "@type": "DocumentBlockExternalContent",
             "url": "https://twitter.com/EuroHarbour/status/1919600000000000011"}
    other = {"@id": "/api/documents/377", "slug": "tide-clogs-return", "documentBlocks": [
        {"@id": "/api/document_block_external_contents/3490", "url": "https://twitter.com/Other/status/1919600000000000099"}]}
    data = {"props": {"pageProps": {"slug": "harbour-boots", "data": {
        "@context": "/api/contexts/Document", "@id": "/api/documents/376", "@type": "Document",
        "documentBlocks": [{"@id": "/api/document_block_texts/3478", "headline": "Harbour boots"}, block],
        "related": [other]}}}}
    from crawler.extract import CrawlMeta, extract_record

    html = (f'<html><body><article>{_PARA}<div class="consent-placeholder">Externer Inhalt: twitter.com blockiert'
            f'</div></article><script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'
            "</body></html>")
    rec = extract_record(html, CrawlMeta(url="https://tidemarket.example/de/harbour-boots"))
    assert [(p.post_id, p.evidence[0].form) for p in rec.posts] == [("1919600000000000011", "json")]


def test_consent_gates_fact_checks_and_links():
    posts = _posts("consent-and-links.html", "https://ledger.example/2025/05/fact-check-barrier-photo")
    assert _keys(posts) == [
        ("twitter", "1919100000000000001", "lazy"),  # escaped code in a <textarea>
        ("instagram", "DBarrier9xY", "lazy"),  # <script type="text/plain">
        ("twitter", "1919100000000000005", "lazy"),  # base64 in <script type="text/template">
        ("tiktok", "7355100000000000007", "lazy"),  # URL-encoded code in a data-* attribute
        ("youtube", "Barrier1234", "lazy"),  # escaped code in <script type="text/x-cookie-consented">
        ("twitter", "1919100000000000009", "link"),  # an archive.ph copy names the original post
        ("instagram", "DBarrier2zQ", "link"),  # link text "Link", carousel and share parameters
        ("twitter", "1919100000000000002", "link"),  # a bare URL as the link text, ?s=20&t=
        ("pinterest", "99360735500167800", "link"),  # the share sheet's /pin/<id>/sent/ URL, "here"
        ("twitter", "1919100000000000003", "link"),  # "Via Twitter: @user" picture credit
        ("facebook", "10161234567890123", "link"),  # ClaimReview itemReviewed.firstAppearance
        ("tiktok", "7355100000000000042", "link"),  # ClaimReview appearance, a web.archive.org copy
    ]
    by_id = {p["post_id"]: p for p in posts}
    assert by_id["1919100000000000005"]["author"] == {"handle": "FloodWatchHL", "name": "Flood Watch"}
    assert by_id["10161234567890123"]["evidence"][0]["locator"] == "jsonld:ClaimReview/itemReviewed"


def test_what_is_not_a_citation():
    """Webmentions and reactions, a promo box, the article's own Reddit/HN thread, a retweet
    button, a live rail of tweet cards and the next story's template are not citations; the
    essay's two in-text links (inside a wrapper whose class says "comment") are."""
    posts = _posts("not-citations.html", "https://tidenotes.example/essays/second-barrier")
    assert _keys(posts) == [("twitter", "1919200000000000001", "link"), ("youtube", "Review12345", "link")]


def test_newsletter_embeds_carry_their_post_in_json_attributes():
    """Newsletter platforms keep the post in a JSON ``data-attrs`` (author and text included),
    a video id beside a platform-named wrapper, footnotes whose markup sits in an attribute, and
    links behind a click-tracking redirect that carries the target base64url-encoded."""
    posts = _posts("newsletter.html", "https://tideweekly.example/p/tide-weekly-42")
    assert _keys(posts) == [
        ("twitter", "1919300000000000001", "cms"),
        ("instagram", "DClick42xY", "link"),  # link.<site>/click/<id>/<base64url of the post>/<hash>
        ("youtube", "Brief12345x", "cms"),
        ("threads", "DFootNote1a", "link"),
    ]  # not: the "Follow Tide Weekly" profile link, the redirected share intent and TikTok profile
    tweet = posts[0]
    assert tweet["author"] == {"handle": "HarbourCouncil", "name": "Harbour Council"}
    assert tweet["text"] == "The second barrier passes 7 to 2."


_TWEET = ('<blockquote class="twitter-tweet"><p>Barrier up.</p>&mdash; Port Authority (@PortAuthorityTW) '
          '<a href="https://twitter.com/PortAuthorityTW/status/1919400000000000001">May 4, 2025</a></blockquote>')
_PARA = "<p>The barrier was raised at dawn, two hours before the high tide reached the harbour wall.</p>"


def _page_with(article_open: str, article_close: str, inner: str = _TWEET) -> list[tuple]:
    from crawler.extract import CrawlMeta, extract_record

    html = (f"<!doctype html><html><head><title>Barrier</title></head><body><header><nav><a href='/'>Home</a>"
            f"</nav></header><main>{article_open}{_PARA}{inner}{_PARA}{article_close}</main>"
            f"<aside class='sidebar'><a href='https://twitter.com/Other/status/1919400000000000009'>x</a></aside>"
            f"</body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/2025/05/barrier"), main_text=False)
    return [(p.platform, p.post_id) for p in rec.posts]


@pytest.mark.parametrize("article_open,article_close", [
    ('<article class="post type-post category-trending tag-newsletter tag-related-news">', "</article>"),  # WordPress
    ('<article class="node node--type-article node--promoted node--view-mode-full">', "</article>"),  # Drupal
    ('<div class="entry-wrap category-trending tag-related-news"><div class="entry-content">', "</div></div>"),
    ('<article class="post tag-trending">', "</article>"),  # Ghost
    ('<article class="typography newsletter-post post"><div class="body markup">', "</div></article>"),
    ('<div class="content-body entry-content inline-promos" itemprop="articleBody">', "</div>"),
    ('<div class="article-body read-more-collapsed">', "</div>"),
    ('<article class="commentary"><div class="commentary-body">', "</div></article>"),
    ('<div class="newsletter-content"><div id="content-blocks">', "</div></div>"),
    # a layout named for the rail beside it
    ('<article class="ledger-article-container"><div class="ledger-article right-rail-article">'
     '<section class="body">', "</section></div></article>"),
    # a paywall's free part, and a detail view named for a list's teaser
    ('<div class="main-column__b9c1"><div class="teaser-body__b606"><div class="body-content teaser-content__388d">',
     "</div></div></div>"),
    ('<div class="blog_teaser_text" id="blog_detail">', "</div>"),
    # the main column's wrapper and variant in a layout with a rail
    ('<div class="l-main-rightrail-wrap"><div class="l-main l-main--rightrail"><div class="article-content">',
     "</div></div></div>"),
])
def test_article_containers_whose_classes_carry_chrome_words_are_still_the_article(article_open, article_close):
    """Taxonomy classes (category-*, tag-*, node--promoted) and body containers whose names hold a
    chrome word ("newsletter-post", "inline-promos") must not hide the article's posts."""
    assert _page_with(article_open, article_close) == [("twitter", "1919400000000000001")]


@pytest.mark.parametrize("wrapper", [
    '<div class="related-stories">{}</div>', '<section class="newsletter-signup">{}</section>',
    '<div class="promo-box">{}</div>', '<article class="card related">{}</article>',
    '<div class="comments-area">{}</div>', '<div class="next-article">{}</div>',
])
def test_chrome_sections_inside_the_article_stay_out(wrapper):
    inner = wrapper.format(_TWEET.replace("1919400000000000001", "1919400000000000002"))
    assert _page_with('<article class="post">', "</article>", _TWEET + inner) == [("twitter", "1919400000000000001")]


@pytest.mark.parametrize("url,expected", [
    ("https://redd.it/1kbarr1", ("reddit", "1kbarr1")),
    ("https://flic.kr/p/2kAbCdE", ("flickr", "50926304958")),  # base58 of the photo id
    ("https://www.instagram.com/stories/tidewatcher/3312345678901234567/", ("instagram", "3312345678901234567")),
    ("https://web.archive.org/web/20250504000000id_/http://twitter.com/Port/status/1919400000000000003",
     ("twitter", "1919400000000000003")),
    ("https://twitter.com/statuses/1919400000000000004", ("twitter", "1919400000000000004")),  # the old form
    ("twitter.com/Port/status/1919400000000000005", ("twitter", "1919400000000000005")),  # no scheme
    ("www.instagram.com/p/DTide4wX2a1/", ("instagram", "DTide4wX2a1")),
])
def test_short_and_archived_post_urls_in_links(url, expected):
    inner = f'<p>As <a href="{url}">this post</a> shows, the water stayed below the wall all night.</p>'
    assert _page_with('<article class="post">', "</article>", inner) == [expected]


def test_official_code_inside_a_platform_named_wrapper_stays_official():
    inner = f'<div class="twitter-wrapper embed-twitter">{_TWEET}</div>'
    from crawler.extract import CrawlMeta, extract_record

    html = f"<html><body><article>{_PARA}{inner}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [(p.post_id, [e.form for e in p.evidence]) for p in rec.posts] == [("1919400000000000001", ["embed"])]


def test_nuxt_state_becomes_json_with_its_arguments_in_place():
    from crawler.extract.embeds.jsliteral import iife_state

    script = ('window.__NUXT__=(function(a,b,y,z){return {data:[{post:{title:"Tides, ferries: all late",'
              'blocks:[{is:y,props:{align:z,id:"1919000000000000003",dark:b,n:a}}],ok:!0,gone:void 0}}]}}'
              '(null,false,"tweet","center"));')
    assert iife_state(script) == {"data": [{"post": {
        "title": "Tides, ferries: all late",  # a string that looks like keys stays as it was
        "blocks": [{"is": "tweet", "props": {"align": "center", "id": "1919000000000000003", "dark": False,
                                             "n": None}}],
        "ok": True, "gone": None}}]}
    assert iife_state("window.x = {a: 1};") is None  # not a state function: left to the other readers


def test_devalue_flat_state_becomes_the_tree_it_encodes():
    from crawler.extract.embeds.devalue import is_flat, unflatten

    flat = [["ShallowReactive", 1],
            {"story": 2, "when": 5, "tags": 6, "by_key": 7, "bare": 8, "gone": -1, "self": 0, "far": 99},
            {"slug": 3, "embeds": 4},
            "ferry-strike-ends",
            [3, 3],  # a string shared by index stays a string wherever it is used
            ["Date", "2025-05-09T06:00:00.000Z"],
            ["Set", 3],
            ["Map", 3, 5],
            ["null", "k", 3]]
    assert is_flat(flat)
    assert unflatten(flat) == {
        "story": {"slug": "ferry-strike-ends", "embeds": ["ferry-strike-ends", "ferry-strike-ends"]},
        "when": "2025-05-09T06:00:00.000Z", "tags": ["ferry-strike-ends"],
        "by_key": {"ferry-strike-ends": "2025-05-09T06:00:00.000Z"}, "bare": {"k": "ferry-strike-ends"},
        "gone": None, "self": None, "far": None,  # undefined, a cycle back to the root, out of range
    }
    assert not is_flat([{"title": "x"}, {"title": "y"}])  # a plain list of objects is not devalue's
    assert not is_flat([["a", "b"], 1]) and not is_flat([1, 2])


def test_referrer_lists_playlist_widgets_and_picture_credits():
    inner = (
        '<figure><img src="/a.jpg" alt=""><div class="figure-footer"><span class="attribution">'
        '<a href="https://instagram.com/p/DCredit12Ab/#author_lenaharbour">Instagram: @lena.harbour</a>'
        '</span></div></figure>'
        '<iframe src="https://www.youtube.com/embed/Widget12345?playlist=Other123456,Other234567,Other345678">'
        '</iframe>')
    tail = ('<div class="refererlist"><ul><li><a href="https://twitter.com/Reader/status/1919400000000000020">'
            'Twitter [Reader]</a> x5</li></ul></div>')
    from crawler.extract import CrawlMeta, extract_record

    html = f"<html><body><article>{_PARA}{inner}{_PARA}</article>{tail}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False).to_dict()
    assert [(p["platform"], p["post_id"], p["author"]["handle"]) for p in rec["posts"]] == [
        ("instagram", "DCredit12Ab", "lena.harbour")]  # not: the site's video player, the referrer list


def test_a_tweets_code_with_its_class_stripped_is_still_the_embed():
    """Sanitisers and readers drop class attributes; the signature and the last status link stay."""
    bare = ('<blockquote><p>Barrier up at dawn.</p>&mdash; Port Authority (@PortAuthorityTW) '
            '<a href="https://twitter.com/PortAuthorityTW/status/1919400000000000001">May 4, 2025</a></blockquote>')
    quote = ('<blockquote><p>"We will rebuild," the mayor said, as <a href="https://twitter.com/Mayor/status/'
             '1919400000000000005">she wrote</a> on Friday.</p></blockquote>')
    from crawler.extract import CrawlMeta, extract_record

    html = f"<html><body><article>{_PARA}{bare}{quote}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [(p.post_id, p.author.handle, p.author.name, [e.form for e in p.evidence]) for p in rec.posts] == [
        ("1919400000000000001", "PortAuthorityTW", "Port Authority", ["embed"]),
        ("1919400000000000005", "Mayor", None, ["link"]),  # a quotation with a link: no signature, a link
    ]


def test_state_urls_are_this_page_another_page_or_not_a_page_in_every_spelling():
    """Blobs hold hundreds of URLs; most are other hosts' (images, links), turned away before any
    parse. A URL of this site is never turned away so, whatever its case, www., port or user."""
    from crawler.extract.embeds.stateobjects import StateScanner

    scanner = StateScanner(["https://www.ledger.example/2025/05/ferry-strike-ends"])
    assert [scanner.is_page(u) for u in (
        "https://LEDGER.example/2025/05/ferry-strike-ends/",  # this page, other case, no www.
        "http://www.ledger.example:8080/2025/05/ferry-strike-ends?ref=home",  # with a port and a query
        "https://editor@ledger.example/2025/05/ferry-strike-ends",  # with a user
        "/2025/05/ferry-strike-ends",  # a path
        "https://ledger.example/2025/05/other-story",  # another page of this site
        "/2025/05/other-story",
        "https://cdn.images.example/2025/05/ferry-strike-ends.jpg",  # another host
        "https://twitter.com/PortAuthorityTW/status/1919400000000000001",
        "ledger.example/2025/05/ferry-strike-ends",  # not a URL
    )] == [True, True, True, True, False, False, None, None, None]


def test_posts_after_the_articles_body_are_the_pages_not_the_articles():
    """A "most viewed" box and a right column under names that say nothing ("box", "col-md-4")
    follow the article's body: their posts are the page's. The lead video above the body and
    the tweet inside it are the article's."""
    posts = _posts("after-the-body.html", "https://ledger.example/2025/06/night-ferries-return")
    assert _keys(posts) == [("youtube", "LeadVid1234", "iframe"), ("twitter", "1919500000000000001", "embed")]


def test_with_several_article_bodies_nothing_is_taken_for_after_the_body():
    """A page of whole stories (or of cards) has no one body to stand after: a post after them
    stays, as the walk found it."""
    from crawler.extract import CrawlMeta, extract_record

    story = "<article>" + "<p>The harbour reopened to night ferries after three weeks of repairs.</p>" * 3 + "</article>"
    tweet = ('<blockquote class="twitter-tweet"><a href="https://twitter.com/HarbourFerries/status/'
             '1919500000000000009">June 2, 2025</a></blockquote>')
    html = f"<html><body>{story}{story}<div class='box'>{tweet}</div></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/live"), main_text=False)
    assert [p.post_id for p in rec.posts] == ["1919500000000000009"]


@pytest.mark.parametrize("box", [
    "<div class='author-bio'><p>Jane Doe covers the harbour for the Ledger. {link} on the storm.</p></div>",
    "<div class='inline-recirc'><h4>Read more</h4><p>{link}</p></div>",
    "<div class='mostViewed'><ol><li>{link}</li></ol></div>",
    "<div id='PopularPosts1' class='widget PopularPosts'><ul><li>{link}</li></ul></div>",
    "<div class='about-the-author'><p>Jane Doe writes about ports and ferries. {link} on the storm.</p></div>",
])
def test_boxes_inside_the_article_that_are_the_sites_cite_nothing(box):
    """An author's box, a recirculation module or a "most viewed" list sits inside the article's
    markup but is the site's: its links are not the article's citations (control: the same link
    in the text is)."""
    from crawler.extract import CrawlMeta, extract_record

    link = "<a href='https://twitter.com/JaneDoe/status/1919500000000000011'>Her latest thread</a>"
    text = "<p>The harbour authority said the barrier would stay closed, and the ferries would wait.</p>"
    for inner, want in ((box.format(link=link), []), (f"<p>As she wrote, {link} on the storm.</p>",
                                                      ["1919500000000000011"])):
        html = f"<html><body><article>{text}{inner}{text}</article></body></html>"
        rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
        assert [p.post_id for p in rec.posts] == want


def _b64(markup: str) -> str:
    import base64

    return base64.b64encode(markup.encode()).decode()


_TWEET_CODE = ('<blockquote class="twitter-tweet"><p>Gates shut.</p>&mdash; Port (@PortTW) '
               '<a href="https://twitter.com/PortTW/status/1919600000000000001">May 4, 2025</a></blockquote>')


@pytest.mark.parametrize("snippet,key", [
    # consent plugins keep the player's URL in an attribute named for a source, whatever its name
    ('<iframe consent-original-src-_="https://www.youtube.com/embed/Gate1234567?feature=oembed" '
     'consent-required="4" consent-by="services"></iframe>', ("youtube", "Gate1234567")),
    ('<iframe class="_iub_cs_activate" suppressedsrc="https://www.youtube.com/embed/Gate2345678" '
     'src="data:text/html;base64,PGh0bWw+"></iframe>', ("youtube", "Gate2345678")),
    # or the official code, base64-encoded, in a data attribute
    (f'<div class="brlbs-cmpnt-container" data-borlabs-cookie-content="{_b64(_TWEET_CODE)}"></div>',
     ("twitter", "1919600000000000001")),
    # Instant Articles: the official code as an attribute-less iframe's content
    (f'<figure class="op-interactive"><iframe>{_TWEET_CODE}</iframe></figure>', ("twitter", "1919600000000000001")),
    # lazy players by their tags, and a noscript poster link with its label
    ('<lite-vimeo videoid="912345678"></lite-vimeo>', ("vimeo", "912345678")),
    ('<ps-youtubeplayer class="YouTubeVideoPlayer" data-video-id="Gate3456789"></ps-youtubeplayer>',
     ("youtube", "Gate3456789")),
    ('<embetty-tweet status="1919600000000000002"></embetty-tweet>', ("twitter", "1919600000000000002")),
    ('<div class="lyMe" id="WYL_Gate4567890"><noscript><a href="https://youtu.be/Gate4567890">'
     '<img src="https://i.ytimg.com/vi/Gate4567890/0.jpg" alt=""><br>Watch this video on YouTube</a></noscript></div>',
     ("youtube", "Gate4567890")),
])
def test_consent_gates_and_lazy_players_of_more_plugins(snippet, key):
    from crawler.extract import CrawlMeta, extract_record

    html = f"<html><body><article><p>The harbour gates were shut on Friday night.</p>{snippet}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [(p.platform, p.post_id) for p in rec.posts] == [key]


def _parked_in_js(markup: str) -> str:
    """Embed Privacy's form: the code HTML-escaped, in JSON, in a single-quoted JS literal
    (PHP's addslashes: every backslash and quote escaped once more)."""
    payload = json.dumps({"embed": html_escape(markup)}).replace("/", "\\/")
    return payload.replace("\\", "\\\\").replace('"', '\\"')


@pytest.mark.parametrize("script", [
    f"var _oembed_5f1c = '{_parked_in_js(_TWEET_CODE)}';",  # a consent plugin's parked code
    # the code a script writes once the reader agrees, in a plain string
    "consent.on('twitter', function () { box.innerHTML = '" + _TWEET_CODE.replace("'", "\\'") + "'; });",
    # the same with its angle brackets escaped for an inline script
    "box.innerHTML = \"" + _TWEET_CODE.replace("<", "\\u003c").replace('"', '\\"') + "\";",
])
def test_embed_code_an_inline_script_holds_in_a_string_is_the_embed(script):
    from crawler.extract import CrawlMeta, extract_record

    gate = (f'<div class="ep-container ep-twitter"><div class="ep-overlay"><p>Click to show content from X.</p>'
            f'<div class="ep-footer"><a href="https://twitter.com/PortTW/status/1919600000000000001">'
            f'Open post directly</a></div></div><div class="ep-content"><script>{script}</script></div></div>')
    html = f"<html><body><article><p>The harbour gates were shut on Friday night.</p>{gate}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [(p.platform, p.post_id, p.text, p.author.handle) for p in rec.posts] == [
        ("twitter", "1919600000000000001", "Gates shut.", "PortTW")]
    # the same script in a box of other stories cites nothing
    boxed = html.replace('<div class="ep-container', '<aside class="related-stories"><div class="ep-container').replace(
        "</article>", "</aside></article>")
    assert extract_record(boxed.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False).posts == []


def test_a_picture_set_or_a_page_source_is_no_held_url():
    from crawler.extract import CrawlMeta, extract_record

    html = ('<html><body><article><p>The harbour gates were shut.</p>'
            '<img srcset="https://www.youtube.com/embed/Gate1234567 2x" data-srcset="https://youtu.be/Gate1234567 1x">'
            '</article></body></html>')
    assert extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False).posts == []


@pytest.mark.parametrize("box", [
    "<aside class='css-15zr8o right-rail'>{embed}</aside>",
    "<div class='wp-block-group follow-us'><h3>Follow us on Twitter</h3>{embed}</div>",
    "<div class='c-author-bio'><p>Jane Doe covers the harbour for the Ledger, and wrote about it {embed}.</p></div>",
    "<div class='paragraph--type--newsletter-signup'><p>Get the Ledger daily, as {embed} shows.</p></div>",
    "<div class='wp-block-group video-of-the-week'><h3>Video of the week</h3>{embed}</div>",
    "<div class='elementor-element daily-video-box elementor-widget'><div class='dv-embed'>{embed}</div></div>",
    "<div id='pum-59523' class='pum pum-overlay pum-theme-5 popmake-overlay click_open'><div class='pum-container "
    "popmake theme-5'><div class='pum-content popmake-content'><p>At the rally ({embed})</p></div></div></div>",
    "<div class='ad-wrapper'><span>Advertisement</span>{embed}</div>",
    "<div class='sponsored-post'>{embed}</div>",
    "<div class='breaking-news-bar'><span>Breaking</span> {embed}</div>",
    "<div data-spotim-module='conversation'><div class='spcv_conversation'><p>Look at {embed}, reader says.</p></div></div>",
    "<section class='fediverse-replies'><p>A reader replied with {embed} on Mastodon.</p></section>",
])
def test_site_boxes_under_bem_and_vendor_names_cite_nothing(box):
    """Rails, follow and newsletter boxes, author bios behind a BEM prefix, promos, ads, and comment
    vendors that never say "comment" hold the site's or the readers' posts, not the article's
    (control: the same post in the text is cited)."""
    from crawler.extract import CrawlMeta, extract_record

    tweet = ('<blockquote class="twitter-tweet"><a href="https://twitter.com/LedgerNews/status/'
             '1919700000000000001">May 4, 2025</a></blockquote>')
    link = "<a href='https://twitter.com/LedgerNews/status/1919700000000000001'>this thread</a>"
    embed = link if "<p>" in box else tweet
    text = "<p>The harbour authority said the barrier would stay closed, and the ferries would wait.</p>"
    for inner, want in ((box.format(embed=embed), []), (f"<p>The council said so in {link} on Friday.</p>",
                                                        ["1919700000000000001"])):
        html = f"<html><body><article>{text}{inner}{text}</article></body></html>"
        rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
        assert [p.post_id for p in rec.posts] == want


def test_drupals_page_wrapper_and_layout_modifiers_are_no_chrome():
    """Drupal wraps every page in "dialog-off-canvas-main-canvas"; "o-layout--with-related-rail"
    says what a layout holds, "advert-content-wrap" wraps content with ads beside it: none hides
    the article's posts."""
    from crawler.extract import CrawlMeta, extract_record

    tweet = ('<blockquote class="twitter-tweet"><a href="https://twitter.com/LedgerNews/status/'
             '1919700000000000002">May 4, 2025</a></blockquote>')
    for wrapper in ("dialog-off-canvas-main-canvas", "o-layout o-layout--with-related-rail",
                    "container advert-content-wrap"):  # (a content wrapper with ads beside it)
        html = (f"<html><body><div class='{wrapper}'><article><p>The harbour authority said the barrier would "
                f"stay closed.</p>{tweet}</article></div></body></html>")
        rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
        assert [p.post_id for p in rec.posts] == ["1919700000000000002"], wrapper


@pytest.mark.parametrize("tail", [
    "<h3>Liked by</h3><ul class='facepile'><li><a href='{post}'><img alt='Ana'></a></li></ul>",
    "<p><a class='u-syndication' href='{post}'>Also posted on Mastodon</a></p>",
    "<ul><li><a href='{post}#favorited-by-1009823'><img alt='Ana'></a></li></ul>",
    "<p>Comments: <a href='{post}'>Mastodon</a> · <a href='https://news.ycombinator.com/item?id=1'>HN</a></p>",
    "<p>You can comment on this post <a href='{post}'>on Mastodon</a>; replies show up below.</p>",
    "<p>This post was discussed on <a href='{post}'>Mastodon</a>.</p>",
])
def test_a_blogs_own_copies_reactions_and_discussion_links_cite_nothing(tail):
    from crawler.extract import CrawlMeta, extract_record

    post = "https://mastodon.social/@janedoe/116472000000000001"
    html = ("<html><body><article class='h-entry'><p>I rebuilt the harbour tide clock this weekend, and it works."
            f"</p>{tail.format(post=post)}</article></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://janedoe.example/tide-clock"), main_text=False)
    assert rec.posts == []


def test_a_state_blob_with_a_short_slug_is_found_by_its_headline():
    """The page's address ends in a short word ("storm"), too short to know a slug by: the
    article object's own slug must not make it "another page" before its headline is read."""
    from crawler.extract import CrawlMeta, extract_record

    state = ('{"props":{"pageProps":{"article":{"slug":"storm","headline":"Storm shuts the harbour barrier",'
             '"blocks":[{"type":"tweet","url":"https://twitter.com/PortTW/status/1919700000000000003"}]}}}}')
    html = ("<html><head><title>Storm shuts the harbour barrier</title>"
            "<meta property='og:title' content='Storm shuts the harbour barrier'></head><body>"
            f"<article><p>The barrier closed.</p></article><script id='__NEXT_DATA__' type='application/json'>{state}"
            "</script></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/2025/05/storm"), main_text=False)
    assert [p.post_id for p in rec.posts] == ["1919700000000000003"]


def test_links_in_the_articles_body_held_only_in_state_are_the_texts_links():
    """A slideshow page renders its body from state: the picture credits linking posts are only in
    the article object's HTML; another story's body in the same blob stays out."""
    from crawler.extract import CrawlMeta, extract_record

    own = ('<p>The keeper posted the storm.</p><figure><img src=\\"/a.jpg\\"><figcaption>Image: <a href=\\"'
           'https:\\/\\/www.instagram.com\\/p\\/DHarbour1aB\\/\\">Instagram\\/harbourkeeper</a></figcaption></figure>')
    other = '<p>Elsewhere: <a href=\\"https:\\/\\/twitter.com\\/Other\\/status\\/1919700000000000099\\">a tweet</a></p>'
    state = ('window.context = {"type":"post","title":"Keeper films the storm surge",'
             '"permalink":"\\/\\/ledger.example\\/2025\\/05\\/keeper-storm\\/","content":"' + own + '",'
             '"next":{"title":"Another story","permalink":"\\/\\/ledger.example\\/2025\\/05\\/other\\/",'
             '"content":"' + other + '"}};')
    html = ("<html><head><title>Keeper films the storm surge</title></head><body><article><h1>Keeper films the storm "
            f"surge</h1><div class='gamma-slide'><img src='/blank.svg'></div></article><script>{state}</script></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/2025/05/keeper-storm/21"), main_text=False)
    assert [(p.platform, p.post_id) for p in rec.posts] == [("instagram", "DHarbour1aB")]


@pytest.mark.parametrize("inner,want", [
    ("<p>Source: https://twitter.com/cityfire/status/1919700000000000004</p>", ["1919700000000000004"]),
    ("<p><strong>Source:</strong> https://twitter.com/cityfire/status/1919700000000000004.</p>", ["1919700000000000004"]),
    ("<p>https://twitter.com/cityfire/status/1919700000000000004</p>", ["1919700000000000004"]),  # a failed oEmbed
    ("<pre><code>curl https://twitter.com/cityfire/status/1919700000000000004</code></pre>", []),  # a code sample
    ("<div class='related'>https://twitter.com/cityfire/status/1919700000000000004</div>", []),
    ("<div class='share-bar'>Share: https://twitter.com/cityfire/status/1919700000000000004</div>", []),
    ("<p>Follow us at https://twitter.com/cityfire</p>", []),  # a profile
])
def test_a_posts_address_written_out_in_the_text_is_a_citation(inner, want):
    from crawler.extract import CrawlMeta, extract_record

    html = f"<html><body><article><p>The fire department posted the closure on Friday.</p>{inner}</article></body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [p.post_id for p in rec.posts] == want
    assert all(e.form == "link" for p in rec.posts for e in p.evidence)


@pytest.mark.parametrize("box", [
    "<div class='c-follow-module'><h3>Follow us on TikTok</h3>{embed}</div>",
    "<div class='subscribe-box'><h3>Subscribe to our channel</h3>{embed}</div>",
    "<div class='entry-author'><h4>About Jane</h4>{embed}</div>",
    "<div class='juicer-feed'><h3>Our latest posts</h3>{embed}</div>",
    "<div id='sb_instagram' class='sbi sbi_col_4'>{embed}</div>",
    "<section class='css-7x9qrw video-week'><h2>Video of the week</h2>{embed}</section>",
])
def test_feeds_follow_boxes_and_author_boxes_cite_nothing(box):
    """Control: the same embed in the article's text is cited."""
    from crawler.extract import CrawlMeta, extract_record

    tweet = ('<blockquote class="twitter-tweet"><a href="https://twitter.com/LedgerNews/status/'
             '1919800000000000001">May 4, 2025</a></blockquote>')
    text = "<p>The harbour authority said the barrier would stay closed, and the ferries would wait.</p>"
    for inner, want in ((box.format(embed=tweet), []), (tweet, ["1919800000000000001"])):
        html = f"<html><body><article>{text}{inner}{text}</article></body></html>"
        rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
        assert [p.post_id for p in rec.posts] == want


def test_a_drawer_and_a_left_aside_before_the_article_cite_nothing():
    from crawler.extract import CrawlMeta, extract_record

    video = '<amp-youtube data-videoid="Drawer12345" layout="responsive" width="16" height="9"></amp-youtube>'
    text = "<p>The harbour authority said the barrier would stay closed, and the ferries would wait.</p>"
    for before in (f"<amp-sidebar id='menuDrawer' layout='nodisplay'>{video}</amp-sidebar>",
                   f"<div class='l-aside'>{video}</div>"):
        html = f"<html><body>{before}<article>{text}{text}{text}</article></body></html>"
        assert extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False).posts == []


def test_a_state_modifier_does_not_make_the_body_a_share_bar():
    """"c-social-embeds-enabled" says the body allows embeds; it is no social bar: a short sentence
    with a link in it stays a citation."""
    from crawler.extract import CrawlMeta, extract_record

    html = ("<html><body><article><div class='article-body c-social-embeds-enabled'><p>The harbour shut.</p>"
            "<p>The mayor <a href='https://twitter.com/Mayor/status/1919800000000000002'>posted this</a>.</p>"
            "</div></article></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/a"), main_text=False)
    assert [p.post_id for p in rec.posts] == ["1919800000000000002"]


def test_a_page_holding_several_stories_cites_the_posts_of_all():
    """The labelled sets' convention (``multi_article``): a page whose HTML holds several stories
    (a river or infinite-scroll stories below the one its address names) cites the posts of all
    of them, as a reader of the page sees them."""
    from crawler.extract import CrawlMeta, extract_record

    def story(title: str, tid: str) -> str:
        return (f"<article><h2>{title}</h2><p>The harbour authority said so on Friday.</p><p>And again.</p>"
                f"<p>And once more.</p><blockquote class='twitter-tweet'><a href='https://twitter.com/LedgerNews/status/"
                f"{tid}'>May 4, 2025</a></blockquote></article>")
    html = (f"<html><body><main>{story('Barrier stays closed', '1919800000000000002')}</main>"
            f"<div id='infinite-view-2' class='infinite-wrap'>{story('Ferries wait', '1919800000000000003')}</div>"
            f"<div class='minutes-secondary'>{story('New harbour master', '1919800000000000004')}</div></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url="https://ledger.example/barrier-stays-closed"), main_text=False)
    assert [p.post_id for p in rec.posts] == ["1919800000000000002", "1919800000000000003", "1919800000000000004"]


def test_a_page_that_is_itself_a_post_does_not_cite_itself():
    """A Tumblr post's own page links to itself from its title: that is the page, not a citation;
    the post it links in its text still is."""
    from crawler.extract import CrawlMeta, extract_record

    page = "https://harbourkeeper.tumblr.com/post/712345678901234567/storm-surge"
    html = (f"<html><head><link rel='canonical' href='{page}'></head><body><div class='post'>"
            f"<h3><a href='{page}'>Storm surge at the barrier</a></h3><p>The keeper filmed the surge and the port "
            "<a href='https://twitter.com/PortTW/status/1919700000000000021'>posted it too</a> an hour later.</p>"
            "</div></body></html>")
    rec = extract_record(html.encode(), CrawlMeta(url=page), main_text=False)
    assert [(p.platform, p.post_id) for p in rec.posts] == [("twitter", "1919700000000000021")]
