"""The article date (extract/html/dates): formats, the byline and where else a page puts its
date, what never counts. Fragments are cut from the public benchmark pages
(shared/benchmarks/extraction), trimmed to the markup each rule reads."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.html import extract_page
from cuishou.extract.html.dates.declared import declared_published
from cuishou.extract.html.dates.formats import DATE, SHORT_DATE, declared_date, match_dates
from cuishou.extract.html.dom import json_ld, metas

BODY = (
    "<p>近年来，我省积极把握制造业发展趋势，加速向智能制造、绿色制造、高端制造方向转型升级，一批企业入选国家级名单。</p>"
    "<p>工信部近日公布了年度绿色制造名单，省内十五家企业入选国家级绿色工厂，两个园区入选绿色工业园区，成绩喜人。</p>"
    "<p>下一步，全省将继续推进绿色低碳转型，培育更多绿色工厂和绿色供应链管理企业，推动产业高质量发展。</p>"
)


def published(html: str, url: str | None = None) -> str | None:
    return extract_page(html, url).published


def page(byline: str, head: str = "", title: str = "17种产品、1个园区入选国家绿色制造名单", after: str = "") -> str:
    """A news page: the headline, then ``byline``, the body, then ``after``."""
    return (
        f"<html><head><title>{title}_云南网</title>{head}</head><body><div class='nav'><a href='/'>首页</a></div>"
        f"<h1>{title}</h1><div class='info'>{byline}</div><div class='content'>{BODY}</div>{after}</body></html>"
    )


@pytest.mark.parametrize(
    ("shown", "readings"),
    [
        ("2024-10-5", (date(2024, 10, 5),)),
        ("2024/05/20 09:47", (date(2024, 5, 20),)),
        ("2024.5.20", (date(2024, 5, 20),)),
        ("2024年5月20日", (date(2024, 5, 20),)),
        ("2022年01月28日", (date(2022, 1, 28),)),
        ("9/17/2004 5:54:13 AM", (date(2004, 9, 17),)),
        ("06/02/2022 - 13:48", (date(2022, 6, 2), date(2022, 2, 6))),  # month/day first, day/month second
        ("Saturday, September 10th, 2005 10:56 am", (date(2005, 9, 10),)),
        ("Dec 28 Sat 2013", (date(2013, 12, 28),)),
        ("10 Sep 2005", (date(2005, 9, 10),)),
        ("2023-02-30", ()),  # a day the calendar lacks
    ],
)
def test_date_formats(shown, readings):
    match = DATE.search(shown)
    assert match is not None
    assert match_dates(match) == readings


@pytest.mark.parametrize("text", ["利率为3.45%，期限1.2.3年", "版本 v2.10.3 发布", "第12/13/14题", "2024年4月"])
def test_numbers_that_are_not_dates(text):
    assert DATE.search(text) is None


def test_two_digit_years_are_read_only_as_a_short_date():
    match = SHORT_DATE.search("24-5-13 17:07")
    assert match_dates(match) == (date(2024, 5, 13),)
    assert DATE.search("24-5-13 17:07") is None


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2023-02-28T14:58:49.000Z", date(2023, 2, 28)),
        ("2024-05-19T20:00:00Z", date(2024, 5, 20)),  # UTC evening is the next day in China
        ("2024-05-19T20:00:00+02:00", date(2024, 5, 19)),  # a page's own offset is its local time
        ("1659274471", date(2022, 7, 31)),  # Unix seconds
        ("1659274471000", date(2022, 7, 31)),  # milliseconds
        ("2021-10-18 19:45:23", date(2021, 10, 18)),
        ("20 05 2024 09:47:48", None),
    ],
)
def test_declared_values(value, day):
    assert declared_date(value) == day


# --- the byline ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("发布时间：2024-10-5 10:20 来源：新华网", "2024-10-05"),
        ("<span>24-5-13 17:07</span> 来自微博 weibo.com", "2024-05-13"),
        ("<span>发布于 24-5-13</span>", "2024-05-13"),
        ("<span>来源：光明网</span> <span>2022年02月13日 09:57</span>", "2022-02-13"),
        # cdp1998: 发布日期 in US order
        ('<font color="#008000">作者： 来源： 发布日期： 7/5/2005 9:23:57 PM</font>', "2005-07-05"),
        # ifeng: the date sits in the author's link, with the place it was posted from
        ('<a href="https://ishare.ifeng.com/mediaShare/home/2583/media">2024年01月25日 18:03:35 来自内蒙古自治区</a>', "2024-01-25"),
    ],
    ids=["labelled-unpadded", "two-digit-year", "two-digit-year-labelled", "source-first", "month-day-year", "author-link"],
)
def test_the_byline_date(byline, expected):
    assert published(page(byline)) == expected


@pytest.mark.parametrize(
    ("byline", "after"),
    [("<span>规格 24-5-13</span>", ""), ("", "<div class='score'>比分 24-5-13 17:07</div>")],
    ids=["no-time-or-label", "below-the-byline"],
)
def test_a_two_digit_year_is_a_date_only_in_a_byline_with_a_time_or_label(byline, after):
    assert published(page(byline, after=after)) is None


def test_an_ambiguous_slashed_date_takes_the_reading_the_page_declares():
    """rfi 0ef8393b: 06/02/2022 is 6 February (day/month), as its metadata says."""
    byline = "发表时间：<span>06/02/2022 - 13:48</span>"
    declared = '<meta property="article:published_time" content="2022-02-06T13:48:00+01:00">'
    assert published(page(byline, head=declared)) == "2022-02-06"
    assert published(page(byline)) == "2022-06-02"


def test_a_relative_time_counts_through_its_title_attribute():
    """learnku 86852: the byline shows 1周前; the span's title holds the time."""
    byline = '<a data-tooltip="2024-05-13 18:25:18">创建于 <span title="2024-05-13 18:25:18">1周前</span></a>'
    assert published(page(byline)) == "2024-05-13"


