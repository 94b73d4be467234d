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

Entity taggers (no scoring: one mention anywhere, title included, is enough)
----------------------------------------------------------------------------
All four read the same NFKC + ``t2s`` text, so traditional pages give simplified names.

* ``lenders``: lenders/products named in the text *beyond* the five product labels (微粒贷, 借呗,
  花呗, 信用卡, 网贷 stay in ``products``). ``LENDER_ALIASES`` maps a canonical name to an alias
  regex (京东白条 <- 京东白条/京东打白条, 度小满 <- 度小满/有钱花, 360借条 <- 360借条/360借款/奇富借条,
  招商银行 <- 招商银行/招行 ...). Bank names are issuers/lenders; 人民银行 (a regulator), a bare
  白条/金条 (打白条 = an IOU) and ambiguous short forms (工行 in 加工行业) are not aliases.
  Output: sorted unique canonical names; ``evidence["lenders:<name>"]`` lists the alias texts.
* ``legal_refs``: statutes and regulations cited. ``LAW_ALIASES`` maps a canonical short name
  to an alias regex; the prefix 中华人民共和国 (or its scrubbed remnant 人民, as in 《人民合同法》)
  is ignored because the alias matches inside the longer name; 劳动合同法 and 合同法律 are not
  合同法. Articles right after the name (``《民法典》第六百七十五条``, ``民法典第675条、第676条``)
  become ``"民法典 第675条"`` (Chinese numerals -> Arabic, ``之一`` kept: ``"刑法 第293条之一"``);
  款/项 are dropped. A law cited with an article is not listed bare as well; a bare name is
  listed as ``"民法典"``. Named crimes map to their article (``CRIME_ARTICLES``: 催收非法债务罪 ->
  ``"刑法 第293条之一"``). An article with no law name before it (``根据第675条``) is ignored.
* ``overdue_days``: overdue durations in days, sorted unique. A duration counts only when it
  follows an overdue trigger (逾期, 晚还, 晚了, 迟还, 拖欠, 延期/延迟还款, and 超过/超出 when the
  sentence speaks of 逾期/还款/欠款/宽限/征信/催收) with at most a few filler words between
  (了, 已经, 超过, 将近, 时间, 天数, 还款 ...): no punctuation, no other number, no ordinal 第 (逾期
  第二天 is a point in time, 逾期后的第一个月 too). Units: 天/日 = 1, 周/星期/礼拜 = 7, 个月 = 30
  (月 needs 个: 逾期至3月 is a calendar month), 年 = 365; 半 = half a unit (半年 = 180, 一年半 =
  545); 多/以上/左右/将近 keep the stated bound (一年多 = 365, 90天以上 = 90). A range gives both
  bounds (一两天 -> 1, 2; 3到5天 -> 3, 5). Any other duration (分期12个月, 保存30天) is ignored.
