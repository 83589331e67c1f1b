"""Posts cited in plain text: what an embed leaves when a page is turned into text.

``— RedWave Press (@RedWave_Press) April 30, 2025`` with ``pic.twitter.com/…`` nearby is a
tweet; ``A post shared by NAME (@handle)`` an Instagram post; and so on (see the embeds doc,
section 3). Ids rarely survive, so these posts usually have ``post_id`` None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.embeds.base import Hit, PostRef, collapse_text, parse_date_text

_DASH = r"[—–―-]|&mdash;"
# "— NAME (@handle) DATE" on its own line; the handle decides the platform
_SIGNATURE = re.compile(
    rf"^[ \t]*(?:{_DASH})[ \t]*(?P<name>[^\n]{{0,80}}?)[ \t]*\([ \t]*@(?P<handle>[\w.]{{1,40}}?)[ \t]*\)"
    rf"[ \t]*(?P<date>[^\n]{{4,60}}?)[ \t]*$",
    re.M,
)
_PIC = re.compile(r"\b(?:https?://)?pic\.(?:twitter|x)\.com/(\w+)", re.I)
_TCO = re.compile(r"\bhttps?://t\.co/\w+", re.I)
_INSTAGRAM = re.compile(
    r"^[ \t]*(?:A (?:post|photo|video) (?:shared|posted) by)[ \t]+(?P<name>[^\n(]{0,80}?)[ \t]*"
    r"\([ \t]*@(?P<handle>[\w.]{1,30})[ \t]*\)(?:[ \t]+on[ \t]+(?P<date>[^\n]{4,60}))?[ \t]*$",
    re.M | re.I,
)
_FACEBOOK = re.compile(r"^[ \t]*Posted by[ \t]+(?P<name>[^\n]{1,80}?)[ \t]+on[ \t]+(?P<date>[^\n]{6,60}?)[ \t]*$",
                       re.M)
_FEDI = re.compile(r"^[ \t]*Post by @(?P<user>[\w.]{1,30})(?:@(?P<inst>[\w.-]+\.\w+))?[ \t]*\n?"
                   r"[ \t]*View on (?P<where>Threads|Mastodon)[ \t]*$", re.M)
_TIKTOK = re.compile(r"^[ \t]*@(?P<handle>[\w.]{2,24})[ \t]+(?P<text>[^\n]*?)♬[ \t]*(?P<sound>[^\n]*)$", re.M)


@dataclass(slots=True)
class TextHit:
    hit: Hit
    offset: int
    context: str | None


def _line_before(text: str, start: int) -> tuple[str, int]:
    end = text.rfind("\n", 0, start)
    if end <= 0:
        return "", start
    begin = text.rfind("\n", 0, end) + 1
    return text[begin:end].strip(), begin


def _line_after(text: str, end: int) -> str:
    if end >= len(text):
        return ""
    stop = text.find("\n", end + 1)
    return text[end + 1: stop if stop >= 0 else len(text)].strip()


def find_text_posts(text: str) -> list[TextHit]:
    out: list[TextHit] = []
    for m in _SIGNATURE.finditer(text):
        handle = m.group("handle")
        date_text = m.group("date")
        before, begin = _line_before(text, m.start())
        after = _line_after(text, m.end())
        parts = [before]
        if after and (_PIC.search(after) or _TCO.search(after)) and not _SIGNATURE.match(after):
            parts.append(after)
        body = " ".join(p for p in parts if p)
        media = [f"https://pic.twitter.com/{p.group(1)}" for p in _PIC.finditer(body)]
        body = _PIC.sub("", body)
        if "." in handle:  # Bluesky: handles are domain names
            platform, h = "bluesky", handle.lower()
        else:
            if len(handle) > 15:
                continue
            platform, h = "twitter", handle
        date = parse_date_text(date_text)
        if date is None:
            continue  # a parenthesised handle without a date is just prose
        ref = PostRef(platform, None, None, "post", h)
        hit = Hit(ref, "text", name=collapse_text(m.group("name")) or None, handle=h,
                  posted=date, text=collapse_text(body), media=media)
        out.append(TextHit(hit, m.start(), _context(text, begin)))
    for m in _INSTAGRAM.finditer(text):
        ref = PostRef("instagram", None, None, "post", m.group("handle"))
        out.append(TextHit(Hit(ref, "text", name=collapse_text(m.group("name")), handle=m.group("handle"),
                               posted=parse_date_text(m.group("date"))), m.start(),
                           _context(text, m.start())))
    for m in _FACEBOOK.finditer(text):
        date = parse_date_text(m.group("date"))
        if date is None:
            continue
        before, begin = _line_before(text, m.start())
        ref = PostRef("facebook", None, None, "post", None)
        out.append(TextHit(Hit(ref, "text", name=collapse_text(m.group("name")), posted=date,
                               text=collapse_text(before) or None), m.start(), _context(text, begin)))
    for m in _FEDI.finditer(text):
        if m.group("where") == "Threads":
            ref = PostRef("threads", None, None, "post", m.group("user"))
        else:
            handle = f"{m.group('user')}@{m.group('inst')}" if m.group("inst") else m.group("user")
            ref = PostRef("mastodon", None, None, "post", handle)
        out.append(TextHit(Hit(ref, "text", handle=ref.handle), m.start(), _context(text, m.start())))
    for m in _TIKTOK.finditer(text):
        ref = PostRef("tiktok", None, None, "video", m.group("handle"))
        out.append(TextHit(Hit(ref, "text", handle=m.group("handle"),
                               text=collapse_text(m.group("text"))), m.start(), _context(text, m.start())))
    out.sort(key=lambda t: t.offset)
    return out


_SENT = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"”’])\s+")


def _context(text: str, offset: int) -> str | None:
    """The last sentence of the paragraph before ``offset``."""
    head = text[:offset].rstrip()
    if not head:
        return None
    para = head[head.rfind("\n") + 1:].strip()
    sentences = [s for s in _SENT.split(para) if s.strip()]
    return sentences[-1][:400] if sentences else None
