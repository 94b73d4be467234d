"""The headline (extract/html/title.py): agreement between shown headings and declared titles,
position above the body, widgets and affixes left out. Fragments are cut from the public
benchmark pages (shared/benchmarks/extraction), trimmed to the markup each rule reads."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.html import extract_page
from cuishou.extract.html.dom import metas
from cuishou.extract.html.text_nodes import text_nodes
from cuishou.extract.html.title import find_headline, title_core

# Two body paragraphs, so the body's first paragraph is found where the article starts.
BODY = (
    "<p>近年来，我省积极把握制造业发展趋势，加速向智能制造、绿色制造、高端制造方向转型升级，一批企业入选国家级名单。</p>"
    "<p>工信部近日公布了年度绿色制造名单，省内十五家企业入选国家级绿色工厂，两个园区入选绿色工业园区，成绩喜人。</p>"
    "<p>下一步，全省将继续推进绿色低碳转型，培育更多绿色工厂和绿色供应链管理企业，推动产业高质量发展。</p>"
)


def title_of(html: str) -> str | None:
    return extract_page(html).title


def test_the_heading_the_title_agrees_with_beats_a_site_name_h1():
    """3e1af229: the <h1> is the site name; the headline is an <h2> that <title> holds."""
    html = f"""<html><head><title>土豆不“土” 土豆无“土” 松花江网</title></head><body>
    <h1 class="none">松花江网</h1><div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a></div>
    <div class="col-md-9"><h2>土豆不“土” 土豆无“土”</h2><div><span>2022-02-13 09:57 光明网</span></div>
    <div class="content">{BODY}</div></div></body></html>"""
    assert title_of(html) == "土豆不“土” 土豆无“土”"


def test_the_h1_og_title_names_among_logo_and_recommendation_h1s():
    """360kuai: four h1s (logo, headline with an audio button, recommended articles)."""
    html = f"""<html><head><meta property="og:title" content="美官员否认伊朗直升机事故存在谋杀行为">
    <title>美官员否认伊朗直升机事故存在谋杀行为_【快资讯】</title></head><body>
    <div class="header__content"><h1 class="kzx-logo header__logo">快资讯</h1></div>
    <div class="detail-content__content--normal"><h1 class="article__title"><span class="article__title">美官员否认伊朗直升机事故存在谋杀行为</span><div class="article__audio"><span>播报文章</span></div></h1>
    <div class="article__info">2024-05-20 13:09</div>{BODY}</div>
    <div class="detail-content__content--recommend"><h1 class="article__title">31岁在春晚一炮而红，观众都以为他隐退了</h1></div>
    <div class="singleSmallCard"><h1 class="card__title">马斯克：反对美对中国电动汽车加征关税</h1></div>
    </body></html>"""
    assert title_of(html) == "美官员否认伊朗直升机事故存在谋杀行为"


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        # zh.wikipedia: the [编辑] link sits in its own span inside the h1
        (
            "雄安新区 - 维基百科，自由的百科全书",
            '<h1 id="firstHeading" class="firstHeading"><span class="mw-page-title-main">雄安新区</span>'
            '<span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="/w/index.php?action=edit">'
            '<span>编辑</span></a><span class="mw-editsection-bracket">]</span></span></h1>',
            "雄安新区",
        ),
        # qidian: the chapter heading carries a comment counter
        (
            "第二章 失乡号的船长 _《深海余烬》小说在线阅读 - 起点中文网",
            '<h1 class="title" data-count="241">第二章 失乡号的船长<span class="review"><span class="review-icon"></span>'
            '<span class="review-count">241</span></span></h1>',
            "第二章 失乡号的船长",
        ),
        # ruby-china: a node badge before the topic title
        (
            "Ruby：极致的脚本语言 · Ruby China",
            '<h1 class="media-heading"><a class="node" href="/topics/node1">Ruby</a>\n'
            '<span class="title">\n Ruby：极致的脚本语言\n </span></h1>',
            "Ruby：极致的脚本语言",
        ),
        # dahe e-paper: a grey subtitle row inside the h1, which <title> leaves out
        (
            "拿起跨界“指挥棒”她跟学生“较着劲儿”成长--大河网",
            '<div class="dTit2"><h1><table><tr><td class="font02"></td></tr>'
            '<tr><td class="font01">拿起跨界“指挥棒”她跟学生“较着劲儿”成长</td></tr>'
            '<tr><td class="font02">年过五十的她带领学校民乐团的孩子们一路快乐前行</td></tr></table></h1></div>',
            "拿起跨界“指挥棒”她跟学生“较着劲儿”成长",
        ),
    ],
    ids=["edit-link", "comment-count", "node-badge", "subtitle-row"],
)
def test_widgets_and_subtitles_inside_the_heading_are_left_out(title, heading, expected):
    html = f"<html><head><title>{title}</title></head><body>{heading}<div class='text'>{BODY}</div></body></html>"
    assert title_of(html) == expected


@pytest.mark.parametrize(
    ("declared", "core"),
    [
        ("关注青少年心理健康“心成长”服务项目启动--健康·生活--人民网", "关注青少年心理健康“心成长”服务项目启动"),
        ("习近平主持召开深入推进长三角一体化发展座谈会-中国科普网", "习近平主持召开深入推进长三角一体化发展座谈会"),
        ("5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%_经济_宏观频道首页_财经网 - CAIJING.COM.CN",
         "5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%"),
        ("千龙网--汽车--广汽回应现代合资内幕 全面合作项目即将展开", "广汽回应现代合资内幕 全面合作项目即将展开"),
        ("多维博客 » 播客热潮迅速蔓延 挑逗传统传媒业", "播客热潮迅速蔓延 挑逗传统传媒业"),
        ("为什么有些有钱人还努力工作？_百度知道", "为什么有些有钱人还努力工作？"),
        ("window系统设置代理 | Laravel China 社区", "window系统设置代理"),
        ("Ruby：极致的脚本语言 · Ruby China", "Ruby：极致的脚本语言"),
        ("冬季露营装备清单 @ 史蒂文的家", "冬季露营装备清单"),
        ("冬季露营装备清单 :: 痞客邦 PIXNET ::", "冬季露营装备清单"),
        ("世艺网>艺术教育", "世艺网"),
        ("要闻_习近平主持召开深入推进长三角一体化发展座谈会", "习近平主持召开深入推进长三角一体化发展座谈会"),
        # separators inside a headline stay: a hyphen between digits, a dot, a Chinese dash
        ("北京市儿童(13-15岁)心理素质发展现状调查研究报告", "北京市儿童(13-15岁)心理素质发展现状调查研究报告"),
        ("劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经", "劳伦斯：一个无法定义的“洛克菲勒”"),
        ("李简——新外科运动向我们走来", "李简——新外科运动向我们走来"),
    ],
)
def test_declared_title_without_site_and_section_affixes(declared, core):
    assert title_core(declared) == core


def test_the_site_name_declared_as_og_site_name_is_not_the_core():
    assert title_core("中国新闻网 | 今日要闻", site="中国新闻网") == "今日要闻"
    assert title_core("中国新闻网 | 今日要闻") == "中国新闻网"


def test_without_a_shown_headline_the_declared_title_minus_affixes():
    html = f"<html><head><title>拿出10万元投资房产 小两口尝试以钱生钱(图)_新浪房产_新浪网</title></head><body>{BODY}</body></html>"
    assert title_of(html) == "拿出10万元投资房产 小两口尝试以钱生钱(图)"


def test_a_crawl_dumps_wrapper_title_stands_in_for_a_missing_title():
    """cn_content_dataset 455de1c0: the page has no <title>, its <text title=...> wrapper does."""
    html = f'<text id="http://chinaha.diy.myrice.com/military/tech/2001/002/Tech253.htm" title="飞行物理学常识" encoding="gb2312">{BODY}</text>'
    assert title_of(html) == "飞行物理学常识"


def test_a_bold_centred_line_above_the_body_when_the_title_is_generic():
    """beijingspring 5dc3fa2d: <title> is 显示; the headline is a centred bold line."""
    html = f"""<html><head><title>显示</title></head><body style="background-color: #FFF4E4">
    <p align='center'><font color=darkblue><strong>犬儒病(上)</strong></font></p><hr size='1'>
    <p> 胡平<br><br>{BODY}</p></body></html>"""
    assert title_of(html) == "犬儒病(上)"


def test_a_line_labelled_subject_is_the_headline():
    """bbs.cctv 6910910: <title> is the board's name; the post's subject follows a 主题： label."""
    html = f"""<html><head><title>CCTV.com- 央视论坛 :: null</title></head><body>
    <table><tr><td><span class="title">网闻贴吧</span></td></tr></table>
    <table><tr><td class="large"><b>主题：</b> 你知道导游为什么那么热衷于让你去各种各样的商场购物吗？ </td></tr>
    <tr><td class="middle"><b>作者：</b><a href="forumbbsui.jsp?id=lovedelubi">芊草凡凡</a> <b>时间：</b>2005-08-22 19:13:18</td></tr>
    </table><div class="post">{BODY}</div></body></html>"""
    assert title_of(html) == "你知道导游为什么那么热衷于让你去各种各样的商场购物吗？"


def test_a_comment_heading_below_the_body_is_not_the_headline():
    """blog.chinesenewsnet 35687fb1: the comment section's h3 holds the title too."""
    html = f"""<html><head><title>多维博客  &raquo; 播客热潮迅速蔓延 挑逗传统传媒业</title></head><body>
    <p>Saturday, September 10th, 2005 &nbsp; 10:56 am</p>
    <p><font size="4" color="#990000"><b>播客热潮迅速蔓延 挑逗传统传媒业</b></font></p>
    <div class="post">{BODY}</div>
    <h3 id="comments">《播客热潮迅速蔓延 挑逗传统传媒业》已有1件评论</h3>
    <ol class="commentlist"><li><cite>新宠</cite>的评论 <small class="commentmetadata">September 19th, 2005 at 7:32 pm</small>
    <p>播客：10分钟拥有自己的电台，这个说法很有意思，值得一试。</p></li></ol></body></html>"""
    assert title_of(html) == "播客热潮迅速蔓延 挑逗传统传媒业"


