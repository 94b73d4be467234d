"""The three facets' rule tables: products, collection channels, advice topics.

What a label means (the spec; ``shared/tags/README.md`` states it in full):

* products (微粒贷, 借呗, 花呗, 信用卡, 网贷): a lending product the text is about. A passing mention
  (one sentence that is not about the debt, a regulation's title such as 《商业银行信用卡业务监督管理办法》,
  an example sentence) does not count. 网贷 is online lending in general, not 小贷 companies.
* channels (上门, 电话, 短信): a channel the collector or lender uses, named once in a passage
  about a debt. A borrower calling customer service, a hotline, 110 or a lawyer, a site's contact
  number, an SMS confirming an agreement or a court's SMS are not channels; a described visit
  (slogans sprayed at the door, an occupied home or office) is 上门.
* topics: the text gives advice or information about it in at least one sentence. Weak cues
  (法律, 违法, 证据, 录音) only count when they meet in one sentence (``sentence_min=2``);
  normative phrasings need the collector as actor (催收人员不得/不能/无权 …, not 借款人不能按时还款);
  a cue in the clause that says where to complain does not speak of 催收合规.

Every table entry is a cue family (regex -> weight) and is pinned by a test in
tests/transform/tags/test_facets.py that fails when the entry is removed.
"""

from __future__ import annotations

from cuishou.transform.tags.rules import Cue, Rule, clause

# --- shared vocabulary ----------------------------------------------------------------------------

DEBT_PASSAGE = "催|逾期|欠|还款|还钱|还债|债|贷|骚扰|威胁|恐吓|辱骂|轰炸|联系人|借款人"
COLLECTION = "催收|催款|催债|讨债|追债|要债|收债|索债|外访|上门|债权人|债权方|债务人|负债人|欠款|欠债|逾期"
BORROWER = "借款人|债务人|负债人|欠款人|用户|消费者|当事人|客户|持卡人|你|您|我|自己|本人"
THIRD_PARTY = "无关|第三方|第三人|亲友|亲属|亲人|亲戚|家人|家属|父母|紧急联系人|联系人|通讯录|同事|领导|单位|朋友"
_OVERDUE = "逾期|欠款|欠债|欠钱|催收|催款|还不上|还不起|不还|未还|拖欠|负债|债务"
_STATUTE_TITLE = r"《[^《》]{1,40}》"
_LAW_TITLE = r"《[^《》]{0,40}(?:法|法典|条例|办法|规定|解释|意见|公约|指引|规则|修正案[^《》]{0,8})》"

# --- products -------------------------------------------------------------------------------------

PRODUCT_NAMES: dict[str, str] = {
    "微粒贷": "微粒贷|微众",
    "借呗": "借呗",
    "花呗": "花呗",
    "信用卡": "信用卡|银行卡账单|持卡人|发卡银行|发卡行",
    "网贷": "网贷|网络贷款|网络借贷|网上贷款|校园贷",
}


_ANY_PRODUCT = "|".join(PRODUCT_NAMES.values())
# A regulation's title, an example (比如信用卡), a comparison (与信用卡相比, 和信用卡一样, 低于银行信用卡),
# a list of products (网贷逾期、信用卡逾期等)
PASSING_PRODUCT = (
    rf"{_STATUTE_TITLE}|(?:例如|比如|譬如|诸如)[^。;]{{0,20}}(?:{_ANY_PRODUCT})"
    rf"|(?:与|和|跟|同)(?:{_ANY_PRODUCT}){clause(6)}(?:相比|一样|类似|相同|不同)"
    rf"|(?:{_ANY_PRODUCT})[^,。;]{{0,10}}、[^,。;]{{0,10}}(?:{_ANY_PRODUCT})[^,。;]{{0,10}}等"
    rf"|(?:比起|低于|高于|不如|优于){clause(4)}(?:{_ANY_PRODUCT})"
)


