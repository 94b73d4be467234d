"""Tag a document with the products, collection channels and advice topics its text supports.

A tag is meant to say what a page is *about*, so one passing mention (a product in an unrelated
list, "短信确认" in a negotiation how-to) must not assign it. The rules are plain data, one table
per facet (``PRODUCT_RULES``, ``CHANNEL_RULES``, ``TOPIC_RULES``); tune them there, not in code.

How a rule scores a document
----------------------------
The text is NFKC-normalised (full-width ``１１０``/``，`` become ASCII) and converted to simplified
Chinese with OpenCC ``t2s``, so traditional pages get the same (simplified) labels. It is split into
sentences at ``。!?`` and line breaks; the title, when given, is one more sentence.

* ``cues``: regex -> weight. Every match of every cue adds its weight; cues may overlap, so a
  specific phrase can add to its general word (``网贷逾期`` = ``网贷`` 1 + "product as the overdue
  debt" 1). Weight 2 marks a cue that alone shows the subject (``报警``, ``投诉``, ``打…电话``).
* Matches in the title count ``TITLE_FACTOR`` times: the headline states what the page is about.
* ``context`` (optional): a match only counts when its sentence also matches this regex, e.g.
  不得/违规 only speak of 催收合规 in a sentence about collection (催收/上门/欠款 ...).
* ``negative`` (optional): look-alike phrases with another meaning (送货上门, 分期购买手机); a cue
  match that overlaps one of them does not count.
* The label is assigned when the score reaches ``min_score`` (default 2), i.e. a weight-1 cue
  must be repeated, appear in the title, or come with a more specific cue.

``Tags.evidence`` maps ``"facet:label"`` to the distinct cue texts that matched, so every tag can
be audited. In the tables, ``clause(n)`` is a gap of at most n characters inside one clause.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import opencc

TITLE_FACTOR = 2
_SENTENCE_END = re.compile(r"[。!?\n]+")


def clause(max_chars: int) -> str:
    """Regex gap of up to ``max_chars`` characters that does not cross a clause boundary."""
    return rf"[^,;:]{{0,{max_chars}}}"


@dataclass(frozen=True)
class Rule:
    """How one label is recognised: weighted cue regexes, optional context and negatives."""

    label: str
    cues: Mapping[str, int]
    min_score: int = 2
    context: str | None = None
    negative: str | None = None


@dataclass(frozen=True)
class Tags:
    """The labels a document supports, each with the cues that made it."""

    products: list[str]
    channels: list[str]
    topics: list[str]
    evidence: dict[str, list[str]]


_DEBT = "逾期|欠款|欠债|催收|催款|还不上"


def _product(names: str) -> dict[str, int]:
    """A product is named (1), and named as the overdue debt itself, e.g. 网贷平台逾期 (+1)."""
    return {names: 1, rf"(?:{names}){clause(4)}(?:{_DEBT})": 1}


PRODUCT_RULES: tuple[Rule, ...] = (
    Rule("微粒贷", _product("微粒贷|微众")),
    Rule("借呗", _product("借呗")),
    Rule("花呗", _product("花呗")),
    Rule("信用卡", _product("信用卡|银行卡账单|持卡人|发卡银行|发卡行")),
    Rule("网贷", _product("网贷|网络贷款|网络借贷|小贷|小额贷款公司")),
)

CHANNEL_RULES: tuple[Rule, ...] = (
    Rule(
        "上门",
        {
            "上门": 1,
            "上门(?:催收|催款|催债|人员|走访|核实|拜访|调查)|(?:催收|催款|催债)(?:人员|员)?上门|"
            "外访|登门|走访|家访|[到来](?:你)?家里": 2,
        },
        negative="送货上门|上门服务|上门取件|上门维修|上门安装",
    ),
    Rule(
        "电话",
        {
            "电话|致电|通话|热线": 1,
            rf"(?:打|接到|接听|接通){clause(10)}电话|来电|"
            r"电话(?:催收|骚扰|轰炸|录音)|催收电话|通话录音|打到(?:单位|公司|家里)": 2,
        },
    ),
    Rule(
        "短信",
        {
            "短信|短讯|简讯": 1,
            rf"短信{clause(6)}(?:提醒|通知|催|轰炸|骚扰|威胁)|(?:催收|威胁|恐吓|骚扰|催款)短信|"
            rf"收到{clause(6)}短信|发短信|(?:短信|信息)轰炸": 2,
        },
    ),
)

_COLLECTION = "催收|外访|上门|走访|登门|催款|催债|索债|讨债|收债|债务|欠款"

TOPIC_RULES: tuple[Rule, ...] = (
    Rule(
        "法律权益",
        {
            "法律法规|法律|法规|民法典|治安管理处罚法|刑法": 1,
            "(?:相关|有关)规定|的规定|依法|(?:合法|消费者)权益|权益保护": 1,
            "权利|有权|人格权|隐私权|名誉权|知情权|侵权": 1,
            "法院|传票|律师|立案|刑事|民事": 1,
        },
    ),
    Rule(
        "协商还款",
        {"协商|商量还款|个性化分期|分期|停息挂账|停息|减免|延期|展期|还款(?:方案|计划|安排)": 1},
        negative="(?:消费|手机|免息|零首付|0首付)分期|分期(?:购|买|付款|手机|免息|零首付|0首付)",
    ),
    Rule(
        "投诉举报",
        {
            "投诉|举报|12378": 2,
            "银保监|金融监管|监管部门|消费者权益保护|反映": 1,
        },
    ),
    Rule(
        "征信影响",
        {
            "征信": 1,
            "(?:征信|信用)(?:报告|记录|系统|评分|分(?!期))|不良记录|逾期记录|上报|报送": 1,
        },
    ),
    Rule(
        "催收合规",
        {"合规|违规|越界|不得|禁止|不允许|违法|非法|侵犯|侵权": 1},
        context=_COLLECTION,
    ),
    Rule(
        "核实身份",
        {
            rf"核实{clause(8)}(?:身份|真假|真伪|是否|真实|来人|对方)": 2,
            "身份|工作证|证件|授权|委托书|冒充|假冒|真假|真伪|执业资格": 1,
        },
    ),
    Rule(
        "保留证据",
        {"录音|录像|截图|证据|保存|留存|公证|取证|通话记录": 1},
    ),
    Rule(
        "报警",
        {"报警": 2, r"(?<!\d)110(?!\d)|公安|警方|派出所": 1},
    ),
)

FACETS: dict[str, tuple[Rule, ...]] = {
    "products": PRODUCT_RULES,
    "channels": CHANNEL_RULES,
    "topics": TOPIC_RULES,
}


@cache
def _t2s() -> opencc.OpenCC:
    """The traditional->simplified converter, built once: loading its dictionaries is not free."""
    return opencc.OpenCC("t2s")


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Patterns stay readable strings in the tables; each is compiled once, on first use."""
    return re.compile(pattern)