def test_an_agreeing_heading_below_a_misplaced_body_start_is_still_the_headline():
    """qq (readability test page): the extractor kept a browser-update banner above the h1, so
    the body seems to start above the headline; the h1 agrees with <title> (which holds only its
    first half), a nearer h2 does not."""
    html = """<html><head><title>DeepMind新电脑已可利用记忆自学_科技_腾讯网</title></head><body>
    <div class="tips"><p>浏览器更新提醒，电脑登录微信无需扫码，浏览QQ空间提速5倍，立即更新吧！</p></div>
    <div class="main"><h1>DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶</h1>
    <div class="nav"><h2>全民微信时代，用语音功能发60秒是种怎样的体验？</h2></div></div></body></html>"""
    tree = LexborHTMLParser(html)
    nodes = text_nodes(tree)
    assert find_headline(tree, nodes, metas(tree), [], body_start=0).text == "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶"


@pytest.mark.parametrize(
    "named", ['class="article-title"', 'class="tit2"', 'id="title"', 'class="news-headline"'],
)
def test_a_short_site_name_that_agrees_with_a_site_only_title_is_not_the_headline(named):
    """nanshengbbs bc87ae62: <title> is the forum's name, also printed in the header; the
    headline is a plain element whose class or id names a title."""
    html = f"""<html><head><title>南生论坛</title></head><body>
    <div class="header"><span class="name">南生论坛</span></div>
    <div {named}>南生运营的理念（商用）</div>{BODY}</body></html>"""
    assert title_of(html) == "南生运营的理念（商用）"


