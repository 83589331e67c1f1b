"""The whole record against trafilatura's JSON extraction, and detection against one parse.

In one process, alternating A B A B so machine noise cancels, over the same pages:

1. ``extract_record`` (parse, article fields, main text hash, posts, rights, record) vs
   ``trafilatura.extract(html, output_format="json", with_metadata=True)``;
2. detection alone (posts + rights on an already-parsed tree) vs ``lxml.html.fromstring``, and
   the posts pass alone (issue 3's measure); and detection once more with the rights-line cache
   emptied first: the warm rounds answer every page's rights lines from it, while on pages of
   many sites only a site's repeated footer line would be.

Page sets: our fixtures (``fixtures/pages`` and ``fixtures/site``) and ``../shared/realworld/pages``
when present. Prints medians per page and the ratios.

Usage: python bench/extraction.py [--rounds N] [DIR ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from crawler.extract import CrawlMeta, extract_record  # noqa: E402
from crawler.extract.document import Document, decode_bytes, parse_html  # noqa: E402
from crawler.extract.embeds import find_posts  # noqa: E402
from crawler.extract.rights import SignScan, find_rights  # noqa: E402
from crawler.extract.rights.page import line_facts  # noqa: E402


def load(dirs: list[Path]) -> list[bytes]:
    pages = []
    for d in dirs:
        pages += [p.read_bytes() for p in sorted(d.rglob("*.htm*"))]
    return pages


def timed(fn, items) -> float:
    t = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("dirs", nargs="*", type=Path)
    args = ap.parse_args()
    shared = ROOT.parent / "shared" / "realworld" / "pages"
    dirs = args.dirs or [ROOT / "fixtures" / "pages", ROOT / "fixtures" / "site"]
    if not args.dirs and shared.is_dir():
        dirs.append(shared)
    pages = load(dirs)
    texts = [decode_bytes(p) for p in pages]
    meta = CrawlMeta(url="https://example.org/2025/01/01/story/")

    import trafilatura

    def ours(page):
        extract_record(page, meta)

    def theirs(text):
        trafilatura.extract(text, output_format="json", with_metadata=True, url=meta.url)

    def parse(text):
        lxml.html.fromstring(text)

    def detect(tree):
        doc = Document(tree=tree, url=meta.url)
        signs = SignScan()
        find_posts(doc, [doc.url], signs=signs)
        find_rights(doc, signs)

    def posts_only(tree):
        find_posts(Document(tree=tree, url=meta.url), [meta.url])

    def detect_cold(trees):
        line_facts.cache_clear()  # as on pages of many sites, where no footer line repeats
        for tree in trees:
            detect(tree)

    trees = [parse_html(t) for t in texts]
    rec, traf, prs, det, pst, cold = [], [], [], [], [], []
    for _ in range(args.rounds):
        rec.append(timed(ours, pages))
        traf.append(timed(theirs, texts))
        prs.append(timed(parse, texts))
        det.append(timed(detect, trees))
        pst.append(timed(posts_only, trees))
        cold.append(timed(detect_cold, [trees]))
    n = len(pages)
    ms = {k: statistics.median(v) / n * 1000 for k, v in
          (("record", rec), ("trafilatura", traf), ("parse", prs), ("detect", det), ("posts", pst),
           ("cold", cold))}
    print(f"{n} pages from {', '.join(str(d) for d in dirs)}; {args.rounds} rounds, medians per page")
    print(f"whole record (extract_record):            {ms['record']:.2f} ms")
    print(f"trafilatura.extract json + metadata:       {ms['trafilatura']:.2f} ms")
    print(f"ratio record / trafilatura:               {ms['record'] / ms['trafilatura']:.2f}x")
    print(f"one lxml.html.fromstring:                  {ms['parse']:.2f} ms")
    print(f"detection (posts + rights, parsed tree):   {ms['detect']:.2f} ms")
    print(f"ratio detection / parse:                   {ms['detect'] / ms['parse']:.2f}x")
    print(f"posts pass alone (no rights):              {ms['posts']:.2f} ms  ratio {ms['posts'] / ms['parse']:.2f}x")
    print(f"detection, rights-line cache emptied first: {ms['cold']:.2f} ms  ratio {ms['cold'] / ms['parse']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
