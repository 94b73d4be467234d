"""Every cue family, negative, context and skipped sentence kind of the facet tables is pinned here.

Each pin is a short fragment written in the genre's style (paraphrased, not copied from any page).
``test_pin_assigns_its_label`` fails when the family is deleted from the table; the companion
``test_pin_needs_its_family`` proves the fragment depends on that family alone, so the pin cannot
pass by accident; ``test_every_family_is_pinned`` fails when a family is added without a pin.
"""

from __future__ import annotations

import dataclasses

import pytest

from cuishou.transform.tags import tag_document
from cuishou.transform.tags.facets import FACETS
from cuishou.transform.tags.home_visits import HOME_VISIT_RULES
from cuishou.transform.tags.rules import Rule, assigned
from cuishou.transform.tags.text import normalize, sentences

RULES = {(facet, rule.label): rule for facet, rules in FACETS.items() for rule in rules}
RULES |= {("home_visit_claims", rule.label): rule for rule in HOME_VISIT_RULES}

# (facet, label, family, fragment): the fragment carries the label through that family.
PINS = [
    ("products", "微粒贷", "as the debt", "去年借的微粒贷逾期了,一直没还上。"),
    ("products", "微粒贷", "named", "微粒贷的额度由系统评估。微粒贷按日计息。"),
    ("products", "借呗", "as the debt", "他的借呗欠款已经拖了三个月。"),
    ("products", "借呗", "named", "借呗的额度会变化。借呗可以提前还。"),
    ("products", "花呗", "as the debt", "花呗逾期一天会有什么后果呢。"),
    ("products", "花呗", "named", "花呗是先消费后付款。花呗账单每月出一次。"),
    ("products", "信用卡", "as the debt", "他的信用卡欠款已经三个月没还。"),
    ("products", "信用卡", "named", "信用卡的账单日很重要。持卡人要记好日期。"),
    ("products", "网贷", "as the debt", "很多学生陷入了校园贷逾期的困境。"),
    ("products", "网贷", "named", "网贷的门槛很低。网络借贷要量力而行。"),
    ("channels", "上门", "named", "逾期三个月后,催收人员上门找到了借款人。"),
    ("channels", "上门", "described visit", "讨债人员在债务人家门口喷涂标语,逼他还钱。"),
    ("channels", "电话", "named", "逾期以后每天都接到催收电话。"),
    ("channels", "电话", "calls a person", "催收员拨打借款人的紧急联系人 进行催收。"),
    ("channels", "短信", "named", "逾期第二天就收到了催款短信。"),
    ("topics", "法律权益", "liability", "暴力讨债的人最后被判处有期徒刑。"),
    ("topics", "法律权益", "see a lawyer", "拿不准的话,建议咨询专业律师。"),
    ("topics", "法律权益", "letter's legal force", "律师函本身并没有法定的强制力。"),
    ("topics", "法律权益", "borrower's right", "借款人有权要求对方停止侵害隐私权。"),
    ("topics", "法律权益", "named right", "借款人有权要求对方停止侵害隐私权。"),
    ("topics", "法律权益", "statute", "《民法典》第一千零三十二条保护自然人的隐私。"),
    ("topics", "法律权益", "provision", "《民法典》第一千零三十二条保护自然人的隐私。"),
    ("topics", "法律权益", "court procedure", "被起诉以后,法院会开庭。"),
    ("topics", "法律权益", "court", "被起诉以后,法院会开庭。"),
    ("topics", "法律权益", "lawyer's letter", "收到律师函并不代表已经被起诉。"),
    ("topics", "法律权益", "legality", "判断这种做法的合法性,要看法律条文。"),
    ("topics", "法律权益", "criminal or civil", "这种行为涉嫌犯罪,受害人可以维权。"),
    ("topics", "法律权益", "defending rights", "这种行为涉嫌犯罪,受害人可以维权。"),
    ("topics", "协商还款", "arrangement", "信用卡逾期后可以申请停息挂账。"),
    ("topics", "协商还款", "talks about repayment", "可以和对方商量还款的事。"),
    ("topics", "协商还款", "proposes a plan", "借款人可以主动提出新的还款计划。"),
    ("topics", "协商还款", "request", "实在还不上,可以分期还款。"),
    ("topics", "协商还款", "talks", "逾期了可以和银行协商。"),
    ("topics", "协商还款", "contacts the lender", "逾期了可以和银行协商。"),
    ("topics", "协商还款", "plan", "实在还不上,可以分期还款。"),
    ("topics", "投诉举报", "complains", "遇到暴力催收,可以去投诉。"),
    ("topics", "投诉举报", "hotline", "遇到暴力催收,可以拨打12378。"),
    ("topics", "投诉举报", "venue", "银保监会收到了大量关于催收的投诉。"),
    ("topics", "投诉举报", "named", "银保监会收到了大量关于催收的投诉。"),
    ("topics", "征信影响", "reported", "逾期超过90天会上征信。"),
    ("topics", "征信影响", "record", "逾期记录会拉低个人信用。"),
    ("topics", "征信影响", "credit standing", "逾期记录会拉低个人信用。"),
    ("topics", "征信影响", "credit report", "逾期会影响征信,也会影响个人信用。"),
    ("topics", "征信影响", "reporting", "平台会把逾期信息上报。人行征信中心随后更新。"),
    ("topics", "催收合规", "prohibition", "催收人员不得向借款人的亲友透露欠款。"),
    ("topics", "催收合规", "conduct judged", "这种催收方式是违法的。"),
    ("topics", "催收合规", "misconduct named illegal", "催收员辱骂、恐吓等违法行为要坚决抵制。"),
    ("topics", "催收合规", "collection crime", "这家催收公司的行为涉嫌寻衅滋事。"),
    ("topics", "催收合规", "must follow", "催收上门需要遵循以下程序。"),
    ("topics", "催收合规", "rules", "催收员不会强行进入住宅,只会遵守规定。"),
    ("topics", "催收合规", "restraint", "催收员不会强行进入住宅,只会遵守规定。"),
    ("topics", "催收合规", "third parties", "催收员联系借款人的家人,还辱骂他们。"),
    ("topics", "催收合规", "abuse", "催收员联系借款人的家人,还辱骂他们。"),
    ("topics", "催收合规", "call limits", "催收员每天打十几次电话骚扰。"),
    ("topics", "核实身份", "verifies", "接到催收电话,先核实对方的身份。"),
    ("topics", "核实身份", "credentials", "上门的人应当带着工作证。"),
    ("topics", "核实身份", "checks", "可以打电话去核实,谨防冒充。"),
    ("topics", "核实身份", "impostor", "可以打电话去核实,谨防冒充。"),
    ("topics", "核实身份", "asks the lender", "收到律师函后向官方客服询问,谨防诈骗。"),
    ("topics", "保留证据", "keeps evidence", "记得保存好聊天记录。"),
    ("topics", "保留证据", "screenshot", "对方的短信要截图,通话要录音。"),
    ("topics", "保留证据", "recording", "对方的短信要截图,通话要录音。"),
    ("topics", "保留证据", "evidence", "录音可以作为证据。"),
    ("topics", "报警", "calls the police", "遇到威胁可以直接报警,或者拨打110。"),
    ("topics", "报警", "turns to the police", "遇到威胁可以向派出所求助。"),
    ("topics", "报警", "police", "警方已经介入。公安机关正在调查。"),
    ("home_visit_claims", "threat", "announced", "最近收到短信,称明天上门。"),
    ("home_visit_claims", "threat", "envoy", "平台说会派工作人员上门。后来又派专人走访。"),
    ("home_visit_claims", "legal_limits", "prohibition", "上门催收不得在夜间进行。"),
    ("home_visit_claims", "legal_limits", "conduct", "上门催收不得在夜间进行。"),
    ("home_visit_claims", "verify_identity", "credentials", "外访人员应当带着工作证。"),
    ("home_visit_claims", "verify_identity", "impostor", "上门的人可能是冒充的。外访人员也要出示证件。"),
    ("home_visit_claims", "rare_in_practice", "rare", "真正上门的比例并不高。"),
    ("home_visit_claims", "call_police", "call", "有人上门堵门不走,就报警。"),
    ("home_visit_claims", "call_police", "police", "有人上门闹事,公安会处理。派出所也会出警。"),
]


