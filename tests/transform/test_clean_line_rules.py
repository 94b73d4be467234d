"""Every single-line rule of the cleaner (``LINE_RULES``) pinned by a real line only it removes.

The lines are copied from real pages: the seed dumps, the dev site and the public extraction
benchmark (news portals, blogs, forums, Q&A sites). ``test_every_line_rule_has_a_line_only_it_removes``
fails when a rule is added without such a line, so deleting any one rule fails a test.
"""

from __future__ import annotations

import pytest

from cuishou.transform.clean import COMMENT_CHROME, LINE_RULES, _line_rule, match_key

# line → the rule that must remove it
EXAMPLES: dict[str, str] = {
    # bylines
    "发布时间:2024-04-06 05:09:03": "byline",
    "发布: 2021-1-29 13:18": "byline",
    "2005年8月25日（来源：上海证券报）": "byline",
    "(2006-12-04 23:40:22)": "byline",
    "2021-01-20 04:29:44 39健康网": "byline",
    "发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)": "byline",
    "Saturday, September 10th, 2005 10:56 am": "byline",
    "发表时间：": "byline",
    "5天前": "byline",
    # copyright, disclaimers, site licences
    "版权与免责声明:": "footer_disclaimer",
    "声明：本文由入驻作者撰写": "footer_disclaimer",
    "版权声明 本站原创": "footer_disclaimer",
    "Copyright © 2000 - 2023 All Rights Reserved.": "footer_disclaimer",
    "京ICP备12345678号-1": "footer_disclaimer",
    "未经本网授权不得使用": "footer_disclaimer",
    "根据著作权法等法律法规，未经书面许可，擅自转载本网作品的，本网将依法追究": "footer_disclaimer",
    "凡注明来源的作品均转载自其它媒体，转载目的在于传递更多信息": "footer_disclaimer",
    "如涉及作品内容、版权等问题，请与我们联系删除": "footer_disclaimer",
    "本文仅代表作者观点": "footer_disclaimer",
    "本站仅提供信息存储空间服务": "footer_disclaimer",
    "② 凡本网注明来源的作品均为转载稿": "footer_disclaimer",
    "互联网新闻信息服务许可证编号：53120170001": "footer_disclaimer",
    "云南省互联网违法和不良信息举报电话：0871-64166935": "footer_disclaimer",
    # attribution: editors, reporters, sources, reprint notices
    "（ 责任编辑：魏喆 ）": "attribution",
    "作者：芊草凡凡": "attribution",
    "新京报记者 彭冲 山东冠县报道": "attribution",
    "原题为：以战时内阁审查重启停火谈判提案": "attribution",
    "转自《北京科技报》": "attribution",
    "本文链接:https://www.hongjibp.com/yongkayq/laws-787606.html": "attribution",
    "转载请注明:原文链接 - https://dugushici.com/ancient_proses/21337": "attribution",
    "原创版权禁止商业转载 授权>>": "attribution",
    "本作品为“科普中国-科学原理一点通”原创": "attribution",
    "【编辑:刘欢】 返回搜狐，查看更多": "attribution",
    # navigation, sharing, widgets
    "To Top": "chrome",
    "已显示全部内容": "chrome",
    "上一篇:信用卡逾期,催收电话打到单位该怎么处理": "chrome",
    "首页 | 上一页 1 2 3 下一页 | 尾页": "chrome",
    "加载更多内容": "chrome",
    "2024-04-11 广告": "chrome",
    "分享让更多人看到": "chrome",
    "关键字：": "chrome",
    "点击: 313": "chrome",
    "首页/新闻中心/正文": "chrome",
    "当前位置：首页>>CN>>会议": "chrome",
    "科技 > 要闻 > THE NEXT WEB > 正文": "chrome",
    "请使用浏览器分享功能进行分享": "chrome",
    "点击浏览器下方“”分享微信好友Safari浏览器请点击“”按钮": "chrome",
    "催收问题,点击免费咨询": "chrome",
    "最新推荐文章于 2023-09-04 17:53:10 发布": "chrome",
    "发布时间：2024年05月05日 | 字体放大 | 字体缩小": "chrome",
    "【发表评论】【关闭窗口】": "chrome",
    "进入【新浪财经股吧】讨论": "chrome",
    "更多“疫情一刀切政策怎么投诉举报”的相关经验资讯请关注www.qushijing.com": "chrome",
    "返回搜狐，查看更多": "chrome",
    "微信扫一扫 举报": "chrome",
    "下载客户端": "chrome",
    "很抱歉，当前视频播放失败": "chrome",
    "时长：03:25": "chrome",
    "被折叠的 3 条评论": "chrome",
    "倒序看帖": "chrome",
    "12个回复": "chrome",
    "540": "chrome",
    "粉丝": "chrome",
    "没有更多了": "chrome",
    "顶部": "chrome",
    "反馈": "chrome",
    "微信微信扫码分享": "chrome",
    "转发到头条": "chrome",
    "点击回到头条首页首页": "chrome",
}

# Lines of real advice text that look like junk to a careless rule: they must stay.
KEPT = [
    "可以拨打中国互联网违法和不良信息举报中心电话12377投诉",
    "很多人被冒充记者的人骗了",
    "催收方式主要有电话、短信、微信",
    "微信",
    "2024年",
    "来源不明的短信不要轻易点击链接,这是很多诈骗的开始。",
    "编辑短信时要写清楚还款计划和时间。",
]


@pytest.mark.parametrize("line, rule", EXAMPLES.items(), ids=list(EXAMPLES))
def test_line_is_removed_by_its_rule(line, rule):
    assert _line_rule(match_key(line)) == rule


@pytest.mark.parametrize("line", KEPT)
def test_advice_lines_are_kept(line):
    assert _line_rule(match_key(line)) is None


def test_every_line_rule_has_a_line_only_it_removes():
    """Removing any one rule must fail a test: some example is matched by that rule alone."""
    keys = [match_key(line) for line in EXAMPLES]
    for n, (rule, pattern) in enumerate(LINE_RULES):
        alone = [key for key in keys if pattern.search(key)
                 and not any(other.search(key) for m, (_, other) in enumerate(LINE_RULES) if m != n)]
        assert alone, f"LINE_RULES[{n}] ({rule}: {pattern.pattern[:60]}) has no example only it removes"


# Comment-section widgets (COMMENT_CHROME), removed as comment_section wherever they stand.
COMMENT_WIDGETS = [
    "发布于 2025-05-10 19:36:30・IP 属地北京",  # seed 003
    "IP 属地广东",
    "写下你的评论...",
    "写评论",
    "还没有评论,发表之一个评论吧",
    "暂无评论，快来抢沙发",
    "共 12 条评论",
    "查看更多评论",
    "赞同 3",
]


@pytest.mark.parametrize("line", COMMENT_WIDGETS)
def test_comment_widget_lines(line):
    assert _line_rule(match_key(line)) == "comment_section"


def test_every_comment_widget_pattern_has_a_line_only_it_removes():
    keys = [match_key(line) for line in COMMENT_WIDGETS]
    for n, pattern in enumerate(COMMENT_CHROME):
        alone = [key for key in keys if pattern.search(key)
                 and not any(other.search(key) for m, other in enumerate(COMMENT_CHROME) if m != n)]
        assert alone, f"COMMENT_CHROME[{n}] ({pattern.pattern}) has no example only it removes"
