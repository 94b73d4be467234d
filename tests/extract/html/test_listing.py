"""Listing lines: link titles, linked items with only metadata beside them, cut-off teasers."""

from __future__ import annotations

import pytest

from cuishou.extract.html.dom import squash
from cuishou.extract.html.listing import LinkIndex

LINKS = LinkIndex(frozenset(map(squash, [
    "旅行中，谁忽悠了你？", "富夫妻望子成龙假离婚 三月后丈夫另娶妻子傻眼", "歌手2024直播", "就是这些店",
    "莲" * 170,
])))


@pytest.mark.parametrize("line", [
    "旅行中，谁忽悠了你？【新闻频道版主】08-11 16:06 298字 [4321/87]",  # cn_content a6e8b739
    "·富夫妻望子成龙假离婚 三月后丈夫另娶妻子傻眼（2005-04-03 17:19PM）",  # cn_content 2bac7fb2
    "- 歌手2024直播 1016次浏览",  # magic_html 5c427eeeb30f (豆瓣)
    "就是这些店【shanzhur】08-16 00:59 31字 [127/0]",
])
def test_links_with_metadata(line):
    assert LINKS.is_link_with_metadata(squash(line.lstrip("- ")))
    assert LINKS.is_listed(squash(line.lstrip("- ")))


@pytest.mark.parametrize("line", [
    "旅行中，谁忽悠了你？这是网友在帖子里写下的一段经历",  # words beside the link: prose
    "旅行中，谁忽悠了你？",  # the link alone is a link title, not a link with metadata
    "莲" * 170 + "2024-01-01",  # a whole post inside an <a> is no title
    "这段话里没有任何链接2024-01-01",
])
def test_not_links_with_metadata(line):
    assert not LINKS.is_link_with_metadata(squash(line))


def test_listed_lines():
    assert LINKS.is_listed("旅行中，谁忽悠了你？")
    assert LINKS.is_listed("近日日元低位徘徊，自然吸引不少港人心郁郁兌換日元…")
    assert not LINKS.is_listed("近日日元低位徘徊，自然吸引不少港人兌換日元。")
