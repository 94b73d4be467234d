"""The page's text nodes (extract/html/text_nodes.py): what the title and date steps scan, and
where the article's body starts."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.html.text_nodes import paragraphs, text_nodes

PARAGRAPH = "近年来，我省积极把握制造业发展趋势，加速向智能制造、绿色制造、高端制造方向转型升级。"
SECOND = "工信部近日公布了年度绿色制造名单，省内十五家企业入选国家级绿色工厂，成绩喜人。"


def nodes_of(html: str):
    return text_nodes(LexborHTMLParser(html))


def test_text_nodes_in_page_order_joined_with_offsets():
    nodes = nodes_of("<body><h1>标题 一</h1><p>发布时间：</p><p>2024-05-20</p></body>")
    assert nodes.texts == ["标题 一", "发布时间：", "2024-05-20"]
    assert nodes.joined == "标题 一\n发布时间：\n2024-05-20"
    assert nodes.index_at(nodes.joined.index("2024")) == 2


def test_a_relative_time_stands_for_the_absolute_time_its_element_keeps():
    nodes = nodes_of('<body><span title="2024-05-13 18:25:18">1周前</span><span title="作者主页">3天前</span></body>')
    assert nodes.texts == ["2024-05-13 18:25:18", "3天前"]


def test_a_long_text_that_opens_with_a_relative_time_is_kept():
    nodes = nodes_of('<body><p title="2024-05-13">3天前我们去了一趟雄安新区，看到了正在建设中的新城和许多工地。</p></body>')
    assert nodes.texts == ["3天前我们去了一趟雄安新区，看到了正在建设中的新城和许多工地。"]


def test_a_title_a_crawl_dump_left_in_the_body_is_not_shown_text():
    nodes = nodes_of('<text id="http://example.cn/1.htm" title="站名"><html><head><title>站名</title></head><body><p>正文</p></body></html></text>')
    assert nodes.texts == ["正文"]


def test_paragraphs_are_prose_lines():
    text = "\n".join([
        "| 30天以上 | 电话催收，记入征信，影响以后的贷款审批和信用卡申请 |",
        "- 新闻，体育，娱乐，财经，科技，汽车，房产，旅游，教育，健康，时尚，女性",
        "首页 | 新闻，体育 | 娱乐，财经 | 科技，汽车 | 房产，旅游 | 教育，健康",
        "发布时间：2024-05-20 09:47:48，来源：北京商报，作者：岳品瑜、董晗萱",
        "Saturday, September 10th, 2005 10:56 am by the editors of the blog",
        "IndependantMediaCenter[世界独立媒体中心]中国民间保钓联合会",
        "短句，不到三十个字。",
        PARAGRAPH,
        SECOND,
    ])
    assert paragraphs(text) == [PARAGRAPH, SECOND]


def test_the_body_starts_where_consecutive_paragraphs_do():
    """A site notice the extractor kept far above the article is not where the body starts."""
    notice = "本站所有文章均系站长从网上收集，为了尊重作者的劳动，文中会尽量给出作者姓名。"
    menu = "".join(f"<li><a href='/c{n}'>栏目{n}</a></li>" for n in range(40))
    nodes = nodes_of(f"<body><p>{notice}</p><ul>{menu}</ul><h1>标题</h1><p>{PARAGRAPH}</p><p>{SECOND}</p></body>")
    assert nodes.texts[nodes.body_start(paragraphs(f"{notice}\n{PARAGRAPH}\n{SECOND}"))] == PARAGRAPH


def test_a_lone_paragraph_is_the_body_start():
    nodes = nodes_of(f"<body><h1>标题</h1><p>{PARAGRAPH}</p></body>")
    assert nodes.body_start(paragraphs(PARAGRAPH)) == 1


def test_a_paragraph_is_found_by_its_opening_words():
    """The extractor may render the paragraph's end differently (a link's text, a footnote)."""
    nodes = nodes_of(f"<body><h1>标题</h1><p>{PARAGRAPH}<sup>[1]</sup></p></body>")
    assert nodes.body_start([PARAGRAPH.replace("升级。", "升级[注1]。")]) == 1