@pytest.mark.parametrize("label", ["成文日期：", "更新时间：", "截止日期：", "活动时间："])
def test_dates_labelled_as_another_event_or_a_revision_never_count(label):
    assert published(page(f"<span>{label}</span><span>2022年01月27日</span>")) is None


def test_the_publication_date_not_the_date_the_notice_was_written():
    """jl.gov.cn e8847578: the notice's table gives 成文日期 before 发布日期."""
    byline = (
        "<table><tr><td>成文日期：</td><td>2022年01月27日</td></tr>"
        "<tr><td>发文字号：</td><td>吉政明电〔2022〕1号</td></tr><tr><td>发布日期：</td><td>2022年01月28日</td></tr></table>"
    )
    assert published(page(byline)) == "2022-01-28"


def test_a_neighbouring_articles_line_in_the_byline_is_not_the_date():
    """csdn 138497415: 最新推荐文章于 … 发布 above the post's own 于 … 发布."""
    byline = '<div class="up-time">最新推荐文章于 2024-05-07 22:12:13 发布</div><a>A-肖老师</a> <span class="time">于 2024-05-06 15:47:53 发布</span>'
    assert published(page(byline)) == "2024-05-06"


# --- declared dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2024-05-20T09:47:48+08:00">', "2024-05-20"),
        ('<meta name="citation_date" content="2018-08-23">', "2018-08-23"),
        ('<meta property="og:release_date" content="2024-05-08 23:23:53">', "2024-05-08"),
        ('<meta name="PubDate" content="2022-01-28 00:00:00"/>', "2022-01-28"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2017-04-01T06:41:00Z"}</script>',
         "2017-04-01"),
        ('<meta itemprop="dateCreated" content="2023-02-28T14:58:49.000Z">', "2023-02-28"),
        ('<script type="application/ld+json">{"@id": "https://blog.csdn.net/1", "pubDate": "2024-05-06T15:44:46"}</script>',
         "2024-05-06"),
        ('<meta name="parsely-pub-date" content="2024-05-20T01:00:00+08:00">', "2024-05-20"),
        ('<meta name="gentime" content="2024-05-24 14:40:21">', None),  # when the page was generated
    ],
    ids=["open-graph", "citation", "release", "pubdate", "json-ld", "question-created", "baidu-json-ld", "htmldate-name",
         "generated"],
)
def test_a_declared_date_when_the_page_prints_none(head, expected):
    assert published(page("<span>作者：李明</span>", head=head)) == expected


def test_a_time_element_outside_comments():
    html = page("<span>作者：李明</span>", after='<footer>最后一次编辑 <time datetime="2024-05-22T08:00:00+08:00">5月22日</time></footer>')
    assert published(html) == "2024-05-22"


