"""What a page claims about home visits (上门催收): one label per kind of claim.

``threat`` (a visit is announced or threatened: 上门通知, 将派专员前往户籍地走访, 说要来家里),
``legal_limits`` (what a visit may not do: 不得夜间/暴力/向无关人员透露), ``verify_identity`` (check
the visitor: 工作证, 授权文件, 核实来人身份), ``rare_in_practice`` (真正上门的比例不高, 多数以电话沟通为主),
``call_police`` (报警/110 when someone is at the door). They are ``Rule`` s scored like the facets,
but every rule needs a visit word in the sentence's window (``VISIT``; 送货上门 and other service
visits are not visit words), or for ``call_police`` an on-site situation (堵门, 不离开, 推搡).
Evidence goes to ``evidence["home_visit_claims:<label>"]``.
"""

from __future__ import annotations

from cuishou.transform.tags.rules import Cue, Rule, clause

VISIT = "(?<!送货)上门(?!服务|取件|维修|安装)|外访|走访|家访|登门|到访|来家里|到家里|户籍地|老家"
ON_SITE = f"{VISIT}|来人|家门|堵门|不离开|不走|闯入|推搡|到场|门口"

HOME_VISIT_RULES: tuple[Rule, ...] = (
    Rule(
        "threat",
        {
            "announced": Cue(
                rf"(?:{VISIT})(?:的)?(?:通知|函)|(?:将|即将|近期|马上|今天|明天|说要|声称|扬言|威胁|要求)"
                rf"{clause(10)}(?:{VISIT})|上门抓人",
                2,
            ),
            "envoy": Cue("派(?:专员|专人|人员|工作人员)", 1),
        },
        context=VISIT,
    ),
    Rule(
        "legal_limits",
        {
            "prohibition": Cue("不得|禁止|不允许|不可以|严禁|违规|违法|越界", 1),
            "conduct": Cue("夜间|晚上[^,;:]{0,3}点|暴力|强行进入|无关人员|透露|合理的?时间|行业规范", 1),
        },
        context=VISIT,
    ),
    Rule(
        "verify_identity",
        {
            "credentials": Cue(
                rf"核实{clause(8)}(?:身份|来人|真假|真伪)|工作证|授权(?:书|文件|委托)|委托书|身份证明", 2
            ),
            "impostor": Cue("冒充|假冒|出示|证件", 1),
        },
        context=f"{VISIT}|来人|外访人员",
    ),
    Rule(
        "rare_in_practice",
        {
            "rare": Cue(
                rf"真正(?:上门|走访){clause(6)}(?:不高|很低|较低|很少|不多|极少|不大|较小)|"
                rf"很少(?:真正|真的)?(?:上门|走访)|(?:多数|大部分|通常){clause(10)}以{clause(6)}为主|"
                rf"(?:上门|走访){clause(6)}(?:概率|可能性|几率){clause(4)}(?:不大|很小|较小|很低|较低|不高)",
                2,
            ),
        },
        context=VISIT,
    ),
    Rule(
        "call_police",
        {"call": Cue(r"报警|(?<!\d)110(?!\d)", 2), "police": Cue("公安|派出所|警方", 1)},
        context=ON_SITE,
    ),
)

