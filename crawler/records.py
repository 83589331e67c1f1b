"""The provenance record: one per article version.

Dataclasses keep the shape explicit and typed; ``to_dict`` gives the JSON form that exporters
write and that ``schema/record.schema.json`` validates. Field names are a contract (see
``docs/architecture.md``): add fields freely, rename none without bumping ``SCHEMA``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SCHEMA = "social-provenance-record/1"


@dataclass(slots=True)
class Evidence:
    """Where and how one post appears in the article."""

    form: str  # embed | rendered | amp | iframe | lazy | cms | json | text | link
    locator: str  # an XPath to the element, or "char:N" for a text offset
    position: int  # order of appearance in the page, starting at 0
    context: str | None = None  # nearest article sentence before it


@dataclass(slots=True)
class Author:
    handle: str | None = None
    name: str | None = None


@dataclass(slots=True)
class Post:
    platform: str
    post_id: str | None
    url: str | None
    kind: str = "post"
    author: Author = field(default_factory=Author)
    posted: str | None = None
    text: str | None = None
    media: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Rights:
    statement: str
    holder: str | None
    years: list[int]
    kind: str  # copyright | license | syndication | credit
    reserved: str | None  # all | some | none | None when the statement does not say
    restrictions: list[str]
    license_url: str | None
    source: str  # text | meta | jsonld | link
    scope: str  # page | article | media


@dataclass(slots=True)
class Article:
    url: str
    canonical_url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    publisher: str | None = None
    language: str | None = None
    description: str | None = None
    text_sha256: str | None = None
    text: str | None = None
    page_type: str | None = None  # what the page declares: og:type or JSON-LD type, lower case


@dataclass(slots=True)
class Crawl:
    """How the bytes were obtained: the provenance of the provenance."""

    url: str
    fetched_at: str
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    content_sha256: str | None = None
    spider: str | None = None
    crawl_id: str | None = None
    crawler_version: str | None = None
    warc_record_id: str | None = None
    # where the URL was found: {"kind": "sitemap"|"feed"|"site"|"warc", "url": ..., and what the
    # listing said about the entry: "lastmod", "title", "published", "publisher"; for "warc", the
    # archive's URL and the record's "offset" in it, which find the evidence again}
    source: dict[str, Any] | None = None


@dataclass(slots=True)
class ProvenanceRecord:
    id: str
    version: str
    article: Article
    posts: list[Post]
    rights: list[Rights]
    crawl: Crawl
    previous_version: str | None = None
    schema: str = SCHEMA
    _frozen: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form. Article, posts and rights are converted once (``freeze``); only
        ``crawl`` may still change after extraction (spiders stamp the served bytes' hash)."""
        parts = self._frozen or self.freeze()
        article, posts, rights = parts
        data = {
            "schema": self.schema, "id": self.id, "version": self.version,
            "previous_version": self.previous_version,
            "article": dict(article), "posts": posts, "rights": rights, "crawl": asdict(self.crawl),
        }
        if data["article"].get("text") is None:
            data["article"].pop("text", None)
        return data

    def freeze(self) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        parts = (asdict(self.article), [asdict(p) for p in self.posts], [asdict(r) for r in self.rights])
        self._frozen = parts
        return parts


def article_id(canonical_url: str) -> str:
    """Stable id of an article: the SHA-256 of its canonical URL, all 64 hex digits (what the
    ``sha256:`` prefix promises; earlier versions kept the first 32, see ``upgrade_ids``)."""
    return "sha256:" + hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()


def findings_version(article: dict[str, Any], posts: list[dict], rights: list[dict]) -> str:
    """Hash of what was found, not of the bytes: a rotating ad changes no version.

    Evidence positions and locators are left out, so that markup moving around an unchanged
    citation does not count as a change; the text is represented by its hash.
    """
    art = {k: v for k, v in article.items() if k not in ("text", "url")}
    post_keys = [
        {
            "platform": p["platform"],
            "post_id": p["post_id"],
            "url": p["url"],
            "author": p["author"],
            "forms": sorted({e["form"] for e in p["evidence"]}),
        }
        for p in posts
    ]
    payload = json.dumps(
        {"article": art, "posts": post_keys, "rights": rights},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


LEGACY_DIGEST_LENGTH = len("sha256:") + 32  # ids and versions written before full digests


def is_legacy_digest(value: str | None) -> bool:
    """True for a ``sha256:`` value holding only the first 32 hex digits (earlier versions)."""
    return bool(value) and value.startswith("sha256:") and len(value) == LEGACY_DIGEST_LENGTH


def upgrade_ids(record: dict[str, Any]) -> dict[str, Any]:
    """The record with a full-digest ``id`` and ``version`` when it holds truncated ones.

    Both are recomputed from the record itself (the canonical URL; the findings) and kept only
    when they extend the stored truncation, so an upgraded store compares equal with what the
    next crawl computes. ``previous_version`` keeps its 32 digits: the findings it hashed are
    gone (the schema accepts that one legacy form there).
    """
    out = dict(record)
    art = record.get("article") or {}
    if is_legacy_digest(record.get("id")):
        full = article_id(art.get("canonical_url") or art.get("url") or "")
        if full.startswith(record["id"]):
            out["id"] = full
    if is_legacy_digest(record.get("version")):
        try:
            full = findings_version(art, record.get("posts") or [], record.get("rights") or [])
        except (KeyError, TypeError):
            full = ""
        if full.startswith(record["version"]):
            out["version"] = full
    return out


@cache
def record_schema() -> dict[str, Any]:
    """The JSON Schema shipped with the package."""
    text = resources.files("crawler").joinpath("schema/record.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = record_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_validator():
    import fastjsonschema

    return fastjsonschema.compile(record_schema())


def is_valid(record: dict[str, Any]) -> bool:
    """Fast check for the hot path (code generated from the schema by fastjsonschema, about
    ten times faster than jsonschema); ``validation_errors`` explains a failure in full."""
    import fastjsonschema

    try:
        _fast_validator()(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validation_errors(record: dict[str, Any]) -> list[str]:
    """Every way ``record`` departs from the schema, as readable strings (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<record>'}: {e.message}"
        for e in _validator().iter_errors(record)
    ]
