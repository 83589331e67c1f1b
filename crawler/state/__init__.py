"""The state store: what earlier runs saw, so a run emits only new or changed articles.

``open_store(uri)`` picks the backend from ``STATE_URI``: ``sqlite:///relative/path`` or
``sqlite:////absolute/path`` (the default, one file under the working directory) and, for many
workers, ``redis://HOST:PORT/DB``.

Emission is a two-step journal so that output and state never disagree after a crash: the
pipeline marks a version *pending* (with the row it replaces), the output is written, then the
version is marked *done*. On start, pending rows are settled by looking for their version in
the run's JSON Lines outputs: found means it was emitted, missing means it was not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class StateError(RuntimeError):
    """The store cannot be used (bad URI, locked by another run, unreadable)."""


class StateUriError(StateError):
    """``STATE_URI`` names no store: a scheme we do not know, or (for a reading command) a
    store that does not exist. Bad input: the CLI exits 2."""


@dataclass
class UrlState:
    url: str
    canonical_url: str | None
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    record_id: str | None
    version: str | None
    first_seen: str
    last_seen: str
    pending_version: str | None = None  # set while a worker is writing a new version
    pending_worker: str | None = None  # shared stores only: which worker


class StateStore(Protocol):
    def get(self, url: str) -> UrlState | None: ...
    def begin_emit(self, url: str, record: dict[str, Any]) -> None: ...
    def finish_emit(self, url: str, version: str) -> None: ...
    def pending(self) -> list[tuple[str, str]]: ...
    def abandoned(self, state: UrlState) -> bool: ...
    def settle(self, url: str, version: str, emitted: bool) -> None: ...
    def seen(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
             content_sha256: str | None = None) -> None: ...
    def latest(self, limit: int | None = None, since: str | None = None) -> list[dict[str, Any]]: ...
    # the citation index (crawler.citations), written by settle() with the version it emits
    def cites(self, platform: str, key: str, **filters: Any) -> list[dict[str, Any]]: ...
    def cited(self, platform: str, key: str) -> bool: ...
    def top_posts(self, **filters: Any) -> list[dict[str, Any]]: ...
    def records(self, urls: list[str]) -> list[dict[str, Any]]: ...
    def reindex(self) -> int: ...
    def index_stale(self) -> int: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def close(self) -> None: ...


def open_store(uri: str | None, *, lock: bool = True, lock_wait: float = 0.0, worker: str | None = None,
               alive_seconds: float = 120.0, create: bool = True, citation_index: bool = True) -> StateStore:
    """The store at ``uri``. ``create=False`` is for commands that only read it (``crawler
    feed``): a store that is not there is an error (``StateUriError``), never a new empty
    one, so a mistyped ``STATE_URI`` cannot publish an empty feed. ``citation_index=False``
    (``CITATION_INDEX``): settling a version does not keep the citation index, which then
    reads as stale until ``crawler reindex``."""
    uri = uri or "sqlite:///.state/crawler.sqlite"
    if uri.startswith("sqlite:///"):
        from crawler.state.sqlite import SqliteStore

        return SqliteStore(uri.removeprefix("sqlite:///"), lock=lock, lock_wait=lock_wait, create=create,
                           citation_index=citation_index)
    if uri.startswith(("redis://", "rediss://", "unix://")):
        from crawler.state.redis import RedisStore

        # shared by workers by design: no run lock, but a presence key per worker
        return RedisStore(uri, worker=worker, alive_seconds=alive_seconds, create=create,
                          citation_index=citation_index)
    raise StateUriError(f"STATE_URI={uri!r}: use sqlite:///PATH or redis://HOST:PORT/DB")
