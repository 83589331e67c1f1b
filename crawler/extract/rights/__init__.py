"""Copyright, licence, syndication and credit statements, each with holder, years and scope.

``signs``: where a rights line can be (the walker's per-text-node test, placement);
``statement``: one line's holder, years and reservation; ``machine``: meta, licence links and
JSON-LD; ``page``: each line's scope and the page's own line.
"""

from crawler.extract.rights.page import find_rights, find_rights_in_text
from crawler.extract.rights.signs import ANY_SIGN, QUICK_SIGN, SignScan, is_sign_text
from crawler.extract.rights.statement import parse_statement

__all__ = ["ANY_SIGN", "QUICK_SIGN", "SignScan", "find_rights", "find_rights_in_text", "is_sign_text",
           "parse_statement"]
