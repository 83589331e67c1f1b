"""``crawler archive INPUT... -o OUT``: the command line (parsing and checks; no Dask import).

Importing this module costs nothing: ``crawler --help`` lists the command on a plain install,
and the command itself says how to install Dask when it is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

INSTALL_HINT = ("pip install 'social-provenance-crawler[archive]' (in a checkout: pip install '.[archive]'; "
                "add the parquet extra for --format parquet)")


def add_parser(sub) -> None:
    """Register ``archive`` on the ``crawler`` command's subparsers."""
    ap = sub.add_parser(
        "archive", help="process whole WARC/ARC archives in parallel on Dask (CC-NEWS, your captures)",
        description="Extract provenance records from WARC/ARC archives on a local Dask cluster or an "
                    "existing one: one task per archive, streamed, resumable (a manifest in the output "
                    "folder lists what is done).")
    ap.add_argument("inputs", nargs="+", metavar="INPUT",
                    help="WARC/ARC file (gzipped or not), glob, folder, @LIST file (one archive a line, "
                         "gzipped or not, e.g. CC-NEWS warc.paths.gz), or an fsspec URL (https://, s3://)")
    ap.add_argument("-o", "--output", required=True, metavar="OUT",
                    help="a folder (one partition per input), or FILE.jsonl / FILE.jsonl.gz for one merged "
                         "file (partitions and manifest then go in FILE.jsonl.parts/)")
    ap.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                    help="partition format of a folder output (parquet needs the parquet extra)")
    ap.add_argument("--workers", type=int, metavar="N",
                    help="worker processes of the local Dask cluster (default: the machine's cores)")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="use a running Dask scheduler (tcp://HOST:8786) instead of a local cluster; "
                         "its workers need this package installed and the output folder mounted")
    ap.add_argument("--dashboard", default=":8787", metavar="ADDRESS",
                    help="the local cluster's dashboard address (default :8787; 'none' for none)")
    ap.add_argument("--base", metavar="URL",
                    help="prefix for relative lines of @LIST files (CC-NEWS: https://data.commoncrawl.org/ "
                         "or s3://commoncrawl/); default: beside the list file")
    ap.add_argument("--site", action="append", metavar="HOST",
                    help="only captures of these hosts and their subdomains (repeatable, or comma-separated)")
    ap.add_argument("--since", metavar="DATE", help="only captures on or after DATE (WARC-Date)")
    ap.add_argument("--until", metavar="DATE", help="only captures on or before DATE (a whole day for a date)")
    ap.add_argument("--lang", action="append", metavar="CODE",
                    help="only articles in these languages (en matches en-GB; repeatable, or comma-separated)")
    ap.add_argument("--citing", action="store_true", help="only articles that cite at least one post")
    ap.add_argument("--articles-only", action="store_true",
                    help="drop pages that are not articles even when they cite posts (the spiders' ARTICLES_ONLY)")
    ap.add_argument("--text", action="store_true", help="include the article's main text")
    ap.add_argument("--no-main-text", action="store_true",
                    help="skip main-text extraction (faster; text_sha256 is null)")
    ap.set_defaults(run=run)


def _err(msg: str) -> None:
    print(f"crawler archive: {msg}", file=sys.stderr)


def _listed(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip().lower().lstrip(".") for item in values or () for v in item.split(",") if v.strip())


def run(args: argparse.Namespace) -> int:
    """Check everything that can be checked before a cluster starts; then run."""
    missing = [m for m in ("distributed", "fsspec") if not _importable(m)]
    if args.format == "parquet" and not _importable("pyarrow"):
        missing.append("pyarrow")
    if missing:
        _err(f"needs {', '.join(missing)}, which is not installed: {INSTALL_HINT}")
        return 2
    from crawler.archive.inputs import InputError, expand_inputs
    from crawler.archive.task import Options, parse_when

    if args.workers is not None and args.workers < 1:
        _err("--workers must be at least 1")
        return 2
    if args.workers is not None and args.scheduler:
        _err("--workers and --scheduler go separately: the scheduler's workers are already running")
        return 2
    bounds = {}
    for name in ("since", "until"):
        value = getattr(args, name)
        if value is None:
            continue
        when = parse_when(value)
        if when is None:
            _err(f"--{name} {value!r} is not a date (e.g. 2025-05-01 or 2025-05-01T12:00:00Z)")
            return 2
        if name == "until" and len(value.strip()) == 10:
            when += timedelta(days=1)  # a date: the whole day
        bounds[name] = when
    merged = args.output.lower().endswith((".jsonl", ".jsonl.gz", ".jl"))
    if merged and args.format == "parquet":
        _err("--format parquet writes a folder: give -o a folder, not a .jsonl file")
        return 2
    folder = args.output + ".parts" if merged else args.output
    if os.path.exists(folder) and not os.path.isdir(folder):
        _err(f"-o {folder}: exists and is not a folder")
        return 2
    if merged and os.path.isdir(args.output):
        _err(f"-o {args.output}: is a folder; name a file, or drop the .jsonl ending for a folder output")
        return 2
    try:
        inputs = expand_inputs(args.inputs, args.base)
    except InputError as exc:
        _err(str(exc))
        return 2
    opts = Options(crawl_id="", sites=_listed(args.site), since=bounds.get("since"), until=bounds.get("until"),
                   langs=_listed(args.lang), citing=args.citing, with_text=args.text,
                   main_text=not args.no_main_text, articles_only=args.articles_only, fmt=args.format)
    from crawler.archive.runner import RunError, run_job

    try:
        return run_job(inputs, folder, args.output if merged else None, opts, workers=args.workers or _cores(),
                       scheduler=args.scheduler, dashboard=None if args.dashboard == "none" else args.dashboard)
    except RunError as exc:
        _err(str(exc))
        return 2


def _cores() -> int:
    """The cores this process may use (a container's or taskset's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
