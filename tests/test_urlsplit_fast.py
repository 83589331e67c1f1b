"""The plain-URL fast path of ``Url`` (crawler/extract/embeds/base.py) gives exactly the parts
``urllib.parse.urlsplit`` gives, and steps aside for every URL it does not cover."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from crawler.extract.embeds.base import Url, plain_split

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

EDGE = [
    "https://twitter.com/user/status/1234567890123456789?s=20&t=abc#frag",
    "http://x.com", "https://x.com/", "https://x.com?x=1", "https://x.com#top", "https://X.COM:443/A/b",
    "https://www.instagram.com/p/Cabc123/?img_index=2&igsh=xyz", "https://host:/path", "https://host./p",
    "https://a.b/p?q=1#f?g=2", "https://a.b/p#f/g", "https://a.b#f?x/y", "https://a.b?q=/x#y",
    "https://:80/x", "https://", "http://", "https:///path", "https://a.b/p q", "https://a.b/%2F?x=%3C",
    "/relative/path", "/a/b?x=1#y", "/", "/a:b/c", "/p#f?x",
    # not covered: urlsplit reads these
    "https://user@host/x", "https://x.com@evil.example/", "https://[::1]:8080/x", "https://[::1/x",
    "https://hôst.example/x", "https://a.b/p\tq", "https://a.b/\nx", "HTTPS://X.COM/A", "//x.com/a",
    "ftp://x.com/a", "https:x.com", "javascript:void(0)", "mailto:a@b.c", "/a\tb", "relative/path", "",
]


def corpus() -> list[str]:
    urls = list(EDGE)
    pages = sorted((ROOT / "fixtures").rglob("*.html"))
    if (SHARED / "realworld" / "pages").is_dir():
        pages += sorted((SHARED / "realworld" / "pages").glob("*.html"))
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        urls += [v.strip() for el in tree.iter() if isinstance(el.tag, str)
                 for k, v in el.items() if k in ("href", "src", "data-src", "cite", "data-url")]
    return urls


def test_the_fast_path_gives_urlsplits_parts():
    urls = corpus()
    covered = 0
    for url in urls:
        fast = plain_split(url)
        if fast is None:
            continue
        covered += 1
        slow = urlsplit(url)
        assert (fast.scheme, fast.netloc, fast.path, fast.query, fast.fragment) == tuple(slow), url
        assert fast.hostname == slow.hostname, url
    assert covered > len(urls) // 2  # the pages' URLs take the fast path


@pytest.mark.parametrize("url", ["https://user@host/x", "https://[::1]:8080/x", "https://hôst.example/x",
                                 "https://a.b/p\tq", "HTTPS://X.COM/A", "//x.com/a", "ftp://x.com/a",
                                 "/a\nb", "relative/path"])
def test_other_urls_are_left_to_urlsplit(url):
    assert plain_split(url) is None


QUERIES = ["", "a=1", "a=1&a=2", "a=&b", "&&a=1&", "a+b=c+d", "u=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1",
           "url=https://www.instagram.com/p/X/?utm_source=ig&x=1", "%61=%62", "a=%zz", "a==b", "=v", "a=%E2%82%AC",
           "a=%ff", "a;b=1", "v=abc&list=PL1#t"]


def test_url_params_are_parse_qs_first_values():
    urls = [f"https://x.com/p?{q}" for q in QUERIES] + [u for u in corpus() if u.startswith("http") and "?" in u]
    assert len(urls) > len(QUERIES)
    for url in urls:
        u = Url(url)
        assert u.params == {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}, url
