"""``crawler cites``, ``crawler posts``, ``crawler reindex`` and ``crawler feed --post``: kept
here so ``crawler/cli.py`` only registers them. Readers open the store with ``create=False``
and no run lock: a mistyped ``STATE_URI`` is an error, never a new empty store."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.citations import ACCEPTED_FORMS, PostInputError, parse_post


def _err(msg: str) -> None:
    print(f"crawler: {msg}", file=sys.stderr)


class _Settings(dict):
    """The ``-s NAME=VALUE`` settings. Not Scrapy's: importing Scrapy (through the project's
    settings module) would double the start-up time of a query; the defaults that matter here
    are the project's (``STATE_URI``, or Redis when only ``REDIS_URL`` is set, as in a crawl)."""

    def get(self, name: str, default: Any = None) -> Any:
        if name == "STATE_URI" and "STATE_URI" not in self:
            return super().get("REDIS_URL") or "sqlite:///.state/crawler.sqlite"
        return super().get(name, default)


def _settings(args: argparse.Namespace, command: str) -> _Settings | None:
    settings = _Settings()
    for item in args.set or []:
        name, sep, value = item.partition("=")
        if not sep:
            _err(f"{command}: -s {item!r}: expected NAME=VALUE")
            return None
        settings[name] = value
    return settings


def _since(args: argparse.Namespace, command: str) -> tuple[bool, str | None]:
    from crawler.extract.article import iso_date

    if not args.since:
        return True, None
    since = iso_date(args.since)
    if since is None:
        _err(f"{command}: --since {args.since!r} is not a date (e.g. 2025-05-01)")
    return since is not None, since


def _open(settings, command: str, *, lock: bool = False):
    """(store, exit code): the store, or None and 2 (no such store) / 1 (cannot be used)."""
    from crawler.state import StateError, StateUriError, open_store

    try:
        return open_store(settings.get("STATE_URI"), lock=lock, create=False), 0
    except StateUriError as exc:
        _err(f"{command}: {exc}")
        return None, 2
    except StateError as exc:
        _err(f"{command}: {exc}")
        return None, 1


def stale_message(store, settings) -> str | None:
    """Why the index cannot answer, or None: versions were stored with ``CITATION_INDEX=False``
    since the last reindex, so an answer could be silently incomplete."""
    n = store.index_stale()
    if not n:
        return None
    return (f"the citation index of {settings.get('STATE_URI')} is incomplete: {n} article version"
            f"{'s were' if n != 1 else ' was'} stored with CITATION_INDEX=False; build it with "
            f"`crawler reindex -s STATE_URI={settings.get('STATE_URI')}`")


def _post(text: str, command: str) -> tuple[str, str] | None:
    try:
        return parse_post(text)
    except PostInputError as exc:
        _err(f"{command}: {exc}; give {ACCEPTED_FORMS}")
        return None


def _print(rows: list[dict[str, Any]], columns: list[tuple[str, str, int]], as_json: bool) -> None:
    """JSON Lines when piped or asked for; a table of ``columns`` (key, header, width) on a terminal."""
    if as_json or not sys.stdout.isatty():
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    def cell(value: Any, width: int) -> str:
        text = ",".join(value) if isinstance(value, list) else "" if value is None else str(value)
        text = " ".join(text.split())
        return (text[: width - 1] + "…" if len(text) > width else text).ljust(width)
    print("  ".join(cell(h, w) for _, h, w in columns).rstrip())
    for r in rows:
        print("  ".join(cell(r.get(k), w) for k, _, w in columns).rstrip())


def cmd_cites(args: argparse.Namespace) -> int:
    settings = _settings(args, "cites")
    post = _post(args.post, "cites")
    ok, since = _since(args, "cites")
    if settings is None or post is None or not ok:
        return 2
    store, code = _open(settings, "cites")
    if store is None:
        return code
    try:
        stale = stale_message(store, settings)
        if stale:
            _err(f"cites: {stale}")
            return 1
        if not store.cited(*post):
            _err(f"cites: no article in the store cites {post[0]}:{post[1]}")
            return 1
        rows = store.cites(*post, since=since, site=args.site, limit=args.limit)
    finally:
        store.close()
    _print(rows, [("published", "PUBLISHED", 25), ("site", "SITE", 22), ("title", "TITLE", 40),
                  ("article_url", "URL", 50), ("forms", "FORMS", 12), ("dropped_at", "DROPPED", 20)], args.json)
    return 0