def test_a_link_naming_the_blog_is_not_the_headline():
    """blog.china-pub c38e2b2d: <title> is 'blog--owner'; the blog name is a link above the post."""
    html = f"""<html><head><title>China-Pub blog--洞庭一叶</title></head><body>
    <div class="logo"><a href="http://blog.china-pub.com/">China-Pub blog</a></div>
    <table><tr><td><font size=4><strong><a href="blog.asp?subjectid=516">[湖湘文化]</a><a href="more.asp?id=22546">陈天华《警世钟》</a></strong></font><br>
    <a href="blog.asp?name=ggjjzhzz">ggjjzhzz</a> 发表于 2005-9-15 11:46:00</td></tr>
    <tr><td>{BODY}</td></tr></table></body></html>"""
    assert title_of(html) == "陈天华《警世钟》"


def test_the_headline_part_of_a_block_that_also_holds_the_byline():
    """tqxz 2338d64a: <title> lost the headline; the title block holds the h1 and the byline."""
    html = f"""<html><head><title>-铜雀历史网</title></head><body>
    <div class="breadcrumbs"><a href="/">首页</a> > <a href="/zgls/">中国历史</a> ><span>疫情一刀切政策怎么投诉举报</span></div>
    <div class="lct_tit"><h1>疫情一刀切政策怎么投诉举报</h1><p><span>时间：<em>2022-11-24 05:30:58</em></span><span>编辑：</span></p></div>
    <div class="lct_cont">{BODY}</div><div class="side"><h3 class="tit">图文推荐</h3></div></body></html>"""
    assert title_of(html) == "疫情一刀切政策怎么投诉举报"


