"""normalize_for_dedup: the comparison key must erase script, width, punctuation and layout."""

import pytest
from dev_site import ARTICLES

from cuishou.transform.dedup.normalize import normalize_for_dedup


def test_traditional_becomes_simplified():
    assert normalize_for_dedup("網貸平臺逾期後會收到催收短信") == "网贷平台逾期后会收到催收短信"


def test_full_width_letters_and_digits_fold_to_lower_ascii():
    assert normalize_for_dedup("ＡＢＣ１２３ｘｙｚ") == "abc123xyz"


@pytest.mark.parametrize(
    "text",
    [
        "逾期，怎么办？",
        "逾期, 怎么办?",
        "“逾期”——怎么办……",
        "逾期\n\n怎么办\t",
        "《逾期》【怎么办】",
        "逾期 _ 怎么办！",
    ],
)
def test_punctuation_and_whitespace_are_removed(text):
    assert normalize_for_dedup(text) == "逾期怎么办"


def test_idempotent():
    once = normalize_for_dedup("花唄逾期１天，會不會影響徵信？ Yes!")
    assert normalize_for_dedup(once) == once == "花呗逾期1天会不会影响征信yes"


def test_dev_site_zh_hant_copies_normalise_to_their_base():
    base_text = {r["dup_cluster"]: r["main_text"] for r in ARTICLES if r["variant_kind"] == "base"}
    hant = [r for r in ARTICLES if r["variant_kind"] == "zh-hant"]
    assert hant
    for row in hant:
        assert row["main_text"] != base_text[row["dup_cluster"]]
        assert normalize_for_dedup(row["main_text"]) == normalize_for_dedup(base_text[row["dup_cluster"]])