@pytest.mark.parametrize(
    "stamp",
    ['<span itemprop="datePublished" content="2024-06-01">6月1日</span>', '<time datetime="2024-06-01T10:00:00+08:00">6月1日</time>'],
    ids=["microdata", "time"],
)
def test_declared_dates_inside_comments_do_not_count(stamp):
    comments = f'<div class="comment-list"><div class="comment-item">{stamp}写得很好，学习了，感谢作者分享这么详细的内容。</div></div>'
    assert published(page("<span>作者：李明</span>", after=comments)) is None


def test_microdata_published_comes_before_metas():
    html = """<html><head><meta name="dc.date" content="2020-01-01"></head><body>
    <span class="meta-item">发布于 <time datetime="2020-12-30 19:24:15" itemprop="datePublished">2020-12-30 19:24:15</time></span></body></html>"""
    tree = LexborHTMLParser(html)
    assert declared_published(tree, metas(tree), json_ld(tree), []) == date(2020, 12, 30)


def test_a_q_and_a_threads_date_is_the_questions():
    """zhidao 2127549042326254267: the byline under the question is the answer's (06-14); the
    question's date is declared (06-11). On an article the printed byline comes first."""
    html = page("<span class='wgt-replyer-all-time'>2023-06-14 17:11</span>",
                head='<meta itemprop="datePublished" content="2023-06-11 23:13:26">', title="为什么有些有钱人还努力工作？")
    assert published(html, "https://zhidao.baidu.com/question/2127549042326254267.html") == "2023-06-11"
    assert published(html, "https://www.example.com/news/20230614/1.html") == "2023-06-14"


def test_a_script_fills_an_empty_publish_time_slot():
    """WeChat 2650804290: <em id="publish_time"> is empty; the script holds ct, a Unix time."""
    script = '<script>var nickname = "掌上绥德"; var appmsg_type = "9"; var ct = "1659274471";</script>'
    assert published(page('<em id="publish_time" class="rich_media_meta"></em>', head=script)) == "2022-07-31"
    assert published(page("<span>掌上绥德</span>", head=script)) is None


def test_a_relative_time_without_attribute_is_read_from_the_script_state():
    """nowcoder (developers.pub) 1312719: only 1周前 is shown; the page state has createAt."""
    script = '<script>window.__NUXT__={question:{title:"简历无法下载",createAt:"2024-05-19T13:00:05.000+00:00"}}</script>'
    assert published(page("<span>歪哦釉</span> <span>1周前</span>", head=script)) == "2024-05-19"


# --- beside the byline ----------------------------------------------------------------------

def test_a_post_date_just_above_the_headline_not_todays_date_in_the_header():
    """blog.chinesenewsnet 35687fb1: the header shows today's date; the post date is right above
    the post's headline."""
    html = f"""<html><head><title>多维博客 &raquo; 播客热潮迅速蔓延 挑逗传统传媒业</title></head><body>
    <table><tr><td><a href="/">多维主页</a> | <a href="/bbs/">大家论坛</a></td><td><span>2006年12月27日（京港台时间）</span></td></tr></table>
    <p><img src="blog3_pic1.gif"> Saturday, September 10th, 2005 &nbsp; 10:56 am</p>
    <p><font size="4"><b>播客热潮迅速蔓延 挑逗传统传媒业</b></font></p><div class="post">{BODY}</div></body></html>"""
    assert published(html) == "2005-09-10"


@pytest.mark.parametrize(
    "between",
    [
        # many short menu items (more nodes than a post's date line)
        '<a href="/">多维主页</a> | <a href="/bbs/">大家论坛</a> | <a href="/blog/">多维博客</a> | <a href="/pic/">图片新闻</a>'
        ' | <a href="/ent/">娱乐</a> | <a href="/tech/">科技</a>',
        # a few long lines (more text than a post's date line)
        "<p>欢迎光临多维新闻网，本站提供全球华人新闻资讯与评论服务</p><p>投稿、转载及广告合作请联系编辑部，请注意网络安全</p>",
    ],
    ids=["many-nodes", "long-lines"],
)
def test_todays_date_in_the_header_is_not_the_post_date(between):
    html = f"""<html><head><title>多维博客 &raquo; 播客热潮迅速蔓延 挑逗传统传媒业</title></head><body>
    <table><tr><td><span>2006年12月27日（京港台时间）</span></td></tr></table><div class="nav">{between}</div>
    <p><font size="4"><b>播客热潮迅速蔓延 挑逗传统传媒业</b></font></p><div class="post">{BODY}</div></body></html>"""
    assert published(html) is None