@pytest.mark.parametrize(
    ("title", "heading", "expected"),
    [
        # bbs.zol 6dc2d508: a 主题: label in the same text node as the title
        (
            "【2005年中国革命历史巨作】【太行山上】 【DVDSCR-RMVB】_BT下载专区_影音下载_中关村在线论坛",
            "<h1><img src='v_8.gif'> 主题: 【2005年中国革命历史巨作】【太行山上】 【DVDSCR-RMVB】</h1>",
            "【2005年中国革命历史巨作】【太行山上】 【DVDSCR-RMVB】",
        ),
        # blogchina ab65832c: a "- -" decoration after the title
        ("谁来为无序拆房“埋单”？--bjreader的博客", "<h2 class='diaryTitle'>谁来为无序拆房“埋单”？- -</h2>", "谁来为无序拆房“埋单”？"),
    ],
    ids=["label", "decoration"],
)
def test_a_label_or_decoration_around_the_declared_title_is_dropped(title, heading, expected):
    html = f"<html><head><title>{title}</title></head><body>{heading}{BODY}</body></html>"
    assert title_of(html) == expected


def test_a_headline_printed_over_two_blocks_as_the_declared_title_holds_it():
    """bynrgov 500b350d: og:title carries markup; the headline's second half is its own div."""
    html = f"""<html><head><meta property="og:title" content="为现代化巴彦淖尔建设凝聚强大智慧和力量&lt;div&gt;——热烈祝贺市政协五届一次会议开幕&lt;/div&gt;">
    <title>巴彦淖尔市人民政府网</title></head><body>
    <div class="mm_all_cont_body"><p class="mm_all_p">为现代化巴彦淖尔建设凝聚强大智慧和力量<div>——热烈祝贺市政协五届一次会议开幕</div></p>
    <div class="mm_all_txllyboy">{BODY}</div></div></body></html>"""
    assert title_of(html) == "为现代化巴彦淖尔建设凝聚强大智慧和力量——热烈祝贺市政协五届一次会议开幕"


def test_a_bold_first_paragraph_is_body_not_headline():
    html = f"""<html><head><title>纯棉时代</title></head><body><p><strong>{BODY[3:62]}</strong></p>{BODY}</body></html>"""
    assert title_of(html) == "纯棉时代"


def test_the_site_prefix_of_a_title_is_not_the_headline():
    """joelonsoftware d02c66a2: "site - headline"; the headline is a bold line above the byline."""
    html = f"""<html><head><title>Joel on Software - 给计算机系学生的建议</title></head><body>
    <div class="top">Joel on Software</div>
    <table><tr><td><p class="slugText"><strong>给计算机系学生的建议</strong></p></td></tr></table>
    <font color="#808080">作者： 周思博 (Joel Spolsky)<br>译： Chen Bin<br>2005年1月2日</font>{BODY}</body></html>"""
    assert title_of(html) == "给计算机系学生的建议"


def test_the_headline_segment_when_the_site_name_is_wider():
    """zh.wikipedia: the site suffix is longer than the entry's name."""
    html = f"""<html><head><title>金锺国 - 维基百科，自由的百科全书</title></head><body>
    <div class="footer-places">维基百科，自由的百科全书</div>
    <h1 id="firstHeading"><span class="mw-page-title-main">金锺国</span></h1>{BODY}</body></html>"""
    assert title_of(html) == "金锺国"


def test_a_bold_byline_below_a_bold_headline_is_not_the_headline():
    """cdp1998 05e98007 (a crawl dump: the <title> lands in the body): <title> greets the visitor;
    the headline and the byline are both bold."""
    html = f"""<text id="http://cdp1998.org/details.asp?detailsid=2359" title="谢谢您访问〖关注中国中心〗" encoding="gb2312">
    <html><head><title>谢谢您访问〖关注中国中心〗</title></head><body>
    <table><tr><td align="center"><b><br><font size="3" color="blue">茉莉：我是怎样卷入八九民运的</b></font><br></td></tr>
    <tr><td><div align="left"><font size="3" color="#008000">作者： 来源： 发布日期： 7/5/2005 9:23:57 PM</font></div></td></tr>
    <tr><td><font size="3">{BODY}</font></td></tr></table></body></html></text>"""
    page = extract_page(html)
    assert page.title == "茉莉：我是怎样卷入八九民运的"


