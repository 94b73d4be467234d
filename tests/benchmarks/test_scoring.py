"""The extraction metric of shared/notes/extraction_anchors.md ("Metric"), as benchmarks/extraction.py uses it."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2]))
from benchmarks.scoring import extraction_tokens, token_prf  # noqa: E402


def test_tokens_are_cjk_characters_and_latin_words():
    """NFKC (full-width letters), one token per Han character, punctuation and symbols stripped
    from word ends (e.g. keeps its inner dot, C++ loses its pluses), pure punctuation dropped."""
    text = "Hello, world! 催收电话。“引号” 2008年 ©2020 | -- e.g. C++ ｆｕｌｌ"
    assert extraction_tokens(text) == [
        "Hello", "world", "催", "收", "电", "话", "引", "号", "2008", "年", "2020", "e.g", "C", "full",
    ]


def test_scores_are_bag_of_tokens_overlap():
    precision, recall, f1 = token_prf("催收 电话 短信", "催收电话")
    assert (precision, recall) == (4 / 6, 1.0)
    assert f1 == pytest.approx(0.8)


def test_layout_and_order_do_not_matter():
    assert token_prf("电话\n催收", "催收电话") == (1.0, 1.0, 1.0)


def test_empty_output_and_empty_gold():
    assert token_prf("", "催收电话") == (0.0, 0.0, 0.0)
    assert token_prf("催收", "")[1] == 1.0
