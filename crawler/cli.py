"""The ``crawler`` command: ``extract``, ``crawl`` (and more as issues land).

A thin adapter: argument parsing and error messages here, work in the extract core and in
Scrapy. Errors name the input, say what is wrong and exit 1 (2 for bad usage).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler import __version__
from crawler.preflight import (
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_USAGE,
    CrawlUsageError,
    check_crawl,
    output_problem,
    parse_crawl_args,
    settings_problem,
    with_default_format,
)

SETTINGS_MODULE = "crawler.settings"


def _err(msg: str) -> None:
    print(f"crawler: {msg}", file=sys.stderr)


# ---- extract ------------------------------------------------------------------------------


def _read_input(path: str, max_bytes: int) -> bytes:
    """The input's bytes, refusing (not truncating) anything above ``max_bytes``."""
    limit = f"above the {max_bytes / 1e6:g} MB limit (--max-bytes)"
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OSError(f"standard input is {limit}")
        return data
    p = Path(path)
    if p.is_dir():
        raise OSError("is a directory, not a file (give the files inside it)")
    if not p.exists():
        raise OSError("no such file")
    size = p.stat().st_size
    if size > max_bytes:
        raise OSError(f"is {size / 1e6:.1f} MB, {limit}")
    data = p.read_bytes()
    if p.suffix.lower() == ".gz":
        try:
            with gzip.open(p, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise OSError(f"not a valid gzip file ({exc})") from None
        if len(data) > max_bytes:
            raise OSError(f"decompresses to {limit}")
    return data


def _is_text_input(path: str) -> bool:
    name = path.lower().removesuffix(".gz")
    return name.endswith(".txt")


def _fetch_urls(urls: list[str], settings_overrides: list[str]) -> dict[str, object]:
    """Fetch URLs through Scrapy's downloader with the project's settings.

    Returns url -> record dict, or url -> error string.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.fetch import FetchSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    settings = get_project_settings()
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    for item in settings_overrides:
        name, _, value = item.partition("=")
        settings.set(name, value, priority="cmdline")
    results: dict[str, object] = {}
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider, urls=urls, results=results)
    process.start()
    return results


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.extract import CrawlMeta, ExtractError, extract_record, extract_text_record
    from crawler.records import is_valid, validation_errors

    if args.url and len(args.inputs) != 1:
        _err("extract: --url goes with exactly one input")
        return 2
    urls = [i for i in args.inputs if i.startswith(("http://", "https://"))]
    fetched = _fetch_urls(urls, args.set or []) if urls else {}
    failed = 0
    for inp in args.inputs:
        try:
            scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://", inp)
            if scheme and scheme.group(1).lower() not in ("http", "https", "file"):
                raise OSError(f"unsupported URL scheme {scheme.group(1)!r}: give an http(s) URL, a file or -")
            inp_path = unquote(urlsplit(inp).path) if scheme else inp  # file:///path
            if inp in fetched or inp.startswith(("http://", "https://")):
                result = fetched.get(inp, "no response")
                if isinstance(result, str):
                    raise OSError(result)
                record = result
            else:
                data = _read_input(inp_path, args.max_bytes)
                if inp == "-":
                    url = args.url or "file:///dev/stdin"
                else:
                    url = args.url or Path(inp_path).resolve().as_uri()
                meta = CrawlMeta(url=url, spider=None)
                if _is_text_input(inp_path):
                    from crawler.extract.document import decode_bytes

                    rec = extract_text_record(decode_bytes(data), meta, with_text=args.text, body=data)
                else:
                    rec = extract_record(data, meta, with_text=args.text,
                                         main_text=not args.no_main_text, precise_text=args.precise_text)
                record = rec.to_dict()
            errors = [] if is_valid(record) else (validation_errors(record) or ["rejected by the schema check"])
            if errors:
                raise ExtractError("record does not match the schema: " + "; ".join(errors[:3]))
        except (OSError, ExtractError, ValueError) as exc:
            failed += 1
            _err(f"{inp}: {exc}")
            continue
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0


# ---- crawl ------------------------------------------------------------------------------

def cmd_crawl(argv: list[str]) -> int:
    from scrapy.cmdline import execute

    from crawler import extensions

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    args = list(argv)
    for i, a in enumerate(args):
        if a in ("-o", "-O", "--output", "--overwrite-output") and i + 1 < len(args):
            args[i + 1] = with_default_format(args[i + 1])
    try:
        settings, names, spargs = parse_crawl_args(args)
        check_crawl(settings, names, spargs)
    except CrawlUsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if not settings.getdict("FEEDS"):  # no -o, no -s FEEDS=...: records go to standard output
        args += ["-o", "-:jsonlines"]
    problem = settings_problem(settings)
    if problem:
        _err(problem[1])
        return problem[0]
    extensions.LAST_RUN = None
    try:
        execute(["scrapy", "crawl", *args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else EXIT_CANNOT_RUN
    else:
        code = EXIT_OK
    run = extensions.LAST_RUN
    if code == EXIT_OK and run and run["exit_code"]:
        _err(f"crawl: {run['why']} (exit {run['exit_code']})")
        return run["exit_code"]
    return code


# ---- feed ---------------------------------------------------------------------------------


def cmd_feed(args: argparse.Namespace) -> int:
    from scrapy.settings import Settings

    from crawler import settings as project_settings
    from crawler.extract.article import iso_date
    from crawler.incremental import write_rolling_feed
    from crawler.state import StateError, StateUriError, open_store

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    for item in args.set or []:
        name, sep, value = item.partition("=")
        if not sep:
            _err(f"feed: -s {item!r}: expected NAME=VALUE")
            return 2
        settings.set(name, value, priority="cmdline")
    since = None
    if args.since:
        since = iso_date(args.since)
        if since is None:
            _err(f"feed: --since {args.since!r} is not a date (e.g. 2025-05-01)")
            return 2
    problem = output_problem(args.output, "feed.json")
    if problem:
        _err(f"feed: -o {problem}")
        return 2
    try:  # a reader: never creates a store (a wrong STATE_URI must not publish an empty feed)
        store = open_store(settings.get("STATE_URI"), lock=False, create=False)
    except StateUriError as exc:
        _err(f"feed: {exc}")
        return 2
    except StateError as exc:
        _err(f"feed: {exc}")
        return 1
    try:
        n = write_rolling_feed(store, args.output, settings, limit=args.limit, since=since)
    except OSError as exc:  # a full disk, a file size limit: the previous feed stays whole
        _err(f"feed: cannot write {args.output}: {exc.strerror or exc}")
        return 1
    finally:
        store.close()
    print(f"wrote {n} item{'s' if n != 1 else ''} to {args.output}", file=sys.stderr)
    return 0


# ---- demo ---------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.demo import SiteServer, find_site, summarize
    from crawler.spiders.sitemap import SitemapSpider

    try:
        site = find_site(args.site)
    except FileNotFoundError as exc:
        _err(str(exc))
        return 2
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        _err(f"demo: -o {out} is a file; give a folder for the demo's outputs")
        return 2
    problem = output_problem(str(out / "records.jsonl"))
    if problem:
        _err(f"demo: -o {problem}")
        return 2
    bad = [item for item in args.set or [] if "=" not in item]
    if bad:
        _err(f"demo: -s {bad[0]!r}: expected NAME=VALUE")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    started = time.monotonic()
    with SiteServer(site) as server:
        print(f"serving {site} on {server.base}/ and crawling it with the sitemap spider ...", flush=True)
        settings = get_project_settings()
        settings.setdict({
            "LOG_LEVEL": "WARNING" if not args.verbose else "INFO",
            "AUTOTHROTTLE_START_DELAY": 0.05,
            "STATE_ENABLED": False,  # every demo run shows the whole site
            "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",  # our own server, nothing else local
            "JSONFEED_TITLE": "Tidewater Gazette: cited social posts (demo)",
            "JSONFEED_HOME_PAGE_URL": server.base + "/",
            "JSONFEED_FEED_URL": server.base + "/feed.json",
            "FEEDS": {
                str(out / "records.jsonl"): {"format": "jsonlines", "overwrite": True},
                str(out / "feed.json"): {"format": "jsonfeed", "overwrite": True},
                str(out / "provenance.prov.json"): {"format": "prov", "overwrite": True},
            },
        }, priority="cmdline")
        for item in args.set or []:
            name, _, value = item.partition("=")
            settings.set(name, value, priority="cmdline")
        process = CrawlerProcess(settings)
        process.crawl(SitemapSpider, url=server.base + "/")
        process.start()
    records = [json.loads(line) for line in (out / "records.jsonl").read_text("utf-8").splitlines() if line]
    print(summarize(records))
    from crawler.demo import write_report

    print(write_report(records, out / "report"))  # the path of its index.html
    print(f"wrote {out / 'records.jsonl'}, {out / 'feed.json'} (JSON Feed 1.1) and "
          f"{out / 'provenance.prov.json'} (W3C PROV) in {time.monotonic() - started:.1f}s")
    return 0 if records else 1


# ---- main ---------------------------------------------------------------------------------


def _positive_int(value: str) -> int:
    """argparse type: a whole number above 0 (argparse turns the error into exit 2)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not above 0")
    return n


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="crawler",
        description="Find the social posts news articles cite and the rights they stand under.",
    )
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    ex = sub.add_parser("extract", help="print one JSON record per input (files, -, URLs)",
                        description="Print one JSON record per input, in input order.")
    ex.add_argument("inputs", nargs="+", metavar="INPUT",
                    help=".html/.htm/.txt file (optionally .gz), - for standard input, or an http(s) URL")
    ex.add_argument("--url", help="the page URL of a single file input (default: its file:// URL)")
    ex.add_argument("--text", action="store_true", help="include the article's main text")
    ex.add_argument("--precise-text", action="store_true",
                    help="let trafilatura cross-check the main text with readability and jusText (slower)")
    ex.add_argument("--no-main-text", action="store_true",
                    help="skip main-text extraction (faster; text_sha256 is null)")
    ex.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                    help="Scrapy setting for URL inputs (repeatable)")
    ex.add_argument("--max-bytes", type=_positive_int, default=20 * 1024 * 1024, metavar="N",
                    help="refuse inputs larger than N bytes, after decompression (default 20 MiB, "
                         "like DOWNLOAD_MAXSIZE for crawls)")

    demo = sub.add_parser("demo", help="serve the bundled news site on 127.0.0.1 and crawl it",
                          description="Serve fixtures/site on 127.0.0.1, crawl it with the sitemap spider, "
                                      "write records, a JSON Feed and W3C PROV, and print a summary.")
    demo.add_argument("-o", "--output", default="demo-output", help="output directory (default: demo-output)")
    demo.add_argument("--site", help="the site directory (default: fixtures/site of the checkout)")
    demo.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    demo.add_argument("-s", "--set", action="append", metavar="NAME=VALUE", help="Scrapy setting (repeatable)")

    fd = sub.add_parser("feed", help="write a JSON Feed 1.1 of the latest versions in the state store",
                        description="Write a JSON Feed 1.1 of the latest record versions in the state store, "
                                    "newest first (atomically: temporary file, then rename).")
    fd.add_argument("-o", "--output", required=True, help="the JSON Feed file to write")
    fd.add_argument("--limit", type=_positive_int, help="at most N items (default: ROLLING_FEED_LIMIT, 100)")
    fd.add_argument("--since", help="only articles published on or after DATE")
    fd.add_argument("--post", metavar="POST", help="only the articles citing this post (URL or PLATFORM:ID)")
    fd.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                    help="setting, e.g. STATE_URI=sqlite:///path.sqlite or JSONFEED_TITLE=...")

    from crawler.report.cli import add_parser as add_report_parser

    add_report_parser(sub)  # crawler report: its options and run live in crawler/report/cli.py
    sub.add_parser("crawl", help="run a spider: crawl SPIDER [-a NAME=VALUE] [-o FILE[:FORMAT]] [-s NAME=VALUE]",
                   add_help=False)
    from crawler.archive.command import add_parser as add_archive_parser

    add_archive_parser(sub)  # crawler/archive/command.py: options, checks, the Dask driver
    from crawler.citations.cli import add_parsers as add_citation_parsers

    add_citation_parsers(sub, _positive_int)  # cites, posts, reindex: crawler/citations/cli.py
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "crawl":
        if len(argv) > 1 and argv[1] in ("-h", "--help"):
            os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
            from scrapy.cmdline import execute

            try:
                execute(["scrapy", "crawl", "-h"])
            except SystemExit:
                pass
            return 0
        return cmd_crawl(argv[1:])  # without a spider: one line listing them, exit 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "extract":
        return cmd_extract(args)
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "feed" and args.post:
        from crawler.citations.cli import cmd_feed_post

        return cmd_feed_post(args)
    if args.command == "feed":
        return cmd_feed(args)
    if args.command in ("report", "archive", "cites", "posts", "reindex"):
        return args.run(args)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
