"""Per-post JSON Feeds: the articles citing one post, newest first, so a subscriber follows one
post across the press. Written atomically with the same item and document code as every other
feed (``crawler.exporters``); ``CITES_FEEDS`` + ``WATCH`` rewrite them at the end of each run."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from crawler.citations import PostInputError, parse_post

logger = logging.getLogger(__name__)


def write_post_feed(store, platform: str, key: str, path: str, settings, *, limit: int | None = None,
                    since: str | None = None) -> int:
    """The JSON Feed of the articles citing ``platform:key`` now (not those that dropped it)."""
    from crawler.exporters import file_url, jsonfeed_document, jsonfeed_item, newest_first
    from crawler.extensions import write_atomic

    rows = [r for r in store.cites(platform, key, since=since) if not r["dropped_at"]]
    items = newest_first([jsonfeed_item(r) for r in store.records([row["url"] for row in rows])])
    if limit:
        items = items[:limit]
    doc = jsonfeed_document(items, title=f"Articles citing {platform}:{key}",
                            home_page_url=settings.get("JSONFEED_HOME_PAGE_URL"),
                            feed_url=file_url(path), language=settings.get("JSONFEED_LANGUAGE"))
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    return len(items)


def feed_name(platform: str, key: str) -> str:
    """A file name for the post's feed: ``twitter-1918000000000000001.json``."""
    return re.sub(r"[^\w.-]+", "_", f"{platform}-{key}").strip("_")[:200] + ".json"


def read_watch(path: str) -> list[tuple[str, str]]:
    """The watched posts: one post URL or PLATFORM:ID a line; blank lines and # comments skipped.
    A line naming no post raises ``PostInputError`` naming the file and line."""
    out = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append(parse_post(line))
        except PostInputError as exc:
            raise PostInputError(f"{path}:{n}: {exc}") from None
    return list(dict.fromkeys(out))


def write_watched_feeds(store, folder: str, watch: str, settings) -> int:
    """One feed per watched post in ``folder`` (``CITES_FEEDS``); returns how many were written.
    Raises ``ValueError`` when the index is stale: an incomplete feed would look complete."""
    if store.index_stale():
        raise ValueError(f"not rewritten: the citation index is incomplete ({store.index_stale()} article "
                         "versions stored with CITATION_INDEX=False); run `crawler reindex`")
    posts = read_watch(watch)
    for platform, key in posts:
        write_post_feed(store, platform, key, str(Path(folder) / feed_name(platform, key)), settings)
    return len(posts)


def watch_problem(settings) -> str | None:
    """Why ``CITES_FEEDS``/``WATCH`` cannot work, or None: checked before a crawl starts, so a
    bad watch list is one line and exit 2 rather than an error after the whole run."""
    from crawler.citations import ACCEPTED_FORMS

    folder, watch = settings.get("CITES_FEEDS"), settings.get("WATCH")
    if not folder and not watch:
        return None
    if not (folder and watch):
        return "CITES_FEEDS and WATCH go together: the folder of the per-post feeds and the file listing the posts"
    if not settings.getbool("CITATION_INDEX", True):
        return "CITES_FEEDS needs the citation index: drop CITATION_INDEX=False (or CITES_FEEDS and WATCH)"
    if Path(str(folder)).exists() and not Path(str(folder)).is_dir():
        return f"CITES_FEEDS: {folder} is a file; give a folder"
    try:
        read_watch(str(watch))
    except OSError as exc:
        return f"WATCH: cannot read {watch}: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return f"WATCH: {watch} is not UTF-8 text (one post URL or PLATFORM:ID a line)"
    except PostInputError as exc:
        return f"WATCH: {exc}; give {ACCEPTED_FORMS}"
    return None
