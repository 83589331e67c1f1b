"""Chinese, Japanese and Korean footers: the holder beside "版权所有", licence numbers and labelled
fields after it (the markup of mainland Chinese news and government sites, modelled on real footers)."""

from __future__ import annotations

import pytest

from crawler.extract import CrawlMeta, extract_record
from crawler.extract.rights import parse_statement


@pytest.mark.parametrize("line,holder,years", [
    # the site's ICP licence and police registration numbers follow the name with a space between
    ("© 2010 - 2016 港湾大盘 京ICP备16058363号-1", "港湾大盘", [2010, 2016]),
    ("©2018 港湾鑫鼎控股有限公司 闽ICP备11019844号-1 | 理财有风险", "港湾鑫鼎控股有限公司", [2018]),
    ("© 港湾日报社 京公网安备 11010202000001号", "港湾日报社", []),
    # labelled fields: address, postcode, telephone, "run by"
    ("版权所有：© 2001-2012 中国港湾学会 地址：北京市港湾路11号 邮编：100101", "中国港湾学会", [2001, 2012]),
    ("主办单位：港湾医科大学纪检室 版权所有 地址：港湾路56号 邮编：030001", "港湾医科大学纪检室", []),
    # the name, its years, then the reservation
    ("港湾科技（港湾之家旗下媒体）·1997-2021 版权所有", "港湾科技（港湾之家旗下媒体）", [1997, 2021]),
    # no name at all on the line: the registration is not one
    ("Copyright © 2008-2019备案号：粤ICP备09109218号 网络视听许可证：1908317号", None, [2008, 2019]),
    # the reservation, its owner, then the sign
    ("版权所有 港湾中医院 Copyright © 2018 All rights reserved. 湘ICP备14002927号-5", "港湾中医院", [2018]),
    # a range written with a tilde, the site's address after the name
    ("Copyright © 2014~2019 The Harbour Paper All rights reserved.港湾报业有限公司", "The Harbour Paper", [2014, 2019]),
    ("© 2019 港湾头条 www.harbour.example", "港湾头条", [2019]),
    # a domain alone before the reservation, no sign
    ("Harbourgames.com All rights reserved.", "Harbourgames.com", []),
])
def test_holder_stops_at_licence_numbers_and_labelled_fields(line, holder, years):
    parsed = parse_statement(line)
    assert parsed is not None
    assert (parsed["holder"], parsed["years"]) == (holder, years)


def test_a_themes_placeholder_is_no_holder():
    assert parse_statement("Copyright Your WebSite.Some Rights Reserved. 备案号:皖ICP备10015907号") is None
    assert parse_statement("© 2024 Your Company Name. All rights reserved.")["holder"] is None


def _page_lines(body: str) -> list[tuple[str | None, list[int]]]:
    html = f"<html><body><div class='main'><p>港湾新闻的正文。</p></div>{body}</body></html>"
    rec = extract_record(html.encode(), CrawlMeta(url="https://harbour.example/a.html"), main_text=False).to_dict()
    return [(r["holder"], r["years"]) for r in rec["rights"] if r["scope"] == "page"]


def test_the_reservation_as_a_label_of_its_own_reads_the_name_beside_it():
    """"<i>版权所有：</i>NAME": the label alone in an inline element; its line is the parent's."""
    footer = ("<div class='footerBox'><p class='footerP'><span><i>版权所有：</i>中国港湾网</span>"
              " <span>主办方：港湾办公室</span> <span>备案序号：<a href='https://beian.example/'>"
              "京ICP备20027467号-1</a></span></p></div>")
    assert _page_lines(footer) == [("中国港湾网", [])]


def test_a_registration_badge_beside_the_line_is_no_picture():
    """A footer's police-registration badge and its menu's badge beside the copyright element do
    not make the line a picture's credit."""
    footer = ("<div class='about'><a href='/about'>关于</a> <a href='/jobs'>招聘</a> <a href='/rights'>版权声明</a>"
              " <img src='/img/label_sm.png'></div>"
              "<div class='copyright'>Copyright © 2014~2020 The Harbour Paper All rights reserved.</div>"
              "<div class='copyright'><img src='/img/ghs.png'><a href='https://beian.example/'>"
              "沪公网安备 31010602000001号</a></div>")
    assert _page_lines(footer) == [("The Harbour Paper", [2014, 2020])]


@pytest.mark.parametrize("body", [
    # the label of the social icons in the footer's copyright box
    "<div class='copyright'><div class='right'><span>关注我们</span><a href='https://weibo.example/h'>微博</a>"
    "</div><div class='c-link'><a href='/about'>简介</a> <a href='/rights'>版权声明</a></div></div>",
    "<div class='copyright'><span>Follow us</span> <a href='https://x.example/h'>X</a></div>",
    # a story's "original content" tag, in an element its platform names copyright_logo
    "<div class='meta'><span id='copyright_logo' class='tag'>原创</span></div>",
])
def test_words_in_a_copyright_slot_that_name_nobody(body):
    assert _page_lines(body) == []
