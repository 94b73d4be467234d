"""extract_page on the dev site (title, article date, article/listing decision, DOM evidence) and
on public benchmark pages of the types routed differently (layout tables, forum threads)."""

from __future__ import annotations

import re
from functools import cache

import pytest
from dev_site import ARTICLES, GOLD, NOT_FOUND_PAGE, dev_html
from public_pages import public_page

from cuishou.extract.html import ExtractedPage, extract_page
from cuishou.extract.html.language import detect_language

INDEX_PAGES = [g for g in GOLD if g["kind"] == "index"]


@cache
def dev_page(url: str) -> ExtractedPage:
    return extract_page(dev_html(url), url)


@pytest.mark.parametrize("gold", ARTICLES, ids=[g["url"] for g in ARTICLES])
def test_article_title_date_and_language(gold):
    page = dev_page(gold["url"])
    assert page.is_article, page.not_article_reason
    assert page.title == gold["title"]
    assert page.published == gold["published"]
    assert page.language == ("zh-Hant" if gold["variant_kind"] == "zh-hant" else "zh")


@pytest.mark.parametrize("gold", INDEX_PAGES, ids=[g["url"] for g in INDEX_PAGES])
def test_index_pages_are_not_articles(gold):
    page = dev_page(gold["url"])
    assert not page.is_article
    assert page.not_article_reason.startswith("listing page")


def test_not_found_page_is_not_an_article():
    page = extract_page(NOT_FOUND_PAGE)
    assert not page.is_article
    assert page.not_article_reason.startswith("error page")


def test_comment_dates_are_never_the_article_date():
    """site-c with its byline removed: only comment dates (2025-06-07, 发布于 … ・IP 属地) remain."""
    html = dev_html("http://site-c.test/wenda/157102.html")
    without_byline = re.sub(r'<div class="meta">.*?</div>', "", html, count=1)
    assert "2025-06-07" in without_byline
    assert extract_page(without_byline).published is None


def test_date_falls_back_to_json_ld():
    html = dev_html("http://site-e.test/p/500852/")
    without_visible_date = re.sub(r'<div class="entry-meta">.*?</div>', "", html, count=1)
    assert "<time" not in without_visible_date
    assert extract_page(without_visible_date).published == "2025-05-10"


def test_a_day_the_calendar_lacks_is_not_a_date():
    """A byline typo (2023-02-30) gives no date, and the next date in the byline is used."""
    html = "<html><body><h1>微粒贷逾期怎么办</h1><p>2023-02-30 来源：网络 2023-03-02</p><p>{}</p></body></html>"
    assert extract_page(html.format("正文内容。" * 30)).published == "2023-03-02"


def test_title_is_the_h1_not_the_document_title():
    page = dev_page("http://site-d.test/html/722568.htm")  # GBK page, charset only in <meta>
    assert page.title == "网贷催收短信威胁爆通讯录,借款人该怎么应对"
    assert page.site_name == "借贷百科"


def test_title_echo_is_not_in_the_text():
    page = dev_page("http://site-e.test/p/500852/")
    assert not page.text.startswith(page.title)


def test_comment_containers_give_comment_evidence():
    page = dev_page("http://site-c.test/wenda/157102.html")
    assert "韦晓峰-债务规划师" in page.comment_blocks
    assert "欠钱还钱天经地义但也不能被欺负,家里人知道以后反而帮了我一把。" in page.comment_blocks
    assert "星河滚烫2025-06-07征信花了以后再想贷款真的很难批,现在每个月按时还一点~" in page.comment_fragments
    assert not any(block.startswith("花呗作为日常消费中") for block in page.comment_blocks)


def test_link_texts_cover_sidebar_titles():
    page = dev_page("http://site-a.test/yuqi/laws-674861.html")
    assert "网贷催收短信威胁爆通讯录,借款者该怎么应对" in page.link_texts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("花唄逾期一天會不會影響徵信,很多人最關心的是只晚了一天會不會留下記錄。", "zh-Hant"),
        ("花呗逾期一天会不会影响征信,很多人最关心的是只晚了一天会不会留下记录。", "zh"),
        ("Overdue credit card debt and what collectors may not do.", "en"),
        ("延滞した場合、督促の電話がかかってきます。", "ja"),
    ],
)
def test_language_heuristic(text, language):
    assert detect_language(text) == language


