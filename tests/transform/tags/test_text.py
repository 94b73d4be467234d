"""The text the rules read: normalisation, sentences, their windows and kinds."""

from __future__ import annotations

import pytest

from cuishou.transform.tags.text import GAP, SENTENCE_KINDS, TITLE_FACTOR, is_heading, normalize, sentences


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("債務人報警後,撥打１１０", "债务人报警后,拨打110"),  # traditional and full-width
        ("侵害公民人身財產(chǎn)安全", "侵害公民人身财产安全"),  # pinyin residue after a character
        ("主要通过 、短信等方式", f"主要通过{GAP}、短信等方式"),  # a scrubbed word between marks
        ("收到 催收", f"收到{GAP}催收"),
        ("他的工作证**是多少", f"他的工作证{GAP}是多少"),
        ("更新时间:2024-01-05 09:30:00", "更新时间:2024-01-05 09:30:00"),  # spaces between digits stay
        ("editor 借呗逾期", "editor 借呗逾期"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_first_short_line_is_the_title_when_none_is_given() -> None:
    found = sentences("借呗逾期会上门吗\n借呗逾期以后,催收会先打电话。")
    assert (found[0].text, found[0].factor) == ("借呗逾期会上门吗", TITLE_FACTOR)
    assert [s.factor for s in found[1:]] == [1]
    assert sentences("借呗逾期以后,催收会先打电话,再发短信,最后才可能考虑上门,这个过程一般较长。")[0].factor == 1


def test_a_given_title_is_the_title() -> None:
    found = sentences("第一行很短\n正文。", title="借呗还款指南")
    assert [(s.text, s.factor) for s in found] == [("借呗还款指南", 2), ("第一行很短", 1), ("正文。", 1)]


def test_window_is_the_sentence_before_and_the_heading() -> None:
    text = "标题\n1.2 催收的常见方式\n短信催收\n第一句话。第二句话。\n另起一段。"
    found = {s.text: s for s in sentences(text)}
    assert "1.2 催收的常见方式" in found["短信催收"].window
    assert "第一句话。" in found["第二句话。"].window
    assert "第二句话。" not in found["另起一段。"].window  # no window across paragraphs


def test_a_sentence_ends_at_a_full_stop_not_at_a_semicolon() -> None:
    found = sentences("标题\n以下行为是不允许的:在晚上十点后上门;向无关人员透露欠款。后面一句。")
    assert [s.text for s in found[1:]] == ["以下行为是不允许的:在晚上十点后上门;向无关人员透露欠款。", "后面一句。"]


def test_repeated_sentence_is_kept_once() -> None:
    assert [s.text for s in sentences("标题\n可以协商。\n可以协商。")] == ["标题", "可以协商。"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("更新时间:2024-01-05 09:30:00 • 作者:小李 •阅读 120", "meta"),
        ("editor 花呗逾期 2024-02-03 08:15:00", "meta"),
        ("本文仅供参考,不构成任何法律建议。", "disclaimer"),
        ("未经本网授权不得转载,违者本网将追究法律责任。", "disclaimer"),
        ("例如某人信用卡逾期被起诉。", "example"),
        ("案例一:某市民收到威胁短信。", "example"),
    ],
)
def test_sentence_kinds(line: str, kind: str) -> None:
    (found,) = sentences(normalize(line), title="")
    assert kind in found.kinds
    assert set(SENTENCE_KINDS) >= found.kinds


def test_a_long_sentence_with_a_date_is_no_byline() -> None:
    long = "中国人民银行发布于2021年的规定说,征信机构应当依法采集个人信息,并且逾期记录自不良行为终止之日起保存五年,到期以后自动删除。"
    assert "meta" not in sentences(long, title="")[0].kinds


@pytest.mark.parametrize(
    ("line", "heading"),
    [("三、遇到信用卡上门催收怎么办?", True), ("1. 保持冷静,熟悉催收员身份", True),
     ("这是一句话。", False), ("很长" * 20, False), ("列举如下,", False)],
)
def test_is_heading(line: str, heading: bool) -> None:
    assert is_heading(line) is heading
