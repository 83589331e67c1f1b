"""Cost of detection (posts + rights) against one lxml parse of the same pages.

Alternates A B A B in one process so machine noise cancels; prints medians and the ratio.
Page sets: our fixtures, and ../shared/realworld/pages when present.

Usage: python bench/detection.py [--rounds N] [DIR ...]
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

from crawler.extract.document import Document, decode_bytes, parse_html  # noqa: E402
from crawler.extract.embeds import find_posts  # noqa: E402
from crawler.extract.rights import find_rights  # noqa: E402


def pages(dirs: list[Path]) -> list[str]:
    out = []
    for d in dirs:
        out += [decode_bytes(p.read_bytes()) for p in sorted(d.glob("*.htm*"))]
    return out


def parse_only(texts: list[str]) -> float:
    t = time.perf_counter()
    for text in texts:
        lxml.html.fromstring(text)
    return time.perf_counter() - t


def detect_only(trees: list) -> float:
    t = time.perf_counter()
    for tree in trees:
        doc = Document(tree=tree, url="https://example.org/2025/01/01/some-story/")
        find_posts(doc, [doc.url])
        find_rights(doc)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("dirs", nargs="*", type=Path)
    args = ap.parse_args()
    dirs = args.dirs or [ROOT / "fixtures" / "pages"] + (
        [ROOT.parent / "shared" / "realworld" / "pages"]
        if (ROOT.parent / "shared" / "realworld" / "pages").is_dir() else [])
    texts = pages(dirs)
    trees = [parse_html(t) for t in texts]
    a, b = [], []
    for _ in range(args.rounds):
        a.append(parse_only(texts))
        b.append(detect_only(trees))
    pa, pb = statistics.median(a), statistics.median(b)
    n = len(texts)
    print(f"{n} pages from {', '.join(map(str, dirs))}")
    print(f"one lxml parse:           median {pa / n * 1000:.2f} ms/page")
    print(f"detection (posts+rights): median {pb / n * 1000:.2f} ms/page")
    print(f"ratio detection / parse:  {pb / pa:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
