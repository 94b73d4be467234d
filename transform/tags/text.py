"""The text the tag rules read: folded, split into sentences, each with the passage around it.

Normalisation (``normalize``)
    NFKC and OpenCC ``t2s`` (``extract.script.fold``): full-width ``１１０``/``，`` become ASCII and
    traditional pages get the simplified cues. Pinyin residue that some converters leave after a
    character (``財產(chǎn)``) is dropped. A scrubbed gap, i.e. white space between two Chinese
    characters or punctuation marks (``通过 、短信``) or a run of ``**`` (``工作证**``), becomes
    ``GAP``: a deleted word is no evidence, and no cue may be read across the place it was.

Sentences (``sentences``)
    A line is a paragraph; a paragraph is split at ``。!?`` (not at ``;``: the items of a list
    introduced by ``以下行为是不允许的:`` stay in the sentence that says so). A short line with no
    full stop is a heading. Each sentence carries:

    * ``factor``: ``TITLE_FACTOR`` for the title, 1 otherwise. When no title is given, a first line
      that looks like a heading is the title (the pages and excerpts of this genre open with it).
    * ``window``: the sentence, the sentence before it in its paragraph and the last heading
      before its line. A rule's context is looked up there: a list item takes its subject from its
      heading ("1.2 催收的常见方式" over "短信催收"), a pronoun from the sentence before.
    * ``kinds``: what the sentence is, from ``SENTENCE_KINDS``: ``meta`` (byline, date, view count),
      ``disclaimer`` (免责/仅供参考/版权), ``example`` (例如/比如/案例一: ...). Rules skip the kinds
      that cannot support them.

A sentence repeated verbatim (an outline before the body, an article printed twice) is kept once:
repetition by the page template is not extra support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cuishou.extract.script import fold

TITLE_FACTOR = 2
GAP = "□"
HEADING_MAX_CHARS = 32

_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\s?){1,3}\)")
_CJK_OR_MARK = r"[\u4e00-\u9fff、,。:;!?()]"
_GAPS = re.compile(rf"(?<={_CJK_OR_MARK})[ \t\u3000\xa0]+(?={_CJK_OR_MARK})|\*{{2,}}")
_SENTENCE_END = re.compile(r"(?<=[。!?])")

SENTENCE_KINDS: dict[str, str] = {
    "meta": r"^(?=.{0,60}$).*(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}:\d{2}|(?:更新|发布|发表)(?:时间|日期|于)"
    r"|作者[::]|来源[::]|(?:浏览|阅读|点击)(?:量|次数)?[::]?\s*\d)",
    "disclaimer": r"免责|仅供参考|不构成[^。]{0,8}建议|版权(?:归|所有|声明)|如有侵权|侵删|转载"
    r"|(?:本网|本站)[^。]{0,20}(?:追究|保留|所有|授权)",
    "example": r"^[\s\d.、()\-]*(?:例如|比如|譬如|举例|举个例子|案例[一二三四五六七八九十\d①-⑩]*[::])",
}
_KINDS = {kind: re.compile(pattern) for kind, pattern in SENTENCE_KINDS.items()}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the document and what a rule needs to judge it."""

    text: str
    factor: int = 1
    window: str = ""
    kinds: frozenset[str] = frozenset()


def normalize(text: str) -> str:
    """Folded text with pinyin residue dropped and scrubbed gaps marked as ``GAP``."""
    return _GAPS.sub(GAP, _PINYIN.sub("", fold(text)))


def is_heading(line: str) -> bool:
    """A short line with no full stop: a title, section heading or list label."""
    return 0 < len(line) <= HEADING_MAX_CHARS and "。" not in line and not line.endswith((",", "、"))


def _kinds(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _KINDS.items() if pattern.search(text))


def sentences(text: str, title: str | None = None) -> list[Sentence]:
    """The sentences of the normalised ``text`` (title first), each with its window and kinds."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if title is None and lines and is_heading(lines[0]):
        title, lines = lines[0], lines[1:]
    found: dict[str, Sentence] = {}
    if title:
        found[title] = Sentence(title, TITLE_FACTOR, title, _kinds(title))
    heading = title or ""
    for line in lines:
        previous = ""
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            if part and part not in found:
                found[part] = Sentence(part, 1, f"{heading}\n{previous}\n{part}", _kinds(part))
            previous = part
        if is_heading(line):
            heading = line
    return list(found.values())
