"""Genre junk removal: one test per junk type on real fragments, plus the whole dev site.

Fragments are copied from tests/fixtures/seeds (real pages of the genre, text dumps) or from the
dev site's HTML. Each junk test checks both that the junk is gone and which rule removed it, so
it fails when that rule is removed.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from dev_site import ARTICLES, dev_html
from public_pages import public_page

from benchmarks.scoring import bigram_f1
from cuishou.extract.html import ExtractedPage, extract_page, text_only_page
from cuishou.extract.html.dom import squash
from cuishou.transform.clean import CleanText, clean_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@cache
def dev_page(url: str) -> tuple[ExtractedPage, CleanText]:
    page = extract_page(dev_html(url), url)
    return page, clean_page(page)


def removed_by(clean: CleanText, rule: str) -> list[str]:
    return [r.text for r in clean.removed if r.rule == rule]


def clean_text(text: str, title: str | None = None) -> CleanText:
    return clean_page(text_only_page(text, title))


# --- one test per junk type -------------------------------------------------------------------

SEED_000_COMMENTS = """\
面对微粒贷逾期解决难题借款人要保持冷静,熟悉催收员身份,确认逾期金额与还款期限,沟通协商还款计划,并依法维护自身权益。

精彩评论

头像 战场猛将 2025-03-25
头像 2025-03-25
微粒贷作为一款便捷的个人小额信用贷款产品在满足客户短期资金需求方面发挥了关键作用。随着采用人数的增加逾期还款的情况也逐渐增多。
头像 糙汉爱娇娘 2025-03-25
贷款机构会首先通过发短信,打电话的方式进行催收.如果借款人一直拖欠不还,且欠款金额较大。

编辑:逾期资讯-合作伙伴
"""


def test_comment_section_goes_to_comments_not_text():
    clean = clean_text(SEED_000_COMMENTS)
    assert clean.text.startswith("面对微粒贷逾期解决难题")
    assert "头像" not in clean.text and "精彩评论" not in clean.text
    assert "贷款机构会首先通过发短信" not in clean.text
    assert clean.comments == [
        "微粒贷作为一款便捷的个人小额信用贷款产品在满足客户短期资金需求方面发挥了关键作用。随着采用人数的增加逾期还款的情况也逐渐增多。",
        "贷款机构会首先通过发短信,打电话的方式进行催收.如果借款人一直拖欠不还,且欠款金额较大。",
    ]
    assert "头像 糙汉爱娇娘 2025-03-25" in removed_by(clean, "comment_section")


SEED_003_PERSONAS = """\
在此期间,请务必留意语气礼貌且真诚,这样有助于建立良好的沟通氛围。
头像 史高扬-法务助理 2025-05-10
随着互联网金融的快速发展越来越多的人选择通过申请贷款微粒贷便是其中一款备受关注的产品。
史高扬-法务助理 2025-05-10 在享受便捷服务的同时部分客户也可能因各种起因面临逾期难题。
师伯-律师 2025-05-10
停息分期 微粒贷逾期2天发信息怎么办。
"""


def test_persona_commenters_without_a_comment_heading():
    clean = clean_text(SEED_003_PERSONAS)
    assert clean.text == "在此期间,请务必留意语气礼貌且真诚,这样有助于建立良好的沟通氛围。"
    assert "师伯-律师 2025-05-10" in removed_by(clean, "persona_commenter")
    assert "在享受便捷服务的同时部分客户也可能因各种起因面临逾期难题。" in clean.comments
    assert "停息分期 微粒贷逾期2天发信息怎么办。" in clean.comments


SEED_003_COMMENT_CHROME = """\
期望每位客户都能从中汲取经验教训,在未来的借贷活动中更加谨慎小心,远离不必要的麻烦与纠纷。
发布于 2025-05-10 19:36:30・IP 属地北京
写下你的评论...

还没有评论,发表之一个评论吧
"""


def test_comment_widgets_are_removed():
    clean = clean_text(SEED_003_COMMENT_CHROME)
    assert clean.text == "期望每位客户都能从中汲取经验教训,在未来的借贷活动中更加谨慎小心,远离不必要的麻烦与纠纷。"
    assert removed_by(clean, "comment_section") == [
        "发布于 2025-05-10 19:36:30・IP 属地北京",
        "写下你的评论...",
        "还没有评论,发表之一个评论吧",
    ]


def test_dom_comment_container_lines_are_removed():
    """site-c: the extractor merges each comment into one '- 名字 日期 正文' line without any
    heading; only the DOM comment container identifies '星河滚烫' as a commenter."""
    page, clean = dev_page("http://site-c.test/wenda/157102.html")
    merged = "- 星河滚烫 2025-06-07 征信花了以后再想贷款真的很难批,现在每个月按时还一点~"
    assert merged in page.text
    assert merged in removed_by(clean, "comment_section")
    assert "星河滚烫" not in clean.text
    assert "征信花了以后再想贷款真的很难批,现在每个月按时还一点~" in clean.comments


SEED_001_LINK_FARM = """\
微粒贷作为正规金融机构的产品,其逾期处理与催收行为必须严格遵守相关法律法规。同时,树立正确的信用观念,避免逾期,是防范此类问题的根本之道。

