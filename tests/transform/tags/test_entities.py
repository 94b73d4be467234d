"""Entity taggers: lenders, statutes cited, overdue durations; every alias table entry is pinned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cuishou.transform.tags import LAW_ALIASES, LENDER_ALIASES, Tags, chinese_number, entities, tag_document

SEEDS = Path(__file__).parents[2] / "fixtures" / "seeds"


def seed(prefix: str) -> Tags:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return tag_document(path.read_text(encoding="utf-8"))


# one phrase per alias-table entry: deleting the entry makes its case fail
LENDER_PINS = {
    "网商贷": "网商银行的贷款", "京东白条": "京东打白条", "京东金条": "京东金条借款", "美团月付": "美团月付账单",
    "美团借钱": "美团生活费", "分期乐": "分期乐账单", "360借条": "奇富借条", "招联金融": "招联好期贷",
    "度小满": "有钱花", "安逸花": "安逸花逾期", "任性付": "任性付逾期", "拍拍贷": "拍拍贷逾期", "平安普惠": "平安普惠贷款",
    "捷信": "捷信分期", "省呗": "省呗逾期", "玖富": "玖富借款", "宜人贷": "宜人贷逾期", "你我贷": "你我贷逾期",
    "小赢卡贷": "小赢卡贷逾期", "中邮消费金融": "中邮消金", "马上消费金融": "马上消金", "抖音放心借": "放心借逾期",
    "携程拿去花": "拿去花逾期", "还呗": "还呗逾期", "洋钱罐": "洋钱罐借款", "招商银行": "招行信用卡",
    "建设银行": "建设银行贷款", "工商银行": "工商银行贷款", "农业银行": "农业银行贷款", "中国银行": "中国银行贷款",
    "交通银行": "交通银行贷款", "邮储银行": "邮政储蓄银行贷款", "浦发银行": "浦东发展银行", "中信银行": "中信银行贷款",
    "光大银行": "光大银行贷款", "民生银行": "民生银行贷款", "兴业银行": "兴业银行贷款", "广发银行": "广发银行贷款",
    "平安银行": "平安银行贷款", "华夏银行": "华夏银行贷款",
}


@pytest.mark.parametrize(("name", "phrase"), LENDER_PINS.items())
def test_every_lender_alias_entry(name: str, phrase: str) -> None:
    assert tag_document(phrase).lenders == [name]


def test_every_lender_entry_is_pinned() -> None:
    assert set(LENDER_PINS) == set(LENDER_ALIASES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("捷信分期手机的利息详情解析", ["捷信"]),  # seed 001's heading
        ("我在京東白條和度小滿有錢花都有逾期", ["京东白条", "度小满"]),  # traditional, two aliases of 度小满
        ("360借款、奇富借条、招联好期贷和美团生活费都逾期了", ["360借条", "招联金融", "美团借钱"]),
        ("招行信用卡逾期,中国工商银行也打来电话", ["工商银行", "招商银行"]),
        # regulators, an IOU and the five facet labels are not lenders
        ("向人民银行和中国银行保险监督管理委员会投诉;他给我打白条;微粒贷、借呗、花呗都逾期", []),
    ],
)
def test_lenders_are_normalised_aliases(text: str, expected: list[str]) -> None:
    assert tag_document(text).lenders == expected


def test_lender_evidence() -> None:
    assert tag_document("借了京東金條").evidence["lenders:京东金条"] == ["京东金条"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("六百七十五", 675), ("一千零六十四", 1064), ("十五", 15), ("二百九十三", 293), ("十", 10), ("675", 675)],
)
def test_chinese_number(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


LAW_PINS = {
    "民法典": "民法典", "合同法": "合同法", "刑法": "刑法", "治安管理处罚法": "治安管理处罚法", "个人信息保护法": "个保法",
    "消费者权益保护法": "消保法", "民事诉讼法": "民事诉讼法", "商业银行信用卡业务监督管理办法": "信用卡业务监督管理办法",
    "互联网金融逾期债务催收自律公约": "催收自律公约", "征信业管理条例": "征信管理条例", "民间借贷司法解释": "民间借贷规定",
}


@pytest.mark.parametrize(("name", "phrase"), LAW_PINS.items())
def test_every_law_alias_entry(name: str, phrase: str) -> None:
    assert tag_document(f"依照{phrase}处理").legal_refs == [name]


def test_every_law_entry_is_pinned() -> None:
    assert set(LAW_PINS) == set(LAW_ALIASES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据《民法典》第六百七十五条,借款人应当按照约定的期限返还借款", ["民法典 第675条"]),
        ("民法典第675条、第六百七十六条都有规定", ["民法典 第675条", "民法典 第676条"]),
        ("民法典第675条规定了还款期限,民法典还保护人格权", ["民法典 第675条"]),  # cited law is not listed bare too
        ("暴力催收可能构成催收非法债务罪", ["刑法 第293条之一"]),
        ("刑法第二百九十三条之一规定了催收非法债务罪", ["刑法 第293条之一"]),
        ("这种行为可能构成寻衅滋事罪", ["刑法 第293条"]),
        ("长时间限制人身自由构成非法拘禁罪", ["刑法 第238条"]),
        ("出售通讯录构成侵犯公民个人信息罪", ["刑法 第253条之一"]),
        ("依據《中華人民共和國個人信息保護法》和治安管理處罰法", ["个人信息保护法", "治安管理处罚法"]),
        ("参照民间借贷司法解释和互联网金融逾期债务催收自律公约", ["互联网金融逾期债务催收自律公约", "民间借贷司法解释"]),
        ("劳动合同法与合同法律关系无关", []),  # neither is 合同法
    ],
)
def test_legal_refs_are_normalised(text: str, expected: list[str]) -> None:
    assert tag_document(text).legal_refs == expected


def test_legal_refs_on_a_scrubbed_page() -> None:
    # seed 002 is scrubbed: 《人民合同法》、《人民民法典》 lost 中华人民共和国
    assert seed("002").legal_refs == ["合同法", "民法典"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("微粒贷逾期2天发信息怎么办", [2]),
        ("逾期2周后,微粒贷可能会转交当地催收", [14]),
        ("逾期三个月左右,账户进入中后期催收", [90]),
        ("逾期超过九十天后,记录会更严重;逾期90天以上更难", [90]),
        ("只晚了一天,会不会影响征信", [1]),
        ("逾期一两天问题不大,逾期半年就麻烦了", [1, 2, 180]),
        ("拖欠一年多,又晚还了两个星期", [14, 365]),
        ("超过30天未还款会上报征信", [30]),
        # not overdue durations: an instalment plan, a retention period, an ordinal, a date
        ("可以申请分期12个月,录音保存超过30天", []),
        ("逾期第二天就会收到短信,逾期后的第一个月最关键,逾期至3月5日", []),
    ],
)
def test_overdue_days(text: str, expected: list[int]) -> None:
    assert tag_document(text).overdue_days == expected


def test_overdue_days_on_a_real_page() -> None:
    assert seed("003").overdue_days == [2, 14]


def test_the_lender_and_citation_alternations_search_behind_their_first_characters():
    """Each is one alternation of many names: the first-character lookahead (``rules.regex``) must
    find exactly what the plain pattern finds."""
    text = "借呗和花呗都逾期了,招商银行的信用卡也是。根据《民法典》第六百七十五条、刑法第二百九十三条之一,微粒贷不能爆通讯录。"
    for compiled in (entities._ANY_LENDER, entities._CITATION):
        assert compiled.pattern.startswith("(?=[")
        plain = re.compile(compiled.pattern.split("])(?:", 1)[1][:-1])
        assert [m.group() for m in compiled.finditer(text)] == [m.group() for m in plain.finditer(text)]
        assert any(compiled.finditer(text))
