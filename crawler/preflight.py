"""What can be known wrong about a crawl before its first request, and how to say it.

``crawler crawl`` runs these checks on exactly what Scrapy will run (Scrapy's own ``crawl``
option parser turns ``-a``, ``-o``/``-O`` and ``-s`` into spider arguments and ``FEEDS``):
the spider, its arguments, every output (``FEEDS``, ``WARC_OUTPUT``, ``STATS_FILE``,
``ROLLING_FEED``), the settings and the state store. A problem is one line and an exit status
(2 for bad input), never a traceback after an hour of crawling.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

# Exit statuses of `crawler crawl` (README, "Exit status"): 3 and 4 come from the run's summary.
EXIT_OK, EXIT_CANNOT_RUN, EXIT_USAGE = 0, 1, 2


class CrawlUsageError(Exception):
    """Bad input to ``crawler crawl``: one line, exit 2, before anything is fetched."""


def with_default_format(target: str) -> str:
    """``-o FILE`` in a format Scrapy knows from the extension (``.json`` a JSON array,
    ``.jsonl`` JSON Lines, ``.csv`` ...) keeps it, as with ``scrapy crawl``; any other name
    (``out.txt``, ``records/%(time)s``) writes JSON Lines unless a ``:FORMAT`` is given."""
    known = (".json", ".jsonl", ".jl", ".jsonlines", ".xml", ".csv", ".pickle", ".marshal")
    if target in ("-", "stdout:"):  # standard output (spelled so that no parser takes it for an option)
        return "stdout::jsonlines"
    if target.startswith("-:"):
        return "stdout::" + target[2:]
    if target.startswith(("stdout:", "-")):
        return target
    head, sep, fmt = target.rpartition(":")
    if sep and fmt and "/" not in fmt and "\\" not in fmt and len(fmt) < 20:
        return target
    if target.lower().endswith(known):
        return target
    return target + ":jsonlines"


def local_path(uri: str) -> str | None:
    """The file a feed URI writes, with Scrapy's ``%(name)s`` placeholders filled with a
    stand-in; None for standard output and remote storages."""
    if uri.startswith(("stdout:", "-")) or uri in ("", "-"):
        return None
    if uri.startswith("file://"):
        uri = uri.removeprefix("file://")
    elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+://", uri):
        return None  # s3://, ftp://, gs://: Scrapy's own storages check those
    return re.sub(r"%\((\w+)\)[sd]", "x", uri)


def output_problem(path: str, example: str = "records.jsonl") -> str | None:
    """Why ``path`` cannot be written, or None. A missing folder is fine when it can be made
    (Scrapy makes it, and so do we); a directory, a parent that is a file or a folder we may
    not write are not."""
    p = Path(path)
    if p.is_dir():
        return f"{path} is a directory; give a file name, e.g. {p / example}"
    if p.exists() and not os.access(p, os.W_OK):
        return f"{path}: permission denied"
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"{path}: cannot make its folder, {parent} is a file"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"{path}: cannot write in {parent} (permission denied)"
    return None


def parse_crawl_args(args: list[str]):
    """Scrapy's own ``crawl`` option parser and option processing (``-a``, ``-o``/``-O`` into
    ``FEEDS``, ``-s``), so that we check exactly what Scrapy will run: (settings, spider name,
    spider arguments)."""
    from scrapy.commands.crawl import Command
    from scrapy.exceptions import UsageError
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    command = Command()
    command.settings = settings
    parser = argparse.ArgumentParser(prog="crawler crawl", add_help=False)
    command.add_options(parser)
    opts, rest = parser.parse_known_args(args)
    names = [a for a in rest if not a.startswith("-")]
    try:
        command.process_options(rest, opts)
    except UsageError as exc:
        raise CrawlUsageError(str(exc) or "bad options") from None
    except ValueError:  # -s without '='
        raise CrawlUsageError("crawl: settings are -s NAME=VALUE") from None
    return settings, names, opts.spargs


def check_crawl(settings, names: list[str], spargs: dict[str, str]) -> None:
    """Everything about the run that can be known wrong before its first request."""
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    known = sorted(loader.list())
    if not names:
        raise CrawlUsageError(f"crawl: give a spider: {', '.join(known)}")
    if len(names) > 1:
        raise CrawlUsageError(f"crawl: one spider at a time, not {' '.join(names)}")
    if names[0] not in known:
        raise CrawlUsageError(f"crawl: no spider named {names[0]!r}; the spiders are {', '.join(known)}")
    spidercls = loader.load(names[0])
    try:
        spider = spidercls(**spargs)
    except (ValueError, OSError) as exc:
        raise CrawlUsageError(str(exc)) from None
    missing = getattr(spider, "missing_arguments", None)
    if missing:
        raise CrawlUsageError(missing)
    try:
        feeds = settings.getdict("FEEDS")
    except ValueError:
        raise CrawlUsageError("FEEDS: not a JSON object; e.g. -s 'FEEDS={\"out.jsonl\": "
                              "{\"format\": \"jsonlines\"}}'") from None
    for uri in feeds:
        path = local_path(str(uri))
        problem = path and output_problem(path)
        if problem:
            raise CrawlUsageError(f"output {problem}")
    for name in ("WARC_OUTPUT", "STATS_FILE", "ROLLING_FEED"):
        value = settings.get(name)
        problem = value and output_problem(str(value))
        if problem:
            raise CrawlUsageError(f"{name}: {problem}")
    from crawler.citations.feeds import watch_problem

    problem = watch_problem(settings)  # CITES_FEEDS + WATCH: per-post feeds (crawler/citations/)
    if problem:
        raise CrawlUsageError(problem)
    warc = settings.get("WARC_OUTPUT")
    if warc:  # its writer opens the file where it is told: make the folder, as Scrapy does for -o
        Path(str(warc)).absolute().parent.mkdir(parents=True, exist_ok=True)


def _state_preflight(settings) -> tuple[int, str] | None:
    """A clear message, before Scrapy starts, when the state store is locked or unusable."""
    from scrapy.settings import SETTINGS_PRIORITIES

    from crawler.state import StateError, StateUriError, open_store

    if not settings.getbool("STATE_ENABLED", True):
        return None
    if settings.get("REDIS_URL") and str(settings.get("STATE_URI", "")).startswith("sqlite:") and \
            settings.getpriority("STATE_URI") < SETTINGS_PRIORITIES["cmdline"]:
        return None  # shared Redis state (RedisAddon): workers share it, there is no run lock
    try:
        open_store(settings.get("STATE_URI"), lock_wait=settings.getfloat("STATE_LOCK_WAIT", 0.0),
                   citation_index=settings.getbool("CITATION_INDEX", True)).close()
    except StateUriError as exc:
        return EXIT_USAGE, str(exc)
    except StateError as exc:
        return EXIT_CANNOT_RUN, str(exc)
    return None


def settings_problem(settings) -> tuple[int, str] | None:
    """Settings that would otherwise fail deep inside Scrapy with a traceback."""
    from crawler.ssrf import parse_allowed

    try:
        parse_allowed(settings.get("ALLOWED_PRIVATE_NETWORKS"))
    except ValueError as exc:
        return EXIT_CANNOT_RUN, str(exc)
    return _state_preflight(settings)
