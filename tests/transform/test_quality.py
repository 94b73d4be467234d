"""Quality signals on real fragments: scrubbed-word gaps, spinner vocabulary, junk share, score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cuishou.extract.html import text_only_page
from cuishou.transform.clean import CleanText, clean_page
from cuishou.transform.quality import SCRUBBED_GAP_PATTERNS, quality_signals, score, scrubbed_gaps, spin_density

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLD_LINES = (FIXTURES / "dev_site" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
GOLD = {g["url"]: g for g in map(json.loads, GOLD_LINES)}


def seed(name: str) -> str:
    return next((FIXTURES / "seeds").glob(f"{name}_*.txt")).read_text(encoding="utf-8")


# One real scrubbed fragment per gap pattern (seed 002, seed 003, dev site-d).
GAP_FRAGMENTS = {
    "space_between_han": "2. :在短信提醒之后微粒贷会通过 联系借款人。",
    "space_before_punct": "可以在支付宝中找到借呗页面的“联系 ”入口,也可以拨打官方  ,说明自己希望办理个性化分期。",
    "empty_enumeration": "1. 合法:金融机构在期间不得选用、、等非法手段,不得侵犯借款人的合法权益。",
    "verb_then_enumeration": "金融机构在实行债务追讨时必须严格遵循法律规定不得采纳、胁迫、侮辱或等形式对待借款人。",
    "empty_list_label": "2. :在短信提醒之后微粒贷会通过 联系借款人。",
    "law_without_state_name": "依据《人民合同法》、《人民民法典》等相关法律法规,金融机构在进展中应遵守以下原则:",
}


@pytest.mark.parametrize("name", sorted(GAP_FRAGMENTS))
def test_each_gap_pattern_fires_on_its_fragment(name):
    assert SCRUBBED_GAP_PATTERNS[name].search(GAP_FRAGMENTS[name])


def test_scrubbed_copy_has_gaps_and_original_has_none():
    """site-d 266059 is site-a 692924's article with 催收/电话 scrubbed out."""
    scrubbed = GOLD["http://site-d.test/html/266059.htm"]["main_text"]
    original = GOLD["http://site-a.test/yuqi/laws-692924.html"]["main_text"]
    assert scrubbed_gaps(scrubbed) >= 1
    assert scrubbed_gaps(original) == 0


def test_gap_patterns_leave_ordinary_text_alone():
    text = "借款人有权选择还款办法,如等额本息、等额本金等。Copyright 2024, 版权所有。"
    assert scrubbed_gaps(text) == 0


def test_spun_seed_has_high_spin_density_and_clean_seed_low():
    assert spin_density(seed("000")) > 8  # 熟悉/疑惑/进展中/失信被实行人 …
    assert spin_density(seed("003")) > 8
    assert spin_density(seed("001")) < 1


def test_signals_of_a_junk_heavy_spun_page():
    raw = seed("003")
    clean = clean_page(text_only_page(raw, "微粒贷逾期2天发信息怎么办"))
    signals = quality_signals(raw, clean)
    assert signals["removed_share"] > 0.5  # comments and the second copy of the article
    assert signals["scrubbed_gaps"] >= 3
    assert signals["spin_density"] > 8
    assert 0 <= signals["quality_score"] < 0.3


def test_clean_unspun_page_scores_high():
    gold = GOLD["http://site-e.test/p/206200/"]
    clean = CleanText(gold["main_text"], [], [])
    signals = quality_signals(gold["main_text"], clean)
    assert (signals["removed_share"], signals["scrubbed_gaps"], signals["spin_density"]) == (0.0, 0, 0.0)
    assert signals["quality_score"] == pytest.approx(min(1.0, signals["han_chars"] / 300))


def test_score_formula():
    half_penalties = 1 - 0.4 * 0.5 - 0.4 * 0.5 - 0.2 * 0.5
    assert score(600, spin=5.0, gaps_per_1k=2.5, junk_share=0.5) == pytest.approx(half_penalties)
    assert score(150, spin=0.0, gaps_per_1k=0.0, junk_share=0.0) == pytest.approx(0.5)
    assert score(900, spin=50.0, gaps_per_1k=50.0, junk_share=1.0) == 0.0