def _product(label: str) -> Rule:
    """Named as the overdue debt itself (网贷平台借款后逾期) = 2; any other mention = 1."""
    names = PRODUCT_NAMES[label]
    return Rule(
        label,
        {
            "as the debt": Cue(rf"(?:{names}){clause(8)}(?:{_OVERDUE})|(?:欠|拖欠|还不上|还不起)了?(?:{names})", 2),
            "named": Cue(names, 1),
        },
        negative=PASSING_PRODUCT,
        skip=frozenset({"example"}),
    )


PRODUCT_RULES: tuple[Rule, ...] = tuple(_product(label) for label in PRODUCT_NAMES)

# --- channels -------------------------------------------------------------------------------------

PERSONS_CALLED = (
    "借款人|债务人|你|您|本人|用户|家人|家里|亲属|亲友|亲戚|朋友|父母|爸妈|同事|领导|单位|公司|紧急联系人|联系人|通讯录"
)
SERVICE_NUMBER = r"客服|热线|专线|官方|咨询|110|12\d{3}|95\d{3}|400|律师|律所|法院|银行|发卡行|平台|本所|本站"
# The borrower calling a service, a hotline or a lawyer; a site's or a complaint body's number.
NOT_A_COLLECTION_CALL = (
    "(?:客服|官方|服务|咨询|投诉|举报|报警|求助|热线|专线|律所|律师|法院|公安|派出所|联系|办公)的?(?:电话|热线)"
    r"|(?:电话|热线)(?:号码)?[::]?\s*[\d(+][\d\-()+ ]{4,}"
    rf"|(?:拨打|致电|打|呼叫){clause(12)}(?:{SERVICE_NUMBER})(?:{clause(4)}(?:电话|热线))?"
    r"|(?:举报|投诉|联系|咨询)(?:方式|渠道|途径)[::][^。;]*"
)
# a code, a confirmation of an agreement, a court's SMS, the borrower texting the lender's service
NOT_A_COLLECTION_SMS = (
    r"短信验证码|验证码短信|短信确认|短信[^。;]{0,20}书面确认|(?:法院|12368)[^,。;]{0,8}短信"
    rf"|(?:发|回复?)短信(?:给|到)?{clause(4)}(?:客服|银行|平台|官方|12\d{{3}}|95\d{{3}})"
)
SERVICE_VISIT = "送货上门|上门(?:服务|取件|维修|安装|办理|回收|取货|送)|走访(?:调研|群众|企业|市场|慰问)"
DESCRIBED_VISIT = (
    "(?:侵入|闯入|强占|占据|霸占|驻守|守在|蹲守|堵在|围堵)[^,。;]{0,6}(?:住宅|住所|住处|家门?|房间|办公场所|公司|单位|宿舍|门口)"
    "|(?:家门口|门口|家门|住所|住处|住宅)[^,。;]{0,12}(?:喷|涂|泼|堵|守|蹲|贴|围|闹|留宿)"
    "|(?:住所|住处|家中|家里|住宅|办公场所|房间|宿舍)(?:内|里)?[^,。;]{0,8}(?:留宿|殴打|滋事|闹事|围堵)"
    "|(?:去|到|来)(?:你|您|我|借款人|债务人|他|她)?的?(?:家|公司|单位|学校|老家|户籍地)[^,。;]{0,4}(?:闹|堵|找|催|要)"
    "|(?:找|跑|追)到(?:你|您|我|他|她)?(?:家|公司|单位|学校|老家)"
)

CHANNEL_RULES: tuple[Rule, ...] = (
    Rule(
        "上门",
        {"named": Cue("上门|外访|走访|家访|登门|到访", 2), "described visit": Cue(DESCRIBED_VISIT, 2)},
        context=DEBT_PASSAGE,
        negative=SERVICE_VISIT,
    ),
    Rule(
        "电话",
        {
            "named": Cue("电话|来电|致电|通话|电联|呼死你", 2),
            "calls a person": Cue(rf"(?:拨打|打给|打到|打去){clause(8)}(?:{PERSONS_CALLED})", 2),
        },
        context=DEBT_PASSAGE,
        negative=NOT_A_COLLECTION_CALL,
    ),
    Rule("短信", {"named": Cue("短信|短讯|简讯", 2)}, context=DEBT_PASSAGE, negative=NOT_A_COLLECTION_SMS),
)

