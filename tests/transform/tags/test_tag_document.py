"""``tag_document`` on real data: the dev site read by the spec, a traditional page, passing mentions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import opencc
import pytest
from dev_site import ARTICLES as DEV_ARTICLES

from cuishou.extract.script import fold
from cuishou.transform.tags import FACETS, Tags, tag_document
from cuishou.transform.tags.text import normalize

sys.path.insert(0, str(Path(__file__).parents[3]))
from benchmarks.tags import DEV_SITE_BY_SPEC, read_by_spec  # noqa: E402

ARTICLES = {page["url"]: page for page in DEV_ARTICLES}
BY_SPEC = {doc["id"]: doc for doc in read_by_spec(
    [{"id": url, **page["expected_tags"]} for url, page in ARTICLES.items()]
)}
VOCABULARY = {facet: {rule.label for rule in rules} for facet, rules in FACETS.items()}
MIN_F1 = 0.95


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
def test_facet_f1_on_the_dev_site_read_by_the_spec(facet: str, predictions: dict[str, Tags]) -> None:
    pairs = [(set(getattr(predictions[url], facet)), set(BY_SPEC[url][facet])) for url in ARTICLES]
    misses = [f"{url}: got {sorted(p)}, gold {sorted(g)}" for url, (p, g) in zip(ARTICLES, pairs) if p != g]
    assert micro_f1(pairs) >= MIN_F1, "\n".join(misses)


def test_each_spec_reading_quotes_the_page_and_changes_its_gold() -> None:
    for line in DEV_SITE_BY_SPEC.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        page = ARTICLES[row["url"]]
        assert fold(row["quote"]) in fold(page["main_text"]), row
        assert (row["label"] in page["expected_tags"][row["facet"]]) != row["spec"], row
        assert row["label"] in VOCABULARY[row["facet"]] and row["rule"]


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
        # "正式的短信确认" confirms an agreement; "拨打…客服电话" is the borrower calling: no channel
        ("http://site-e.test/p/206200/", "channels", []),
        # scrubbed site: "拨打官方  " lost its 客服电话, so no channel is left
        ("http://site-d.test/html/504152.htm", "channels", []),
        # a visit threatened on the phone ("声称要到老家找人"), SMS kept as evidence
        ("http://site-b.test/article/202410/725044.html", "channels", ["上门", "电话", "短信"]),
        # 不得/禁止 about usury in general is no 催收合规; spreading data to third parties while collecting is
        ("http://site-b.test/article/202501/484317.html", "topics", ["法律权益", "催收合规"]),
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
    assert getattr(tags, facet) == sorted(BY_SPEC[url][facet])
    assert tags == tag_document(simplified.convert(page["main_text"]), simplified.convert(page["title"]))


def test_traditional_evidence_is_simplified() -> None:
    tags = tag_page("http://site-a.test/yuqi/laws-145742.html")  # 花唄逾期一天會不會影響徵信
    assert "花呗" in tags.evidence["products:花呗"]
    assert "征信" in tags.evidence["topics:征信影响"]


@pytest.mark.parametrize("facet", FACETS)
def test_evidence_lists_the_cues_behind_every_tag(facet: str, predictions: dict[str, Tags]) -> None:
    for url, tags in predictions.items():
        page_text = normalize(ARTICLES[url]["title"] + "\n" + ARTICLES[url]["main_text"])
        for label in getattr(tags, facet):
            cues = tags.evidence[f"{facet}:{label}"]
            assert cues and all(cue in page_text for cue in cues), (url, label, cues)


def test_evidence_names_the_matched_cue() -> None:
    tags = tag_page("http://site-a.test/yuqi/laws-372609.html")  # 上门催收人员能做什么、不能做什么
    assert {"报警", "110"} <= set(tags.evidence["topics:报警"])
    assert "外访" in tags.evidence["channels:上门"]
    facet_keys = {key for key in tags.evidence if key.split(":")[0] in FACETS}
    assert facet_keys == {f"{facet}:{label}" for facet in FACETS for label in getattr(tags, facet)}


@pytest.mark.parametrize(
    ("facet", "passing", "supported", "label"),
    [
        (
            "products",
            "花呗逾期后要尽快还清。平时按时偿还信用卡、少申请网贷等,都有助于信用。",
            "花呗逾期后要尽快还清。信用卡逾期也会被催收。",
            "信用卡",
        ),
        ("channels", "双方达成一致后,要求平台发送一条短信确认还款方案。", "逾期后每天都会收到催收短信。", "短信"),
        ("channels", "贷款买的冰箱,商家承诺送货上门。", "逾期三个月后,催收人员上门找到了借款人。", "上门"),
        ("topics", "诚信是一切协商的基础。", "可以联系平台协商,申请个性化分期。", "协商还款"),
        (
            "topics",
            "民法典明确禁止高利放贷,借款利率不得违反国家有关规定。",
            "催收人员不得在夜间上门,也不得向亲友透露欠款信息。",
            "催收合规",
        ),
        ("topics", "有的读者反映,还款日记不住。", "遇到暴力催收,可以向金融监管部门投诉。", "投诉举报"),
        ("topics", "逾期后平台可能会起诉你。", "逾期后平台起诉你,法院会开庭审理。", "法律权益"),
    ],
)
def test_passing_mention_does_not_tag(facet: str, passing: str, supported: str, label: str) -> None:
    assert label not in getattr(tag_document(passing), facet)
    assert label in getattr(tag_document(supported), facet)


def test_repeated_sentence_is_not_extra_support() -> None:
    assert "征信影响" not in tag_document("逾期会影响个人信用。\n逾期会影响个人信用。").topics
    assert "征信影响" in tag_document("逾期会影响个人信用。\n逾期记录也会留很久。").topics


def test_title_counts_as_support() -> None:
    text = "逾期后该怎么办?下面分几步说明,每一步都很重要,请耐心读完全文。"
    assert tag_document(text).products == []
    assert tag_document(text, title="借呗还款指南").products == ["借呗"]


def test_old_constructor_still_works() -> None:
    tags = Tags(products=[], channels=[], topics=[], evidence={})
    assert (tags.lenders, tags.legal_refs, tags.overdue_days, tags.home_visit_claims) == ([], [], [], [])
