"""Labelled generator of debt-collection advice articles and their spun copies, for dedup tests.

Every *base* is a different 1-2k character article assembled from sentence parts of this genre
(openers x subjects x predicates x tails, with numbers and product names in the slots), so two
bases of one ``topic_group`` (product + theme, e.g. ``花呗-上门催收``) share topic vocabulary and
headings but are different articles: the hard negatives. About 6 % of bases get 1-3 copies, so
~15 % of documents are in clusters; copies are made the way content farms make them:

* ``exact`` (punctuation/layout only), ``spun-5/10/15`` (share of *words* swapped through a
  伪原创 synonym table: 问题→疑问, 了解→熟悉, 采取→采纳, 需要→须要, 第一步→之一步 ...; real spun
  pages such as tests/fixtures/seeds/ swap roughly 5-15 % of words), ``reordered`` (paragraphs
  shuffled), ``truncated`` (first 60 %), ``extended`` (one to three paragraphs of another article
  added), ``zh-hant`` (OpenCC s2t), ``retitled`` (new headline, opening sentence rewritten to it);
* combinations: ``spun-10+reordered``, ``spun-10+truncated``, ``zh-hant+spun-5``,
  ``retitled+extended``, ``spun-10+reordered+retitled``.

Calibration against real pages: spin rates follow tests/fixtures/seeds/ (5-15 % of words); the
generated background is a little *more* similar than real text (3-char shingle Jaccard of two
random bases 0.037, of two same-topic bases 0.048, p99.9 0.09; the real same-topic seed pages:
0.02-0.044, dev-site hard negatives <= 0.031), so LSH cost and precision are measured on the
harsh side. Copies keep Jaccard 0.43-1.0 to their base (spun-15: ~0.6; spun-10 + truncated: ~0.45).

Output is deterministic by seed (each base has its own RNG; chunks are shuffled by their own RNG)
and streamed to zstd Parquet in chunks: columns doc_id, text, url, published, cluster (the base's
doc_id; equal for a base and its copies), variant_kind, topic_group. ~2k docs/s per core.

    uv run python benchmarks/dedup_generate.py --docs 100000 --seed 1 --out /tmp/gen-100k.parquet
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, partial
from pathlib import Path

import opencc
import pyarrow as pa
import pyarrow.parquet as pq

CLUSTER_SHARE = 0.06  # share of bases that get copies
CHUNK_BASES = 4000
VARIANT_KINDS = (
    "exact", "spun-5", "spun-10", "spun-15", "reordered", "truncated", "extended", "zh-hant", "retitled",
    "spun-10+reordered", "spun-10+truncated", "zh-hant+spun-5", "retitled+extended", "spun-10+reordered+retitled",
)  # fmt: skip
SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("text", pa.string()),
        ("url", pa.string()),
        ("published", pa.date32()),
        ("cluster", pa.string()),
        ("variant_kind", pa.string()),
        ("topic_group", pa.string()),
    ]
)

PRODUCTS = {
    "微粒贷": ["微粒贷", "微信微粒贷", "腾讯微粒贷"],
    "借呗": ["借呗", "支付宝借呗", "蚂蚁借呗"],
    "花呗": ["花呗", "蚂蚁花呗", "支付宝花呗"],
    "信用卡": ["信用卡", "银行信用卡", "招行信用卡", "建行信用卡"],
    "网贷": ["网贷", "网络贷款", "网贷平台", "小额网贷"],
}
THEMES = {
    "上门催收": ["上门催收", "外访", "登门催收", "上门核实"],
    "电话催收": ["电话催收", "催收电话", "爆通讯录", "频繁来电"],
    "短信催收": ["短信催收", "催收短信", "威胁短信", "律师函短信"],
    "协商还款": ["协商还款", "个性化分期", "停息挂账", "延期还款"],
    "征信影响": ["征信记录", "信用报告", "征信上报", "不良记录"],
    "投诉举报": ["投诉", "举报", "12378热线", "金融监管部门"],
    "报警": ["报警", "拨打110", "派出所", "公安机关"],
    "保留证据": ["保留证据", "通话录音", "聊天截图", "证据材料"],
    "法律权益": ["合法权益", "民法典", "起诉", "法律援助"],
    "核实身份": ["核实身份", "工作证件", "授权委托书", "催收机构资质"],
}
OPENERS = [
    "", "", "", "", "一般来说，", "实际上，", "需要注意的是，", "从实际情况来看，", "在很多情况下，", "值得一提的是，",
    "换句话说，", "另外，", "与此同时，", "总的来说，", "事实上，", "通常情况下，", "首先，", "其次，", "最后，",
    "很多网友反映，", "按照相关规定，", "从法律角度讲，", "根据我们了解的情况，", "如果遇到这种情况，", "在这个过程中，",
    "说到底，", "不少律师提醒，", "具体来说，", "在实际操作中，", "站在借款人的角度，", "坦白讲，", "举个例子，",
]  # fmt: skip
SUBJECTS = (
    "借款人 持卡人 用户 不少朋友 很多人 催收人员 平台 银行 第三方机构 贷款机构 客服 法院 监管部门 当事人 家人 我们 债务人 "
    "逾期用户 机构 工作人员 律师 年轻人 上班族 大学生 个体户 担保人 紧急联系人 亲友 同事 房东 老板 社区 居委会 网友 消费者"
).split()
ADVERBS = (
    "需要 可以 应当 必须 不要 最好 有权 不能 应该 务必 尽量 不得 及时 主动 反复 尽快 提前 暂时 逐步 慢慢 悄悄 直接 再次 经常 偶尔 一直 已经 马上 私下 公开 统一 分别 "
    "完全 基本 适当 坚决 明确 仔细 妥善 依法 如实 积极 按时 集中 单独 重新 长期 短期"
).split()
VERBS = (
    "了解 核对 整理 保存 说明 确认 提交 咨询 申请 协商 沟通 查询 记录 准备 反映 要求 拒绝 处理 计算 安排 调整 规划 "
    "评估 核实 比较 告知 提醒 解释 证明 补充 更新 关注 留意 打印 截图 上传 下载 签署 修改 撤回 承担 偿还 归还 缴纳 "
    "减免 分摊 冻结 解冻 延长 缩短 登记 备案 公示 转告 委托 授权 回复 联系 询问 查看 阅读 分析 判断 总结 统计 "
    "讨论 商量 约定 保管 出示 索要 退回 追讨 催告 起草 寄送 接收 拨打 挂断 录制"
    " 解决 改善 维护 保障 避免 减少 增加 控制 降低 提高 优化 完善 落实 执行 遵守 违反 侵犯 损害 影响 干扰 骚扰 威胁 恐吓 辱骂 曝光 泄露 传播 散布 编造 伪造 冒充 隐瞒 拖欠 垫付 借用 挪用 透支 套现 分期 续借 展期 结清 注销 开通 关闭 绑定 解绑 授权 认证 识别 检查 审核 批准 驳回 受理 调解 仲裁 判决 执行 查封 扣押 拍卖 赔偿 道歉 投诉 举报 报案 立案 取证 作证 旁听 上诉 撤诉 和解 让步 坚持 放弃 犹豫 担心 害怕 焦虑 后悔 庆幸 感谢 信任 怀疑 相信 忽视 重视 期待 面对 承受 克服 度过 熬过 挽回 弥补 修复 重建 恢复 维持 稳定 缓解 化解 打破 摆脱 陷入 卷入 牵连 连累 拖累"
).split()
MODIFIERS = (
    "每月 全部 部分 最新 原始 书面 电子 官方 正规 完整 详细 基本 必要 额外 重要 真实 有效 合法 违规 异常 逾期 "
    "个人 家庭 单位 手机 银行 网上 线下 纸质 历史 当月 年度 近期 长期 临时 固定 实际 预期 主要 相应 具体 常见 "
    "特殊 困难 紧急 正常 公开 内部 外部 共同 原有 剩余 累计 应还 已还 未还 最低 最高 合同 账户 信用 财务 收入 支出"
    " 每天 每周 每次 所有 任何 其他 各种 不同 相同 类似 一定 大量 少量 多次 几次 很多 不少 一点 一些 整个 全年 去年 今年 明年 上月 下月 本月 本人 对方 双方 三方 自家 老家 本地 外地 城里 乡下 线上 网上 私人 公司 企业 政府 社会 行业 市场 法律 司法 行政 刑事 民事 经济 精神 身体 心理 生活 工作 学习 家庭 婚姻 子女 父母 朋友 同学 邻居 员工 客户 新的 旧的 大额 小额 高额 低息 高息 免息 无息 短期 中期 远期 年化 日息 月息"
).split()
NOUNS = (
    "账单 流水 合同 协议 凭证 材料 证明 记录 截图 录音 短信 邮件 信函 通知 回执 发票 收据 工资条 病历 诊断书 "
    "身份证 工作证 授权书 营业执照 户口本 银行卡 存折 余额 利息 罚息 本金 违约金 手续费 服务费 滞纳金 额度 期限 "
    "计划 方案 流程 步骤 规定 条款 政策 标准 范围 依据 意见 建议 要求 申请 诉求 理由 原因 情况 结果 影响 风险 "
    "压力 困难 能力 意愿 态度 时间 地点 次数 金额 号码 地址 住址 单位 家人 朋友 邻居 同事 领导 客服 专员 窗口 热线 网点"
    " 工作 生活 孩子 父母 老人 配偶 房贷 车贷 医院 学费 房租 装修 生意 门店 工厂 工地 外卖 快递 网店 直播 项目 订单 货款 工资 奖金 提成 社保 公积金 医保 存款 理财 基金 股票 保险 彩礼 婚礼 手术 住院 药费 疫情 失业 裁员 降薪 倒闭 创业 投资 亏损 债务 欠条 借条 担保 抵押 房产 车辆 门面 设备 库存 应收款 口碑 名誉 隐私 通讯录 照片 视频 语音 微信 支付宝 短信箱 邮箱 地图 定位 门牌 楼道 小区 物业 保安 前台 人事 财务 法务 老乡 同学 亲戚 兄弟 姐妹 邻里 村委 街道 派出所 法院 律所 公证处 调解室 窗口 大厅 柜台 门口 楼下 办公室 宿舍 老家 县城 省会 外地 国外 早上 中午 晚上 深夜 凌晨 周末 节假日 月初 月底 年底 春节 国庆 开学 毕业 结婚 生日 体检 面试 出差 加班 兼职 副业 打工 种地 养殖 跑车 开店"
).split()
ACTIONS = [
    "了解{T}的具体流程", "采取合理的方式处理{T}的问题", "主动联系{P}的客服说明情况", "保留好与{P}沟通的记录",
    "确认逾期{N}天产生的罚息和违约金", "核对欠款{M}元的明细", "向{P}提出{T}的申请", "要求对方出示工作证件",
    "把每一次{T}的时间和内容记下来", "关注{P}发来的官方通知", "明确自己的还款能力", "制定切实可行的还款计划",
    "认真阅读借款合同中关于{T}的条款", "避免与对方发生正面冲突", "第一时间向家人说明情况", "通过正规渠道反映{T}的问题",
    "查询个人征信报告", "把{M}元的欠款分成{K}期偿还", "咨询专业律师关于{T}的意见", "留意{T}是否超出合理范围",
    "了解{P}在{T}方面的规定", "向{P}要求减免部分利息", "拒绝对方提出的不合理要求", "对{T}保持冷静和理性",
    "处理好{P}逾期带来的后续问题", "保存好{T}相关的短信和录音", "在{N}天内与{P}达成还款协议",
]  # fmt: skip
TAILS = [
    "。", "。", "。", "。", "，这一点非常重要。", "，以免造成更大的损失。", "，避免事态进一步扩大。", "，这样才能掌握主动。",
    "，才能更好地解决问题。", "，否则后果可能比较严重。", "，这也是很多人容易忽视的地方。", "，以便后续处理。",
    "，不要抱有侥幸心理。", "，这对后续协商很有帮助。", "，切勿拖延。",
]  # fmt: skip
FACTS = [
    "{P}逾期{N}天以后，{T}的频率通常会明显增加。", "目前{P}的逾期罚息一般按日计算，逾期{N}天大约会多出{X}元。",
    "据统计，超过{PCT}%的{T}投诉与沟通方式不当有关。", "{P}的欠款达到{M}元时，部分机构会考虑委托第三方进行{T}。",
    "在{Y}年，监管部门针对{T}发布了新的规范性文件。", "很多人在逾期{N}天后才意识到{T}的影响。",
    "有网友表示，自己欠{P}{M}元，{N}天内接到了{K}次{T}。", "逾期超过{N}天的记录，通常会在征信报告上保留五年。",
    "{P}的官方客服电话一般在工作日{H}点到{H2}点之间可以接通。", "按照合同约定，{P}逾期{N}天的违约金不超过{X}元。",
]  # fmt: skip
HEADINGS = [
    "{P}逾期后{T}是怎么回事", "遇到{T}应该怎么办", "{T}的常见方式有哪些", "如何判断{T}是否合法", "{P}逾期的后果",
    "与{P}协商的具体步骤", "{T}时需要注意的问题", "怎样保护自己的合法权益", "{T}的注意事项", "{P}逾期多久会{T}",
    "哪些{T}行为属于违规", "{T}之后还能不能协商", "第一步要做什么", "准备哪些材料", "常见误区",
]  # fmt: skip
TITLES = [
    "{P}逾期{N}天{T}怎么办", "{P}逾期了，遇到{T}该如何应对", "{P}逾期后{T}是真的吗", "关于{P}{T}，你需要知道的几件事",
    "{P}逾期{N}天会不会{T}", "{P}欠款{M}元被{T}怎么处理", "{T}的正确应对方法：以{P}为例",
]  # fmt: skip

# 伪原创 spinner table: word -> replacements, as seen on spun pages (tests/fixtures/seeds/).
SPINNER = {
    "问题": ["疑问", "难题", "疑惑"], "了解": ["熟悉", "理解"], "采取": ["采纳", "选用"], "需要": ["须要", "需求"],
    "第一步": ["之一步"], "第一时间": ["之一时间"], "原因": ["起因"], "过程": ["进展"], "行为": ["表现"],
    "要求": ["须要", "请求"], "进行": ["实行", "实施"], "确保": ["确信", "保障"], "我们": ["咱们"],
    "如何": ["怎样", "怎么样"], "是否": ["是不是"], "如果": ["假如", "若是", "倘使", "假若"], "使用": ["利用", "采用"],
    "方式": ["方法", "形式"], "重要": ["要紧", "关键"], "可能": ["也许", "有可能"], "自己": ["本人", "自身"],
    "通常": ["常常", "往往"], "情况": ["状况", "情形"], "处理": ["解决", "应对"], "避免": ["防止", "避开"],
    "相关": ["有关", "相应"], "合理": ["合适", "适当"], "具体": ["详细", "具体而言"], "注意": ["留意", "关注"],
    "非常": ["十分", "极其"], "很多": ["不少", "多"], "可以": ["能够", "可"], "明显": ["显著"], "认真": ["仔细"],
    "保留": ["保存", "留存"], "联系": ["联络"], "说明": ["阐述", "讲明"], "提出": ["提交"], "影响": ["作用"],
    "后果": ["结果"], "规定": ["规范"], "应该": ["理应", "应"], "必须": ["务必", "一定要"], "一般": ["一般而言", "往往"],
    "主动": ["积极"], "机构": ["单位"], "冲突": ["矛盾"], "冷静": ["沉着"], "骚扰": ["打扰"], "隐私": ["私密"],
    "借款人": ["贷款人"], "逾期": ["过期"], "平台": ["渠道"], "短信": ["信息"], "电话": ["手机"], "证据": ["凭证"],
    "投诉": ["申诉"], "报警": ["报案"], "记录": ["纪录"], "材料": ["资料"], "通知": ["告知"], "协商": ["商议", "协调"],
    "沟通": ["交流"], "确认": ["确定"], "准备": ["筹备"], "提醒": ["提示"], "计划": ["规划"], "家人": ["家属"],
    "朋友": ["友人"], "核对": ["核查"], "及时": ["即时"], "尽快": ["尽早"], "每月": ["每个月"], "全部": ["所有"],
    "最好": ["最佳"], "检查": ["检验"], "咨询": ["征询"], "工作": ["任务"], "解决": ["化解"], "合同": ["合约"],
}  # fmt: skip
_SPIN_PATTERN = re.compile("|".join(sorted(SPINNER, key=len, reverse=True)))
_NUMBERED = "一二三四五六七八九十"


@dataclass(frozen=True)
class Article:
    """A generated article: a title and its paragraphs (the text is the paragraphs joined by \\n)."""

    title: str
    paragraphs: tuple[str, ...]
    topic_group: str

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Topic:
    """The vocabulary one article draws its slots from."""

    product: str
    theme: str

    @property
    def group(self) -> str:
        return f"{self.product}-{self.theme}"


_SLOT = re.compile(r"\{(\w+)\}")
_NUMBERS = {
    "N": (1, 180), "K": (2, 36), "X": (5, 900), "PCT": (10, 90), "Y": (2018, 2025), "H": (8, 10), "H2": (17, 22),
}  # fmt: skip


def _fill(template: str, rng: random.Random, topic: Topic) -> str:
    """A template with its slots filled: product and theme words, and numbers that vary per use."""

    def value(slot: re.Match) -> str:
        name = slot.group(1)
        if name == "P":
            return rng.choice(PRODUCTS[topic.product])
        if name == "T":
            return rng.choice(THEMES[topic.theme])
        if name == "M":
            return str(rng.choice((500, 1000, 2000, 5000, 10000, 20000)) + rng.randint(0, 99) * 10)
        return str(rng.randint(*_NUMBERS[name]))

    return _SLOT.sub(value, template) if "{" in template else template


def _object(rng: random.Random, topic: Topic) -> str:
    """A noun phrase: modifier + noun, sometimes owned by the product, sometimes two joined by 和."""
    owner = rng.choice(PRODUCTS[topic.product]) + "的" if rng.random() < 0.15 else ""
    phrase = owner + rng.choice(MODIFIERS) + ("的" if rng.random() < 0.2 else "") + rng.choice(NOUNS)
    if rng.random() < 0.3:
        phrase += rng.choice(("和", "以及", "、")) + rng.choice(MODIFIERS) + rng.choice(NOUNS)
    return phrase


def _sentence(rng: random.Random, topic: Topic) -> str:
    """One sentence: mostly free clauses of everyday words, a fifth of them topic phrases."""
    draw = rng.random()
    if draw < 0.05:
        return _fill(rng.choice(FACTS), rng, topic)
    if draw < 0.12:
        core = rng.choice(ADVERBS) + _fill(rng.choice(ACTIONS), rng, topic)
    else:
        core = rng.choice(ADVERBS) + rng.choice(VERBS) + _object(rng, topic)
    opener = rng.choice(OPENERS) if rng.random() < 0.12 else ""
    tail = rng.choice(TAILS) if rng.random() < 0.04 else "。"
    subject = rng.choice(SUBJECTS) if rng.random() < 0.4 else ""
    return opener + subject + core + tail


def _paragraph(rng: random.Random, topic: Topic) -> str:
    return "".join(_sentence(rng, topic) for _ in range(rng.randint(3, 6)))


def _heading(rng: random.Random, topic: Topic, number: int) -> str:
    return f"{_NUMBERED[number]}、{_fill(rng.choice(HEADINGS), rng, topic)}"


def make_article(rng: random.Random, topic: Topic) -> Article:
    """An intro, numbered sections of one or two paragraphs, and a closing paragraph: 1-2k chars."""
    target = rng.randint(1100, 2100)
    paragraphs = [_paragraph(rng, topic)]
    size = len(paragraphs[0])
    section = 0
    while size < target and section < len(_NUMBERED):
        block = [_heading(rng, topic, section)] + [_paragraph(rng, topic) for _ in range(rng.randint(1, 2))]
        paragraphs += block
        size += sum(map(len, block))
        section += 1
    paragraphs.append("总之，" + _paragraph(rng, topic))
    return Article(_fill(rng.choice(TITLES), rng, topic), tuple(paragraphs), topic.group)


# --- variants ----------------------------------------------------------------------------------


def spin(text: str, rate: float, rng: random.Random) -> str:
    """Swap about `rate` of the words (taken as chars/2) for spinner synonyms.

    If the text has fewer swappable words than that, all of them are swapped.
    """
    matches = list(_SPIN_PATTERN.finditer(text))
    wanted = min(len(matches), round(rate * len(text) / 2))
    chosen = sorted(rng.sample(range(len(matches)), wanted))
    pieces, last = [], 0
    for index in chosen:
        match = matches[index]
        pieces += [text[last : match.start()], rng.choice(SPINNER[match.group()])]
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _relayout(text: str, rng: random.Random) -> str:
    """The same words with other punctuation and line breaks (an exact copy after normalisation)."""
    text = text.replace("，", rng.choice((",", "， ", "、"))).replace("。", rng.choice((". ", "。\n", "．")))
    return text.replace("\n", "\n\n")


def _truncated(paragraphs: list[str], share: float) -> list[str]:
    """The first `share` of the characters, cut at the end of a sentence where possible."""
    text = "\n".join(paragraphs)
    cut = text[: int(len(text) * share)]
    sentence_end = cut.rfind("。")
    return (cut[: sentence_end + 1] if sentence_end > len(cut) // 2 else cut).split("\n")


def make_variant(base: Article, kind: str, rng: random.Random, topic: Topic) -> str:
    """The text of one copy of `base`, edited as `kind` says (edits joined by '+')."""
    paragraphs = list(base.paragraphs)
    steps = kind.split("+")
    for step in steps:
        if step == "reordered":
            rng.shuffle(paragraphs)
        elif step == "truncated":
            paragraphs = _truncated(paragraphs, 0.6)
        elif step == "extended":
            extra = make_article(rng, topic).paragraphs
            paragraphs += list(extra[-rng.randint(1, 3) :])
        elif step == "retitled":
            new_title = _fill(rng.choice(TITLES), rng, topic)
            first, _, rest = paragraphs[0].partition("。")
            paragraphs[0] = f"很多人都在问：{new_title}？{rest}" if rest else paragraphs[0]
    text = "\n".join(paragraphs)
    for step in steps:
        if step.startswith("spun-"):
            text = spin(text, int(step.removeprefix("spun-")) / 100, rng)
        elif step == "exact":
            text = _relayout(text, rng)
    return _s2t().convert(text) if "zh-hant" in steps else text


# --- documents and streaming -------------------------------------------------------------------


def doc_id(seed: int, base_index: int, copy: int) -> str:
    return hashlib.sha256(f"{seed}:{base_index}:{copy}".encode()).hexdigest()[:32]


def _row(rng: random.Random, seed: int, base_index: int, copy: int, text: str, kind: str, group: str) -> dict:
    identifier = doc_id(seed, base_index, copy)
    published = None if rng.random() < 0.1 else date(2019, 1, 1) + timedelta(days=rng.randint(0, 2500))
    return {
        "doc_id": identifier,
        "text": text,
        "url": f"http://site-{rng.randint(0, 199):03d}.test/{group}/{identifier[:10]}.html",
        "published": published,
        "cluster": doc_id(seed, base_index, 0),
        "variant_kind": kind,
        "topic_group": group,
    }


def base_group(seed: int, base_index: int) -> list[dict]:
    """A base article's row and its copies' rows, from the base's own RNG (chunking-independent)."""
    rng = random.Random(f"{seed}:{base_index}")
    topic = Topic(rng.choice(list(PRODUCTS)), rng.choice(list(THEMES)))
    base = make_article(rng, topic)
    rows = [_row(rng, seed, base_index, 0, base.text, "base", topic.group)]
    copies = rng.randint(1, 3) if rng.random() < CLUSTER_SHARE else 0
    for copy in range(1, copies + 1):
        kind = rng.choice(VARIANT_KINDS)
        rows.append(_row(rng, seed, base_index, copy, make_variant(base, kind, rng, topic), kind, topic.group))
    return rows