# --- topics ---------------------------------------------------------------------------------------

_LAWS = "民法典|刑法(?!律)|治安管理处罚法|个人信息保护法|消费者权益保护法|民事诉讼法|合同法(?!律)"

LEGAL_RIGHTS_CUES: dict[str, Cue] = {
    "liability": Cue(
        "(?:催收非法债务|寻衅滋事|非法拘禁|非法侵入住宅|侵犯公民个人信息|敲诈勒索|故意伤害|诈骗|侮辱|诽谤|强迫交易)罪"
        "|判处|判刑|被判|有期徒刑|拘役|拘留|行政处罚|(?:刑事|民事|法律|赔偿|侵权)责任|民事(?:纠纷|诉讼|赔偿)",
        2,
    ),
    "see a lawyer": Cue(
        rf"(?:咨询|请教|求助|寻求|联系|找|询问|聘请){clause(14)}"
        "(?:律师(?!函)|法律(?:人士|专业人士|团队|顾问|援助|帮助|意见|建议|服务)|法务|律所|懂法)"
        "|法律援助|法律帮助|法律咨询",
        2,
    ),
    "letter's legal force": Cue(r"律师函[^。;]{0,20}(?:法律|法定|合法)|(?:法律|法定)[^。;]{0,6}(?:函|信函|文书)", 2),
    "borrower's right": Cue(rf"(?:{BORROWER}|个人|公民|自然人)[^,。;]{{0,4}}(?:有权|享有|有权利)", 1),
    "statute": Cue(
        rf"{_LAW_TITLE}|{_LAWS}|法律法规|法律规定|相关法律|(?:相关|有关)规定|法律条文|法律条款|司法解释", 1
    ),
    "provision": Cue(
        r"第[\d零〇一二两三四五六七八九十百千]+条|(?:根据|依据|依照|按照)(?=[^,。;]{0,6}(?:《|法律|法规|规定))|法律依据"
        r"|(?:法|条例|办法|规定|公约)》?[^,。;]{0,3}(?:明确规定|规定|明确|指出)",
        1,
    ),
    # court procedure, and the court at all: "the lender may sue you" is one weak cue
    "court procedure": Cue("起诉状|起诉书|开庭|庭审|判决|应诉|答辩|管辖|举证|审理|诉讼时效|上诉|法院受理", 1),
    "court": Cue("起诉|诉讼|法院|传票|仲裁|立案|强制执行", 1),
    "lawyer's letter": Cue("律师函|律师信", 1),
    "legality": Cue("法律效力|法律效应|法律约束力|合法性|是否合法|是否违法", 1),
    "named right": Cue("隐私权|名誉权|人格权|知情权|生活安宁权|肖像权|人身权|选择权|公平交易权", 1),
    "criminal or civil": Cue("犯罪|刑事|民事", 1),
    "defending rights": Cue(r"维权|维护[^,。;]{0,6}权益", 1),
}
# the lender, not the borrower, turning to a lawyer (平台委托律师事务所发函)
LENDER_LAWYER = rf"(?:平台|银行|机构|公司|债权人|贷款方){clause(6)}(?:委托|联系|找|聘请){clause(6)}(?:律师|律所)"

