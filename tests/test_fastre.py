"""The first-character look-ahead (crawler/extract/fastre.py) changes how fast a pattern searches,
never what it finds: every wrapped pattern of the extraction core against its plain form."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from pathlib import Path

import lxml.html
import pytest

import crawler.extract
from crawler.extract.fastre import with_first_chars

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def wrapped_patterns() -> list[tuple[str, re.Pattern]]:
    out = {}
    for mod in pkgutil.walk_packages(crawler.extract.__path__, "crawler.extract."):
        module = importlib.import_module(mod.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value.pattern.startswith("(?=["):
                out[value.pattern] = (f"{mod.name}.{name}", value)
    return sorted(out.values())


def plain(pattern: re.Pattern) -> re.Pattern:
    inner = pattern.pattern[pattern.pattern.index("])(?:") + 5:-1]
    return re.compile(inner, pattern.flags)


@functools.lru_cache(maxsize=1)
def corpus() -> tuple[str, ...]:
    lines = [
        "© 2025 Harbour Ledger. All rights reserved.", "Photo: Jane Roe/dpa", "Foto: AFP / Jane Roe",
        "Jane Roe / Reuters", "REUTERS/Jane Roe", "Copyright\u00a02019\u2009-\u20092024 Nordmedia, a.s.",
        "Market data provided by Vendor", "Quotes delayed at least 15 min", "(c) 2020 x",
        "Tous droits réservés", "جميع الحقوق محفوظة", "無断転載を禁じます", "무단 전재", "x\u3000y \u2028 z",
        "Registered in England No. 123", "Some rights reserved", "Algunos derechos reservados", "and its licensors", "AP Photo/John Doe", "",
    ]
    pages = sorted((ROOT / "fixtures").rglob("*.html"))
    if (SHARED / "realworld" / "pages").is_dir():
        pages += sorted((SHARED / "realworld" / "pages").glob("*.html"))[:15]
    for page in pages:
        text = lxml.html.fromstring(page.read_bytes()).text_content()
        lines += [ln for ln in text.splitlines() if ln.strip()][:400]
    return tuple(lines)


def test_the_core_wraps_its_slow_patterns():
    names = {name.rsplit(".", 1)[-1] for name, _ in wrapped_patterns()}
    assert {"ANY_SIGN", "RESERVED_ALL", "_WIRE", "_MEDIA_CREDIT", "_CUT"} <= names


@pytest.mark.parametrize("name,pattern", wrapped_patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_wrapped_pattern_finds_what_the_plain_one_finds(name, pattern):
    slow = plain(pattern)
    texts = corpus()
    for text in texts:
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in slow.finditer(text)], (name, text)
    assert any(slow.search(t) for t in texts), f"{name}: the corpus never exercises it"


@pytest.mark.parametrize("source,flags,expected", [
    (r"\bfoo|bar", re.I, "(?=[bf])"),
    (r"(?:a|b)?c", 0, "(?=[abc])"),
    (r"\s[|]x", 0, "(?=["),
    (r"x*y", 0, "(?=[xy])"),
])
def test_first_characters(source, flags, expected):
    assert with_first_chars(re.compile(source, flags)).pattern.startswith(expected)


@pytest.mark.parametrize("source", [r"\w+/x", r"[^a]b", r"a?", r".x", r"x|\d"])
def test_unknown_first_characters_leave_the_pattern_alone(source):
    pattern = re.compile(source)
    assert with_first_chars(pattern) is pattern


def test_the_quick_sign_test_lets_every_sign_through():
    """QUICK_SIGN runs on every text node and only its hits go on to ANY_SIGN: a text with a
    sign that it missed would be a rights line lost."""
    from crawler.extract.rights.signs import ANY_SIGN, QUICK_SIGN

    texts = [*corpus(), "Alle Rechte vorbehalten.", "Alle rechten voorbehouden", "COPYRIGHT 2024 X",
             "Copr. 2020 X", "&copy; 2021 X", "\\u00a9 2022 X", "版权所有", "Tutti i diritti riservati"]
    signed = [t for t in texts if ANY_SIGN.search(t)]
    assert len(signed) > 20
    assert [t for t in signed if not QUICK_SIGN.search(t)] == []


def test_the_last_sentence_found_from_the_end_is_the_last_of_a_split():
    """markup.last_sentence searches the reversed text; it must give what splitting the whole
    block into sentences gives, on any mix of words, stops and spaces."""
    import random

    from crawler.extract.embeds.markup import _SENTENCES, last_sentence

    def by_split(text: str) -> str | None:
        parts = [p for p in _SENTENCES.split(text.strip()) if p]
        return parts[-1][:400] if parts else None

    rng = random.Random(7)
    texts = ["".join(rng.choice("ab .!?…\n\t") for _ in range(rng.randint(0, 16))) for _ in range(5000)]
    texts += ["One. Two three.", "Ends with a space. ", "No stop at all", "Why? Because… yes", ""]
    assert [last_sentence(t) for t in texts] == [by_split(t) for t in texts]


def test_the_media_credit_shortcut_agrees_with_the_whole_pattern():
    from crawler.extract.rights.page import _MEDIA_CREDIT, media_credit

    texts = corpus() + ("Getty Images", "via Getty Images", "Photo: Jane Roe", "Jane Roe/AFP", "ISTOCK",
                        "© 2024 Shutterstock", "Picture Alliance", "AP Photo by X", "Bildnachweis : dpa")
    for text in texts:
        assert media_credit(text) == (_MEDIA_CREDIT.search(text) is not None), text
    assert any(media_credit(t) for t in texts if "/" not in t and ":" not in t)
