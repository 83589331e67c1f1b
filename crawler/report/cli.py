"""``crawler report``: argument parsing and the run, kept here so ``crawler/cli.py`` only registers it.

Records come from JSON Lines files (``--from``, repeatable, ``-`` for standard input) or from
the state store (``-s STATE_URI=...``, by default the project's), read through its public
``latest()``/``get()`` API with the run lock left alone, so a report can be made while a crawl
runs. A store that does not exist is reported, never created.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from crawler.report import missing_requirements

INSTALL_HINT = "pip install 'social-provenance-crawler[report]'"


class InputError(Exception):
    """Bad input: the message names it and says what is wrong."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report", help="write a static HTML report (index, article, post and graph pages)",
        description="Write a static, self-contained HTML report of a crawl into DIR: the crawl in figures, "
                    "charts, the most-cited posts, every article with its rights and cited posts, every post "
                    "with the articles citing it, and the outlet/account graph. Records come from the state "
                    "store (default) or from JSON Lines files (--from).")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="the report folder (new, empty, "
                   "or an earlier report, which is replaced)")
    p.add_argument("--from", dest="sources", action="append", metavar="FILE",
                   help="read records from a JSON Lines file instead of the state store (repeatable; - for "
                        "standard input); several versions of an article: the last fetched is shown")
    p.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                   help="setting, e.g. STATE_URI=sqlite:///path.sqlite or redis://host:6379/0")
    p.add_argument("--title", default="Provenance report", help="the report's title")
    p.set_defaults(run=run)
    return p


def _err(msg: str) -> None:
    print(f"crawler: report: {msg}", file=sys.stderr)


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Records of one JSON Lines file (or ``-``); a line that is no provenance record stops the report.

    Records are not held to the current schema (``model.normalize``): a report of older
    crawls' records must still be possible.
    """
    from crawler.report.model import normalize

    label = "standard input" if name == "-" else name
    try:
        if name == "-":
            lines = sys.stdin.buffer.read().decode("utf-8").splitlines()
        else:
            path = Path(name)
            if path.is_dir():
                raise InputError(f"{name}: is a directory; give a JSON Lines file")
            lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text; give the JSON Lines records a crawl wrote") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read it ({exc.strerror or exc})") from None
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            records.append(normalize(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"{label}, line {n}: not JSON ({exc.msg}); one record per line is expected") from None
        except ValueError as exc:
            raise InputError(f"{label}, line {n}: {exc}") from None
    return records


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"-s {item!r}: expected NAME=VALUE")
        out[name] = value
    return out


def store_uri(overrides: dict[str, str]) -> str:
    """``STATE_URI`` as a crawl with these ``-s`` settings would use it (Redis when REDIS_URL is set)."""
    from scrapy.settings import Settings

    from crawler import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(overrides, priority="cmdline")
    uri = settings.get("STATE_URI")
    if settings.get("REDIS_URL") and str(uri).startswith("sqlite:") and "STATE_URI" not in overrides:
        uri = settings.get("REDIS_URL")  # as in a distributed crawl: the state is in Redis
    return uri


def index_key(row: dict[str, Any]) -> tuple:
    """The report's key of a citation-index row: ``(platform, id)``, or for a post without id
    (``@handle/day`` in the index) ``(platform, None, handle, day)`` as ``model.post_key`` makes it."""
    key = row["post_key"]
    if key.startswith("@") and "/" in key:
        handle, day = key[1:].split("/", 1)
        return (row["platform"], None, handle.lower(), day)
    return (row["platform"], key)


def read_store(uri: str) -> tuple[list[dict[str, Any]], dict[str, tuple[str, str]], dict[tuple, dict] | None]:
    """The latest record of every article in the store, each URL's first and last seen, and the
    store's citation index by post (None for a store without one)."""
    from crawler.report.model import normalize
    from crawler.state import StateError, open_store

    if uri.startswith("sqlite:///"):
        path = Path(uri.removeprefix("sqlite:///"))
        if not path.is_file():
            raise InputError(f"no state store at {path} (STATE_URI={uri}); crawl first, give -s STATE_URI=... "
                             "of an existing store, or --from records.jsonl")
    try:
        store = open_store(uri, lock=False)
    except StateError as exc:
        raise InputError(str(exc)) from None
    try:
        try:
            records = [normalize(r) for r in store.latest()]
        except ValueError as exc:
            raise InputError(f"state store {uri}: a stored record cannot be read ({exc})") from None
        seen = {}
        for rec in records:
            state = store.get(rec["crawl"]["url"])
            if state is not None:
                seen[rec["crawl"]["url"]] = (state.first_seen, state.last_seen)
        top_posts = getattr(store, "top_posts", None)  # the citation index (crawler posts), when kept
        index = {index_key(row): row for row in top_posts()} if top_posts else None
    finally:
        store.close()
    return records, seen, index


def run(args: argparse.Namespace) -> int:
    missing = missing_requirements()
    if missing:
        _err(f"needs {', '.join(missing)}: {INSTALL_HINT}")
        return 2
    from crawler.report.render import ReportError, build_report

    started = time.monotonic()
    try:
        overrides = _pairs(args.set or [])
        if args.sources:
            if "STATE_URI" in overrides:
                raise InputError("give either --from FILE or -s STATE_URI=..., not both")
            if args.sources.count("-") > 1:
                raise InputError("--from -: standard input can be read once")
            records, seen, index = [], None, None
            for name in args.sources:
                records += read_jsonl(name)
            source = ", ".join("standard input" if s == "-" else s for s in args.sources)
        else:
            uri = store_uri(overrides)
            records, seen, index = read_store(uri)
            source = f"the state store {uri}"
        path = build_report(records, args.output, title=args.title, source=source, seen=seen, index=index)
    except (InputError, ReportError) as exc:
        _err(str(exc))
        return 2
    articles = len({r["id"] for r in records})
    print(f"wrote a report of {articles} article{'s' if articles != 1 else ''} to {path} "
          f"in {time.monotonic() - started:.1f}s", file=sys.stderr)
    print(path)
    return 0