def test_decoration_before_a_heading_is_dropped():
    """cl2000 b70f455d: a book-section page whose only headline is the bold part heading *第一编 古代."""
    html = f"""<html><head><title>艺术史研究<世纪在线中国艺术网</title></head><body>
    <table><tr><td align="center"><p><b>*第一编 古代</b><br><a href="fysl_01.shtml" class="nav_bar">第一章</a></p></td></tr></table>
    {BODY}</body></html>"""
    assert title_of(html) == "第一编 古代"


def test_private_use_characters_are_not_part_of_a_title():
    """book.sina e3f3b532: an icon-font character from the private use area sits in the heading."""
    html = f"""<html><head><title>投身外交(3)_读书频道_新浪网</title></head><body>
    <div class="f24"><b>投身外交(3)\ue004</b></div>{BODY}</body></html>"""
    assert title_of(html) == "投身外交(3)"


@pytest.mark.parametrize(
    ("declared", "site"),
    [("网贷催收短信威胁爆通讯录,借款人该怎么应对 - 借贷百科", "借贷百科"), ("劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经", "搜狐财经")],
)
def test_site_name_follows_the_headline_in_title(declared, site):
    headline = title_core(declared)
    html = f"<html><head><title>{declared}</title></head><body><h1>{headline}</h1>{BODY}</body></html>"
    assert extract_page(html).site_name == site


def test_a_shown_part_of_the_title_ends_at_a_bracket():
    """sachina archiver 77fa9435: <title> adds a page counter "(页 1)"; the post shows the title
    without it."""
    html = f"""<html><head><title>社会资本、人力资本与下岗职工的再就业(页 1) - 学术前沿 - 三校社会学论坛·中国网社会论坛</title></head>
    <body><div class="nav"><a href="archiver/">三校社会学论坛·中国网社会论坛</a> <b>&raquo;</b> <a href="archiver/fid-23.html">学术前沿</a></div>
    <div class="subtable"><span class="right">2003-5-29 09:07</span> <b>高山流水</b></div>
    <div class="post"><p>社会资本、人力资本与下岗职工的再就业</p>{BODY}</div></body></html>"""
    assert title_of(html) == "社会资本、人力资本与下岗职工的再就业"


def test_a_heading_outranks_a_nearer_lesser_heading_when_none_agrees():
    """The h1 is the headline, the h2 under it a summary line; <title> is generic."""
    html = f"""<html><head><title>显示</title></head><body><h1>县人大常委会召开第十五次会议</h1>
    <h2>会议审议了县政府关于优化营商环境工作情况的报告</h2>{BODY}</body></html>"""
    assert title_of(html) == "县人大常委会召开第十五次会议"


def test_a_container_of_the_whole_article_is_not_a_heading():
    """A wrapper whose class names a title holds the whole article: too long to be a headline."""
    html = f"""<html><head><title>显示</title></head><body><div class="title-wrap"><b>县人大常委会召开第十五次会议</b>
    <div class="text">{BODY}{BODY}</div></div></body></html>"""
    assert title_of(html) == "县人大常委会召开第十五次会议"


def test_the_heading_inside_a_title_block_not_the_block():
    """A title-classed block holds the h1 and a source line: the h1 is the headline."""
    html = f"""<html><head><title>显示</title></head><body><div class="article-title"><h1>县人大常委会召开第十五次会议</h1>
    <span>县融媒体中心</span></div>{BODY}</body></html>"""
    assert title_of(html) == "县人大常委会召开第十五次会议"


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta name="twitter:title" content="吉林省人民政府关于禁止新增建设项目的通告">',
        '<meta name="citation_title" content="吉林省人民政府关于禁止新增建设项目的通告">',
        '<meta name="dc.title" content="吉林省人民政府关于禁止新增建设项目的通告">',
        '<meta name="ArticleTitle" content="吉林省人民政府关于禁止新增建设项目的通告"/>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "吉林省人民政府关于禁止新增建设项目的通告"}</script>',
    ],
    ids=["twitter", "citation", "dublin-core", "article-title", "json-ld"],
)
def test_every_declared_title_is_a_hint(declaration):
    """jl.gov.cn e8847578: <title> is the portal's; the notice's title is declared in a meta and
    shown as plain text above the body."""
    html = f"""<html><head><title>政府信息公开</title>{declaration}</head><body>
    <div class="nav"><a href="/">首页</a> <a href="/xxgk/">政府信息公开</a></div>
    <div class="zly_con"><div>吉林省人民政府关于禁止新增建设项目的通告</div><div class="extra">发布机关：吉林省人民政府</div>{BODY}</div></body></html>"""
    assert title_of(html) == "吉林省人民政府关于禁止新增建设项目的通告"
