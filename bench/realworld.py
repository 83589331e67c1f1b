"""Score post and rights detection on a labelled page set (default ``../shared/realworld``).

Posts: per page the expected set is ``{(platform, id)}`` of the labels' ``embed`` and ``link``
posts; a predicted post outside it (or labelled ``chrome``) is a false positive. Posts without
an id are matched against the label's ``unresolved`` counts. Micro precision / recall / F1,
recall per platform, and handle accuracy where the label has a handle.

Rights: the page copyright is the first ``rights`` entry with scope ``page`` (else
``article``); right when holder and years match the label's ``copyright`` or one of its
``copyright_alt``; when the label has none, reporting none is right.

Usage: python bench/realworld.py [--set DIR]... [--pages FILE] [--quiet] [--json]

``--set`` may be given several times (the sets are scored together); ``--pages FILE`` keeps
only the pages named in FILE (one file name a line, ``#`` comments), e.g. the tuning half or
the held-back half of ``../shared/realworld-v2`` in ``bench/splits/``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import CrawlMeta, extract_record  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "realworld"


def _label_key(post: dict[str, Any]) -> tuple[str, str]:
    pid = str(post["id"])
    return (post["platform"], pid)


def _pred_key(post: dict[str, Any]) -> tuple[str, str] | None:
    pid = post.get("post_id")
    if not pid:
        return None
    if post["platform"] == "reddit":
        pid = pid.split("/")[0]
    if post["platform"] == "linkedin":
        pid = pid.rsplit(":", 1)[-1]
    return (post["platform"], pid)


def norm_holder(s: str | None) -> str:
    if not s:
        return ""
    return re.sub(r"[\W_]+", " ", s.lower()).strip()


def label_years(year: str | None) -> list[int]:
    if not year:
        return []
    return [int(y) for y in re.findall(r"\d{4}", year)]


def rights_ok(pred: dict[str, Any] | None, label: dict[str, Any]) -> bool:
    accepted = [c for c in [label.get("copyright"), *(label.get("copyright_alt") or [])] if c]
    if not accepted:
        return pred is None
    if pred is None:
        return False
    for c in accepted:
        if norm_holder(pred.get("holder")) == norm_holder(c.get("holder")) and \
                sorted(pred.get("years") or []) == sorted(label_years(c.get("year"))):
            return True
    return False


def page_copyright(record: dict[str, Any]) -> dict[str, Any] | None:
    for scope in ("page", "article"):
        for r in record["rights"]:
            if r["scope"] == scope and r["kind"] in ("copyright", "syndication"):
                return r
    return None


def read_page_list(path: Path) -> set[str]:
    """Page file names listed in ``path``, one a line, ``#`` comments and blank lines skipped."""
    names = set()
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def load_labels(sets: list[Path], pages: set[str] | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """(set folder, label) pairs of every set, kept to ``pages`` when given."""
    out = []
    for set_dir in sets:
        for label in json.loads((set_dir / "labels.json").read_text("utf-8"))["pages"]:
            if pages is None or label["page"] in pages:
                out.append((set_dir, label))
    return out


def score(sets: Path | list[Path], quiet: bool = False, pages: set[str] | None = None) -> dict[str, Any]:
    if isinstance(sets, Path):
        sets = [sets]
    labelled = load_labels(sets, pages)
    labels = [label for _, label in labelled]
    tp = fp = fn = 0
    per_platform: Counter = Counter()
    per_platform_hit: Counter = Counter()
    handle_total = handle_ok = 0
    rights_right = 0
    lines: list[str] = []
    for set_dir, label in labelled:
        path = set_dir / "pages" / label["page"]
        data = path.read_bytes()
        url = label.get("url") or path.resolve().as_uri()
        rec = extract_record(data, CrawlMeta(url=url), main_text=False).to_dict()
        expected = {_label_key(p): p for p in label["posts"] if p["kind"] in ("embed", "link")}
        chrome = {_label_key(p) for p in label["posts"] if p["kind"] == "chrome"}
        unresolved = Counter()
        for u in label.get("unresolved") or []:
            unresolved[u["platform"]] += u.get("count", 1)
        predicted: dict[tuple[str, str], dict] = {}
        for p in rec["posts"]:
            k = _pred_key(p)
            if k is None:
                if unresolved[p["platform"]] > 0:
                    unresolved[p["platform"]] -= 1
                    continue
                fp += 1
                lines.append(f"  FP {label['page']}: id-less {p['platform']} post @{p['author']['handle']}")
                continue
            predicted[k] = p
        for k, p in expected.items():
            per_platform[k[0]] += 1
            if k in predicted:
                tp += 1
                per_platform_hit[k[0]] += 1
                if p.get("handle"):
                    handle_total += 1
                    got = (predicted[k]["author"]["handle"] or "").lower()
                    if got == p["handle"].lower():
                        handle_ok += 1
                    else:
                        lines.append(f"  HANDLE {label['page']}: {k} expected @{p['handle']} got @{got}")
            else:
                fn += 1
                lines.append(f"  MISS {label['page']}: {k} ({p['kind']}) {p.get('note', '')}")
        for k, p in predicted.items():
            if k not in expected:
                fp += 1
                why = "chrome" if k in chrome else "unlabelled"
                forms = ",".join(e["form"] for e in p["evidence"])
                lines.append(f"  FP {label['page']}: {k} [{why}] forms={forms} "
                             f"at {p['evidence'][0]['locator'][:90]}")
        pc = page_copyright(rec)
        if rights_ok(pc, label):
            rights_right += 1
        else:
            want = label.get("copyright")
            lines.append(f"  RIGHTS {label['page']}: got {pc and (pc['holder'], pc['years'], pc['statement'][:80])}"
                         f" want {want and (want['holder'], want['year'])}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "pages": len(labels),
        "posts": {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
                  "recall": round(recall, 4), "f1": round(f1, 4),
                  "recall_by_platform": {k: round(per_platform_hit[k] / v, 4)
                                         for k, v in sorted(per_platform.items())},
                  "handle_accuracy": round(handle_ok / handle_total, 4) if handle_total else None},
        "rights": {"page_copyright_accuracy": round(rights_right / len(labels), 4),
                   "right": rights_right},
        "problems": lines,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, action="append", help="labelled set (labels.json + pages/); repeatable")
    ap.add_argument("--pages", type=Path, help="score only the pages named in this file")
    ap.add_argument("--quiet", action="store_true", help="do not list misses and false positives")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = ap.parse_args(argv)
    sets = args.set or [DEFAULT_SET]
    for s in sets:
        if not (s / "labels.json").is_file():
            print(f"no labels.json in {s}: pass --set DIR", file=sys.stderr)
            return 2
    pages = None
    if args.pages:
        if not args.pages.is_file():
            print(f"--pages {args.pages}: no such file", file=sys.stderr)
            return 2
        pages = read_page_list(args.pages)
    res = score(sets, pages=pages)
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k != "problems"}, indent=2))
        return 0
    if not args.quiet:
        print("\n".join(res["problems"]))
    p = res["posts"]
    print(f"pages {res['pages']}  posts: precision {p['precision']:.4f}  recall {p['recall']:.4f}  "
          f"F1 {p['f1']:.4f}  (tp {p['tp']} fp {p['fp']} fn {p['fn']})")
    print("recall by platform: " + ", ".join(f"{k} {v:.3f}" for k, v in p["recall_by_platform"].items()))
    print(f"handle accuracy: {p['handle_accuracy']}")
    print(f"page copyright right: {res['rights']['page_copyright_accuracy']:.4f} "
          f"({res['rights']['right']}/{res['pages']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
