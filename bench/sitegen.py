"""A generated local news site of N article pages (with embeds and a footer), for benchmarks."""

from __future__ import annotations

from pathlib import Path

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {i} | Bench Times</title>
<link rel="canonical" href="__BASE__/story/{i}.html"><meta property="og:type" content="article">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"Story {i}",
"datePublished":"2025-05-{d:02d}T10:00:00Z","author":{{"@type":"Person","name":"Writer {w}"}},
"publisher":{{"@type":"Organization","name":"Bench Times"}}}}</script></head><body>
<header><nav><a href="__BASE__/">Home</a> <a href="https://twitter.com/BenchTimes">Follow</a></nav></header>
<article><h1>Story {i}</h1>
{paras}
<blockquote class="twitter-tweet"><p>Post about story {i}</p>&mdash; Source (@source{w}) <a href="https://twitter.com/source{w}/status/{tid}">May {d}, 2025</a></blockquote>
<p>More about story {i}: <a href="https://www.youtube.com/watch?v=Vid{i:08d}">the video</a> shows it.</p>
</article><footer><p>© 2025 Bench Times Ltd. All rights reserved.</p></footer></body></html>
"""


def make_site(root: Path, n: int, paragraphs: int = 6) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "story").mkdir(exist_ok=True)
    para = "<p>" + "A sentence of the story that says something about the harbour. " * 8 + "</p>"
    for i in range(n):
        (root / "story" / f"{i}.html").write_text(PAGE.format(
            i=i, d=1 + i % 28, w=i % 50, tid=1918000000000000000 + i, paras=para * paragraphs), "utf-8")
    locs = "".join(f"<url><loc>__BASE__/story/{i}.html</loc><lastmod>2025-05-{1 + i % 28:02d}</lastmod></url>"
                   for i in range(n))
    (root / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>', "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nSitemap: __BASE__/sitemap.xml\n", "utf-8")
    return root
