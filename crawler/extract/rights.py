"""Copyright, licence and syndication statements (filled in by the rights issue)."""

from __future__ import annotations

from crawler.extract.document import Document
from crawler.records import Rights


def find_rights(doc: Document) -> list[Rights]:
    return []


def find_rights_in_text(text: str) -> list[Rights]:
    return []
