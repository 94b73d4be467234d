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