_TALKS = "协商|商量|商议|商讨|谈判"
_REPAYMENT = "还款|还钱|分期|延期|方案|计划|减免|罚息|利息|欠款"
NEGOTIATION_CUES: dict[str, Cue] = {
    "arrangement": Cue(
        "协商还款|还款协商|个性化分期|停息挂账|(?:延期|延迟|延长)(?:还款|偿还)|展期|减免(?:利息|罚息|部分)", 2
    ),
    "talks about repayment": Cue(
        rf"(?:{_TALKS}){clause(10)}(?:{_REPAYMENT})|(?:{_REPAYMENT}|困难){clause(10)}(?:{_TALKS})", 2
    ),
    # the borrower proposing a plan (提出分期还款方案; not 机构提出的还款方案, the lender's plan conveyed)
    "proposes a plan": Cue(rf"(?:提出|制定|调整|申请)(?!的){clause(8)}(?:还款方案|还款计划|分期)", 2),
    "talks": Cue(_TALKS, 1),
    "plan": Cue("还款(?:方案|计划|协议|安排)|解决方案|解决办法|分期|延期|推迟还款|暂缓还款|宽限|减免", 1),
    "request": Cue("申请|请求|无力|还不上|还不起", 1),
    "contacts the lender": Cue(
        rf"(?:与|和|跟|联系|找){clause(8)}"
        "(?:平台|银行|贷款机构|借款机构|债权人|债权方|客服|金融机构|借呗|微粒贷|花呗|京东|公司)",
        1,
    ),
}
INSTALMENT_PURCHASE = "(?:消费|手机|免息|零首付|0首付|随心)分期|分期(?:购|买|付款|手机|免息|零首付|0首付|服务)"

COMPLAINT_VENUES = (
    "银保监|银监|金融监管|监管部门|监管局|黑猫投诉|互联网金融协会|消费者协会|消协|信访|消费者权益保护(?!法)"
)
COMPLAINT_CUES: dict[str, Cue] = {
    "complains": Cue(
        rf"(?:向|(?<![收得达遇接做想看听找受提来等拿感说直])到|去|找){clause(16)}(?:投诉|举报|申诉)|(?:{COMPLAINT_VENUES}){clause(8)}反映"
        rf"|(?:可以|可|应当?|要|去|及时|直接|进行|提起|发起|提交|拨打){clause(4)}(?:投诉|举报)"
        r"|(?:投诉|举报)(?:渠道|电话|热线|途径|方式|中心)|(?:投诉|举报)(?:违规|违法|暴力|不当|恶意|非法)?(?:催收|行为)"
        r"|(?:投诉|举报)(?:违规|违法|骚扰|暴力)",
        2,
    ),
    "hotline": Cue(r"(?<!\d)(?:12378|12321|12315)(?!\d)", 2),
    "venue": Cue(COMPLAINT_VENUES, 1),
    "named": Cue("投诉|举报", 1),
}
COMPLAINT_STATISTICS = "(?:投诉|举报)(?:量|数|率|原因|案例|数量|记录|件)"

CREDIT_REPORT_CUES: dict[str, Cue] = {
    "reported": Cue(
        rf"上征信|(?:征信|信用报告){clause(6)}(?:上报|报送|记录|出现|留下|显示|保留|查到)"
        rf"|(?:上报|报送|记录|出现|留下|显示|查到){clause(8)}(?:征信|信用报告)",
        2,
    ),
    "record": Cue("逾期记录|不良记录|信用记录|失信记录|不良信用", 1),
    "credit report": Cue("征信|信用报告|人民银行|央行|人行", 1),
    "credit standing": Cue("个人信用|信用(?:评分|分(?!期)|状况|受损|污点|体系)|芝麻信用", 1),
    "reporting": Cue("上报|报送", 1),
}
CREDIT_EFFECT = "影响|受损|上报|报送|记录|留下|不良|污点|逾期|良好|修复|消除|黑名单|评分|下降"

