"""Which scripts count as page state (crawler/extract/embeds/jsonstate.py ``_is_state``): one
match of the assigned name and substring tests on its last part, which must say what the
one-regex form says (each state word tried at each position of the name, kept here as the
reference) on every script of our fixtures and the real pages, and on names made to probe it."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from crawler.extract.embeds.jsonstate import _is_state

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

REFERENCE = re.compile(
    r"\s*(?:[{\[]|(?:window\.|self\.|globalThis\.|var |let |const )?[\w.$\[\]'\"]*?"
    r"(?:state|data|store|props|content|article|story|page|__)[\w$'\"\]]*\s*=)", re.I)

PROBES = [
    "var state = {}", "VAR state = {}", "let pageData = {}", "const x = {'state': 1}", "window.a.b.state = {}",
    "x.state.y = {}", "a['page'] = {}", "a['x'].y = []", "a['state'][x] = 1", "  {\"a\": 1}", "[1, 2]", "__NEXT = 1", "foo.__x=1",
    "data=1", "dataLayer.push({})", "var  = {}", "window.__INITIAL_STATE__={}", "self.__next_f.push([1])",
    "window['__state'] = {}", "a[b]state = 1", "a.b]state = 1", "st ate=1", "globalThis.STATE={}",
    "window.App = {}", "Fusion.globalContent={}", "(function(){})()", "", " " * 400 + "state = {}",
    "window.storyX.y = 1", "x == y", "pageState.a == 1", "a.b.c.PROPS$ = 1", "ga('send')",
]


def scripts() -> list[str]:
    out = list(PROBES)
    pages = sorted((ROOT / "fixtures").rglob("*.html"))
    for name in ("realworld", "realworld-v2"):
        if (SHARED / name / "pages").is_dir():
            pages += sorted((SHARED / name / "pages").glob("*.html"))
    for page in pages:
        out += [s.text for s in lxml.html.fromstring(page.read_bytes()).iter("script") if s.text]
    return out


def test_state_scripts_are_the_ones_the_reference_pattern_names():
    texts = scripts()
    differ = [t[:80] for t in texts if _is_state(t) != (REFERENCE.match(t, 0, 300) is not None)]
    assert not differ
    assert 10 < sum(map(_is_state, texts)) < len(texts)  # both answers occur
