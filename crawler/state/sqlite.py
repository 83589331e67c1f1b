"""SQLite backend: one file, WAL mode, one transaction per change, a lock file per store."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from crawler.citations import sqlite as citations
from crawler.records import LEGACY_DIGEST_LENGTH, upgrade_ids
from crawler.state import StateError, StateUriError, UrlState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    canonical_url TEXT,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,
    record_id TEXT,
    version TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    published TEXT,
    record TEXT,
    pending_version TEXT,
    pending_record TEXT
);
CREATE INDEX IF NOT EXISTS urls_pending ON urls(pending_version) WHERE pending_version IS NOT NULL;
CREATE INDEX IF NOT EXISTS urls_published ON urls(published);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SqliteStore:
    def __init__(self, path: str, *, lock: bool = True, lock_wait: float = 0.0, create: bool = True,
                 citation_index: bool = True):
        self.path = path
        self.citation_index = citation_index  # False: settle skips the index and marks it stale
        directory = os.path.dirname(os.path.abspath(path))
        if not create and not os.path.isfile(path):
            raise StateUriError(f"no state store at {path} (STATE_URI=sqlite:///{path}): check the path; "
                                "only a crawl creates a store") from None
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise StateError(f"state store {path}: cannot create {directory}: {exc}") from None
        self._lock_fh = None
        if lock:
            self._acquire_lock(lock_wait)
        try:
            if create:
                self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            else:  # mode=rw: fails rather than creating a file
                self.db = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=rw", uri=True,
                                          isolation_level=None, timeout=30)
                if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'urls'"
                                       ).fetchone():
                    self.db.close()
                    raise StateUriError(f"{path} is an SQLite file but not a crawler state store "
                                        "(check STATE_URI)")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._upgrade_ids()
            citations.ensure(self.db, build=citation_index)  # an older store's index is built once here
        except sqlite3.DatabaseError as exc:
            self._release_lock()
            raise StateError(f"state store {path}: {exc}") from None
        except StateError:
            self._release_lock()
            raise

    def _upgrade_ids(self) -> None:
        """Stores written before ids and versions held the full SHA-256 (32 hex digits then):
        rewrite them once, recomputed from the stored records, so the next crawl's versions
        compare equal and nothing is emitted again as changed."""
        if self.get_meta("ids") == "sha256-full":
            return
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            rows = self.db.execute(
                "SELECT url, record, pending_record FROM urls WHERE length(version) = ?"
                " OR length(record_id) = ? OR length(pending_version) = ?",
                (LEGACY_DIGEST_LENGTH,) * 3).fetchall()
            for url, record, pending in rows:
                rec = upgrade_ids(json.loads(record)) if record else None
                pend = upgrade_ids(json.loads(pending)) if pending else None
                self.db.execute(
                    "UPDATE urls SET record = COALESCE(?, record), record_id = COALESCE(?, record_id),"
                    " version = COALESCE(?, version), pending_record = COALESCE(?, pending_record),"
                    " pending_version = COALESCE(?, pending_version) WHERE url = ?",
                    (rec and json.dumps(rec, ensure_ascii=False), rec and rec["id"], rec and rec["version"],
                     pend and json.dumps(pend, ensure_ascii=False), pend and pend["version"], url))
            self.db.execute("INSERT INTO meta (key, value) VALUES ('ids', 'sha256-full')"
                            " ON CONFLICT(key) DO UPDATE SET value = excluded.value")

    # -- locking: two overlapping runs must not interleave their journals ------------------

    def _acquire_lock(self, wait: float) -> None:
        self._lock_fh = open(self.path + ".lock", "a+")  # noqa: SIM115 - held for the run
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fh.seek(0)
                self._lock_fh.truncate()
                self._lock_fh.write(f"{os.getpid()}\n")
                self._lock_fh.flush()
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._lock_fh.seek(0)
                    holder = self._lock_fh.read().strip() or "?"
                    self._lock_fh.close()
                    self._lock_fh = None
                    raise StateError(
                        f"state store {self.path} is in use by another run (pid {holder}); "
                        "wait for it to finish, or set STATE_LOCK_WAIT=SECONDS to wait") from None
                time.sleep(0.2)

    def _release_lock(self) -> None:
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    # -- reads and writes -------------------------------------------------------------------

    def get(self, url: str) -> UrlState | None:
        row = self.db.execute(
            "SELECT url, canonical_url, etag, last_modified, content_sha256, record_id,"
            " COALESCE(pending_version, version), first_seen, last_seen FROM urls WHERE url = ?",
            (url,)).fetchone()
        return UrlState(*row) if row else None

    def seen(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
             content_sha256: str | None = None) -> None:
        """A fetch that emitted nothing (304, or same findings): refresh validators and time,
        and the last-seen time of the posts the article still cites (one transaction)."""
        now = _now()
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "UPDATE urls SET last_seen = ?, etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified),"
                " content_sha256 = COALESCE(?, content_sha256) WHERE url = ?",
                (now, etag, last_modified, content_sha256, url))
            if self.citation_index:
                citations.touch(self.db, url, now)

    def begin_emit(self, url: str, record: dict[str, Any]) -> None:
        c = record["crawl"]
        now = _now()
        text = json.dumps(record, ensure_ascii=False)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            exists = self.db.execute("SELECT 1 FROM urls WHERE url = ?", (url,)).fetchone()
            if not exists:
                self.db.execute(
                    "INSERT INTO urls (url, first_seen, last_seen) VALUES (?, ?, ?)", (url, now, now))
            self.db.execute(
                "UPDATE urls SET pending_version = ?, pending_record = ?, last_seen = ?,"
                " etag = ?, last_modified = ?, content_sha256 = ? WHERE url = ?",
                (record["version"], text, now, c.get("etag"), c.get("last_modified"),
                 c.get("content_sha256"), url))

    def finish_emit(self, url: str, version: str) -> None:
        self.settle(url, version, emitted=True)

    def settle(self, url: str, version: str, emitted: bool) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute("SELECT pending_record FROM urls WHERE url = ? AND pending_version = ?",
                                  (url, version)).fetchone()
            if row is None:
                return
            if emitted:
                rec = json.loads(row[0])
                self.db.execute(
                    "UPDATE urls SET version = ?, record = ?, record_id = ?, canonical_url = ?,"
                    " published = ?, pending_version = NULL, pending_record = NULL WHERE url = ?",
                    (version, row[0], rec["id"], rec["article"].get("canonical_url"),
                     rec["article"].get("published") or rec["crawl"]["fetched_at"], url))
                # same transaction: the citation index moves with the article's latest version
                if self.citation_index:
                    citations.apply(self.db, url, rec, seen_at=rec["crawl"].get("fetched_at") or _now())
                else:  # CITATION_INDEX=False: the index is stale until `crawler reindex`
                    citations.skip(self.db)
            else:  # never reached the output: forget the validators so it is fetched in full
                self.db.execute(
                    "UPDATE urls SET pending_version = NULL, pending_record = NULL, etag = NULL,"
                    " last_modified = NULL WHERE url = ?", (url,))
                self.db.execute("DELETE FROM urls WHERE url = ? AND version IS NULL", (url,))

    def pending(self) -> list[tuple[str, str]]:
        # the lock guarantees no other run is writing: everything pending is left over
        return self.db.execute(
            "SELECT url, pending_version FROM urls WHERE pending_version IS NOT NULL").fetchall()

    def abandoned(self, state: UrlState) -> bool:
        return False  # one process at a time: what is pending now is this run's

    def latest(self, limit: int | None = None, since: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT record FROM urls WHERE record IS NOT NULL"
        args: list[Any] = []
        if since:  # instants, not strings: julianday reads the offset (a bare day is midnight UTC)
            sql += " AND julianday(published) >= julianday(?)"
            args.append(since)
        sql += " ORDER BY julianday(published) DESC, url"
        if limit:
            sql += " LIMIT ?"
            args.append(int(limit))
        return [json.loads(r[0]) for r in self.db.execute(sql, args)]

    # -- the citation index (crawler.citations) ---------------------------------------------

    def cites(self, platform: str, key: str, **filters: Any) -> list[dict[str, Any]]:
        return citations.cites(self.db, platform, key, **filters)

    def cited(self, platform: str, key: str) -> bool:
        return citations.known(self.db, platform, key)

    def top_posts(self, **filters: Any) -> list[dict[str, Any]]:
        return citations.top_posts(self.db, **filters)

    def records(self, urls: list[str]) -> list[dict[str, Any]]:
        return citations.records(self.db, urls)

    def reindex(self) -> int:
        return citations.rebuild(self.db)

    def index_stale(self) -> int:
        """Article versions stored without their citation rows since the last reindex (0: none)."""
        return citations.stale(self.db)

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self._release_lock()