def cmd_posts(args: argparse.Namespace) -> int:
    settings = _settings(args, "posts")
    ok, since = _since(args, "posts")
    if settings is None or not ok:
        return 2
    platform = None
    if args.platform:
        from crawler.extract.embeds.registry import REGISTRY

        found = REGISTRY.by_name.get(args.platform.lower())
        if found is None:
            _err(f"posts: --platform {args.platform!r} is not a platform we know "
                 f"(e.g. {', '.join(p.name for p in REGISTRY.platforms[:6])})")
            return 2
        platform = found.name
    store, code = _open(settings, "posts")
    if store is None:
        return code
    try:
        stale = stale_message(store, settings)
        if stale:
            _err(f"posts: {stale}")
            return 1
        rows = store.top_posts(platform=platform, since=since, min_outlets=args.min_outlets, top=args.top)
    finally:
        store.close()
    _print(rows, [("platform", "PLATFORM", 10), ("post_key", "POST", 22), ("outlets", "OUTLETS", 7),
                  ("articles", "ARTICLES", 8), ("first_seen", "FIRST SEEN", 20), ("last_seen", "LAST SEEN", 20),
                  ("author_handle", "AUTHOR", 16), ("post_text", "TEXT", 40)], args.json)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    settings = _settings(args, "reindex")
    if settings is None:
        return 2
    store, code = _open(settings, "reindex", lock=True)  # no crawl may write meanwhile
    if store is None:
        return code
    try:
        n = store.reindex()
    finally:
        store.close()
    print(f"reindexed the posts cited by {n} article{'s' if n != 1 else ''}", file=sys.stderr)
    return 0


def cmd_feed_post(args: argparse.Namespace) -> int:
    """``crawler feed --post POST -o FILE``: the articles citing one post, newest first."""
    from crawler.citations.feeds import write_post_feed
    from crawler.preflight import output_problem

    settings = _settings(args, "feed")
    post = _post(args.post, "feed")
    ok, since = _since(args, "feed")
    if settings is None or post is None or not ok:
        return 2
    problem = output_problem(args.output, "feed.json")
    if problem:
        _err(f"feed: -o {problem}")
        return 2
    store, code = _open(settings, "feed")
    if store is None:
        return code
    try:
        stale = stale_message(store, settings)
        if stale:
            _err(f"feed: {stale}")
            return 1
        if not store.cited(*post):
            _err(f"feed: no article in the store cites {post[0]}:{post[1]}")
            return 1
        n = write_post_feed(store, *post, args.output, settings, limit=args.limit, since=since)
    except OSError as exc:
        _err(f"feed: cannot write {args.output}: {exc.strerror or exc}")
        return 1
    finally:
        store.close()
    print(f"wrote {n} item{'s' if n != 1 else ''} to {args.output}", file=sys.stderr)
    return 0


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                   help="setting, e.g. STATE_URI=sqlite:///path.sqlite or redis://host:6379/0")


def add_parsers(sub: Any, positive_int) -> None:
    """Register ``cites``, ``posts`` and ``reindex`` on the ``crawler`` command."""
    c = sub.add_parser("cites", help="the articles citing a post, oldest first",
                       description="The articles in the state store citing POST, oldest first: a table on a "
                                   "terminal, JSON Lines when piped or with --json. Exit 1 if no article "
                                   "cites it.")
    c.add_argument("post", metavar="POST", help="a post URL as pasted (x.com, twitter.com, youtu.be, "
                   "instagram.com/reel, bsky.app ...) or PLATFORM:ID")
    c.add_argument("--since", help="only articles published on or after DATE")
    c.add_argument("--site", help="only articles of this site (host, e.g. news.example)")
    c.add_argument("--limit", type=positive_int, help="at most N articles")
    c.add_argument("--json", action="store_true", help="JSON Lines even on a terminal")
    _store_option(c)
    c.set_defaults(run=cmd_cites)

    p = sub.add_parser("posts", help="the most-cited posts of the state store",
                       description="The posts cited by the most outlets (distinct sites), with first and "
                                   "last seen, outlet and article counts, the post's author and text.")
    p.add_argument("--platform", help="only this platform (twitter, youtube, bluesky ...)")
    p.add_argument("--since", help="only citations in articles published on or after DATE")
    p.add_argument("--min-outlets", type=positive_int, default=1, metavar="N",
                   help="only posts cited by at least N different sites")
    p.add_argument("--top", type=positive_int, metavar="K", help="the K most-cited posts")
    p.add_argument("--json", action="store_true", help="JSON Lines even on a terminal")
    _store_option(p)
    p.set_defaults(run=cmd_posts)

    r = sub.add_parser("reindex", help="rebuild the citation index from the stored records",
                       description="Rebuild the citation index of the state store from the latest stored "
                                   "record of every article (takes the run lock of an SQLite store).")
    _store_option(r)
    r.set_defaults(run=cmd_reindex)