_CONDUCT = "催收|催款|讨债|追债|行为|做法|手段|方式|骚扰|威胁|恐吓|辱骂|围堵|上门|联系|拨打|透露|散布"
_ABUSE = "暴力催收|软暴力|非法催收|骚扰|恐吓|威胁|辱骂|侮辱|谩骂|爆通讯录|轰炸|围堵|泄露|散布|曝光|殴打|跟踪"
_PROHIBITION = r"(?<![哭舍恨怪巴免由记])(?:不得|不能|不可以|不允许|不准|禁止|严禁|无权|不应当?|不许|不可)(?![不已而])"
_COLLECTOR_ACTS = (
    "联系|拨打|打电话|爆|骚扰|威胁|恐吓|辱骂|侮辱|泄露|泄漏|透露|公开|曝光|散布|上门|进入|使用|采用|冒充|收取|索要|要求"
    "|超过|侵扰|侵害|催收|干扰|限制|扣押|跟踪|获取|收集|过度|暴力|拒绝|隐瞒|冒用|伪装"
    "|夜间|晚上|深夜|凌晨|休息时间|以[^,。;]{0,8}(?:方式|手段)|向[^,。;]{0,6}(?:无关|第三|亲|家|同事|单位|邻居)"
)
COMPLIANCE_CUES: dict[str, Cue] = {
    # 不得/不能/不可以/无权 + a collector's act; the borrower as actor is the negative below
    "prohibition": Cue(rf"{_PROHIBITION}的?:?{clause(12)}(?:{_COLLECTOR_ACTS})", 2),
    # a legality judgement on collection conduct, the line between normal and illegal collection
    "conduct judged": Cue(
        rf"(?:{_CONDUCT})[^。;]{{0,10}}(?:属于|构成|就是|是|算|涉嫌|直接|均属|则属|即属|已属|明显)"
        r"(?:违法|违规|非法|犯罪|骚扰|侵权|越界)(?!催收)"
        rf"|(?:{_CONDUCT})[^。;]{{0,10}}(?:不是|并非|不属于|不构成|不算)(?:合法|违法|违规|骚扰|犯罪|威胁)"
        r"|(?:合法|正常|正当|合规|规范)的?催收|越界|红线|底线|法律边界|合法边界|划清界限",
        2,
    ),
    "misconduct named illegal": Cue(rf"(?:{_ABUSE})[^。]{{0,16}}等(?:违规|违法|非法)(?:催收)?(?:行为|手段)", 2),
    "collection crime": Cue("催收非法债务罪|寻衅滋事|非法拘禁|非法侵入住宅|侵犯公民个人信息", 2),
    "must follow": Cue(
        rf"(?:需要|必须|应当?|须)(?:严格)?(?:遵循|遵守|依照){clause(10)}"
        "(?:规定|规范|法规|法律|原则|程序|公约|指引|流程|以下|要求)",
        2,
    ),
    "rules": Cue(
        r"(?:遵循|遵守|依照|符合)[^,。;]{0,10}(?:规定|规范|法规|法律|原则|程序|公约|指引|要求)|新规|自律公约|行业规范"
        r"|催收(?:规定|规范|指引|公约)",
        1,
    ),
    "restraint": Cue(
        "不会[^,。;]{0,8}(?:强行|威胁|恐吓|骚扰|辱骂|暴力|透露|泄露|泄漏|公开|打扰|上门|爆)|不(?:会)?直接联系"
        "|避免(?:骚扰|过度|打扰)",
        1,
    ),
    "third parties": Cue(rf"(?:联系|告知|透露|骚扰|打给|拨打|通知){clause(8)}(?:{THIRD_PARTY})", 1),
    "call limits": Cue(
        r"(?:每天|每日|单日|一天|日均|每周)[^,。;]{0,8}(?:\d+|[一二三四五六七八九十几]+)次"
        r"|(?:早|晚|凌晨|夜间|深夜|晚上)[^,。;]{0,4}(?:\d{1,2}|[一二三四五六七八九十]{1,2})(?:点|时|:)"
        r"|\d{1,2}:\d{2}\s*(?:至|到|-|~)|不合理的?时(?:段|间)|非正常时间|休息时间",
        1,
    ),
    "abuse": Cue(_ABUSE, 1),
}
# the borrower as actor (借款人不能按时还款, 用户应遵守还款义务), 不能 meaning "is unable to", and the
# clause that says where to complain (可以向银保监会或地方金融监管局投诉违规催收行为)
NOT_THE_COLLECTORS_RULES = (
    rf"(?:{BORROWER}){clause(6)}(?:{_PROHIBITION}|(?:应当?|需要|必须|须)(?:严格)?(?:遵循|遵守|依照|按照|履行))"
    "|不能(?:联系上|联系到|及时|按时|还|偿还|一次性)"
    rf"|[^,。;:]*(?:{COMPLAINT_VENUES}|12378|12321|12315|投诉|举报)[^,。;:]*"
)

