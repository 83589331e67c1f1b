"""Detection and one parse counted in instructions (valgrind's callgrind): a measure that does
not move with the machine's load, for comparing two versions of the extraction core.

Wall and CPU clocks on a shared 2-core virtual machine move ±15-30% between runs; instruction
counts are exact. They are not time (the interpreter's instructions are slower than libxml2's
parser's), so the goal stays `bench/extraction.py`'s time ratio; this shows what a change did.

Each mode runs in its own process under callgrind, which collects only inside the measured loop
(run under ``functools.reduce``, a C function nothing else in the loop calls), after one warm
round (as the time bench's median rounds are warm).

Usage: python bench/instructions.py [--root TREE] [DIR ...]   (needs ``valgrind``: apt install valgrind)
"""

from __future__ import annotations

import argparse
import functools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_mode(mode: str, root: Path, dirs: list[Path]) -> None:
    """The measured loop (inside the callgrind run)."""
    sys.path.insert(0, str(root))
    import lxml.html

    from crawler.extract.document import Document, decode_bytes, parse_html
    from crawler.extract.embeds import find_posts
    from crawler.extract.rights import SignScan, find_rights

    pages = [p.read_bytes() for d in dirs for p in sorted(d.rglob("*.htm*"))]
    texts = [decode_bytes(p) for p in pages]
    trees = [parse_html(t) for t in texts]
    url = "https://example.org/2025/01/01/story/"

    def detect(_, tree):
        doc = Document(tree=tree, url=url)
        signs = SignScan()
        find_posts(doc, [doc.url], signs=signs)
        find_rights(doc, signs)

    for tree in trees:
        detect(None, tree)
    if mode == "parse":
        functools.reduce(lambda _, text: lxml.html.fromstring(text), texts, None)
    else:
        functools.reduce(detect, trees, None)


def count(mode: str, root: Path, dirs: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
               f"--callgrind-out-file={tmp}/out", sys.executable, __file__, "--mode", mode, "--root", str(root),
               *map(str, dirs)]
        done = subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"})
    m = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not m:
        sys.exit(f"callgrind run failed ({mode}):\n{done.stderr[-2000:]}")
    return int(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="the project tree to measure (default: this one)")
    ap.add_argument("--mode", choices=("parse", "detect"), help=argparse.SUPPRESS)
    ap.add_argument("dirs", nargs="*", type=Path)
    args = ap.parse_args()
    shared = args.root.parent / "shared" / "realworld" / "pages"
    dirs = args.dirs or [args.root / "fixtures" / "pages", args.root / "fixtures" / "site"]
    if not args.dirs and shared.is_dir():
        dirs.append(shared)
    if args.mode:
        run_mode(args.mode, args.root, dirs)
        return 0
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt install valgrind (Debian), then run again")
    print(f"pages from {', '.join(map(str, dirs))}; about 3 minutes", file=sys.stderr)
    parse, detect = count("parse", args.root, dirs), count("detect", args.root, dirs)
    print(f"one lxml.html.fromstring round:  {parse / 1e6:9.1f}M instructions")
    print(f"detection round (posts + rights): {detect / 1e6:9.1f}M instructions")
    print(f"ratio detection / parse:          {detect / parse:9.2f}x (instructions, not time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
