"""How Chinese, Japanese and Korean footers name the rights holder.

"版权所有" ("rights owned": all rights reserved) stands right after its owner ("光明网版权所有",
"主办单位：山西医科大学 版权所有") or before it, past a colon ("版权所有：中国政府网"). A mainland
Chinese footer also carries the site's ICP licence and police registration numbers
("明日大盘 京ICP备16058363号-1", "京公网安备 11010202000001号") and labelled fields ("地址：" address,
"电话：" telephone, "主办：" run by) right after the holder, with no more than a space between:
they end a holder and never are one.
"""

from __future__ import annotations

import re

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TAIL = re.compile(rf"\s*[{_CJK}]{{0,3}}(?:ICP|公网安备|公安网备|公網安備)|\s*备案|(?:^|\s)[{_CJK}]{{1,8}}\s?[：:]|"
                   r"(?<=\S)\s+www\.")  # (and the site's address: "今日头条 www.toutiao.com")
# right before 版权所有, or before its years ("快科技·1997-2021 版权所有")
_OWNER_BEFORE = re.compile(r"(?:^|[|｜丨·\s：:])(?P<name>[^\s|｜丨·：:,，。]{2,20})\s?(?:[·•]?\s?"
                           r"(?:19|20)\d\d(?:\s?[-–~～]\s?(?:19|20)\d\d)?\s?)?$")
_NOT_NAME = re.compile(r"^[本该該此]|所有|内容|內容")  # "本网站所有内容版权所有": this site's content, no name
_OWNER_AFTER = re.compile(r"\s*[:：]\s*(?P<name>[^\s|:：]{2,40})")  # (CJK names hold no spaces)


def cut_tail(holder: str) -> str:
    """``holder`` up to a licence or registration number, or a labelled field, after it."""
    m = _TAIL.search(holder)
    return holder[:m.start()] if m else holder


def owner(text: str, reserved: re.Match) -> tuple[str, int] | None:
    """The holder that a "版权所有" (``reserved``) in ``text`` names, and where it starts."""
    if reserved.group(0)[:2] not in ("版权", "版權"):
        return None
    if (after := _OWNER_AFTER.match(text, reserved.end())) and (name := cut_tail(after.group("name"))):
        return name, reserved.start()  # "版权所有：中国政府网" (owned by: NAME)
    before = _OWNER_BEFORE.search(text, 0, reserved.start())
    if before is not None and not _NOT_NAME.search(before.group("name")):
        return before.group("name"), before.start("name")  # "光明网版权所有" (NAME owns the rights)
    return None
