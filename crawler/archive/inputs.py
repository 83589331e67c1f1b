"""INPUT arguments to a list of archives: files, globs, folders, ``@list`` files, fsspec URLs.

Local archives are named by their absolute path (the manifest's key and the records'
``crawl.source.url``), so a rerun from another directory still finds what is done; anything
with a scheme other than ``file://`` is left to fsspec (``https://``, ``s3://`` with s3fs ...).
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import posixpath

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


class InputError(ValueError):
    """An INPUT that names nothing usable (the message says which and why)."""


def is_url(s: str) -> bool:
    return "://" in s and not s.startswith("file://")


def expand_inputs(args: list[str], base: str | None = None) -> list[str]:
    """Every archive the arguments name, in order, each once."""
    out: list[str] = []
    for arg in args:
        out += _expand(arg, base)
    return list(dict.fromkeys(out))


def _expand(arg: str, base: str | None) -> list[str]:
    if arg.startswith("@"):
        return [_absolute(line, arg[1:], base) for line in read_list(arg[1:])]
    if arg.startswith("file://"):
        arg = arg.removeprefix("file://")
    if is_url(arg):
        if any(c in arg for c in "*?["):
            return _remote_glob(arg)
        return [arg]
    if any(c in arg for c in "*?["):
        found = sorted(p for p in glob.glob(arg, recursive=True) if os.path.isfile(p))
        if not found:
            raise InputError(f"{arg}: no file matches")
        return [os.path.abspath(p) for p in found]
    if os.path.isdir(arg):
        found = sorted(os.path.join(d, f) for d, _, files in os.walk(arg) for f in files
                       if f.lower().endswith(ARCHIVE_SUFFIXES))
        if not found:
            raise InputError(f"{arg}: a folder with no .warc, .warc.gz, .arc or .arc.gz file in it")
        return [os.path.abspath(p) for p in found]
    if not os.path.isfile(arg):
        raise InputError(f"{arg}: no such file")
    return [os.path.abspath(arg)]


def read_list(where: str) -> list[str]:
    """The lines of a list file (``paths.txt``, CC-NEWS's ``warc.paths.gz``), local or a URL;
    blank lines and ``#`` comments skipped."""
    try:
        if is_url(where):
            import fsspec

            with fsspec.open(where, "rb") as fh:
                data = fh.read()
        else:
            with open(where.removeprefix("file://"), "rb") as fh:
                data = fh.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read()
        text = data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"@{where}: cannot read the list ({exc.__class__.__name__}: {exc})") from None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise InputError(f"@{where}: the list names no archive")
    return lines


def _absolute(line: str, list_path: str, base: str | None) -> str:
    """A list line as an archive name: as it is when absolute, else under ``--base`` (CC-NEWS
    lists are relative to its bucket) or beside the list file."""
    if line.startswith("file://"):
        line = line.removeprefix("file://")
    if is_url(line) or os.path.isabs(line):
        return line
    root = base if base is not None else (
        posixpath.dirname(list_path) if is_url(list_path) else os.path.dirname(os.path.abspath(list_path)))
    if is_url(root):
        return root.rstrip("/") + "/" + line.lstrip("/")
    return os.path.abspath(os.path.join(root, line))


def _remote_glob(url: str) -> list[str]:
    import fsspec

    fs, _, paths = fsspec.get_fs_token_paths(url)
    if not paths:
        raise InputError(f"{url}: no file matches")
    return [fs.unstrip_protocol(p) for p in sorted(paths)]
