"""The output folder: partitions, the manifest that lets a job resume, a merged file, Parquet.

Only the driver writes the manifest, and only after a partition has been renamed into place, so
"done" in the manifest always means a whole partition on disk; a partition without a "done"
entry (the job was killed in between) is rewritten by the rerun, never appended to.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from crawler.extensions import write_atomic

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


class OutputError(ValueError):
    """The output folder cannot be used as asked (the message says what to do)."""


def load_manifest(folder: Path, options: dict[str, Any], crawl_id: str) -> dict[str, Any]:
    """The folder's manifest, or a new one; refuses a folder written with other options."""
    path = folder / MANIFEST
    if not path.exists():
        return {"manifest": MANIFEST_VERSION, "crawl_id": crawl_id, "options": options, "inputs": {}}
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: unreadable manifest ({exc}); move it away to start over") from None
    if manifest.get("options") != options:
        raise OutputError(f"{folder} holds a job run with other options ({manifest.get('options')}); "
                          "use another output folder, or the same options to resume it")
    return manifest


def save_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_atomic(str(folder / MANIFEST), json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))


def is_done(folder: Path, entry: dict[str, Any] | None) -> bool:
    """Done means nothing to redo: a whole partition (or a bad archive, which stays bad)."""
    if not entry or entry.get("status") not in ("done", "bad"):
        return False
    return entry.get("partition") is None or (folder / entry["partition"]).exists()


def remove_temporaries(folder: Path) -> int:
    """Partitions a killed worker or job left half-written (never renamed into place)."""
    n = 0
    for p in folder.glob(".tmp-*"):
        p.unlink(missing_ok=True)
        n += 1
    return n


def merge_jsonl(folder: Path, manifest: dict[str, Any], order: list[str], target: Path) -> int:
    """Partitions in input order into one JSON Lines file (gzipped for ``.gz``), each URL and
    version once across inputs; written to a temporary name, then renamed."""
    seen: set[bytes] = set()
    n = 0
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    opener = gzip.open if target.name.endswith(".gz") else open
    try:
        with opener(tmp, "wb") as out:
            for inp in order:
                entry = manifest["inputs"].get(inp) or {}
                if not entry.get("partition"):
                    continue
                with open(folder / entry["partition"], "rb") as fh:
                    for line in fh:
                        rec = json.loads(line)
                        key = f"{rec['crawl']['url']}\0{rec['version']}".encode()
                        if key in seen:
                            continue
                        seen.add(key)
                        out.write(line)
                        n += 1
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return n


# ---- Parquet ------------------------------------------------------------------------------


def arrow_schema():
    """The record's nested shape as an Arrow schema, derived from the shipped JSON Schema
    (``crawler/schema/record.schema.json``): every partition has the same columns whatever its
    pages held, and a field added to the record reaches Parquet without an edit here."""
    import pyarrow as pa

    from crawler.records import record_schema

    root = record_schema()

    def arrow(node: dict[str, Any]):
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        types = node.get("type", "string")
        types = [types] if isinstance(types, str) else [t for t in types if t != "null"]
        kind = types[0] if types else "string"
        if kind == "object" and "properties" in node:
            return pa.struct([(name, arrow(sub)) for name, sub in node["properties"].items()])
        if kind == "array":
            return pa.list_(arrow(node.get("items", {})))
        return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}.get(kind, pa.string())

    return pa.schema([(name, arrow(sub)) for name, sub in root["properties"].items()])


class ParquetPartition:
    """Records to one Parquet file in row groups: a worker holds one group, not the input."""

    ROWS = 1000

    def __init__(self, path: str):
        import pyarrow.parquet as pq

        self.schema = arrow_schema()
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self.rows.append(record)
        if len(self.rows) >= self.ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
