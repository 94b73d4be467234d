"""The article gate on real page shapes: what is rejected, what is kept although it looks thin.

Fragments are cut down from pages of the public extraction benchmark (named in each case) and
rebuilt as small pages; each case fails when its rule is removed.
"""

from __future__ import annotations

from cuishou.extract.html import extract_page
from cuishou.extract.html.gate import GateInput, not_article_reason
from cuishou.extract.html.listing import LinkIndex

PROSE = "借款人逾期以后，平台会先通过短信和电话提醒还款，之后才可能委托第三方机构催收。"


def page(body: str, title: str = "示例", head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


# cn_content 386d70f8 (麻辣社区): a forum's error page titled 错误信息.
def test_error_page_by_its_title():
    html = page("<table><tr><td>您在访问帖子的时候发生错误,共有1项,下面是错误的详细信息</td></tr>"
                "<tr><td>错误的版面参数！请确认您是从有效的连接进入。</td></tr></table>",
                "大话四川-[原创]朋友,请正确客观认识凉山、西昌！错误信息[麻辣社区]")
    assert extract_page(html).not_article_reason.startswith("error page")


def test_an_article_about_errors_is_not_an_error_page():
    text = "\n".join([PROSE] * 10)
    assert not_article_reason(GateInput("还款时发生错误扣款怎么办", text, LinkIndex(frozenset()))) is None


# cn_content 59562291 (文学城博客): a month archive, several dated posts under td.post-title.
def archive(dated: bool, tag: str = "td") -> str:
    posts = "".join(
        f'<tr><{tag} class="post-title">第{n}篇 日记标题</{tag}></tr>'
        f'<tr><td>{"2005-06-1" + str(n) + " 03:25:55" if dated else "海姑娘"}</td></tr>'
        f"<tr><td><p>{PROSE * 4}</p></td></tr>"
        for n in range(4)
    )
    return page(f"<table>{posts}</table>", "海姑娘")


def test_archive_of_dated_posts_is_not_an_article():
    assert extract_page(archive(dated=True)).not_article_reason.startswith("archive: 3 dated posts")


def test_sections_without_dates_are_an_article():
    assert extract_page(archive(dated=False)).is_article


def test_linked_titles_are_not_post_headings():
    assert not extract_page(archive(dated=True, tag="a")).not_article_reason


# magic_html forum/b5bb37137a346f6d (豆瓣短评): comment items and no article beside them.
REVIEWS = [
    "有人说2024了还在拍这些女性困境，但是事实上2024了女性依然被困住。细腻程度好评，是大陆影视圈需要反思的",
    "编剧能力惊人，简庆芬和男主在车上聊男主和瑞贝卡的恋情困境，暗戳戳的茶又不会让人反感，这可真是完全不好写啊",
    "不认为Rebeca在40岁碰到前任哭是纯粹的文艺和矫情，而是她在看到自己有可能的另一种人生时的辛酸。",
    "把婚后生活拍得很真实。人性就是很滑稽，永远没有得到的最迷人。当你选择一个人，就要面对社会的眼光。",
]


def reviews_page(article: str = "") -> str:
    items = "".join(
        f'<div class="comment-item"><span class="comment-info"><a href="/p/{n}">用户{n}</a>'
        f'<span class="comment-time">2024-04-07 13:19:20</span></span><p class="comment-content">{text}</p></div>'
        for n, text in enumerate(REVIEWS)
    )
    return page(f"<h1>不够善良的我们 短评</h1>{article}<div id=\"comments\">{items}</div>", "不够善良的我们 短评")


def test_a_list_of_comments_is_not_an_article():
    assert extract_page(reviews_page()).not_article_reason.startswith("comment list: 4 comments")


def test_an_article_with_comments_is_an_article():
    assert extract_page(reviews_page(f"<article><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></article>")).is_article


def test_comment_widgets_without_comments_are_no_comment_list():
    """magic_html article/71bfee3a (CSDN): 评论/查看更多评论 widgets hold no comment text."""
    gate = GateInput("标题", "1107436458 某鹅 说明来处\n评论\n查看更多评论\n添加红包", LinkIndex(frozenset()),
                     signals_article=True, comment_texts=frozenset({"评论", "查看更多评论", "添加红包"}), comment_items=3)
    assert not_article_reason(gate) is None


# Short articles: magic_html article/71bfee3a (CSDN), forum/064630183c160b4e (软唐知产论坛).
def test_short_article_is_kept_when_the_page_signals_an_article():
    html = page("<h1>SolVES模型的生态系统社会价值评估代做</h1><div>2023-03-12 10:51</div>"
                "<article><p>1107436458 某鹅 说明来处</p></article>",
                "SolVES模型的生态系统社会价值评估代做_CSDN博客")
    extracted = extract_page(html)
    assert extracted.is_article, extracted.not_article_reason


def test_short_text_without_signals_is_too_little_prose():
    html = page("<div><p>1107436458 某鹅 说明来处</p></div>", "CSDN博客")
    assert extract_page(html).not_article_reason.startswith("too little prose")


def test_a_headline_alone_is_no_signal():
    """The headline must agree with a date or a thread: a section page repeats its name too."""
    html = page("<h1>网贷逾期资讯</h1><article><p>1107436458 某鹅 说明来处</p></article>", "网贷逾期资讯_某网")
    assert not extract_page(html).is_article


def test_a_short_headline_is_no_signal():
    """A site-name heading (首页, 网贷) that every <title> of the site repeats says nothing about the page."""
    body = "<h1>{}</h1><div>2023-03-12 10:51</div><article><p>1107436458 某鹅 说明来处</p></article>"
    assert not extract_page(page(body.format("网贷"), "网贷_网贷逾期资讯")).is_article
    assert extract_page(page(body.format("网贷逾期怎么办"), "网贷逾期怎么办_网贷逾期资讯")).is_article


def test_short_lines_are_no_prose():
    """Labels, dates and headings under 20 characters do not make an article, however many there are."""
    labels = "\n".join(f"第{n}条 逾期须知" for n in range(12))  # 12 lines of 7 characters: 84 characters
    assert not_article_reason(GateInput("须知", labels, LinkIndex(frozenset()))).startswith("too little prose")
    assert not_article_reason(GateInput("须知", PROSE * 3, LinkIndex(frozenset()))) is None


def test_article_markup_is_a_signal():
    head = '<meta property="og:type" content="article">'
    html = page("<article><p>1107436458 某鹅 说明来处</p></article>", "快讯", head)
    assert extract_page(html).is_article


LINKS = [f"网贷逾期第{n}期答疑汇总" for n in range(6)]


def test_listing_share_needed_is_higher_on_a_signalled_page():
    text = "\n".join(["商标的资料", "商标审查标准.pdf 10.12MB", *LINKS[:3]])
    links = LinkIndex(frozenset(LINKS))
    assert not_article_reason(GateInput("t", text, links)).startswith("listing page")
    assert not_article_reason(GateInput("t", text, links, signals_article=True)) is None


def test_a_short_post_over_a_reply_tree_is_a_thread_not_a_listing():
    """cn_content a6e8b739 (央视论坛): a 120-character first post over a long reply tree."""
    post = PROSE * 3
    text = "\n".join([post, *(f"{link}【网友】08-11 16:06 298字" for link in LINKS * 3)])
    links = LinkIndex(frozenset(LINKS))
    assert not_article_reason(GateInput("t", text, links)).startswith("listing page")
    assert not_article_reason(GateInput("t", text, links, is_thread=True)) is None


# A forum board and a portal column: each item a title link with a summary, which trafilatura
# prints without the titles, so only the repeated items show it is a list.
def board(n_items: int = 15, headline: str = "") -> str:
    items = "".join(
        f'<li class="j_thread_list"><div class="threadlist_title"><a href="/p/{n}">网贷逾期第{n}个月了，催收天天打电话怎么办</a></div>'
        f'<div class="threadlist_abs">欠了三个平台，每个月工资只够还一家的，催收说要上门，家里人还不知道，大家有没有协商成功的经验{n}</div>'
        f'<span class="author"><a href="/home/{n}">吧友{n}号</a></span><span class="reply_date">12-0{n % 9 + 1}</span></li>'
        for n in range(n_items)
    )
    return page(f"{headline}<ul id='thread_list'>{items}</ul>", "网贷逾期吧-百度贴吧")


def test_a_board_of_threads_is_a_listing():
    extracted = extract_page(board(), "https://example.com/f?kw=网贷逾期")
    assert extracted.not_article_reason.startswith("listing page") and "repeated list items" in extracted.not_article_reason


def test_fewer_items_than_a_list_are_no_listing():
    extracted = extract_page(board(n_items=4), "https://example.com/f?kw=网贷逾期")
    assert "repeated list items" not in (extracted.not_article_reason or "")


def test_an_article_with_a_related_list_is_an_article():
    article = "<article>" + "".join(f"<p>{PROSE}第{n}点。</p>" for n in range(12)) + "</article>"
    extracted = extract_page(board(headline=article), "https://example.com/a/1.html")
    assert extracted.is_article, extracted.not_article_reason


def test_dated_story_cards_beside_an_article_are_no_archive():
    """readability guardian-1 / scrapinghub: an article followed by related-story cards, each a
    title, a teaser and a date; the page signals its one article (article markup), so it is no archive."""
    cards = "".join(
        f'<div class="card"><h3 class="card__title">Related story number {n} about whales</h3>'
        f"<p>{'A long teaser of the related story that runs on for a while. ' * 4}</p><time>12 May 2019</time></div>"
        for n in range(4)
    )
    article = "<article>" + "".join(f"<p>{PROSE}第{n}点。</p>" for n in range(8)) + "</article>"
    head = '<meta property="og:type" content="article">'
    assert extract_page(page(article + cards, "Whales")).not_article_reason.startswith("archive")
    extracted = extract_page(page(article + cards, "Whales", head))
    assert extracted.is_article, extracted.not_article_reason
