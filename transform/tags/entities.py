"""Entity taggers: lenders named, statutes cited, overdue durations. No scoring: one mention is enough.

All three read the same folded text as the facets (NFKC + OpenCC ``t2s``), so traditional pages give
simplified names.

* ``lenders``: lenders/products named in the text *beyond* the five product labels (微粒贷, 借呗,
  花呗, 信用卡, 网贷 stay in ``products``). ``LENDER_ALIASES`` maps a canonical name to an alias
  regex (京东白条 <- 京东白条/京东打白条, 度小满 <- 度小满/有钱花, 360借条 <- 360借条/360借款/奇富借条,
  招商银行 <- 招商银行/招行 ...). Bank names are issuers/lenders; 人民银行 (a regulator), a bare
  白条/金条 (打白条 = an IOU) and ambiguous short forms (工行 in 加工行业) are not aliases.
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
"""

from __future__ import annotations

import re

from cuishou.transform.tags.rules import regex

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
# one alternation of many names: behind its first characters (``rules.regex``), re skips the
# positions where none can start instead of trying every name there
_ANY_LENDER = regex("|".join(f"(?:{alias})" for alias in LENDER_ALIASES.values()))


def lenders(text: str) -> dict[str, list[str]]:
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
_CITATION = regex(  # behind its first characters, as _ANY_LENDER
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


def legal_refs(text: str) -> dict[str, list[str]]:
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


def overdue_days(sentences: list[str]) -> list[int]:
    """Days of every overdue duration stated in the sentences, sorted unique."""
    days: set[int] = set()
    for sentence in sentences:
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
