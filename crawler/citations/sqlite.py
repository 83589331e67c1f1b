"""The citation index in the SQLite state store: one ``cites`` row per (post, citing article).

``apply`` runs inside the transaction of ``SqliteStore.settle`` that makes a version the
article's latest, so rows and outputs move together. ``ensure`` creates the table and fills it
from the stored records the first time a store from an older version is opened.

``crawler posts`` ranks posts by outlets, then articles: counting them over every row takes
seconds at a million rows, so triggers on ``cites`` keep the counts per post (``cite_posts``)
and per post and site (``cite_sites``) for the rows cited now; every writer (``apply``,
``rebuild``, a hand-made DELETE) goes through them, so the counts cannot drift from the rows.

With ``CITATION_INDEX=False`` a settle skips ``apply`` and counts the version it did not index
(``skip``, meta ``cites_skipped``): readers refuse an incomplete index (``stale``) until
``crawler reindex`` has rebuilt it.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
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
SKIPPED_KEY = "cites_skipped"  # article versions stored without their rows (CITATION_INDEX=False)
SUMMARY_KEY = "cites_summary"
SUMMARY_VERSION = "2"


def _add(x: str) -> str:
    """Trigger statements for a row of ``x`` (NEW or OLD) that is cited now joining the counts:
    two statements (each one costs a row of the index a few microseconds more in the crawl)."""
    post = f"platform = {x}.platform AND post_key = {x}.post_key"
    return f"""
    INSERT INTO cite_sites (platform, post_key, site, articles)
        SELECT {x}.platform, {x}.post_key, {x}.site, 1 WHERE {x}.site IS NOT NULL
        ON CONFLICT (platform, post_key, site) DO UPDATE SET articles = articles + 1;
    INSERT INTO cite_posts (platform, post_key, articles, outlets) VALUES ({x}.platform, {x}.post_key, 1,
        COALESCE((SELECT articles = 1 FROM cite_sites WHERE {post} AND site = {x}.site), 0))
        ON CONFLICT (platform, post_key) DO UPDATE SET articles = articles + 1, outlets = outlets + excluded.outlets;"""


def _remove(x: str) -> str:
    """Trigger statements for a row of ``x`` that was cited leaving the counts."""
    post = f"platform = {x}.platform AND post_key = {x}.post_key"
    return f"""
    UPDATE cite_sites SET articles = articles - 1 WHERE {post} AND site = {x}.site;
    UPDATE cite_posts SET articles = articles - 1,
        outlets = outlets - COALESCE((SELECT articles = 0 FROM cite_sites WHERE {post} AND site = {x}.site), 0)
        WHERE {post};
    DELETE FROM cite_sites WHERE {post} AND site = {x}.site AND articles = 0;
    DELETE FROM cite_posts WHERE {post} AND articles = 0;"""


_TRIGGERS = ("cites_summary_insert", "cites_summary_delete", "cites_summary_leave", "cites_summary_join")

# per post, the rows cited now (not dropped): how many, and from how many sites (outlets)
SUMMARY = f"""
CREATE TABLE IF NOT EXISTS cite_posts (
    platform TEXT NOT NULL, post_key TEXT NOT NULL, articles INTEGER NOT NULL, outlets INTEGER NOT NULL,
    PRIMARY KEY (platform, post_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cite_sites (
    platform TEXT NOT NULL, post_key TEXT NOT NULL, site TEXT NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (platform, post_key, site)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS cites_summary_insert AFTER INSERT ON cites WHEN NEW.dropped_at IS NULL
BEGIN {_add("NEW")}
END;
CREATE TRIGGER IF NOT EXISTS cites_summary_delete AFTER DELETE ON cites WHEN OLD.dropped_at IS NULL
BEGIN {_remove("OLD")}
END;
CREATE TRIGGER IF NOT EXISTS cites_summary_leave AFTER UPDATE OF dropped_at, site ON cites
    WHEN OLD.dropped_at IS NULL AND (NEW.dropped_at IS NOT NULL OR NEW.site IS NOT OLD.site)
BEGIN {_remove("OLD")}
END;
CREATE TRIGGER IF NOT EXISTS cites_summary_join AFTER UPDATE OF dropped_at, site ON cites
    WHEN NEW.dropped_at IS NULL AND (OLD.dropped_at IS NOT NULL OR NEW.site IS NOT OLD.site)
BEGIN {_add("NEW")}
END;
"""
_FILL_SUMMARY = """
DELETE FROM cite_posts;
DELETE FROM cite_sites;
INSERT INTO cite_sites (platform, post_key, site, articles) SELECT platform, post_key, site, COUNT(*) FROM cites
    WHERE dropped_at IS NULL AND site IS NOT NULL GROUP BY platform, post_key, site;
INSERT INTO cite_posts (platform, post_key, articles, outlets) SELECT platform, post_key, COUNT(*), COUNT(DISTINCT site)
    FROM cites WHERE dropped_at IS NULL GROUP BY platform, post_key;
"""

# the instant a row sorts by (publication, else first seen), in Unix seconds, so that sorting and
# `--since` compare numbers rather than parse dates
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


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (key, value))


def ensure(db: sqlite3.Connection, *, build: bool = True) -> None:
    """The table, and its rows rebuilt from the records when the store predates it (with
    ``build=False``, for a crawl with ``CITATION_INDEX=False``, marked stale instead)."""
    db.executescript(SCHEMA)
    if "at" not in {r[1] for r in db.execute("PRAGMA table_info(cites)")}:  # an index from before `at`
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ALTER TABLE cites ADD COLUMN at REAL")
            db.execute(f"UPDATE cites SET at = {_AT.format(published='published', first_seen='first_seen')}")
    # no index on `at` nor on the counts: each is a page more to write per row in the crawl's
    # transaction, for queries that answer in milliseconds without (docs/performance.md)
    db.executescript("DROP INDEX IF EXISTS cites_post_at; DROP INDEX IF EXISTS cite_posts_rank;")
    if _meta(db, SUMMARY_KEY) != SUMMARY_VERSION:  # triggers of another version go (then counted again)
        db.executescript("".join(f"DROP TRIGGER IF EXISTS {name};" for name in _TRIGGERS))
    db.executescript(SUMMARY)
    if _meta(db, SUMMARY_KEY) != SUMMARY_VERSION:  # an index from before the counts: counted once
        with db:
            db.execute("BEGIN IMMEDIATE")
            _count(db)
    if _meta(db, META_KEY) != VERSION:
        if build:
            rebuild(db)
        else:  # a crawl that keeps no index on a store that has none: stale until a reindex
            with db:
                db.execute("BEGIN IMMEDIATE")
                stored = db.execute("SELECT COUNT(*) FROM urls WHERE record IS NOT NULL").fetchone()[0]
                if stored:  # (a new store has nothing to index)
                    skip(db, stored)
                _set_meta(db, META_KEY, VERSION)


def _count(db: sqlite3.Connection) -> None:
    """Count the rows cited now into ``cite_posts``/``cite_sites`` from scratch (inside the
    caller's transaction): once for a store from before the counts, and at each rebuild."""
    for statement in _FILL_SUMMARY.split(";"):
        if statement.strip():
            db.execute(statement)
    _set_meta(db, SUMMARY_KEY, SUMMARY_VERSION)


def _meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def skip(db: sqlite3.Connection, n: int = 1) -> None:
    """``n`` article versions became the latest without their rows (inside the caller's
    transaction): the index is stale until a rebuild."""
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)"
               " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value",
               (SKIPPED_KEY, str(n)))


def stale(db: sqlite3.Connection) -> int:
    """How many article versions were stored without indexing since the last rebuild (0: none)."""
    return int(_meta(db, SKIPPED_KEY) or 0)


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
        _count(db)  # the triggers kept the counts; counted again, a reindex repairs them too
        _set_meta(db, META_KEY, VERSION)
        _set_meta(db, SKIPPED_KEY, "0")  # every stored version indexed: complete again
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


@lru_cache(maxsize=256)
def _forms(text: str | None) -> tuple[str, ...]:
    """A row's ``forms`` (JSON text): a handful of distinct values, decoded once each."""
    return tuple(json.loads(text or "[]"))


def _row(cols: list[str], values: tuple) -> dict[str, Any]:
    d = dict(zip(cols, values, strict=True))
    if "forms" in d:
        d["forms"] = list(_forms(d["forms"]))
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
    sql += " ORDER BY at, article_url"  # a post's rows are side by side (the key): read, then sorted
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    rows = [dict(zip(_OUT, r, strict=True)) for r in db.execute(sql, args)]  # a hot post: thousands
    for row in rows:
        row["forms"] = list(_forms(row["forms"]))
    return rows


def known(db: sqlite3.Connection, platform: str, key: str) -> bool:
    return db.execute("SELECT 1 FROM cites WHERE platform = ? AND post_key = ? LIMIT 1",
                      (platform, key)).fetchone() is not None


_TOP_COLS = ["platform", "post_key", "outlets", "articles", "first_seen", "last_seen", "author_handle",
             "author_name", "post_text", "post_url"]
_DETAILS = ("MIN(c.first_seen), MAX(c.last_seen), MAX(c.author_handle), MAX(c.author_name), MAX(c.post_text),"
            " MAX(c.post_url)")


def top_posts(db: sqlite3.Connection, *, platform: str | None = None, since: str | None = None,
              min_outlets: int = 1, top: int | None = None) -> list[dict[str, Any]]:
    """The most-cited posts: by outlets (distinct sites) citing them now, then by articles.

    Ranked from the kept counts (``cite_posts``): with ``top``, only the posts ranked at least
    as high as the K-th (ties included, for the first-seen tie-break) have their rows read.
    ``since`` counts only some rows, so it groups the rows themselves (``_top_since``)."""
    if since:
        return _top_since(db, platform=platform, since=since, min_outlets=min_outlets, top=top)
    where = "p.outlets >= ?"
    args: list[Any] = [int(min_outlets)]
    if platform:
        where += " AND p.platform = ?"
        args.append(platform)
    if top:
        kth = db.execute(f"SELECT p.outlets, p.articles FROM cite_posts p WHERE {where}"
                         " ORDER BY p.outlets DESC, p.articles DESC LIMIT 1 OFFSET ?", (*args, int(top) - 1)).fetchone()
        if kth is not None:
            where += " AND (p.outlets, p.articles) >= (?, ?)"
            args.extend(kth)
    sql = (f"SELECT p.platform, p.post_key, p.outlets, p.articles, {_DETAILS} FROM cite_posts p"
           " JOIN cites c ON c.platform = p.platform AND c.post_key = p.post_key AND c.dropped_at IS NULL"
           f" WHERE {where} GROUP BY p.platform, p.post_key"
           " ORDER BY p.outlets DESC, p.articles DESC, MIN(c.first_seen)")
    if top:
        sql += " LIMIT ?"
        args.append(int(top))
    return [_row(_TOP_COLS, r) for r in db.execute(sql, args)]


def _top_since(db: sqlite3.Connection, *, platform: str | None, since: str, min_outlets: int,
               top: int | None) -> list[dict[str, Any]]:
    """``top_posts`` over the rows of articles published since ``since``: grouped here."""
    sql = ("SELECT platform, post_key, COUNT(DISTINCT site) AS outlets, COUNT(*) AS articles,"
           f" {_DETAILS} FROM cites c WHERE dropped_at IS NULL AND at >= {_SINCE}")
    args: list[Any] = [since]
    if platform:
        sql += " AND platform = ?"
        args.append(platform)
    sql += " GROUP BY platform, post_key HAVING outlets >= ? ORDER BY outlets DESC, articles DESC, MIN(first_seen)"
    args.append(int(min_outlets))
    if top:
        sql += " LIMIT ?"
        args.append(int(top))
    return [_row(_TOP_COLS, r) for r in db.execute(sql, args)]


def records(db: sqlite3.Connection, urls: list[str]) -> list[dict[str, Any]]:
    """The stored latest records of these crawled URLs."""
    out = []
    for url in dict.fromkeys(urls):
        row = db.execute("SELECT record FROM urls WHERE url = ? AND record IS NOT NULL", (url,)).fetchone()
        if row:
            out.append(json.loads(row[0]))
    return out