def labels(rule: Rule, fragment: str) -> set[str]:
    return set(assigned((rule,), sentences(normalize(fragment))))


def test_every_family_is_pinned() -> None:
    families = {(facet, label, family) for (facet, label), rule in RULES.items() for family in rule.cues}
    assert families == {pin[:3] for pin in PINS}


@pytest.mark.parametrize(("facet", "label", "family", "fragment"), PINS, ids=[f"{p[1]}:{p[2]}" for p in PINS])
def test_pin_assigns_its_label(facet: str, label: str, family: str, fragment: str) -> None:
    tags = tag_document(fragment)
    assert label in getattr(tags, facet)
    assert tags.evidence[f"{facet}:{label}"]


@pytest.mark.parametrize(("facet", "label", "family", "fragment"), PINS, ids=[f"{p[1]}:{p[2]}" for p in PINS])
def test_pin_needs_its_family(facet: str, label: str, family: str, fragment: str) -> None:
    rule = RULES[(facet, label)]
    without = dataclasses.replace(rule, cues={name: cue for name, cue in rule.cues.items() if name != family})
    assert label not in labels(without, fragment)


# (facet, label, setting, fragment): the rule's negative, context or skip keeps the label off the
# fragment, and the fragment gets the label once that setting is removed.
GUARDS = [
    ("products", "信用卡", "negative", "《商业银行信用卡业务监督管理办法》规定了催收。《信用卡条例》也有规定。"),
    ("products", "信用卡", "negative", "这类平台比如信用卡逾期后的处理就很严格。"),
    ("products", "信用卡", "negative", "与信用卡逾期相比,网贷催收更频繁。"),
    ("products", "信用卡", "negative", "京东白条和信用卡逾期一样,都会被催收。"),
    ("products", "信用卡", "negative", "本所处理网贷逾期、信用卡逾期等纠纷。"),
    ("products", "信用卡", "negative", "它的利率低于银行信用卡。执行利率也低于信用卡。"),
    ("products", "信用卡", "skip", "案例一:某人信用卡逾期被起诉。"),
    ("channels", "电话", "negative", "逾期后有问题请打客服电话说明。"),
    ("channels", "电话", "negative", "催收公司地址在北京,电话:010-12345678。"),
    ("channels", "电话", "negative", "逾期后可以拨打银行的热线电话申请分期。"),
    ("channels", "电话", "negative", "遇到暴力催收可以举报,举报方式:官网、电话、窗口。"),
    ("channels", "电话", "context", "新手机的电话功能很好用。"),
    ("channels", "短信", "negative", "借款逾期后,登录要输入短信验证码。"),
    ("channels", "短信", "negative", "协商还款成功后,要求银行发一条短信确认方案。"),
    ("channels", "短信", "negative", "欠款被起诉后,法院会通过12368发送短信。"),
    ("channels", "短信", "negative", "逾期后可以发短信给银行客服,说明还款困难。"),
    ("channels", "上门", "negative", "贷款买的家电,商家提供送货上门服务。"),
    ("topics", "法律权益", "negative", "逾期后平台会找律师事务所发函。"),
    ("topics", "协商还款", "negative", "很多人用花呗分期购买手机,协商好价格再下单。"),
    ("topics", "投诉举报", "negative", "黑猫投诉平台上催收的投诉量很大。"),
    ("topics", "征信影响", "negative", "《征信业管理条例》影响很大。《征信业务管理办法》也有影响。"),
    ("topics", "征信影响", "context", "征信公司今年招聘了很多人。人民银行发布了新的统计数据。"),
    ("topics", "催收合规", "negative", "欠款的借款人不能拒绝法院的传票。"),
    ("topics", "催收合规", "negative", "如果催收员不能联系上借款人,会找紧急联系人。"),
    ("topics", "催收合规", "context", "民法典明确禁止高利放贷,借款利率不得超过法定上限。"),
    ("topics", "催收合规", "negative", "催收员恐吓你的,可以向银保监会投诉辱骂、恐吓等违规行为。"),
    ("topics", "核实身份", "negative", "协商时记下客服的工号,方便以后查询。"),
    ("topics", "核实身份", "negative", "借款时平台会核实借款人的身份信息。"),
    ("topics", "核实身份", "negative", "催收员上门前会了解借款人的身份信息。"),
    ("topics", "核实身份", "negative", "办理分期要带上身份证去网点核实。"),
]


