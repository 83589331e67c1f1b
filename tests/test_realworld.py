"""Detection on real third-party pages (../shared/realworld), scored by bench/realworld.py."""

from __future__ import annotations

import sys

from conftest import ROOT, SHARED, needs_shared

sys.path.insert(0, str(ROOT / "bench"))


@needs_shared
def test_posts_precision_and_recall_on_real_pages():
    import realworld

    result = realworld.score(SHARED / "realworld")
    posts = result["posts"]
    problems = [p for p in result["problems"] if not p.strip().startswith("RIGHTS")]
    assert posts["precision"] >= 0.98, problems
    assert posts["recall"] >= 0.97, problems
    assert posts["handle_accuracy"] is None or posts["handle_accuracy"] >= 0.95, problems
