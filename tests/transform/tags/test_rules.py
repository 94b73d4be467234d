"""How a rule scores: families once per sentence, no double counting, sentence_min, context, skips."""

from __future__ import annotations

import re

from cuishou.transform.tags.rules import Cue, Rule, assigned, clause, joined_text, score, sentence_cues
from cuishou.transform.tags.text import Sentence, normalize, sentences

WEAK = {"a": Cue("苹果", 1), "b": Cue("香蕉", 1)}


def parts(text: str) -> list[Sentence]:
    return sentences(normalize(text), title="")


def test_a_family_counts_once_per_sentence() -> None:
    rule = Rule("x", WEAK)
    assert sentence_cues(rule, parts("苹果苹果苹果。")[0]) == (1, ["苹果"])
    assert score(rule, parts("苹果。苹果也好。")) == (2, ["苹果"])


def test_an_overlapping_match_of_a_later_family_does_not_count() -> None:
    rule = Rule("x", {"specific": Cue("个人信用记录", 1), "general": Cue("信用记录", 1)})
    assert sentence_cues(rule, parts("个人信用记录很重要。")[0]) == (1, ["个人信用记录"])
    assert sentence_cues(rule, parts("个人信用记录和信用记录。")[0]) == (2, ["个人信用记录", "信用记录"])


def test_sentence_min_needs_weak_cues_to_meet_in_one_sentence() -> None:
    rule = Rule("x", WEAK, sentence_min=2)
    assert assigned((rule,), parts("苹果。香蕉。")) == {}
    assert assigned((rule,), parts("苹果和香蕉。")) == {"x": ["苹果", "香蕉"]}


def test_min_score_sums_supporting_sentences_and_the_title_counts_twice() -> None:
    rule = Rule("x", WEAK, min_score=3)
    assert assigned((rule,), parts("苹果。香蕉。")) == {}
    assert assigned((rule,), sentences("苹果\n香蕉。")) == {"x": ["苹果", "香蕉"]}  # title 2 + 1


def test_context_is_looked_up_in_the_window() -> None:
    rule = Rule("x", WEAK, context="水果")
    assert assigned((rule,), parts("苹果。香蕉。")) == {}
    assert "x" in assigned((rule,), parts("水果很多。苹果和香蕉。"))  # the sentence before
    assert "x" in assigned((rule,), sentences("标题\n水果\n苹果和香蕉。"))  # the heading


def test_negative_spans_cancel_overlapping_cues() -> None:
    rule = Rule("x", WEAK, negative="苹果手机")
    assert assigned((rule,), parts("苹果手机。香蕉。")) == {}
    assert "x" in assigned((rule,), parts("苹果手机和苹果。香蕉。"))


def test_skipped_kinds_are_not_read() -> None:
    rule = Rule("x", WEAK, skip=frozenset({"example"}))
    assert assigned((rule,), parts("例如苹果。香蕉。")) == {}
    assert "x" in assigned((Rule("x", WEAK),), parts("例如苹果。香蕉。"))
    assert assigned((Rule("x", WEAK),), parts("本文仅供参考,苹果。香蕉。")) == {}  # disclaimers never


def test_clause_stays_inside_one_clause() -> None:
    pattern = re.compile(f"打{clause(6)}电话")
    assert pattern.search("打了个电话")
    assert not pattern.search("打了,电话")
    assert not pattern.search(normalize("打了 ,电话"))


def test_the_whole_document_search_settles_rules_without_changing_any_score() -> None:
    """``assigned`` searches the joined sentences first: a cue with look-arounds still matches at a
    sentence's edges there, and a match across two sentences (a heading and its paragraph) is
    still judged sentence by sentence."""
    hotline = Rule("hotline", {"n": Cue(r"(?<!\d)12378(?!\d)", 2)})
    document = sentences(normalize("投诉热线\n12378。拨打123789。"))
    assert assigned((hotline,), document) == {"hotline": ["12378"]}
    across = Rule("across", {"c": Cue("果[^。]{0,3}香", 2)})
    document = sentences(normalize("苹果\n香蕉很好。"), title="")
    assert joined_text(document) == "苹果\n香蕉很好。" and score(across, document) == (0, [])
    assert assigned((across,), document) == {}