def _normalise(text: str) -> str:
    """Fold full-width forms and traditional script so one simplified pattern fits all pages."""
    return _t2s().convert(unicodedata.normalize("NFKC", text))


def _sentences(text: str, title: str | None) -> list[tuple[str, int]]:
    """(sentence, factor) pairs: the title counts ``TITLE_FACTOR`` times, each body sentence once.

    A sentence repeated verbatim (outline before the body, an article printed twice) is kept once:
    repetition by the page template is not extra support.
    """
    factors = {_normalise(title): TITLE_FACTOR} if title else {}
    for sentence in _SENTENCE_END.split(_normalise(text)):
        if sentence.strip():
            factors.setdefault(sentence.strip(), 1)
    return list(factors.items())


def _matches(rule: Rule, sentence: str) -> Iterable[tuple[str, int]]:
    """(cue text, weight) for every cue match in ``sentence`` that the rule lets count."""
    if rule.context and not _regex(rule.context).search(sentence):
        return
    blocked = [m.span() for m in _regex(rule.negative).finditer(sentence)] if rule.negative else []
    for pattern, weight in rule.cues.items():
        for match in _regex(pattern).finditer(sentence):
            if not any(match.start() < end and start < match.end() for start, end in blocked):
                yield match.group(), weight


def _score(rule: Rule, sentences: list[tuple[str, int]]) -> tuple[int, list[str]]:
    """Total weight of the rule's cue matches, and the distinct cue texts in reading order."""
    score, cues = 0, {}
    for sentence, factor in sentences:
        for cue, weight in _matches(rule, sentence):
            score += weight * factor
            cues[cue] = None
    return score, list(cues)


def _assigned(rules: tuple[Rule, ...], sentences: list[tuple[str, int]]) -> dict[str, list[str]]:
    """label -> matched cues, for every rule whose score reaches its ``min_score``."""
    assigned = {}
    for rule in rules:
        score, cues = _score(rule, sentences)
        if score >= rule.min_score:
            assigned[rule.label] = cues
    return assigned


def tag_document(text: str, title: str | None = None) -> Tags:
    """Labels per facet that the text and title support, with the cues behind each."""
    sentences = _sentences(text, title)
    assigned = {facet: _assigned(rules, sentences) for facet, rules in FACETS.items()}
    return Tags(
        products=sorted(assigned["products"]),
        channels=sorted(assigned["channels"]),
        topics=sorted(assigned["topics"]),
        evidence={
            f"{facet}:{label}": cues for facet, labels in assigned.items() for label, cues in labels.items()
        },
    )
