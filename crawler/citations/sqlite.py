"""The citation index in the SQLite state store: one ``cites`` row per (post, citing article).

``apply`` runs inside the transaction of ``SqliteStore.settle`` that makes a version the
article's latest, so rows and outputs move together. ``ensure`` creates the table and fills it
from the stored records the first time a store from an older version is opened.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crawler.citations import citations_of

META_KEY = "cites_index"
VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS cites (
    platform TEXT NOT NULL,
    post_key TEXT NOT NULL,
    url TEXT NOT NULL,
    record_id TEXT, article_url TEXT, publisher TEXT, site TEXT, title TEXT, published TEXT,
    version TEXT, forms TEXT, post_url TEXT, author_handle TEXT, author_name TEXT, post_text TEXT,
    posted TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    dropped_at TEXT,
    dropped_version TEXT,
    at REAL,
    PRIMARY KEY (platform, post_key, url)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cites_url ON cites(url);
"""
# the instant a row sorts by (publication, else first seen), in Unix seconds: an index on it lets
# `crawler cites --limit/--since` read a post's rows in order instead of sorting them
_AT = "(julianday(COALESCE({published}, {first_seen})) - 2440587.5) * 86400"
_SINCE = "(julianday(?) - 2440587.5) * 86400"

_COLUMNS = ("record_id", "article_url", "publisher", "site", "title", "published", "version", "forms",
            "post_url", "author_handle", "author_name", "post_text", "posted")

_UPSERT = (f"INSERT INTO cites (platform, post_key, url, {', '.join(_COLUMNS)}, first_seen, last_seen, at)"
           f" VALUES (?, ?, ?, {', '.join('?' * len(_COLUMNS))}, ?, ?, {_AT.format(published='?', first_seen='?')})"
           " ON CONFLICT(platform, post_key, url) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS)
           + ", last_seen = MAX(last_seen, excluded.last_seen), dropped_at = NULL, dropped_version = NULL, at = "
           + _AT.format(published="excluded.published", first_seen="cites.first_seen"))


def ensure(db: sqlite3.Connection) -> None:
    """The table, and its rows rebuilt from the records when the store predates it."""
    db.executescript(SCHEMA)
    if "at" not in {r[1] for r in db.execute("PRAGMA table_info(cites)")}:  # an index from before `at`
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ALTER TABLE cites ADD COLUMN at REAL")
            db.execute(f"UPDATE cites SET at = {_AT.format(published='published', first_seen='first_seen')}")
    db.execute("CREATE INDEX IF NOT EXISTS cites_post_at ON cites(platform, post_key, at)")
    row = db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    if row is None or row[0] != VERSION:
        rebuild(db)


def rebuild(db: sqlite3.Connection) -> int:
    """Index each stored latest record again (``crawler reindex``, and once for a store that
    predates the index). Rows of articles the store no longer holds go; a row's first-seen time
    and what earlier versions dropped (only the journal saw those) are kept. An older store's
    rows start at the article's first-seen time: the best the stored records tell."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM cites WHERE url NOT IN (SELECT url FROM urls WHERE record IS NOT NULL)")
        n = 0
        for url, record, first_seen, last_seen in db.execute(
                "SELECT url, record, first_seen, last_seen FROM urls WHERE record IS NOT NULL").fetchall():
            rec = json.loads(record)
            apply(db, url, rec, seen_at=rec["crawl"].get("fetched_at") or last_seen, first_seen=first_seen)
            n += 1
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (META_KEY, VERSION))
    return n


def apply(db: sqlite3.Connection, url: str, rec: dict[str, Any], *, seen_at: str,
          first_seen: str | None = None) -> None:
    """Make the index agree with ``rec``, now the latest version of ``url`` (inside the
    caller's transaction): upsert the posts it cites, mark the others it cited before dropped."""
    cited = citations_of(rec)
    for (platform, key), row in cited.items():
        values = [row[c] if c != "forms" else json.dumps(row[c]) for c in _COLUMNS]
        db.execute(_UPSERT, (platform, key, url, *values, first_seen or seen_at, seen_at, row["published"],
                             first_seen or seen_at))
    current = db.execute("SELECT platform, post_key FROM cites WHERE url = ? AND dropped_at IS NULL",
                         (url,)).fetchall()
    for platform, key in current:
        if (platform, key) not in cited:
            db.execute("UPDATE cites SET dropped_at = ?, dropped_version = ? WHERE platform = ? AND post_key = ?"
                       " AND url = ?", (seen_at, rec["version"], platform, key, url))


def touch(db: sqlite3.Connection, url: str, now: str) -> None:
    """A fetch found the same findings: the article still cites what it cited."""
    db.execute("UPDATE cites SET last_seen = ? WHERE url = ? AND dropped_at IS NULL", (now, url))


def _row(cols: list[str], values: tuple) -> dict[str, Any]:
    d = dict(zip(cols, values, strict=True))
    if "forms" in d:
        d["forms"] = json.loads(d["forms"] or "[]")
    return d


_OUT = ("platform", "post_key", "url", "record_id", "article_url", "publisher", "site", "title", "published", "version",
        "forms", "first_seen", "last_seen", "dropped_at", "dropped_version")


def cites(db: sqlite3.Connection, platform: str, key: str, *, since: str | None = None,
          site: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The articles citing the post, oldest first (by publication, else first seen)."""
    sql = f"SELECT {', '.join(_OUT)} FROM cites WHERE platform = ? AND post_key = ?"
    args: list[Any] = [platform, key]
    if since:
        sql += f" AND at >= {_SINCE}"
        args.append(since)
    if site:
        sql += " AND site = ?"
        args.append(site.removeprefix("www."))
    sql += " ORDER BY at, article_url"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    return [_row(list(_OUT), r) for r in db.execute(sql, args)]


def known(db: sqlite3.Connection, platform: str, key: str) -> bool:
    return db.execute("SELECT 1 FROM cites WHERE platform = ? AND post_key = ? LIMIT 1",
                      (platform, key)).fetchone() is not None


def top_posts(db: sqlite3.Connection, *, platform: str | None = None, since: str | None = None,
              min_outlets: int = 1, top: int | None = None) -> list[dict[str, Any]]:
    """The most-cited posts: by outlets (distinct sites) citing them now, then by articles."""
    sql = ("SELECT platform, post_key, COUNT(DISTINCT site) AS outlets, COUNT(*) AS articles,"
           " MIN(first_seen), MAX(last_seen), MAX(author_handle), MAX(author_name), MAX(post_text),"
           " MAX(post_url) FROM cites WHERE dropped_at IS NULL")
    args: list[Any] = []
    if platform:
        sql += " AND platform = ?"
        args.append(platform)
    if since:
        sql += f" AND at >= {_SINCE}"
        args.append(since)
    sql += " GROUP BY platform, post_key HAVING outlets >= ? ORDER BY outlets DESC, articles DESC, MIN(first_seen)"
    args.append(int(min_outlets))
    if top:
        sql += " LIMIT ?"
        args.append(int(top))
    cols = ["platform", "post_key", "outlets", "articles", "first_seen", "last_seen", "author_handle",
            "author_name", "post_text", "post_url"]
    return [_row(cols, r) for r in db.execute(sql, args)]


def records(db: sqlite3.Connection, urls: list[str]) -> list[dict[str, Any]]:
    """The stored latest records of these crawled URLs."""
    out = []
    for url in dict.fromkeys(urls):
        row = db.execute("SELECT record FROM urls WHERE url = ? AND record IS NOT NULL", (url,)).fetchone()
        if row:
            out.append(json.loads(row[0]))
    return out
