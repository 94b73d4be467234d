"""Claims about home visits: one label per kind of claim, only where a visit is in the passage."""

from __future__ import annotations

import pytest
from dev_site import ARTICLES

from cuishou.transform.tags import tag_document

PAGES = {page["url"]: page for page in ARTICLES}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("最近收到短信,称将派专员前往您户籍地走访。", "threat"),
        ("上门催收不得在夜间进行,也不得向无关人员透露欠款。", "legal_limits"),
        ("外访人员应当出示工作证和授权文件。", "verify_identity"),
        ("大多数情况下仍以电话沟通为主,真正上门的比例并不高。", "rare_in_practice"),
        ("对方堵门不离开的,可以直接拨打110。", "call_police"),
    ],
)
def test_home_visit_claims_positive(text: str, label: str) -> None:
    tags = tag_document(text)
    assert label in tags.home_visit_claims
    assert tags.evidence[f"home_visit_claims:{label}"]


@pytest.mark.parametrize(
    "text",
    [
        "商家承诺送货上门,不得收取额外费用,可以核实快递员的工作证,有问题可以报警。",  # service visits
        "催收电话不得在夜间拨打,接到电话要核实对方身份。",  # limits and identity, but no visit
        "遇到暴力催收短信,可以报警。",  # police, but nobody at the door
    ],
)
def test_home_visit_claims_negative(text: str) -> None:
    assert tag_document(text).home_visit_claims == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://site-d.test/html/31053.htm", ["legal_limits", "rare_in_practice", "threat"]),
        ("http://site-a.test/yuqi/laws-372609.html", ["call_police", "legal_limits", "verify_identity"]),
        ("http://site-c.test/wenda/233552.html", ["threat"]),  # "上门抓人" in a fake-threat SMS
        ("http://site-b.test/article/202501/484317.html", []),
    ],
)
def test_home_visit_claims_on_dev_site(url: str, expected: list[str]) -> None:
    page = PAGES[url]
    assert tag_document(page["main_text"], page["title"]).home_visit_claims == expected
