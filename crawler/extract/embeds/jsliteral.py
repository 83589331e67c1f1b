"""Page state written as JavaScript rather than JSON, turned into JSON where that is safe.

Nuxt 2 serialises its state as ``window.__NUXT__=(function(a,b,c){return {...}}(1,"tweet",null))``:
object keys are unquoted and repeated values are function parameters bound to the call's
arguments. Quoting the keys and putting the arguments in place of the parameters gives JSON
the JSON-state scanner reads like any other blob, so typed components (``{is: "tweet",
props: {id: "..."}}``) and the article's own object are found the same way.
"""

from __future__ import annotations

import json
import re
from typing import Any

_IIFE = re.compile(r"\(function\s*\(([\w$,\s]*)\)\s*\{\s*return\s+", re.S)
# strings first, so that nothing inside a string is taken for a key or a parameter
_STRING = r'("(?:[^"\\]|\\.)*")'
_KEY = re.compile(_STRING + r"|([{,]\s*)([A-Za-z_$][\w$]*)\s*:")
_VALUE_IDENT = re.compile(_STRING + r"|([:\[,]\s*)([A-Za-z_$][\w$]*)(\s*(?=[,}\]]))")
_LITERALS = {"true": True, "false": False, "null": None, "undefined": None}
_MAX = 5_000_000


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of a call (strings, brackets and braces respected)."""
    out, depth, start, quote, i = [], 0, 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                out.append(text[start:i])
                return out
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


def _arg_value(arg: str) -> Any:
    arg = arg.strip()
    if arg in _LITERALS:
        return _LITERALS[arg]
    if arg in ("void 0", "!0", "!1"):
        return {"void 0": None, "!0": True, "!1": False}[arg]
    try:
        return json.loads(arg)
    except ValueError:
        return None


def iife_state(text: str) -> Any | None:
    """The value a ``(function(params){return {...}}(args))`` state script builds, or None."""
    if len(text) > _MAX:
        return None
    m = _IIFE.search(text)
    if m is None:
        return None
    params = [p.strip() for p in m.group(1).split(",") if p.strip()]
    end = text.rfind("}(")
    if end <= m.end():
        return None
    args = _split_args(text[end + 2:])
    values = {p: _arg_value(a) for p, a in zip(params, args, strict=False)}
    body = text[m.end():end].rstrip().rstrip(";").rstrip()
    body = body.replace("void 0", "null").replace(":!0", ":true").replace(":!1", ":false")
    body = _KEY.sub(lambda k: k.group(1) or f'{k.group(2)}"{k.group(3)}":', body)

    def value(v: re.Match[str]) -> str:
        if v.group(1):
            return v.group(1)
        name = v.group(3)
        if name in _LITERALS:
            return v.group(0)
        return f"{v.group(2)}{json.dumps(values.get(name))}{v.group(4)}"

    body = _VALUE_IDENT.sub(value, body)
    try:
        return json.JSONDecoder(strict=False).raw_decode(body)[0]
    except (ValueError, RecursionError):
        return None