def base_chunk(seed: int, chunk_number: int, bases: int = CHUNK_BASES) -> list[dict]:
    """The rows of bases [chunk_number*bases, +bases), each base followed by its copies."""
    return [row for index in range(chunk_number * bases, (chunk_number + 1) * bases) for row in base_group(seed, index)]


def generate(docs: int, seed: int, jobs: int = 1, chunk_bases: int = CHUNK_BASES) -> Iterator[list[dict]]:
    """Chunks of rows, `docs` rows in all; chunks are independent, so `jobs` processes make them.

    The last chunk is cut before it is shuffled, so a copy never comes without its base.
    """
    emitted = 0
    with ProcessPoolExecutor(jobs) if jobs > 1 else nullcontext() as pool:
        chunk_numbers = itertools.count()
        mapper = pool.map if pool else map
        while emitted < docs:
            wanted = -(-(docs - emitted) * 100 // (chunk_bases * 110)) or 1  # ~1.1 docs per base
            numbers = list(itertools.islice(chunk_numbers, wanted))
            for number, chunk in zip(numbers, mapper(partial(base_chunk, seed, bases=chunk_bases), numbers)):
                chunk = chunk[: docs - emitted]
                random.Random(f"{seed}:chunk:{number}").shuffle(chunk)
                emitted += len(chunk)
                if chunk:
                    yield chunk


def write(docs: int, seed: int, out: Path, jobs: int = 1) -> Path:
    """Stream the generated set to one zstd Parquet file (written under a temporary name)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
        for chunk in generate(docs, seed, jobs):
            writer.write_table(pa.Table.from_pylist(chunk, schema=SCHEMA))
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    args = parser.parse_args(argv)
    print(write(args.docs, args.seed, args.out, args.jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
