"""Detection on real third-party pages (../shared/realworld and ../shared/realworld-v2), scored
by bench/realworld.py over both sets together, at the bars issue 12 sets: posts precision
>= 0.99 and recall >= 0.98, the page's copyright right on >= 0.97 of the pages."""

from __future__ import annotations

import sys

from conftest import ROOT, SHARED, needs_shared

sys.path.insert(0, str(ROOT / "bench"))


@needs_shared
def test_posts_and_rights_on_real_pages():
    import realworld

    result = realworld.score([SHARED / "realworld", SHARED / "realworld-v2"])
    assert result["pages"] == 42 + 35
    posts = result["posts"]
    problems = result["problems"]
    assert posts["precision"] >= 0.99, problems
    assert posts["recall"] >= 0.98, problems
    assert posts["handle_accuracy"] is None or posts["handle_accuracy"] >= 0.95, problems
    assert result["rights"]["page_copyright_accuracy"] >= 0.97, [p for p in problems if "RIGHTS" in p]


@needs_shared
def test_the_page_list_keeps_only_the_named_pages(tmp_path):
    import realworld

    listed = tmp_path / "pages.txt"
    listed.write_text("# two pages\nbustle-compliment-women.html\nnpr-dylann-roof-guilty.html\n")
    result = realworld.score([SHARED / "realworld-v2"], pages=realworld.read_page_list(listed))
    assert result["pages"] == 2
