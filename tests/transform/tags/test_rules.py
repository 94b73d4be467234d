"""How a rule scores: families once per sentence, no double counting, sentence_min, context, skips."""

from __future__ import annotations

import re

from cuishou.transform.tags.rules import (
    DIGIT,
    Cue,
    Joined,
    Rule,
    assigned,
    clause,
    first_chars,
    regex,
    score,
    sentence_cues,
)
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


def test_only_sentences_where_a_cue_occurs_are_read_and_no_score_changes() -> None:
    """``assigned`` reads the joined sentences first: a cue with look-arounds still matches at a
    sentence's edges there, and a match across two sentences (a heading and its paragraph) is
    still judged sentence by sentence."""
    hotline = Rule("hotline", {"n": Cue(r"(?<!\d)12378(?!\d)", 2)})
    document = sentences(normalize("投诉热线\n12378。拨打123789。12378。"))
    joined = Joined(document)
    assert [s.text for s in joined.candidates(regex(r"(?<!\d)12378(?!\d)"))] == ["12378。"]
    assert score(hotline, joined) == score(hotline, document) == (2, ["12378"])
    across = Rule("across", {"c": Cue("果[^。]{0,3}香", 2)})
    document = sentences(normalize("苹果\n香蕉很好。"), title="")
    joined = Joined(document)
    assert joined.text == "苹果\n香蕉很好。" and [s.text for s in joined.candidates(regex("果[^。]{0,3}香"))] == ["苹果"]
    assert score(across, joined) == score(across, document) == (0, [])


def test_first_chars_are_those_every_match_starts_with() -> None:
    assert first_chars("苹果|香蕉") == {"苹", "香"}
    assert first_chars(r"(?<!\d)(?:12378|12321)") == {"1"}  # a look-behind consumes nothing
    assert first_chars("(?:你|您)?的家") == {"你", "您", "的"}  # an optional item lets the next start
    assert first_chars("[a-c]x") == {"a", "b", "c"}
    assert first_chars(r"每天\d+次|\d{1,2}点") == {"每", DIGIT}  # any digit: a narrow class
    for no_short_set in ("[^。]{0,3}香", "a*", r"\w+", r"\s次", "(?i)ab", "(?i:a)b", ".x", "[\u4e00-\u9fff]x"):
        assert first_chars(no_short_set) is None, no_short_set


def test_a_compiled_cue_finds_the_same_matches_behind_its_first_characters() -> None:
    pattern = r"(?<![不])(?:上门|到家)[^,。]{0,4}催收"
    assert regex(pattern).pattern.startswith("(?=[上到])")
    text = "他们不上门催收。昨天上门来催收,后来到家催收了。"
    assert [m.span() for m in regex(pattern).finditer(text)] == [m.span() for m in re.finditer(pattern, text)]
    calls = r"(?:每天|每日)[^,。]{0,4}\d+次|\d{1,2}:\d{2}"
    assert regex(calls).pattern.startswith(r"(?=[\d每])")
    text = "每天打了30次,晚上22:30还在打,凌晨٣:٤٥也打。"  # Arabic-Indic digits are digits to re too
    assert [m.span() for m in regex(calls).finditer(text)] == [m.span() for m in re.finditer(calls, text)]