相关内容:
回收全新未拆封手机的可行性分析
分期购买手机0首付真相揭秘
分期购买手机的高额利息合法性解析
分期零首付,轻松拥有OPPO N3:科技魅力触手可及
分期购买手机为何显得更便宜?
消费分期公司声称将进行上门访问:应对策略与注意事项
如何查找并利用消费分期服务
"""


def test_link_farm_under_a_related_heading():
    clean = clean_text(SEED_001_LINK_FARM)
    assert clean.text.startswith("微粒贷作为正规金融机构的产品") and "\n" not in clean.text
    farm = removed_by(clean, "link_farm")
    assert farm[0] == "相关内容:" and "分期购买手机为何显得更便宜?" in farm and len(farm) == 8


SITE_A_SIDEBAR = ["上门催收人员能做什么、不能做什么", "微粒贷逾期结清后,征信多久才能恢复", "花唄逾期一天會不會影響徵信"]


def test_run_of_link_titles_without_heading():
    text = "只要做到这几点,电话录音就能在维权过程中发挥应有的作用。\n" + "\n".join(SITE_A_SIDEBAR)
    page = replace(text_only_page(text), link_texts=frozenset(map(squash, SITE_A_SIDEBAR)))
    clean = clean_page(page)
    assert clean.text == "只要做到这几点,电话录音就能在维权过程中发挥应有的作用。"
    assert removed_by(clean, "link_farm") == SITE_A_SIDEBAR


SEED_000_TITLE = "微粒贷逾期处理指南:上门催收两次的应对策略与法律权益解析"
SEED_000_INJECTED = f"""\
1. 借款人的合法权益

{SEED_000_TITLE}

按照我国相关法律法规,借款人享有以下合法权益:

(1)知情权:借款人有权理解贷款的利率、还款期限、逾期利息等事项。

{SEED_000_TITLE}

(2)选择权:借款人有权选择还款办法,如等额本息、等额本金等。
"""


@pytest.mark.parametrize("title", [SEED_000_TITLE, None])
def test_injected_title_lines(title):
    """With the page title, or (text dumps) the recurring first heading-like line."""
    text = SEED_000_INJECTED if title else f"{SEED_000_TITLE}\n{SEED_000_INJECTED}"
    clean = clean_text(text, title)
    assert SEED_000_TITLE not in clean.text
    assert clean.text.splitlines()[:2] == ["1. 借款人的合法权益", "按照我国相关法律法规,借款人享有以下合法权益:"]
    assert len(removed_by(clean, "injected_title")) == (2 if title else 3)


def test_title_with_question_mark_is_an_injected_title():
    clean = clean_text("微粒贷逾期2天发信息怎么办?\n近年来随着互联网金融的迅速发展越来越多的人开始选择通过线上贷款平台解决资金需求。", "微粒贷逾期2天发信息怎么办")
    assert removed_by(clean, "injected_title") == ["微粒贷逾期2天发信息怎么办?"]


SEED_000_OUTLINE = """\
在当今社会,贷款已经成为多人解决资金疑惑的一种常见形式。
一、应对上门催收两次的策略
1. 保持冷静,熟悉催收员身份
2. 确认逾期金额与还款期限
3. 沟通协商还款计划
一、应对上门催收两次的策略
1. 保持冷静,理解催收员身份
面对上门催收借款人首先要保持冷静,不要慌张。在催收员表明身份后,需求其出示相关证件,如工作证、授权书等。
2. 确认逾期金额与还款期限
在催收进展中,借款人应仔细核对逾期金额与还款期限。
3. 沟通协商还款计划
借款人可以与催收员沟通说明自身经济状况,协商制定合理的还款计划。
"""


def test_outline_repeated_before_the_body_with_synonym_swap():
    clean = clean_text(SEED_000_OUTLINE)
    assert removed_by(clean, "outline_repeat") == [
        "一、应对上门催收两次的策略",
        "1. 保持冷静,熟悉催收员身份",
        "2. 确认逾期金额与还款期限",
        "3. 沟通协商还款计划",
    ]
    for heading in ("一、应对上门催收两次的策略", "2. 确认逾期金额与还款期限", "3. 沟通协商还款计划"):
        assert clean.text.count(heading) == 1
    assert "1. 保持冷静,理解催收员身份" in clean.text


def test_short_heading_list_without_body_is_not_an_outline():
    """Headings repeated back to back (no body text between them) are a table, not a TOC."""
    text = "成人票原价:30元\n老人票原价:25元\n学生票原价:12元\n备注:节假日价格另行公布。\n成人票原价:30元\n老人票原价:25元\n学生票原价:12元"
    assert removed_by(clean_text(text), "outline_repeat") == []


SEED_000_FOOTER = """\
期待本文能为您提供有益的指导。
编辑:逾期资讯-合作伙伴
本文链接:https://www.hongjibp.com/yongkayq/laws-787606.html
版权与免责声明:
  ① 凡本网注明"来源:"的所有作品,版权均属于,未经本网授权不得转载、摘编或利用其它方式使用上述作品。
  ② 凡本网注明"来源:xxx(非)"的作品,均转载自其它媒体,转载目的在于传递更多信息,并不代表本网赞同其观点和对其真实性负责。
  ③ 如因作品内容、版权和其它问题需要同本网联系的,请在30日内进行。
