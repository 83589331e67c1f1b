"""Page state in devalue's flat form (Nuxt 3's ``<script id="__NUXT_DATA__">``), made a tree.

devalue writes a value as one JSON array: entry 0 is the root, an object maps each key to the
*index* of its value, an array lists indices, and a typed value is an array led by its type's
name (``["Date", "2025-05-09T…"]``, ``["Set", 4, 7]``, ``["Map", k, v, …]``, Nuxt's reducers
``["ShallowReactive", 1]``, ``["Reactive", 3]``). Read as plain JSON, the article's object is
``{"slug": 6, "body": 8}``: nothing in it names the page or holds a post. Rebuilt as the tree it
encodes, the JSON-state scanner reads it like any other blob.
"""

from __future__ import annotations

from typing import Any

_SCALAR_TYPES = frozenset({"Date", "RegExp", "BigInt", "URL", "URLSearchParams"})
_MAX_NODES = 300_000  # shared objects are copied where referenced: bound what a page can cost
_MAX_DEPTH = 80


def is_flat(value: Any) -> bool:
    """Is this JSON value devalue's flat form? Its root (entry 0) is an object whose values are
    all indices, or a typed wrapper of one (``["ShallowReactive", 1]``)."""
    if value.__class__ is not list or len(value) < 2:
        return False
    root = value[0]
    if root.__class__ is dict:
        return bool(root) and all(v.__class__ is int for v in root.values())
    return (root.__class__ is list and len(root) == 2 and root[0].__class__ is str
            and root[1].__class__ is int)


def unflatten(values: list) -> Any:
    """The tree ``values`` encodes; a reference back to an enclosing value (a cycle), an index out
    of range and devalue's negative codes (undefined, holes, NaN) become ``None``."""
    budget = [_MAX_NODES]
    open_ids: set[int] = set()
    n = len(values)

    def hydrate(i: Any, depth: int) -> Any:
        if i.__class__ is not int or not 0 <= i < n or i in open_ids or depth > _MAX_DEPTH:
            return None
        v = values[i]
        if v.__class__ is not dict and v.__class__ is not list:
            return v
        budget[0] -= 1
        if budget[0] < 0:
            return None
        open_ids.add(i)
        try:
            if v.__class__ is dict:
                return {k: hydrate(j, depth + 1) for k, j in v.items()}
            if not v or v[0].__class__ is not str:
                return [hydrate(j, depth + 1) for j in v]
            kind, rest = v[0], v[1:]
            if kind in _SCALAR_TYPES:
                return rest[0] if rest else None
            if kind == "Set":
                return [hydrate(j, depth + 1) for j in rest]
            if kind == "Map" or kind == "null":  # keys and values in turn (a null-prototype object's
                pairs = zip(rest[::2], rest[1::2], strict=False)  # keys are strings, a Map's indices)
                return {str(hydrate(k, depth + 1) if kind == "Map" else k): hydrate(j, depth + 1) for k, j in pairs}
            return hydrate(rest[0], depth + 1) if rest else None  # a reducer's wrapper (Reactive, Ref, ...)
        finally:
            open_ids.discard(i)

    return hydrate(0, 0)