def test_a_dated_link_above_the_headline_is_another_article():
    html = page("", after="").replace(
        "<h1>", "<ul class='side'><li><a href='/a/1.html'>全省工业经济运行情况通报 2024-05-01</a></li></ul><h1>"
    )
    assert published(html) is None


@pytest.mark.parametrize(
    ("footer", "expected"),
    [
        ('<p class="postfoot">发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)</p>', "2004-12-27"),
        ("<center>本贴由<b>大卫</b>于2005年8月12日16:12:21在〖文化沙龙〗发表.</center>", "2005-08-12"),
        ("<p>〓 网易娱乐 周黎明留言板 发布时间 2005/05/17 22:11:42 by 眉间尺</p>", "2005-05-17"),
        ("<div class='post-foot'><span>2005-09-15 11:46</span> 发表 | 阅读 12</div>", "2005-09-15"),
        ("<div class='div_floor_text'><a name=top1>楼层： 第 1 楼 时间：2005-08-28 20:56:20</a></div>", "2005-08-28"),
        ("<div class='info'>首播日期: 2024-04-06(中国台湾)</div>", None),  # another event's date
        ("<div class='pages'>上一篇：绿色工厂评价通则解读 发表于 2024-05-01</div>", None),  # a neighbour's
    ],
    ids=["blog-post-foot", "forum-post-foot", "board-post-foot", "label-after", "floor-anchor", "not-a-post-label",
         "previous-article"],
)
def test_a_post_footer_date(footer, expected):
    assert published(page("<span>作者：李明</span>", after=footer)) == expected


def test_replies_are_a_threads_content_but_comments_on_an_article():
    """tieba 8057560733: the first floor's date sits in the reply tail (a reply-classed
    container); on a thread it is the post's date, on an article it would be a comment's."""
    html = f"""<html><head><title>什么样的人才算是佛系？_佛系吧_百度贴吧</title></head><body>
    <h3 class="core_title_txt">什么样的人才算是佛系？在线等，挺急的</h3>
    <div class="l_post"><div class="d_author">绫清逸</div><div class="d_post_content">#佛系# 求解答</div>
    <div class="core_reply"><div class="post-tail-wrap"><span class="tail-info">1楼</span><span class="tail-info">2022-10-02 23:02</span></div></div></div>
    <div class="l_post"><div class="d_author">路人甲</div><div class="d_post_content">{BODY}</div></div>
    </body></html>"""
    assert published(html, "https://tieba.baidu.com/p/8057560733") == "2022-10-02"
    assert published(html) is None


def test_without_a_headline_the_lines_above_the_body_are_the_byline():
    html = f"<html><body><div class='nav'><a href='/'>首页</a></div><div class='head-info'>头条新闻 <span>2024-05-13 17:07</span></div>{BODY}</body></html>"
    assert published(html) == "2024-05-13"
    menu = "".join(f"<a href='/c{n}/'>栏目{n}</a>" for n in range(12))
    far = f"<html><body><div class='top'>2024-05-13 星期一</div><div class='nav'>{menu}</div>{BODY}</body></html>"
    assert published(far) is None


def test_the_byline_ends_at_a_body_length_line():
    """zh.wikipedia d5bced5e: a maintenance notice between the heading and the body carries its
    own date; the entry's date is declared."""
    notice = "本条目需要补充更多来源。请协助补充多方面可靠来源以改善这篇条目，无法查证的内容可能会因为异议提出而被移除。致使用者：请搜索一下条目的标题"
    html = page(
        f"<table class='ambox'><tr><td>{notice}</td></tr><tr><td><small>（2020年4月17日）</small></td></tr></table>",
        head='<script type="application/ld+json">{"@type": "Article", "datePublished": "2011-06-17T03:31:06Z"}</script>',
    )
    assert published(html) == "2011-06-17"


def test_the_byline_ends_after_a_few_hundred_characters():
    tags = "".join(f"<a href='/tag/{n}'>标签{n}号</a>" for n in range(120))
    assert published(page(f"<div class='tags'>{tags}</div><span>2024-05-01</span>")) is None