@pytest.mark.parametrize(("facet", "label", "setting", "fragment"), GUARDS)
def test_guard_keeps_the_label_off(facet: str, label: str, setting: str, fragment: str) -> None:
    assert label not in getattr(tag_document(fragment), facet)
    rule = RULES[(facet, label)]
    assert label in labels(dataclasses.replace(rule, **{setting: None if setting != "skip" else frozenset()}), fragment)


def test_every_guard_is_pinned() -> None:
    guarded = {(facet, label, setting) for (facet, label), rule in RULES.items() if facet != "home_visit_claims"
               for setting in ("negative", "context", "skip") if getattr(rule, setting)}
    pinned = {guard[:3] for guard in GUARDS}
    # one product rule and one channel rule stand for the others: the products share one negative
    # and skip, the channels one context
    shared = {(f, label, s) for f, label, s in guarded if f == "products" and label != "信用卡"}
    shared |= {(f, label, "context") for f, label, s in guarded if f == "channels" and label != "电话"}
    assert guarded - shared == pinned


# --- what the spec asks, on real-style fragments ------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    [
        "催收人员不能在晚上十点以后上门。",
        "催收方不可以向借款人的同事透露欠款。",
        "债权人无权拒绝借款人撤回授权,也无权骚扰其家人。",
        "催收员不得以恐吓的方式催收。",
    ],
)
def test_negation_and_modal_phrasings_speak_of_compliance(fragment: str) -> None:
    assert "催收合规" in tag_document(fragment).topics


