"""The whole record against trafilatura's JSON extraction, and detection against one parse.

In one process, alternating A B A B so machine noise cancels, over the same pages:

1. ``extract_record`` (parse, article fields, main text hash, posts, rights, record) vs
   ``trafilatura.extract(html, output_format="json", with_metadata=True)``;
2. detection alone (posts + rights on an already-parsed tree) vs ``lxml.html.fromstring``, and
   the posts pass alone (issue 3's measure); and detection once more with the rights-line cache
   emptied first: the warm rounds answer every page's rights lines from it, while on pages of
   many sites only a site's repeated footer line would be.

Two page sets, each measured and printed on its own:

- **real pages** (``../shared/realworld`` and ``../shared/realworld-v2`` when present): third-party
  articles as they were published, the workload the speed goals are read on;
- **fixtures** (``fixtures/pages``, ``fixtures/site``): our test pages, a few KB each and packed
  with embed variants (one family fixture holds twenty embeds in 2 KB). They show what the rules
  cost per embed, and catch a rule that got slower; their ratio to a parse (5-10x) says how dense
  they are, not how fast a crawl is. Summed with the real pages, as this bench did before, they
  made a third of the detection time from a twentieth of the bytes.

With ``DIR`` arguments, those folders are one set. Prints medians per page and the ratios.

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


def measure(pages: list[bytes], rounds: int) -> dict[str, float]:
    """Median milliseconds per page of each measured step, over ``rounds`` alternating rounds."""
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
    for _ in range(rounds):
        rec.append(timed(ours, pages))
        traf.append(timed(theirs, texts))
        prs.append(timed(parse, texts))
        det.append(timed(detect, trees))
        pst.append(timed(posts_only, trees))
        cold.append(timed(detect_cold, [trees]))
    n = len(pages)
    return {k: statistics.median(v) / n * 1000 for k, v in
            (("record", rec), ("trafilatura", traf), ("parse", prs), ("detect", det), ("posts", pst),
             ("cold", cold))}


def report(title: str, dirs: list[Path], rounds: int) -> None:
    pages = load(dirs)
    if not pages:
        print(f"{title}: no pages in {', '.join(map(str, dirs))}")
        return
    ms = measure(pages, rounds)
    print(f"{title}: {len(pages)} pages from {', '.join(str(d) for d in dirs)}; {rounds} rounds, medians per page")
    print(f"  whole record (extract_record):            {ms['record']:.2f} ms")
    print(f"  trafilatura.extract json + metadata:       {ms['trafilatura']:.2f} ms")
    print(f"  ratio record / trafilatura:               {ms['record'] / ms['trafilatura']:.2f}x")
    print(f"  one lxml.html.fromstring:                  {ms['parse']:.2f} ms")
    print(f"  detection (posts + rights, parsed tree):   {ms['detect']:.2f} ms")
    print(f"  ratio detection / parse:                   {ms['detect'] / ms['parse']:.2f}x")
    print(f"  posts pass alone (no rights):              {ms['posts']:.2f} ms  ratio {ms['posts'] / ms['parse']:.2f}x")
    print(f"  detection, rights-line cache emptied first: {ms['cold']:.2f} ms  ratio {ms['cold'] / ms['parse']:.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("dirs", nargs="*", type=Path)
    args = ap.parse_args()
    if args.dirs:
        report("pages", args.dirs, args.rounds)
        return 0
    shared = ROOT.parent / "shared"
    real = [d for d in (shared / "realworld" / "pages", shared / "realworld-v2" / "pages") if d.is_dir()]
    if real:
        report("real pages (the workload: the goals are read here)", real, args.rounds)
    else:
        print(f"real pages: {shared} is absent, so only the fixtures are measured (not a workload)")
    report("fixtures (test pages packed with embed variants: rule cost, not a workload)",
           [ROOT / "fixtures" / "pages", ROOT / "fixtures" / "site"], args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