Copyright © 2000 - 2023 All Rights Reserved.
"""


def test_footer_and_disclaimer_lines():
    clean = clean_text(SEED_000_FOOTER)
    assert clean.text == "期待本文能为您提供有益的指导。"
    assert len(removed_by(clean, "footer_disclaimer")) == 5
    assert removed_by(clean, "attribution") == ["编辑:逾期资讯-合作伙伴", "本文链接:https://www.hongjibp.com/yongkayq/laws-787606.html"]


def test_prose_that_mentions_copyright_is_kept():
    line = "其次,提供音频和视频内容的播客,使本来已经很麻烦的互联网版权问题更加复杂。" * 3 + "如有侵权请联系作者删除,这是很多播客节目的常见做法。"
    assert clean_text(line).text == line


SEED_001_CHROME = """\
微粒贷逾期与上门催收应对策略

发布时间:2024-04-06 05:09:03

微粒贷作为一款知名的线上个人消费信贷产品,其逾期处理方式与用户权益保护备受关注。
分享到:微信 微博 QQ空间
上一篇:信用卡逾期,催收电话打到单位该怎么处理
To Top
"""


def test_byline_and_page_chrome():
    clean = clean_text(SEED_001_CHROME, "微粒贷逾期与上门催收应对策略")
    assert clean.text == "微粒贷作为一款知名的线上个人消费信贷产品,其逾期处理方式与用户权益保护备受关注。"
    assert removed_by(clean, "byline") == ["发布时间:2024-04-06 05:09:03"]
    assert removed_by(clean, "chrome") == ["分享到:微信 微博 QQ空间", "上一篇:信用卡逾期,催收电话打到单位该怎么处理", "To Top"]


def test_site_name_line_is_chrome():
    page = replace(text_only_page("借贷百科\n一些网贷平台逾期后,借款人会收到内容露骨的短信。"), site_name="借贷百科")
    assert removed_by(clean_page(page), "chrome") == ["借贷百科"]


def test_article_printed_twice_keeps_one_copy():
    """Seed 003: article, fake comments, then the whole article and comments again."""
    dump = (FIXTURES / "seeds" / "003_40e69c8f8ab506fb.txt").read_text(encoding="utf-8")
    clean = clean_text(dump, "微粒贷逾期2天发信息怎么办")
    first_paragraph = "近年来随着互联网金融的迅速发展越来越多的人开始选择通过线上贷款平台解决资金需求。"
    assert clean.text.count(first_paragraph) == 1
    assert clean.text.count("五、长远规划,避免再次陷入困境") == 1
    assert len(removed_by(clean, "in_page_duplicate")) >= 19
    assert len(clean.comments) == 4 and "头像" not in clean.text


def test_single_repeated_sentence_is_kept():
    text = "合同约定的利率不得超过法律规定的上限。\n借款人可以要求平台出示借款合同原件。\n合同约定的利率不得超过法律规定的上限。"
    assert clean_text(text).text == text


# --- whole pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("gold", ARTICLES, ids=[g["url"] for g in ARTICLES])
def test_dev_site_article(gold):
    page, clean = dev_page(gold["url"])
    assert page.is_article
    assert (page.title, page.published) == (gold["title"], gold["published"])
    assert bigram_f1(clean.text, gold["main_text"])[2] >= 0.95
    text = squash(clean.text)
    assert [j for j in gold["junk_lines"] if squash(j) and squash(j) in text] == []
    assert all(text.count(squash(line)) == 1 for line in gold["must_appear_once"])


@pytest.mark.parametrize("gold", ARTICLES, ids=[g["url"] for g in ARTICLES])
def test_clean_gold_text_is_left_unchanged(gold):
    """No over-cleaning: the gold main text (title given) has no junk, so nothing is removed."""
    clean = clean_text(gold["main_text"], gold["title"])
    assert (clean.text, clean.removed) == (gold["main_text"], [])


CLEAN_ARTICLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>信用卡逾期后如何与银行协商还款 - 示例站</title></head><body>
<article><h1>信用卡逾期后如何与银行协商还款</h1><p class="meta">2024-05-06</p>
<p>信用卡逾期以后,不少持卡人第一反应是逃避银行的电话,其实这样只会让问题越拖越重。主动沟通才是解决问题的第一步。</p>
<h2>一、先弄清楚欠款构成</h2>
<p>登录手机银行查看账单,把本金、利息、违约金分别记下来,心里有数之后再和银行谈,才能提出切合实际的方案。</p>
<h2>二、准备困难证明材料</h2>
<p>失业证明、医疗单据、收入流水都可以作为还款困难的证明。材料越完整,银行越容易同意个性化分期。</p>
<h2>三、书面确认协商结果</h2>
<p>达成一致后,要求银行通过短信或者书面协议确认分期期数和每期金额,并按时履约,避免协议失效。</p>
</article></body></html>"""