@pytest.mark.parametrize(
    ("fragment", "channels"),
    [
        ("逾期后主要通过电话、短信进行催收。", ["电话", "短信"]),  # a single clear naming is enough
        ("逾期后主要通过 、短信进行催收。", ["短信"]),  # a scrubbed word is no evidence
        ("逾期以后他打客服电话协商分期。", []),  # the borrower calls customer service
        ("逾期以后催收电话打到了他单位。", ["电话"]),  # the collector calls
        ("欠款逾期后,不还就上门找你,这是催收短信里的原话。", ["上门", "短信"]),  # a threatened visit
    ],
)
def test_channels_follow_who_acts(fragment: str, channels: list[str]) -> None:
    assert tag_document(fragment).channels == channels


def test_traditional_script_with_pinyin_residue() -> None:
    traditional = "討債公司長期佔據債務人住所(zhù suǒ),還在門口噴漆。催收人員不得騷擾債務人家屬。"
    tags = tag_document(traditional)
    assert tags.channels == ["上门"]
    assert "催收合规" in tags.topics
    assert all("(" not in cue for cues in tags.evidence.values() for cue in cues)


def test_a_cue_in_a_complaint_clause_is_no_compliance_topic() -> None:
    listed = "逾期被催收时,可以向银保监会或地方金融监管局投诉暴力催收、辱骂等违规行为。"
    assert "催收合规" not in tag_document(listed).topics
    assert "投诉举报" in tag_document(listed).topics
    # the same misconduct named outside the complaint clause does speak of it
    assert "催收合规" in tag_document("催收员辱骂、恐吓等违规行为,可以向银保监会投诉。").topics


def test_disclaimer_and_byline_are_not_read() -> None:
    text = "作者:小王 发布时间:2025-01-01 10:00\n本文仅供参考,不构成法律建议,如有疑问请咨询律师。"
    assert tag_document(text).topics == []