# cn_content_dataset 6dc2d508: a crawl dump wrapping the page in <text id=URL> (no <html>) around
# one element, which trafilatura rejects as "not valid HTML".
TEXT_WRAPPED_PAGE = """<text id="http://bbs.zol.com.cn/index20050828/index_221_4487.shtml" title="【太行山上】_BT下载专区" encoding="gb2312">
<div align=center><table><tr><td><a href="/">首页</a> | <a href="/bt/">BT下载专区</a></td></tr></table>
<div class="post"><p>《太行山上》主要讲述八路军总司令朱德率领刚刚改编完的八路军三个主力师东渡黄河，挺进抗日前线，开辟建立太行山根据地的光辉历程。</p>
<p>特殊意义：除为今年的重大纪念之外，本片也是众多革命历史电影中首部以朱德同志为主角的作品，因此在中国电影故事片人物长廊中具有补白的作用。</p>
<p>动感视觉：本片大量运用运动镜头表现场面的动荡，数码科技呈现出千军万马、泥石流等宏大场面，更有肩扛摄影机增强战火纷飞的真实感。</p></div>
</div></text>"""


def test_page_wrapped_in_a_text_element_is_extracted():
    page = extract_page(TEXT_WRAPPED_PAGE)
    assert "挺进抗日前线" in page.text and "数码科技呈现出千军万马" in page.text


# --- page types routed differently: public benchmark pages (tests/fixtures/extraction) ----------

def test_layout_table_page_gives_the_article_not_table_rows():
    """The whole 2005 blog page is one nested layout table: read as a data table, every menu
    came out as a '| 首页 | 帐号 |' row; as blocks, the article alone."""
    fixture = public_page("layout_table")
    page = extract_page(fixture["html"])
    assert page.text.startswith("湘菜粤菜兵分两路，新鲜的是，湘菜浓妆淡抹")
    assert not [line for line in page.text.splitlines() if line.startswith("|")]
    assert "文学城首页" not in page.text and "控制面板" not in page.text


FEE_TABLE_ARTICLE = """<html><body><article><h1>信用卡逾期费用一览</h1>
<p>信用卡逾期以后，银行会按合同收取违约金和利息，逾期时间越长，需要承担的费用越多，下面按逾期时长列出常见做法。</p>
<table><tr><th>逾期时长</th><th>常见处理</th></tr>
<tr><td>1-3天</td><td>宽限期内一般不上征信</td></tr>
<tr><td>30天以上</td><td>电话催收，记入征信</td></tr>
<tr><td>90天以上</td><td>可能委外催收或起诉</td></tr></table>
<p>如果暂时无力还款，应主动联系银行说明情况，协商分期或延期还款方案，并保留好沟通记录。</p>
</article></body></html>"""


def test_data_tables_in_an_article_stay_tables():
    page = extract_page(FEE_TABLE_ARTICLE)
    assert "| 30天以上 | 电话催收，记入征信 |" in page.text


@pytest.mark.parametrize(
    "url, thread",
    [
        ("https://tieba.baidu.com/p/8057560733", True),
        ("https://csolbbs.tiancity.com/forum.php?mod=viewthread&tid=38672", True),
        ("https://www.marshallforum.com/threads/extending-pilot-light-lifespan.138154/", True),
        ("https://www.zhihu.com/question/58123456", True),
        ("http://site-c.test/wenda/157102.html", False),
        ("file:///home/me/t/saved-page.html", False),
        ("https://news.sina.com.cn/c/2024-05-10/doc-inausehc2630922.shtml", False),
        (None, False),
    ],
)
def test_thread_pages_by_address(url, thread):
    assert extract_page("<html><body><p>正文</p></body></html>", url).is_thread is thread


def test_thread_pages_by_schema_org_type():
    html = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": ["DiscussionForumPosting"], "headline": "求助"}]}
    </script></head><body><p>正文</p></body></html>"""
    assert extract_page(html).is_thread


def test_a_threads_replies_are_its_text():
    """mlog.club: the replies sit in comment containers; on a thread they are the content."""
    fixture = public_page("thread_replies_zh")
    assert "我是年前彻底放假了" in extract_page(fixture["html"], fixture["url"]).text
    assert "我是年前彻底放假了" not in extract_page(fixture["html"]).text  # same page read as an article


def test_a_short_thread_text_gets_the_balanced_pass():
    """XenForo: the recall pass returns the first post's author card and question only."""
    fixture = public_page("thread_short")
    text = extract_page(fixture["html"], fixture["url"]).text
    assert "That would be very model specific as pilot lamps" in text
    assert "You are probably seeing two 100 ohm resistors" in text