* ``home_visit_claims``: what a page claims about home visits (上门催收), one label per kind of
  claim, from ``HOME_VISIT_RULES``: ``threat`` (a visit is announced or threatened: 上门通知, 将派
  专员前往户籍地走访, 说要来家里), ``legal_limits`` (what a visit may not do: 不得夜间/暴力/向无关
  人员透露), ``verify_identity`` (check the visitor: 工作证, 授权文件, 核实来人身份),
  ``rare_in_practice`` (真正上门的比例不高, 多数以电话沟通为主), ``call_police`` (报警/110 when
  someone is at the door). These are ``Rule`` s scored like the facets (``min_score`` 2, title
  counts twice), but every rule needs a visit word in the sentence (``_VISIT``; 送货上门 and
  other service visits are not visit words), or for ``call_police`` an on-site situation (堵门,
  不离开, 推搡). Evidence goes to ``evidence["home_visit_claims:<label>"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from extract.script import fold

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
    lenders: list[str] = field(default_factory=list)
    legal_refs: list[str] = field(default_factory=list)
    overdue_days: list[int] = field(default_factory=list)
    home_visit_claims: list[str] = field(default_factory=list)


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


# ---------------------------------------------------------------------------------------------
# Lenders: canonical name -> alias regex (matched anywhere in title + text, once is enough).
# ---------------------------------------------------------------------------------------------

LENDER_ALIASES: dict[str, str] = {
    "网商贷": "网商贷|网商银行",
    "京东白条": "京东白条|京东打白条",
    "京东金条": "京东金条",
    "美团月付": "美团月付",
    "美团借钱": "美团借钱|美团生活费",
    "分期乐": "分期乐",
    "360借条": "360借条|360借款|奇富借条",
    "招联金融": "招联金融|招联消费金融|招联好期贷|招联消金",
    "度小满": "度小满|有钱花",
    "安逸花": "安逸花",
    "任性付": "任性付",
    "拍拍贷": "拍拍贷",
    "平安普惠": "平安普惠",
    "捷信": "捷信",
    "省呗": "省呗",
    "玖富": "玖富",
    "宜人贷": "宜人贷",
    "你我贷": "你我贷",
    "小赢卡贷": "小赢卡贷",
    "中邮消费金融": "中邮消费金融|中邮消金",
    "马上消费金融": "马上消费金融|马上消金",
    "抖音放心借": "放心借",
    "携程拿去花": "拿去花",
    "还呗": "还呗",
    "洋钱罐": "洋钱罐",
    # Banks (as card issuers and lenders). 中国银行 is not 中国银行业协会 / 中国银行保险监督管理委员会.
    "招商银行": "招商银行|招行",
    "建设银行": "建设银行",
    "工商银行": "工商银行",
    "农业银行": "农业银行",
    "中国银行": "中国银行(?!业|保险)",
    "交通银行": "交通银行",
    "邮储银行": "邮储银行|邮政储蓄银行",
    "浦发银行": "浦发银行|浦东发展银行",
    "中信银行": "中信银行",
    "光大银行": "光大银行",
    "民生银行": "民生银行",
    "兴业银行": "兴业银行",
    "广发银行": "广发银行",
    "平安银行": "平安银行",
    "华夏银行": "华夏银行",
}

_LENDER_PATTERNS = {name: re.compile(alias) for name, alias in LENDER_ALIASES.items()}
_ANY_LENDER = re.compile("|".join(f"(?:{alias})" for alias in LENDER_ALIASES.values()))


def _lenders(text: str) -> dict[str, list[str]]:
    """Canonical lender name -> distinct alias texts, for every lender the text names."""
    found: dict[str, dict[str, None]] = {}
    for match in _ANY_LENDER.finditer(text):
        alias = match.group()
        name = next(name for name, pattern in _LENDER_PATTERNS.items() if pattern.fullmatch(alias))
        found.setdefault(name, {})[alias] = None
    return {name: list(aliases) for name, aliases in found.items()}


# ---------------------------------------------------------------------------------------------
# Legal references: canonical short name -> alias regex; articles right after the name.
# ---------------------------------------------------------------------------------------------

LAW_ALIASES: dict[str, str] = {
    "民法典": "民法典",
    "合同法": "(?<!劳动)合同法(?!律)",
    "刑法": "刑法(?!律)",
    "治安管理处罚法": "治安管理处罚法",
    "个人信息保护法": "个人信息保护法|个保法",
    "消费者权益保护法": "消费者权益保护法|消保法",
    "民事诉讼法": "民事诉讼法",
    "商业银行信用卡业务监督管理办法": "(?:商业银行)?信用卡业务监督管理办法",
    "互联网金融逾期债务催收自律公约": "(?:互联网金融逾期债务)?催收自律公约",
    "征信业管理条例": "征信业?管理条例",
    "民间借贷司法解释": "最高人民法院关于审理民间借贷案件适用法律若干问题的规定|"
    "民间借贷(?:案件)?的?司法解释|民间借贷规定",
}

CRIME_ARTICLES: dict[str, str] = {
    "催收非法债务罪": "刑法 第293条之一",
    "寻衅滋事罪": "刑法 第293条",
    "非法拘禁罪": "刑法 第238条",
    "侵犯公民个人信息罪": "刑法 第253条之一",
}

_NUMERAL = r"[\d零〇一二两三四五六七八九十百千]+"
_ARTICLE = rf"第({_NUMERAL})条(?:之({_NUMERAL}))?(?:第{_NUMERAL}[款项])*"
_ARTICLE_RE = re.compile(_ARTICLE)
_LAW_PATTERNS = {name: re.compile(alias) for name, alias in LAW_ALIASES.items()}
_CITATION = re.compile(
    "(?P<law>" + "|".join(f"(?:{alias})" for alias in LAW_ALIASES.values()) + ")"
    rf"(?:》?的?\s*(?P<articles>{_ARTICLE}(?:\s*[、和及与或至]\s*{_ARTICLE})*))?"
    "|(?P<crime>" + "|".join(CRIME_ARTICLES) + ")"
)

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(numeral: str) -> int:
    """``"六百七十五"`` -> 675, ``"一千零六十四"`` -> 1064, ``"十五"`` -> 15, ``"675"`` -> 675."""
    if numeral.isdigit():
        return int(numeral)
    total, digit = 0, None
    for char in numeral:
        if char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            digit = _DIGITS[char]
    return total + (digit or 0)


def _legal_refs(text: str) -> dict[str, list[str]]:
    """Normalised reference -> the cited texts, e.g. ``"民法典 第675条"`` <- ``民法典》第六百七十五条``."""
    found: dict[str, dict[str, None]] = {}
    for match in _CITATION.finditer(text):
        if match["crime"]:
            found.setdefault(CRIME_ARTICLES[match["crime"]], {})[match.group()] = None
            continue
        law = next(name for name, pattern in _LAW_PATTERNS.items() if pattern.fullmatch(match["law"]))
        refs = [
            f"{law} 第{chinese_number(art[1])}条" + (f"之{art[2]}" if art[2] else "")
            for art in _ARTICLE_RE.finditer(match["articles"] or "")
        ]
        for ref in refs or [law]:
            found.setdefault(ref, {})[match.group()] = None
    cited = {ref.split(" ")[0] for ref in found if " " in ref}
    return {ref: list(texts) for ref, texts in found.items() if ref not in cited}


# ---------------------------------------------------------------------------------------------
# Overdue durations in days.
# ---------------------------------------------------------------------------------------------

_OVERDUE_TRIGGER = "逾期|晚还|晚了|迟还|拖欠|(?:延期|延迟)还款|(?P<over>超过|超出)"
_OVERDUE_FILLER = (
    "了|已经|已|还款|未还|没还|时间|天数|期限|超过|超出|达到|长达|满|将近|接近|快|近|约|大约|不到|不超过|未满"
    "|有|在|就|才|都|刚|的"
)
_DURATION = re.compile(
    rf"(?:{_OVERDUE_TRIGGER})(?:{_OVERDUE_FILLER}){{0,3}}"
    rf"(?P<a>\d+|[一二两三四五六七八九十百]+|半)(?:\s*[-~到至]\s*(?P<b>\d+|[一二两三四五六七八九十百]+))?"
    r"(?:(?P<unit>天|日|周|星期|礼拜|年)|个(?P<more>多)?(?P<month>月|星期|礼拜)|(?P<half_month>个半月))"
    r"(?P<half>半)?"
)
_OVERDUE_CONTEXT = re.compile("逾期|还款|欠款|拖欠|宽限|征信|催收")
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30, "年": 365}
_HALF_DAYS = {"天": 0, "日": 0, "周": 3, "星期": 3, "礼拜": 3, "月": 15, "年": 180}