IDENTITY_CUES: dict[str, Cue] = {
    # checking who calls or visits, or whether a letter or message is genuine
    "verifies": Cue(
        rf"(?:核实|核查|确认|查证|验证|辨别|判断|甄别|鉴别|识别|分辨|辨认|区分|查询|了解|问清|询问){clause(14)}"
        "(?:身份|真伪|真假|真实性|是不是真|是否真|是否(?:确实|真实)|是否(?:真实)?存在(?!违|问题|风险|不)|来源|资质|执业|来历)"
        rf"|(?:真伪|真假|真实性|身份){clause(6)}(?:核实|确认|判断|辨别|鉴别|查证|验证)",
        2,
    ),
    "credentials": Cue(
        "工作证|工号|执业证|执业资格|委托书|授权书|授权文件|委托(?:授权)?(?:书|证明|函)|身份证明|表明身份|律师证"
        rf"|出示{clause(8)}(?:证件|证明|身份|协议)",
        2,
    ),
    "checks": Cue("核实|查证|验证", 1),
    "impostor": Cue("冒充|假冒|伪造|虚假|诈骗|骗子|不法分子", 1),
    "asks the lender": Cue(rf"(?:官方|客服|官网|债权人|债权方){clause(8)}(?:核实|确认|询问|查询)", 1),
}
# a customer-service agent's number; the lender checking the borrower (KYC); an ID card
NOT_THE_COLLECTOR = (
    "客服(?:人员)?的?工号|身份证(?!明)"
    rf"|(?:平台|银行|机构|催收|客服|对方){clause(8)}(?:核实|确认|验证|了解|查询){clause(8)}"
    "(?:借款人|用户|你|您|客户|本人)的?(?:身份|信息)"
)

EVIDENCE_CUES: dict[str, Cue] = {
    "keeps evidence": Cue(
        rf"(?:保留|保存|留存|收集|固定|搜集|整理|存档|备份|留作|留好){clause(10)}"
        "(?:证据|凭证|截图|录音|短信|通话|聊天|录屏)"
        rf"|(?:证据|凭证|截图|录音|短信|记录){clause(6)}(?:保留|保存|固定|收集|留存|保全|存档|备份)"
        rf"|证据链|证据保全|屏幕录制|录屏|记录{clause(4)}(?:通话|电话)",
        2,
    ),
    "screenshot": Cue("截图|截屏", 1),
    "recording": Cue("录音|录像|录制", 1),
    "evidence": Cue("证据|凭证|公证", 1),
}

POLICE_CUES: dict[str, Cue] = {
    "calls the police": Cue(r"报警|报案|报了警|(?<![\d.])110(?![\d万元号室米])", 2),
    "turns to the police": Cue(rf"(?:向|找|联系|求助|寻求|交给|提供给){clause(8)}(?:公安|警方|派出所|警察)", 2),
    "police": Cue("公安|警方|派出所|警察|民警", 1),
}

TOPIC_RULES: tuple[Rule, ...] = (
    Rule("法律权益", LEGAL_RIGHTS_CUES, sentence_min=2, negative=LENDER_LAWYER),
    Rule("协商还款", NEGOTIATION_CUES, sentence_min=2, negative=INSTALMENT_PURCHASE),
    Rule("投诉举报", COMPLAINT_CUES, sentence_min=2, negative=COMPLAINT_STATISTICS),
    Rule("征信影响", CREDIT_REPORT_CUES, context=CREDIT_EFFECT, negative=_STATUTE_TITLE),
    Rule(
        "催收合规",
        COMPLIANCE_CUES,
        sentence_min=2,
        context=COLLECTION,
        negative=NOT_THE_COLLECTORS_RULES,
    ),
    Rule("核实身份", IDENTITY_CUES, sentence_min=2, negative=NOT_THE_COLLECTOR),
    Rule("保留证据", EVIDENCE_CUES, sentence_min=2),
    Rule("报警", POLICE_CUES),
)

FACETS: dict[str, tuple[Rule, ...]] = {
    "products": PRODUCT_RULES,
    "channels": CHANNEL_RULES,
    "topics": TOPIC_RULES,
}
