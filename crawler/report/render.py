"""Writing the report: Jinja2 templates (autoescaped) over the model, into one folder.

Every page links to the others and to ``static/`` by relative paths, so the folder works
opened from disk or served under any path, and it loads nothing from anywhere else (a
Content-Security-Policy on every page says so to the browser too).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.report.figures import graph_figure, platform_chart, timeline_chart
from crawler.report.model import MARKS, Report, build_model, safe_url

MARKER = ".crawler-report"  # written into every report folder: we only ever clear our own
OWNED = ("index.html", "graph.html", "articles", "posts", "static", MARKER)


class ReportError(Exception):
    """The report cannot be written where asked (the message says why and what to do)."""


def environment():
    """Jinja2 with autoescape on for every template and undefined names as errors."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("crawler.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["link"] = lru_cache(maxsize=65536)(safe_url)
    env.filters["mark"] = lambda platform: MARKS.get(platform, platform[:2].upper())
    env.filters["when"] = _when
    env.globals["version"] = __version__
    return env


@lru_cache(maxsize=65536)
def _when(value: str | None) -> str:
    """An ISO date or time as people read it: ``2025-05-18 15:00 UTC`` (the original in ``datetime``)."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:
        return dt.date().isoformat()
    if dt.tzinfo:
        dt = dt.astimezone(UTC)
        return dt.strftime("%Y-%m-%d %H:%M UTC")
    return dt.strftime("%Y-%m-%d %H:%M")


def _prepare(out: Path) -> None:
    """Make ``out`` ready: new, empty, or an earlier report (whose pages are removed first)."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} is a file; give a directory for the report")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ReportError(f"{out} is not empty and holds no earlier report; give a new or empty directory")
        for name in OWNED:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("written by `crawler report`; the next report here replaces it\n", "utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the report into {out}: {exc.strerror or exc}") from None


def _copy_static(out: Path) -> None:
    static = out / "static"
    static.mkdir()
    for entry in resources.files("crawler.report").joinpath("static").iterdir():
        if entry.name.endswith((".css", ".js")):
            (static / entry.name).write_bytes(entry.read_bytes())


LONG_LIST = 2000  # articles: above this the index lays rows out only as they scroll into view (report.css)
PARALLEL_FROM = 2000  # pages: below this, starting worker processes costs more than it saves
_JOB: tuple[Report, Path] | None = None  # what forked workers render (inherited, never pickled)


def _render_slice(kind: str, start: int, stop: int) -> int:
    """Write pages ``start:stop`` of one kind (``articles`` or ``posts``) of the current job."""
    assert _JOB is not None
    report, out = _JOB
    page = environment().get_template("article.html" if kind == "articles" else "post.html")
    name = "a" if kind == "articles" else "p"
    common: dict[str, Any] = {"report": report, "root": "../"}
    folder = out / kind
    for item in getattr(report, kind)[start:stop]:
        (folder / f"{item.slug}.html").write_text(page.render(common, **{name: item}), "utf-8")
    return stop - start


def _write_pages(report: Report, out: Path) -> None:
    """One page per article and per post; in forked worker processes (one per CPU) for large
    reports, which is what keeps 10,000 records well within the build-time goal."""
    global _JOB
    (out / "articles").mkdir()
    (out / "posts").mkdir()
    total = len(report.articles) + len(report.posts)
    workers = min(os.cpu_count() or 1, 8)
    chunk = 500
    jobs = [(kind, i, i + chunk) for kind in ("articles", "posts")
            for i in range(0, len(getattr(report, kind)), chunk)]
    _JOB = (report, out)
    try:
        if workers > 1 and total >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for _ in pool.map(_render_slice, *zip(*jobs, strict=True)):
                    pass
        else:
            for job in jobs:
                _render_slice(*job)
    finally:
        _JOB = None


def write_report(report: Report, out_dir: str | Path) -> Path:
    """Write every page of ``report`` into ``out_dir``; returns the path of ``index.html``."""
    out = Path(out_dir)
    _prepare(out)
    env = environment()
    _copy_static(out)
    common: dict[str, Any] = {"report": report}
    page = env.get_template("index.html")
    (out / "index.html").write_text(page.render(
        common, root="", platform_chart=platform_chart(report), timeline=timeline_chart(report),
        top=report.most_cited(20), long_list=LONG_LIST), "utf-8")
    (out / "graph.html").write_text(
        env.get_template("graph.html").render(common, root="", graph=graph_figure(report)), "utf-8")
    _write_pages(report, out)
    return out / "index.html"


def build_report(records: list[dict[str, Any]], out_dir: str | Path, *, title: str = "Provenance report",
                 source: str = "records", seen: dict[str, tuple[str, str]] | None = None,
                 index: dict[tuple, dict] | None = None) -> Path:
    """Records in, report folder out: the one call the CLI and the demo make."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = build_model(records, title=title, generated=generated, source=source, seen=seen, index=index)
    return write_report(report, out_dir)