def _numbers(numeral: str) -> list[int]:
    """One number, or both bounds of a run of two digit words (一两 -> 1, 2; 三五 -> 3, 5)."""
    if len(numeral) == 2 and all(char in _DIGITS for char in numeral):
        return [_DIGITS[numeral[0]], _DIGITS[numeral[1]]]
    return [chinese_number(numeral)]


def _overdue_days(sentences: list[tuple[str, int]]) -> list[int]:
    """Days of every overdue duration stated in the sentences, sorted unique."""
    days: set[int] = set()
    for sentence, _ in sentences:
        for match in _DURATION.finditer(sentence):
            if match["over"] and not _OVERDUE_CONTEXT.search(sentence):
                continue
            name = match["unit"] or match["month"] or "月"
            unit = _UNIT_DAYS[name]
            half = _HALF_DAYS[name] if (match["half"] or match["half_month"]) else 0
            if match["a"] == "半":
                values = [_HALF_DAYS[name]]
            else:
                values = [value * unit for value in _numbers(match["a"])]
            if match["b"]:
                values.append(chinese_number(match["b"]) * unit)
            days.update(value + half for value in values)
    return sorted(days)


# ---------------------------------------------------------------------------------------------
# Claims about home visits: scored rules, like the facets.
# ---------------------------------------------------------------------------------------------

