"""extract_page on the dev site: title, article date, article/listing decision, DOM evidence."""

from __future__ import annotations

import re
from functools import cache

import pytest
from dev_site import ARTICLES, GOLD, NOT_FOUND_PAGE, dev_html

from extract.html_text import ExtractedPage, detect_language, extract_page

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
