"""Tagging on real data: the dev-site gold labels, a traditional-Chinese page, passing mentions."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from dev_site import ARTICLES as DEV_ARTICLES

from transform.tags import FACETS, LAW_ALIASES, LENDER_ALIASES, Tags, chinese_number, tag_document

ARTICLES = {page["url"]: page for page in DEV_ARTICLES}
VOCABULARY = {facet: {rule.label for rule in rules} for facet, rules in FACETS.items()}
MIN_F1 = 0.95
SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"


def tag_page(url: str) -> Tags:
    page = ARTICLES[url]
    return tag_document(page["main_text"], page["title"])


@pytest.fixture(scope="module")
def predictions() -> dict[str, Tags]:
    return {url: tag_page(url) for url in ARTICLES}


def micro_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    """Micro F1 over (document, label) pairs, given (predicted, gold) label sets per document."""
    tp = sum(len(pred & gold) for pred, gold in pairs)
    fp = sum(len(pred - gold) for pred, gold in pairs)
    fn = sum(len(gold - pred) for pred, gold in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@pytest.mark.parametrize("facet", FACETS)
def test_facet_f1_on_dev_site_gold(facet: str, predictions: dict[str, Tags]) -> None:
    pairs = [(set(getattr(predictions[url], facet)), set(page["expected_tags"][facet])) for url, page in ARTICLES.items()]
    misses = [f"{url}: got {sorted(p)}, gold {sorted(g)}" for url, (p, g) in zip(ARTICLES, pairs) if p != g]
    assert micro_f1(pairs) >= MIN_F1, "\n".join(misses)


@pytest.mark.parametrize("facet", FACETS)
def test_labels_are_sorted_and_from_the_vocabulary(facet: str, predictions: dict[str, Tags]) -> None:
    for tags in predictions.values():
        labels = getattr(tags, facet)
        assert labels == sorted(set(labels))
        assert set(labels) <= VOCABULARY[facet]


@pytest.mark.parametrize(
    ("url", "facet", "expected"),
    [
        # 信用卡 and 网贷 only appear in one list of advice ("按时偿还信用卡、…申请网贷等")
        ("http://site-a.test/yuqi/laws-548805.html", "products", ["微粒贷"]),
        # 网贷 named once, as the overdue debt ("网贷逾期人群"): enough
        ("http://site-c.test/wenda/233552.html", "products", ["网贷"]),
        # "正式的短信确认" is a passing mention; "拨打…客服电话" is the negotiation channel
        ("http://site-e.test/p/206200/", "channels", ["电话"]),
        # scrubbed site: "拨打官方  " lost its 客服电话, so no channel is left
        ("http://site-d.test/html/504152.htm", "channels", []),
        ("http://site-c.test/wenda/489427.html", "channels", ["电话"]),
        # 不得/禁止 about usury and privacy in general, not about collectors
        ("http://site-b.test/article/202501/484317.html", "topics", ["法律权益"]),
        # truncated copy: the 催收…违法 paragraph is gone, one privacy sentence is not enough
        ("http://site-d.test/html/722568.htm", "topics", ["报警", "投诉举报", "保留证据"]),
        ("http://site-b.test/article/202503/210016.html", "topics", ["催收合规", "报警", "投诉举报", "保留证据"]),
    ],
)
def test_exact_tags_of_selected_pages(url: str, facet: str, expected: list[str]) -> None:
    assert getattr(tag_page(url), facet) == sorted(expected)


ZH_HANT_URLS = [url for url, page in ARTICLES.items() if page["variant_kind"] == "zh-hant"]


@pytest.mark.parametrize("url", ZH_HANT_URLS)
@pytest.mark.parametrize("facet", FACETS)
def test_traditional_page_gets_simplified_labels(url: str, facet: str) -> None:
    page = ARTICLES[url]
    simplified = opencc.OpenCC("t2s")
    assert simplified.convert(page["main_text"]) != page["main_text"], "fixture must be traditional"
    tags = tag_page(url)
    assert getattr(tags, facet) == sorted(page["expected_tags"][facet])
    assert tags == tag_document(simplified.convert(page["main_text"]), simplified.convert(page["title"]))


def test_traditional_evidence_is_simplified() -> None:
    tags = tag_page("http://site-a.test/yuqi/laws-145742.html")  # 花唄逾期一天會不會影響徵信
    assert "花呗" in tags.evidence["products:花呗"]
    assert "征信" in tags.evidence["topics:征信影响"]


@pytest.mark.parametrize(
    ("facet", "passing", "supported", "label"),
    [
        (
            "products",
            "花呗逾期后要尽快还清。平时按时偿还信用卡、少申请网贷等,都有助于信用。",
            "花呗逾期后要尽快还清。信用卡逾期也会被催收。",
            "信用卡",
        ),
        (
            "channels",
            "双方达成一致后,要求平台发送一条短信确认。",
            "逾期后每天都会收到催收短信。",
            "短信",
        ),
        (
            "channels",
            "商家承诺送货上门,安装也是上门服务。",
            "逾期三个月后,催收人员上门找到了借款人。",
            "上门",
        ),
        (
            "topics",
            "诚信是一切协商的基础。",
            "可以联系平台协商,申请个性化分期。",
            "协商还款",
        ),
        (
            "topics",
            "民法典明确禁止高利放贷,借款利率不得违反国家有关规定。",
            "催收人员不得在夜间上门,也不得向亲友透露欠款信息。",
            "催收合规",
        ),
        (
            "topics",
            "有的读者反映,还款日记不住。",
            "遇到暴力催收,可以向金融监管部门投诉。",
            "投诉举报",
        ),
    ],
)
def test_passing_mention_does_not_tag(facet: str, passing: str, supported: str, label: str) -> None:
    assert label not in getattr(tag_document(passing), facet)
    assert label in getattr(tag_document(supported), facet)


def test_repeated_sentence_is_not_extra_support() -> None:
    assert "协商还款" not in tag_document("可以和平台协商。\n可以和平台协商。").topics
    assert "协商还款" in tag_document("可以和平台协商。\n也可以申请延期。").topics


def test_title_counts_as_support() -> None:
    text = "逾期后该怎么办?下面分几步说明。"
    assert tag_document(text).products == []
    assert tag_document(text, title="借呗还款指南").products == ["借呗"]


@pytest.mark.parametrize("facet", FACETS)
def test_evidence_lists_the_cues_behind_every_tag(facet: str, predictions: dict[str, Tags]) -> None:
    simplified = opencc.OpenCC("t2s")
    for url, tags in predictions.items():
        page_text = simplified.convert(ARTICLES[url]["title"] + "\n" + ARTICLES[url]["main_text"])
        for label in getattr(tags, facet):
            cues = tags.evidence[f"{facet}:{label}"]
            assert cues and all(cue in page_text for cue in cues), (url, label, cues)


def test_evidence_names_the_matched_cue() -> None:
    tags = tag_page("http://site-a.test/yuqi/laws-372609.html")  # 上门催收人员能做什么、不能做什么
    assert {"报警", "110", "警方"} <= set(tags.evidence["topics:报警"])
    assert "外访" in tags.evidence["channels:上门"]
    facet_keys = {key for key in tags.evidence if key.split(":")[0] in FACETS}
    assert facet_keys == {f"{facet}:{label}" for facet in FACETS for label in getattr(tags, facet)}


# --- entity taggers: lenders, legal references, overdue days, home-visit claims -----------------


def seed(prefix: str) -> Tags:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return tag_document(path.read_text(encoding="utf-8"))


def test_old_constructor_still_works() -> None:
    tags = Tags(products=[], channels=[], topics=[], evidence={})
    assert (tags.lenders, tags.legal_refs, tags.overdue_days, tags.home_visit_claims) == ([], [], [], [])


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


def test_lender_evidence_and_vocabulary(predictions: dict[str, Tags]) -> None:
    assert tag_document("借了京東金條").evidence["lenders:京东金条"] == ["京东金条"]
    for tags in predictions.values():
        assert tags.lenders == sorted(set(tags.lenders)) and set(tags.lenders) <= set(LENDER_ALIASES)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("六百七十五", 675), ("一千零六十四", 1064), ("十五", 15), ("二百九十三", 293), ("十", 10), ("675", 675)],
)
def test_chinese_number(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据《民法典》第六百七十五条,借款人应当按照约定的期限返还借款", ["民法典 第675条"]),
        ("民法典第675条、第六百七十六条都有规定", ["民法典 第675条", "民法典 第676条"]),
        ("民法典第675条规定了还款期限,民法典还保护人格权", ["民法典 第675条"]),  # cited law is not listed bare too
        ("暴力催收可能构成催收非法债务罪", ["刑法 第293条之一"]),
        ("刑法第二百九十三条之一规定了催收非法债务罪", ["刑法 第293条之一"]),
        ("依據《中華人民共和國個人信息保護法》和治安管理處罰法", ["个人信息保护法", "治安管理处罚法"]),
        ("参照民间借贷司法解释和互联网金融逾期债务催收自律公约", ["互联网金融逾期债务催收自律公约", "民间借贷司法解释"]),
        ("劳动合同法与合同法律关系无关", []),  # neither is 合同法
    ],
)
def test_legal_refs_are_normalised(text: str, expected: list[str]) -> None:
    assert tag_document(text).legal_refs == expected


def test_legal_refs_on_real_pages() -> None:
    # seed 002 is scrubbed: 《人民合同法》、《人民民法典》 lost 中华人民共和国
    assert seed("002").legal_refs == ["合同法", "民法典"]
    assert tag_page("http://site-b.test/article/202410/725044.html").legal_refs == ["民法典", "治安管理处罚法"]
    assert {ref.split(" ")[0] for tags in map(tag_page, ARTICLES) for ref in tags.legal_refs} <= set(LAW_ALIASES)


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


def test_overdue_days_on_real_pages() -> None:
    assert seed("003").overdue_days == [2, 14]
    assert tag_page("http://site-d.test/html/31053.htm").overdue_days == [90]
    assert tag_page("http://site-a.test/yuqi/laws-145742.html").overdue_days == [1]  # traditional: 晚了一天


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
    assert tag_page(url).home_visit_claims == expected