_VISIT = "(?<!送货)上门(?!服务|取件|维修|安装)|外访|走访|家访|登门|到访|来家里|到家里|户籍地|老家"
_ON_SITE = f"{_VISIT}|来人|家门|堵门|不离开|不走|闯入|推搡|到场|门口"

HOME_VISIT_RULES: tuple[Rule, ...] = (
    Rule(
        "threat",
        {
            rf"(?:{_VISIT})(?:的)?(?:通知|函)|(?:将|即将|近期|马上|今天|明天|说要|声称|扬言|威胁|要求)"
            rf"{clause(10)}(?:{_VISIT})|上门抓人": 2,
            "派(?:专员|专人|人员|工作人员)": 1,
        },
        context=_VISIT,
    ),
    Rule(
        "legal_limits",
        {
            "不得|禁止|不允许|不可以|严禁|违规|违法|越界": 1,
            "夜间|晚上[^,;:]{0,3}点|暴力|强行进入|无关人员|透露|合理的?时间|行业规范": 1,
        },
        context=_VISIT,
    ),
    Rule(
        "verify_identity",
        {
            rf"核实{clause(8)}(?:身份|来人|真假|真伪)|工作证|授权(?:书|文件|委托)|委托书|身份证明": 2,
            "冒充|假冒|出示|证件": 1,
        },
        context=f"{_VISIT}|来人|外访人员",
    ),
    Rule(
        "rare_in_practice",
        {
            rf"真正(?:上门|走访){clause(6)}(?:不高|很低|较低|很少|不多|极少|不大|较小)|"
            rf"很少(?:真正|真的)?(?:上门|走访)|(?:多数|大部分|通常){clause(10)}以{clause(6)}为主|"
            rf"(?:上门|走访){clause(6)}(?:概率|可能性|几率){clause(4)}(?:不大|很小|较小|很低|较低|不高)": 2,
        },
        context=_VISIT,
    ),
    Rule(
        "call_police",
        {r"报警|(?<!\d)110(?!\d)": 2, "公安|派出所|警方": 1},
        context=_ON_SITE,
    ),
)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Patterns stay readable strings in the tables; each is compiled once, on first use."""
    return re.compile(pattern)


def _sentences(text: str, title: str | None) -> list[tuple[str, int]]:
    """(sentence, factor) pairs: the title counts ``TITLE_FACTOR`` times, each body sentence once.

    Both arguments are already normalised. A sentence repeated verbatim (outline before the body,
    an article printed twice) is kept once: repetition by the page template is not extra support.
    """
    factors = {title: TITLE_FACTOR} if title else {}
    for sentence in _SENTENCE_END.split(text):
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
    text, title = fold(text), (fold(title) if title else None)
    sentences = _sentences(text, title)
    assigned = {facet: _assigned(rules, sentences) for facet, rules in FACETS.items()}
    whole = f"{title}\n{text}" if title else text
    lenders = _lenders(whole)
    legal = _legal_refs(whole)
    visits = _assigned(HOME_VISIT_RULES, sentences)
    evidence = {f"{facet}:{label}": cues for facet, labels in assigned.items() for label, cues in labels.items()}
    evidence |= {f"lenders:{name}": aliases for name, aliases in lenders.items()}
    evidence |= {f"legal_refs:{ref}": cited for ref, cited in legal.items()}
    evidence |= {f"home_visit_claims:{label}": cues for label, cues in visits.items()}
    return Tags(
        products=sorted(assigned["products"]),
        channels=sorted(assigned["channels"]),
        topics=sorted(assigned["topics"]),
        evidence=evidence,
        lenders=sorted(lenders),
        legal_refs=sorted(legal),
        overdue_days=_overdue_days(sentences),
        home_visit_claims=sorted(visits),
    )