def test_clean_page_comes_out_unchanged():
    page = extract_page(CLEAN_ARTICLE)
    clean = clean_page(page)
    assert (page.title, page.published, page.is_article) == ("信用卡逾期后如何与银行协商还款", "2024-05-06", True)
    assert clean.removed == [] and clean.comments == []
    assert clean.text == page.text
    assert clean.text.splitlines()[0].startswith("信用卡逾期以后") and "三、书面确认协商结果" in clean.text


@pytest.mark.parametrize("seed", sorted((FIXTURES / "seeds").glob("*.txt")), ids=lambda p: p.name)
def test_audit_trail_accounts_for_every_line(seed):
    """Nothing disappears silently: kept lines plus removed spans are exactly the input lines."""
    text = seed.read_text(encoding="utf-8")
    clean = clean_text(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert sorted(clean.text.splitlines() + [r.text for r in clean.removed]) == sorted(lines)


# --- rules from the public extraction benchmark (shared/benchmarks/extraction) -----------------

# magic_html forum/b5bb37137a346f6d: a 豆瓣 短评 page. Every text is inside a comment-item
# container; there is no article beside them.
DOUBAN_SHORTS = [
    "我们的善良和恶毒都不够纯粹，所以痛苦。",
    "有人说2024了还在拍这些女性困境，但是事实上2024了女性依然被困住。细腻程度好评，40岁的两位女演员也有这样的好戏可演，是大陆影视圈需要反思的",
    "五菜一汤 还是男人会做梦",
    "编剧能力惊人，简庆芬和男主在车上聊男主和瑞贝卡的恋情困境，暗戳戳的茶又不会让人反感，这可真是完全不好写啊，少写一点感受不出简庆芬想争取男主的心，多写一点，简庆芬这个人物就会被骂了",
    "诶 李大仁 你有没有一个感觉……",
    "林依晨许玮甯，一个可爱一个绝美，你们俩才是绝配啊！别抢什么男人了",
    "感觉自己正在成为Rebecca。人生真是一道薛定谔的猫的谜题啊。如果怎么选都不会快乐的话，那活着好像也不过是一场痛苦持久战，看谁能熬。那熬出头之后呢？",
    "给许玮甯的妆造是为了弱化她的美吗？我要心疼死rebecaa 了。",
]
DOUBAN_SHORT_COMMENTS = (
    '<!DOCTYPE html><html><head><title>不够善良的我们 短评</title></head><body><div id="content">'
    '<h1>不够善良的我们 短评</h1><div class="mod-bd" id="comments">'
    + "".join(
        f'<div class="comment-item"><div class="comment"><h3><span class="comment-vote">'
        f'<span class="votes vote-count">{6765 - n}</span><a href="javascript:;">有用</a></span>'
        f'<span class="comment-info"><a href="https://www.douban.com/people/{n}/">用户{n}</a><span>看过</span>'
        f'<span class="comment-time">2024-04-07 13:19:20</span></span></h3>'
        f'<p class="comment-content"><span class="short">{short}</span></p></div></div>'
        for n, short in enumerate(DOUBAN_SHORTS)
    )
    + "</div></div></body></html>"
)


def test_comments_with_no_article_beside_them_are_the_text():
    """A thread or review list: removing its 'comments' would leave nothing, so they stay."""
    clean = clean_page(extract_page(DOUBAN_SHORT_COMMENTS))
    assert removed_by(clean, "comment_section") == []
    assert all(short in clean.text for short in DOUBAN_SHORTS)
    assert clean.comments == []  # in the text, so not listed again as comments


# webmainbench 93898d00: a novel's page whose content is its chapter list (8,937 links; the first 45).
NOVEL_CHAPTERS = [f"{n}.第{n}章 {name}" for n, name in enumerate(
    ["林轩", "你，过来！", "剑型吊坠", "夜袭", "外门测试", "竹林卫", "任务", "养剑师", "云水剑法", "激斗", "酒爷", "双绝",
     "雷动", "风暴", "天香坊", "灵液", "强买", "震慑", "力量掌控", "外门风云", "执法队", "方长老", "阵旗战", "快剑",
     "两个选择", "完胜", "你会后悔的！", "武之四境", "一招", "魔坑", "四大年轻高手", "毒蛇佣兵团", "惊艳一剑", "外门四杰",
     "得手", "残破遁符", "幻境剑意", "红炎", "魔坑中走出的少年", "交手", "挑战", "指点", "尹青衣", "通通拍飞",
     "内门选拔赛，开始！"], start=1)]


def test_a_page_that_is_a_list_of_links_keeps_them():
    text = "【一剑逆天，狂神归来！】 一个不屈少年，一道龙魂剑影，一段不朽传奇。\n" + "\n".join(NOVEL_CHAPTERS)
    page = replace(text_only_page(text), link_texts=frozenset(map(squash, NOVEL_CHAPTERS)))
    assert clean_page(page).text == text


# magic_html article/0987b0ff61a8eca7 (39健康网): a 推荐 heading over dated link items.
HEALTH_LINKS = ["癫痫病的诊断方法你知道吗？看看昆明癫痫专科医院专家的介绍", "沈阳治疗外阴白斑需要多少费用-服务人性化", "南通如何预防白癜风的出现?"]
HEALTH_RECOMMENDED = """\
煮粥的时候要注意水量和火候，水一次加足，中途不要再添水，这样煮出来的粥才会黏稠香浓。
健康资讯推荐
- 2021-01-19癫痫病的诊断方法你知道吗？看看昆明癫痫专科医院专家的介绍
- 2021-01-19沈阳治疗外阴白斑需要多少费用-服务人性化
- 2021-01-19南通如何预防白癜风的出现?
热门问答更多
推荐医院更多"""


def test_link_list_under_a_recommended_heading():
    page = replace(text_only_page(HEALTH_RECOMMENDED), link_texts=frozenset(map(squash, HEALTH_LINKS)))
    clean = clean_page(page)
    assert clean.text == HEALTH_RECOMMENDED.splitlines()[0]
    assert removed_by(clean, "link_farm")[0] == "健康资讯推荐" and "推荐医院更多" in removed_by(clean, "link_farm")


# magic_html article/2681eeacec6ab049 (Yahoo 香港): linked teasers, each "来源· 标题 摘要".
YAHOO_TEASERS = """\
5月迄今投資收益約4.02%，預計年初迄今回報約為6.33%。
你可能還想看
- 信報財經新聞· 重置城寨 不如搞「港版環球影城」 最新港產片《九龍城寨之圍城》熱播，好評如潮，不少人建議政府「復刻」該片的九龍城寨場景作為旅遊景點。
- Yahoo財經· 日元繼續穿5算 銀行找換店最新兌換價比較 近日日元低位徘徊，自然吸引不少港人心郁郁兌換日元儲定彈藥去日本旅行。"""


def test_linked_teasers_under_a_you_may_like_heading():
    links = frozenset(["重置城寨不如搞「港版環球影城」", "日元繼續穿5算銀行找換店最新兌換價比較"])
    clean = clean_page(replace(text_only_page(YAHOO_TEASERS), link_texts=links))
    assert clean.text == YAHOO_TEASERS.splitlines()[0]
    assert len(removed_by(clean, "link_farm")) == 3


def test_teaser_lines_without_links_are_not_a_link_list():
    """Long list items under a 推荐 heading stay unless they hold a link of the page."""
    text = "三、律师推荐\n- 先固定证据：保存催收短信、通话录音和上门时的视频，记下催收人员的姓名和工号。\n- 再向平台和监管部门投诉。"
    assert removed_by(clean_text(text), "link_farm") == ["三、律师推荐"]


NEWS_CHROME = """\
原标题:以战时内阁审查重启停火谈判提案
2021-01-20 04:29:44 39健康网
以色列战时内阁22日晚审查了重启与哈马斯停火谈判的提案。
39健康网(www.39.net)专稿，未经书面授权请勿转载。
首页 | 上一页 1 下一页 | 尾页
加载更多新闻
举报/反馈
廣告"""


def test_news_page_chrome_lines():
    """magic_html 39dd62c5 / 0987b0ff / 2681eeac: original-title and timestamp bylines, a
    请勿转载 notice, pagination, load-more, report and advert labels."""
    clean = clean_text(NEWS_CHROME)
    assert clean.text == "以色列战时内阁22日晚审查了重启与哈马斯停火谈判的提案。"
    assert removed_by(clean, "attribution") == NEWS_CHROME.splitlines()[:1]
    assert removed_by(clean, "byline") == NEWS_CHROME.splitlines()[1:2]
    assert removed_by(clean, "footer_disclaimer") == ["39健康网(www.39.net)专稿，未经书面授权请勿转载。"]
    assert len(removed_by(clean, "chrome")) == 4


def test_timestamped_table_rows_are_not_bylines():
    """readability toc-missing: query output rows start with a timestamp but are content."""
    rows = "2020-08-01 18:00:00+00 │ 200 │ 4084\n2020-08-01 18:00:00+00 │ 404 │ 0"
    assert clean_text(rows).text == rows


# readability toc-missing: a SQL query shown, then shown again with one more column (short code lines).
SQL_QUERY = """\
WITH series AS (
SELECT *
FROM unnest(array[2, 3, 5, 2, 3, 12, 5, 3, 4]) AS n
),
stats AS (
SELECT
avg(n) series_avg,
stddev(n) as series_stddev
FROM
series
),
zscores AS (
SELECT
n,
(n - series_avg) / series_stddev AS zscore
FROM
series,
stats
)
SELECT
*,"""
SQL_SHOWN_TWICE = f"{SQL_QUERY}\nzscore NOT BETWEEN -0.5 AND 0.5 AS is_anomaly\nFROM zscores;\nThe value 12 has a z-score outside the range, so it is an anomaly.\n{SQL_QUERY}\nzscore NOT BETWEEN -1 AND 1 AS is_anomaly"


def test_repeated_short_lines_are_not_a_second_copy():
    """A second copy of the article repeats paragraphs; repeated code lines do not make one."""
    assert clean_text(SQL_SHOWN_TWICE).text == SQL_SHOWN_TWICE


# --- page types and chrome from the second round on the public benchmark ------------------------

def test_rows_of_links_in_a_layout_table_are_a_link_farm():
    """cn_content 3832838a (雅虎 2005): ad rows '| · | 医疗关注--前列腺新发现 | · | … |' between
    paragraphs, every cell a link or chrome (the byline row with its 发表评论 link); empty rows are chrome."""
    fixture = public_page("link_rows")
    clean = clean_page(extract_page(fixture["html"]))
    assert "| · | 医疗关注--前列腺新发现 | · | 皮肤顽疾----康复圣地 |" in removed_by(clean, "link_farm")
    assert "| 2005-04-27 14:32更新 来源：千龙新闻网 | 发表评论 |  |" in removed_by(clean, "link_farm")
    assert removed_by(clean, "chrome") == ["|  |", "|  |", "|  |  |"]
    assert "医疗关注" not in clean.text and "今 日 推 荐" not in clean.text
    assert "2005年4月18日吴宗宪进棚录像" in clean.text


def test_table_rows_without_links_stay():
    rows = "| 逾期时长 | 常见处理 |\n| 30天以上 | 电话催收，记入征信 |"
    assert clean_text(rows).text == rows


def test_a_threads_replies_stay_in_the_text():
    """WordPress discussion board: the answers sit in comment containers; on a thread they are
    the content, so the DOM comment rule leaves them."""
    fixture = public_page("thread_replies")
    clean = clean_page(extract_page(fixture["html"], fixture["url"]))
    answer = "To start getting art commissions, you can follow these steps:"
    assert answer in clean.text
    assert removed_by(clean, "comment_section") == [] and clean.comments == []


# magic_html forum/064630183c160b4e and the Discuz thread forum/8cf0af42df35f70b: post toolbars.
FORUM_CHROME = """\
求助：专利年费缴纳期限过了半年还能补缴吗？需要交多少滞纳金？
发布于
首赞
手机查看
0个评论
倒序看帖
仅看楼主
只看该作者
电梯直达"""


def test_forum_post_toolbar_lines():
    clean = clean_text(FORUM_CHROME)
    assert clean.text == FORUM_CHROME.splitlines()[0]
    assert removed_by(clean, "chrome") == FORUM_CHROME.splitlines()[1:]


# magic_html article/71bfee3a89353841 (CSDN): the login-perk and report dialogs, printed inline.
CSDN_DIALOGS = """\
1107436458 某鹅 说明来处
最新推荐文章于 2023-09-04 17:53:10 发布
登录后您可以享受以下权益：
- 免费复制代码
- 和博主大V互动
- 下载海量资源
- 发动态/写文章/加入社区
被折叠的  条评论
选择你想要举报的内容（必选）
- 内容涉黄
- 政治相关
- 内容抄袭
- 其他"""


def test_inline_dialogs_and_their_options():
    clean = clean_text(CSDN_DIALOGS)
    assert clean.text == "1107436458 某鹅 说明来处"
    assert "- 下载海量资源" in removed_by(clean, "chrome") and "- 内容抄袭" in removed_by(clean, "chrome")


# cn_content 35687fb1 (a 2006 blog): the sidebar of the latest comments on the author's posts.
LATEST_COMMENTS_WIDGET = """\
播客这种形式让普通人也能发出自己的声音，传统媒体必须正视这种变化。
- 〖没事〗回复: 《王 丹：我们已经看到中国民主的希望》
拿了人家的钱就是手软,说话都没什么底气
(2006-12-04 23:40:22)
- 回复: 《还我一个丰腴的女人》
从进化论看男人为什么喜欢丰乳肥臀细腰...
(2005-10-17 23:57:13)
本文通告引用(Trackback)链接: /wp-trackback.php?p=1700"""


def test_latest_comments_widget():
    clean = clean_text(LATEST_COMMENTS_WIDGET)
    assert clean.text == LATEST_COMMENTS_WIDGET.splitlines()[0]
    assert "拿了人家的钱就是手软,说话都没什么底气" in clean.comments
    assert removed_by(clean, "byline") == ["(2006-12-04 23:40:22)", "(2005-10-17 23:57:13)"]


# qq (readability test page), magic_html a28ede747c822c44 (光明网), 2338d64a03dcd33c (趣识经).
NAVIGATION_AND_SHARING = """\
科技 > 要闻 > THE NEXT WEB > 正文
时间：2022-11-24 05:30:58编辑：
点击右上角微信好友
朋友圈
请使用浏览器分享功能进行分享
阅读剩余全文（）
4月2日，随着检测车从南充北站缓缓驶出，标志着新建汉中至巴中至南充铁路南充至巴中段启动联调联试。
本文标签：
- 1 超市防盗软标签是什么样的
- 2 平方差公式几何证明6种
- 3 k字头火车充电口位置"""


def test_breadcrumb_share_widget_and_numbered_tag_links():
    links = frozenset(["超市防盗软标签是什么样的", "平方差公式几何证明6种", "k字头火车充电口位置"])
    clean = clean_page(replace(text_only_page(NAVIGATION_AND_SHARING), link_texts=links))
    assert clean.text == NAVIGATION_AND_SHARING.splitlines()[6]
    assert removed_by(clean, "byline") == ["时间：2022-11-24 05:30:58编辑："]
    assert removed_by(clean, "link_farm") == NAVIGATION_AND_SHARING.splitlines()[-3:]


# magic_html article/3e863fa9ac341618 (1905电影网) and 777ddd63e01e0fb1 (中国诗歌网); cn_content d8d4c4ec (搜狐).
PLAYER_AND_REPORT_FORM = """\
5月20日起，《蓝羽会客厅》推出特别节目《北京影人》，每晚22:00在电影频道播出。
时长：01:45 来源：电影网
倍速
- 2.0X
- 0.75X
00:00
很抱歉，当前视频播放失败
错误代码：QVS.4100
举报原因（必填）：
侵权抄袭
其他不良信息
请详细阐明具体原因：
【编辑:刘欢】 返回搜狐，查看更多"""


def test_video_player_report_form_and_bracketed_editor_line():
    clean = clean_text(PLAYER_AND_REPORT_FORM)
    assert clean.text == PLAYER_AND_REPORT_FORM.splitlines()[0]
    assert removed_by(clean, "attribution") == ["【编辑:刘欢】 返回搜狐，查看更多"]
    assert "侵权抄袭" in removed_by(clean, "chrome") and "错误代码：QVS.4100" in removed_by(clean, "chrome")


# --- rules from real news and forum templates (shared/benchmarks/extraction) ---------------------

# cn_content a6e8b739 (央视论坛): a short first post, then the thread tree: each item a link plus
# its author, date, size and counters, with empty list items between them.
THREAD_TREE_LINKS = ["旅行中，谁忽悠了你？", "参与旅行社的一般都是弱势群体……", "一把辛酸泪啊。", "还是素质问题"]
THREAD_TREE = """\
导游的收入很大一部分来自购物的回扣，这是业内的“行规”，境内游境外游都是这样的，属于国际惯例。所以，以我的经验，一定要看清楚合同，进店前问清楚停留时间，不要听导游瞎掰。
-
旅行中，谁忽悠了你？【新闻频道版主】08-11 16:06 298字 [4321/87]
- 参与旅行社的一般都是弱势群体……【梅骏！】08-11 16:58 138字 [140/0]
-
- 一把辛酸泪啊。【皮皮说话】08-11 17:15 80字 [176/0]
- 还是素质问题【柠檬沁心】08-11 17:20 124字 [137/0]"""


def test_links_with_only_metadata_beside_them_are_a_link_farm():
    page = replace(text_only_page(THREAD_TREE), link_texts=frozenset(map(squash, THREAD_TREE_LINKS)))
    clean = clean_page(page)
    assert clean.text == THREAD_TREE.splitlines()[0]
    assert len(removed_by(clean, "link_farm")) == 6  # the empty items inside the run go with it


def test_link_items_with_prose_beside_them_stay():
    """A link inside a sentence is no list item: the rest of the line is words, not metadata."""
    lines = [f"{link}这是网友在帖子里写下的一段很长的亲身经历" for link in THREAD_TREE_LINKS]
    page = replace(text_only_page("\n".join(lines)), link_texts=frozenset(map(squash, THREAD_TREE_LINKS)))
    assert removed_by(clean_page(page), "link_farm") == []


def test_a_reply_tree_goes_even_when_it_outweighs_the_post():
    """A list nearly all of the text stays only when hardly anything is left beside it."""
    tree = "\n".join(f"- 回复{n}号：导游推荐的店【网友{n}】08-12 11:{n:02d} {n}字 [1{n}/0]" for n in range(40))
    links = frozenset(f"回复{n}号：导游推荐的店" for n in range(40))
    text = THREAD_TREE.splitlines()[0] + "\n" + tree
    assert clean_page(replace(text_only_page(text), link_texts=links)).text == THREAD_TREE.splitlines()[0]


# cn_content 3e1af229 (松花江网): a 反侵权公告 heading over numbered clauses.
DISCLAIMER_SECTION = """\
土豆不“土”，土豆无“土”，无土栽培的土豆种薯正在温室里一排排长大，春耕前就能送到农户手里。
反侵权公告：
一、任何单位或个人，在任何公开传播平台上使用著作权归属于本报社的作品，须取得书面授权。
二、对侵犯本报社著作权益的违法行为，本报社将依法追究其法律责任。
三、对于各类非法转载行为，欢迎读者提供侵权线索：
无土栽培让土豆种薯的脱毒率大大提高。"""


def test_disclaimer_heading_takes_its_numbered_clauses():
    clean = clean_text(DISCLAIMER_SECTION)
    lines = DISCLAIMER_SECTION.splitlines()
    assert removed_by(clean, "footer_disclaimer") == lines[1:5]
    assert clean.text.splitlines() == [lines[0], lines[5]]


def test_numbered_advice_without_a_disclaimer_heading_stays():
    text = "一、保留催收短信和通话录音。\n二、向银保监会或者互联网金融协会投诉。"
    assert clean_text(text).text == text


# magic_html 3e863fa9 (1905电影网): the headline printed again, reworded, around the body.
def test_reworded_title_lines_are_injected_titles():
    title = "《蓝羽会客厅》之《北京影人》5月20日起播出"
    text = ("《蓝羽会客厅》之《北京影人》5月20日起电影频道22:00播出\n"
            "5月20日起，《蓝羽会客厅》推出特别节目《北京影人》，每晚22:00在电影频道播出。")
    clean = clean_text(text, title)
    assert removed_by(clean, "injected_title") == [text.splitlines()[0]]
    assert clean.text == text.splitlines()[1]


def test_a_heading_that_only_shares_words_with_the_title_stays():
    clean = clean_text("二、上门催收时先核实身份\n正文内容在这里。", "网贷逾期被上门催收怎么办")
    assert removed_by(clean, "injected_title") == []


# cn_content 2bac7fb2 / 9b1e5dcb: table rows of one cell are matched as their cell.
def test_a_single_cell_table_row_is_matched_as_its_cell():
    text = "日本无性婚姻问题严重，多数夫妻生活有名无实，专家呼吁社会关注这一现象。\n| 责任编辑：王明 |  |\n| 郑 重 声 明 |"
    clean = clean_text(text)
    assert removed_by(clean, "attribution") == ["| 责任编辑：王明 |  |"]
    assert removed_by(clean, "footer_disclaimer") == ["| 郑 重 声 明 |"]


# News templates' feeds and rankings (magic_html 6db2e2d6 贴吧, cn_content 6820ebe7 千龙网, c268c1b4 雅虎).
@pytest.mark.parametrize("heading", ["为你推荐", "小编最近文章", "贴吧热议榜", "新闻排行榜", "财经新闻TOP10:", "今日焦点：",
                                     "热门话题", "图片精选", "作者曾经发过的文章", "相关专题:", "TA的热门作品"])
def test_feed_and_ranking_headings_take_their_items(heading):
    text = f"网贷逾期以后，先别慌张，按下面的步骤和平台沟通，保留好每一次沟通的记录。\n{heading}\n- 1是什么原因导致逾期1623333\n- 2五月天演唱会回应假唱争议"
    clean = clean_text(text)
    assert removed_by(clean, "link_farm") == text.splitlines()[1:]


@pytest.mark.parametrize("heading", ["各银行信用卡逾期率排行榜", "四、网贷逾期最新动态"])
def test_article_headings_about_rankings_and_news_keep_their_lists(heading):
    text = f"{heading}\n- 招商银行：逾期率1.75%\n- 平安银行：逾期率2.1%"
    assert removed_by(clean_text(text), "link_farm") == []


def test_a_long_copyright_line_is_a_footer():
    """magic_html forum eaddae4e: a copyright line running on with licensees and trademarks,
    longer than the line rules read, is still a footer (it starts with Copyright)."""
    line = ("Copyright © 2024 Nexon Korea Corporation & Valve Corporation, Licensed to Shanghai Posts & "
            "Telecommunications Technology Co., Ltd., in China")
    clean = clean_text(f"游戏全屏显示的问题，调整一下分辨率就可以解决，大家可以试试看这个办法。\n{line}")
    assert removed_by(clean, "footer_disclaimer") == [line]


def test_outline_with_several_reworded_headings():
    """Two of four outline headings come back reworded: matched as near duplicates, not exactly."""
    text = """\
一、先弄清楚欠款的构成
二、准备好困难证明的材料
三、主动联系银行协商分期
四、书面确认协商的结果
一、先搞清楚欠款的构成
登录手机银行查看账单,把本金、利息、违约金分别记下来,心里有数之后再和银行谈。
二、准备好困难证明材料
失业证明、医疗单据、收入流水都可以作为还款困难的证明,材料越完整越好。
三、主动联系银行协商分期
拨打信用卡背面的客服电话,说明情况,要求转接到负责协商的部门办理。
四、书面确认协商的结果
要求银行通过短信或者书面协议确认分期期数和每期金额,并按时履约。"""
    clean = clean_text(text)
    assert removed_by(clean, "outline_repeat") == text.splitlines()[:4]


def test_a_short_repeated_pair_of_paragraphs_is_kept():
    """Two paragraphs said twice but under DUP_RUN_MIN_CHARS together: a summary, not a second copy."""
    pair = ["借款人应当保留全部催收短信和通话录音,并且记下每一次来电的时间和号码,作为日后维权的证据使用。",
            "遇到暴力催收可以拨打110报警,也可以向银保监会、互联网金融协会或者平台的客服投诉举报,要求对方停止骚扰。"]
    text = "\n".join([*pair, "以上两点最为重要,下面再重复一遍。", *pair])
    assert clean_text(text).text == text
