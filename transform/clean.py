"""Genre junk removal for Chinese debt-collection SEO pages: line rules, each removal audited.

Content farms of this genre wrap a usable article in junk that standard filters either miss or
answer by dropping the whole document. Every removed line is recorded with the rule that removed
it (``CleanText.removed``); comment bodies go to ``CleanText.comments``, never to the text.

Rules (``Removed.rule``), applied in the order of ``RULES``:

* ``comment_section`` - 精彩评论-style heading and the items under it (``头像 名字 日期`` header,
  one body per header), comment widgets (写下你的评论..., 还没有评论, 发布于 … ・IP 属地), and
  lines that are texts of DOM comment containers found by ``extract_page`` (not on a forum/Q&A
  thread, nor when they outweigh the rest of the text two to one, as in a review list: there the
  posts are the content);
* ``persona_commenter`` - comment items with no heading, recognised by a fake-lawyer persona
  header (``史高扬-法务助理 2025-05-10``) or a latest-comments widget's ``〖名字〗回复: 《标题》``;
* ``byline`` / ``footer_disclaimer`` / ``chrome`` - single-line patterns (``LINE_RULES``): source
  and date lines, copyright/disclaimer/permalink/editor footers, navigation, breadcrumbs, sharing,
  forum post toolbars, ads, the bare site name; dialogs printed inline (login perks, report
  reasons) with their options; table rows with nothing in them or only such lines in their cells;
* ``link_farm`` - a 相关内容/编辑推荐/你可能还想看-style heading and the titles and linked teasers
  under it, a run of lines that are each the full text of a link on the page (unless such runs
  are nearly all of the text: then the links are the content, e.g. a book's chapter list), or a
  layout-table row whose cells are all links (a 今日推荐 strip, rows of ads);
* ``injected_title`` - lines repeating the title (SEO re-injection, ``title?``);
* ``outline_repeat`` - a table of contents whose headings reappear, in order and maybe
  synonym-swapped (熟悉→理解), as the body's section headings: the outline goes, the body stays;
* ``in_page_duplicate`` - a later copy of already-seen lines (the article printed twice): the
  first copy stays. A copy must be long and hold paragraphs, so repeated code lines or table
  rows are not one.

The rules work on text lines, because real pages rarely have tidy DOM classes (the seed dumps
have none); DOM evidence from ``extract_page`` (comment containers, link texts, site name) is
extra evidence when present. Lexicons are matched on a simplified-script, NFKC, whitespace-free
view of each line, so traditional pages and full-width punctuation match too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cuishou.extract.html import ExtractedPage
from cuishou.extract.html.comments import COMMENT_HEADINGS
from cuishou.extract.html.dom import HAN, LIST_BULLET, squash, tidy
from cuishou.extract.html.listing import LinkIndex
from cuishou.extract.script import fold

_DATE = r"(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_DATE_TIME = r"(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)\s*\d{1,2}:\d{2}(?::\d{2})?"
_SPACED_DATE = re.compile(_DATE)
_BARE_DATE = re.compile(rf"^{_DATE}$")
_SENTENCE_END = re.compile(r"[。!;…]|\.$")
_DIGITS = re.compile(r"\d+")
_BLANK = re.compile(r"[\W_]*")  # a line with no word in it (a lone list bullet)
_LIST_NUMBER = re.compile(r"^\d{1,2}[.、)]?\s+")  # "1 标题": a numbered list item before a link text

# --- comment sections -------------------------------------------------------------------------
# Persona suffixes that fake commenters carry ("史高扬-法务助理"): legal-sounding titles.
PERSONA_SUFFIXES = r"(?:资深)?(?:律师|律师助理|法务|法务助理|法务专员|法律顾问|债务规划师|债务顾问|咨询师)"
# A comment item's header line (avatar alt text / name, date), sometimes with the body merged onto
# the same line by the extractor. AVATAR/PERSONA are matched on the whitespace-free key; NAME_DATE
# (only inside a comment section) on the spaced text, since "名字 日期 正文" needs its spaces.
AVATAR_HEADER = re.compile(rf"^头像\S{{0,20}}(?:{_DATE})?$")
PERSONA_ITEM = re.compile(rf"^(?:头像)?[^\s,。:]{{1,12}}[-—–_]{PERSONA_SUFFIXES}(?P<date>{_DATE})(?P<body>.*)$")
NAME_DATE_ITEM = re.compile(rf"^(?:头像\s*)?\S{{1,16}}\s+(?P<date>{_DATE})(?:\s+(?P<body>.+))?$")
# A "latest comments" widget item: 〖名字〗回复: 《文章标题》 (matched on the key).
REPLY_HEADER = re.compile(r"^(?:〖[^〗]{1,20}〗)?回复[::]《.{1,80}》$")
COMMENT_NAME_MAX_CHARS = 16  # a short unpunctuated comment block is a user name
THREAD_MAX_ARTICLE_SHARE = 0.5  # text outside comment containers below this share of theirs: a thread

# Comment-section chrome (Zhihu-style forms and counters), matched on the key.
COMMENT_CHROME: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"^发布于.{0,40}IP属地.{0,10}$",
        r"^IP属地.{0,10}$",
        r"^(?:写下|发表|写)?你?的?评论(?:\.{3}|…)?$",
        r"^还没有评论.{0,20}$",
        r"^(?:暂无|没有)评论.{0,20}$",
        r"^(?:共|全部)?\d+条(?:评论|回复|回答)$",
        r"^(?:查看|展开)?(?:更多|全部)(?:评论|回复)$",
        r"^(?:回复|点赞|举报|赞同\d*|收藏)$",
    )
)

# --- link farms -------------------------------------------------------------------------------
# Headings that open a list of links to other articles.
LINK_SECTION_HEADINGS = re.compile(
    r"^(?:相关(?:内容|文章|阅读|推荐|问题|资讯|知识|链接|新闻|报道)|热门(?:文章|推荐|资讯|问题|标签|问答)|推荐阅读"
    r"|猜你喜欢|延伸阅读|最新(?:文章|发布|资讯)|社会新闻|友情链接|热点资讯|大家都在看|其他人也在看"
    r"|你可能(?:还)?(?:喜欢|想看|感兴趣)|\S{2,6}推荐|\S{2,6}(?=更多$)"
    r"|\S{0,4}(?:排行榜?|热榜|热议榜|榜单)|\S{0,4}(?i:top)\d{1,2}|热门话题|(?:今日|本周|一周)(?:焦点|要闻|热点)(?:回顾)?|图片精选|精彩图片"
    r"|(?:小编|作者|博主|楼主|本站|他的|她的|ta的|TA的)?(?:最近|最新|其他|更多|热门)(?:文章|帖子|作品|动态)|(?:该|本)?作者(?:曾经)?发(?:表)?过的文章"
    r"|相关(?:专题|信息|标签))"
    r"[::]?(?:更多)?$"
)
# Prompts of dialogs that pages render inline (login perks, report reasons), followed by options.
DIALOG_HEADINGS = re.compile(
    r"^(?:登录后(?:您|你)?可以享受以下权益|选择你想要举报的内容|请选择举报(?:理由|原因|类型)|举报(?:原因|理由))"
    r"[::]?(?:\(必(?:选|填)\))?[::]?$"
)
# Headings of a site's legal footer, whose numbered clauses follow them.
DISCLAIMER_HEADINGS = re.compile(
    r"^(?:\S{0,12}(?:版权|免责|郑重|法律|特别|内容|传输内容)声明|版权与免责声明|反侵权公告|使用条款|用户须知)[::]?$"
)
_NUMBERED_CLAUSE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.)]|\(\d{1,2}\)|[①-⑩※])")
LINK_TITLE_MAX_CHARS = 40  # a line in a link list is a title: short, no sentence punctuation
LINK_IN_LINE_MIN_CHARS = 8  # a list item holding a link this long is a linked teaser ("日期 标题", "来源· 标题 摘要")
LINK_RUN_MIN_LINES = 3  # this many consecutive link-text lines are a link list even without a heading
LINK_LIST_CONTENT_SHARE = 0.9  # link runs holding more of the text than this...
LINK_LIST_MIN_REST_CHARS = 80  # ...with less text than this beside them are the page's content
LINK_CELL_MIN_CHARS = 4  # links this long count when a table cell holds several links run together
LINK_CELL_COVERAGE = 0.8  # share of a cell's characters in link texts that makes it a cell of links
LINK_ROW_LABEL_MAX_CHARS = 8  # a row of links may carry one short label cell (今日推荐, 图片精选)
TABLE_FILLER = frozenset({"·", "•", "-", "|", "\\|", "---"})  # bullets and separators in table cells

# --- single-line rules: (rule, pattern) in match order, on the key ---------------------------
# An English date line (Saturday, September 10th, 2005 10:56 am) and a US-style numeric one (7/5/2005 9:23:57 PM).
_EN_DATE = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"\d{1,2}(?:st|nd|rd|th)?,(?:19|20)\d{2}(?:\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?)?"
)
_US_DATE = r"\d{1,2}/\d{1,2}/(?:19|20)\d{2}(?:\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?)?"
# Counters printed beside a date or on their own: 阅读:3727, 点击 313次, 网友评论 0 条, 8.7万次浏览.
_COUNTER = r"(?:阅读|阅读数|阅读量|浏览|浏览量|浏览次数|点击|点击数|点击量|人气|热度|评论|评论数|网友评论|回复|回复数)"
# Credit labels of news and blog templates: who edited, wrote, translated or photographed.
_CREDIT = (
    r"(?:责任编辑|本版编辑|本文编辑|实习编辑|值班编辑|网络编辑|编辑|编审|校对|审核|审校|终审|监制|统筹|策划|出品|制作|撰稿|撰文"
    r"|采写|采访|记者|摄影|摄像|图片|图|文|文字|作者|主编|编译|翻译|译者|译|整理)"
)
# Buttons of post and share toolbars: a line made only of these is a toolbar.
_WIDGET_WORDS = (
    r"(?:分享|收藏|点赞|赞同?|踩|举报|收起|展开(?:全部|全文)?|新浪微博|微信(?:好友|扫一扫)?|QQ空间|QQ好友|朋友圈|打赏|转发|评论|回复"
    r"|抢首赞|已赞过|已踩过|私信|引用|复制链接)"
)
# ...and the ones that are a toolbar on their own (微信, 回复 alone may be a list item of an article).
_LONE_WIDGET = r"(?:分享|收藏|点赞|打赏|举报|抢首赞|已赞过|已踩过|新浪微博|QQ空间|微信扫一扫|展开全部|收起)"
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (rule, re.compile(pattern, re.I))
    for rule, pattern in (
        # bylines above the body: date lines, with source, author or counters beside the date
        (
            "byline",
            rf"^(?:来源[::][^。]{{0,30}})?(?:发布|发表|更新|上传|录入)?(?:时间|日期)[::]{_DATE}(?:(?:来源|作者|编辑)[::].{{0,30}})*$",
        ),
        ("byline", rf"^(?:发布|发表|更新|发布于|发表于)[::]?{_DATE}$"),
        ("byline", rf"^{_DATE}(?:\(?来源[::].{{0,30}})?$"),
        ("byline", rf"^\({_DATE}\)$"),
        ("byline", rf"^{_DATE_TIME}[^。,|│]{{0,16}}$"),  # timestamp and source: 2021-01-20 04:29:44 39健康网
        ("byline", rf"^(?:发表于|发布于|发表时间[::]?|发布时间[::]?)?{_DATE}.{{0,6}}\(?{_COUNTER}[::]?\d+"),
        ("byline", rf"^(?:{_EN_DATE}|{_US_DATE})$"),
        ("byline", r"^(?:发布|发表|更新)?(?:时间|日期)[::]?$"),  # the label whose date is on the next line
        ("byline", r"^(?:\d+(?:秒|分钟|小时|天|周|个月|月|年)前|刚刚|昨天|前天)$"),  # relative times of posts
        # copyright and disclaimer footers, site licences, permalinks
        ("footer_disclaimer", r"^(?:版权与)?免责声明[::]?"),
        ("footer_disclaimer", r"^(?:特别)?声明[::]"),
        ("footer_disclaimer", r"^版权(?:声明|所有)"),
        ("footer_disclaimer", r"copyright|allrightsreserved|©|版权所有"),
        ("footer_disclaimer", r"icp(?:备|证)|公网安备"),
        ("footer_disclaimer", r"未经.{0,12}(?:授权|许可|同意).{0,12}(?:不得|请勿|禁止|严禁)(?:转载|复制|使用)"),
        ("footer_disclaimer", r"未经.{0,12}(?:授权|许可|同意).{0,6}擅自(?:转载|复制|使用|链接)|所有内容均由.{0,12}提供"),
        ("footer_disclaimer", r"(?:转载|摘编)目的在于传递更多信息"),
        ("footer_disclaimer", r"如(?:有|涉及|因).{0,20}(?:侵权|版权).{0,30}(?:联系|删除)"),
        ("footer_disclaimer", r"仅代表作者(?:本人)?(?:观点)?"),
        ("footer_disclaimer", r"仅提供信息存储(?:空间)?服务"),
        ("footer_disclaimer", r"^\d{0,2}[、.]?凡(?:本网|本站)"),  # ① 凡本网注明… (NFKC makes ① a 1)
        ("footer_disclaimer", r"(?:新闻信息服务|网络传播视听节目|增值电信业务经营)许可证|网证\d|网备字|^反侵权公告"),
        ("footer_disclaimer", r"^(?!.*(?:拨打|可以|通过|向))[^。]{0,8}违法和不良信息举报(?:中心|电话|邮箱)(?:[::].{0,60})?$"),
        # who wrote, edited, translated: credit lines, reporter lines, source and reprint notices
        ("attribution", rf"^[(\[【]?{_CREDIT}[::|/][^。!?]{{0,40}}?[)\]】]?$"),
        (
            "attribution",
            r"^(?:[^\s。,!?]{0,16}(?:报|社|台|网|刊|频道|站|中心))?(?:本报|本台|本刊|本网|特约|见习|实习)?(?:记者|通讯员|实习生)"
            r"(?:[\u4e00-\u9fff·]{2,4}){1,4}(?:[\u4e00-\u9fff]{0,8}报道|摄|发自[\u4e00-\u9fff]{2,8}|采写)?$",
        ),
        ("attribution", r"^原(?:标题|题|题为|文标题)[::]"),
        ("attribution", r"^[(\[【]?(?:本文|文章|原文|稿件|内容)?(?:来源|来自|转自|转载自|摘自|选自|源自|原载|出处)(?:于)?[::]?[^。!?]{0,60}$"),
        ("attribution", r"^本文(?:链接|地址|网址|来源|来自|转自|通告引用|引用通告)"),
        ("attribution", r"转载(?:请|须|需|时请|时务请|务请)?(?:务必|一定)?(?:注明|标明|保留)"),
        ("attribution", r"(?:禁止|谢绝|严禁|不得|请勿)(?:商业|任何)?(?:转载|复制)|转载申请|版权合作"),
        ("attribution", r"^本作品为.{0,30}原创"),
        # navigation, sharing, widgets, ads
        ("chrome", r"^(?:totop|返回顶部|回到顶部|top)$"),
        ("chrome", r"^(?:首页|上一页|下一页|尾页|更多|展开全文|阅读全文|收起|已显示全部内容|更多回答|已编辑|关注|\+关注)$"),
        ("chrome", r"^(?:上一篇|下一篇)[::]"),
        ("chrome", r"^(?:首页)?\|?上一页.{0,30}下一页(?:\|?尾页)?$"),
        ("chrome", r"^(?:广告|举报|举报/反馈|加载更多\S{0,4})$"),
        ("chrome", r"^(?:顶部|反馈|意见反馈)$"),
        ("chrome", r"扫码分享$|^转发到\S{1,8}$"),
        ("chrome", r"^(?:点击)?(?:回到|返回)\S{0,8}首页"),
        ("chrome", rf"^{_DATE}广告$"),
        ("chrome", r"^(?:分享到|分享至)[::]?|^分享让更多人看到$|^选择其他平台"),
        ("chrome", r"^(?:本文|文章)?(?:标签|tags?|关键字|关键词)[::]"),
        ("chrome", rf"^(?:阅读|浏览|阅读量)(?:\(\d+\)|[::]\d+)|^{_COUNTER}[::]?\d+(?:次|条|人)?$|^共?\d+(?:次|条)?{_COUNTER}$"),
        ("chrome", r"^首页(?:>|/|»)"),
        ("chrome", r"^当前位置[::]"),
        ("chrome", r"^(?:[^>。,]{1,16}>){2,}[^>。,]{0,20}$"),  # breadcrumb: 科技>要闻>正文
        ("chrome", r"^(?:点击右上角.{0,12}|朋友圈|请使用浏览器(?:的)?分享功能.{0,10}|阅读剩余全文.{0,4})$"),
        ("chrome", r"^点击浏览器(?:下方|右上角)"),
        ("chrome", r"点击(?:免费)?咨询$"),
        ("chrome", r"^最新推荐文章于.{0,30}发布$"),
        ("chrome", r"字体[::]?(?:大|放大|缩小)"),  # 【字体：大 中 小】, 字体放大 | 字体缩小 toolbars
        ("chrome", r"^(?:页面功能)?(?:[【\[][^】\]]{1,10}[】\]]){2,}$"),  # 【打印】【关闭】 button rows
        ("chrome", r"^(?:进入|点击进入|去)[【\[].{1,20}[】\]]\S{0,4}$"),  # 进入【新浪财经股吧】讨论
        ("chrome", r"^更多.{0,40}请?(?:继续)?关注|^[(]?更多(?:内容|精彩|资讯).{0,10}关注"),
        ("chrome", r"^返回\S{0,6},?查看更多$"),
        ("chrome", rf"^(?:{_WIDGET_WORDS}[\d()<>/]*){{2,6}}$|^{_LONE_WIDGET}[\d()<>/]*$|^复制链接|^你对这个回答的评价是"),
        (
            "chrome",
            r"^(?:下载|打开)\S{0,8}(?:客户端|app)|^(?:独家抢先看|登录后内容更精彩|浏览器更新提醒.{0,40})$|^您还未登录|^是否.?确认.?跳转|^轮播图预览",
        ),
        # video player controls and errors printed as text
        (
            "chrome",
            r"^(?:倍速|\d(?:\.\d{1,2})?x|\d{1,2}:\d{2}|很抱歉,当前视频播放失败|错误代码[::]\S{1,20}|请详细阐明具体原因[::]?)$",
        ),
        ("chrome", r"^时长[::]\d{1,2}:\d{2}"),
        ("chrome", r"^被折叠的\d*条评论$"),
        # forum thread chrome: post tools, counters
        (
            "chrome",
            r"^(?:发布于|首赞|手机查看|倒序看帖|倒序浏览|(?:仅|只)看(?:楼主|该作者)|电梯直达|返回列表|快速回复|暂无数据|阅读模式)$",
        ),
        ("chrome", r"^\d+个?(?:评论|回复|赞)$"),
        # counters, profile cards and end-of-list notes of post widgets
        ("chrome", r"^[\d,.]{1,7}$"),
        ("chrome", r"^(?:等级|粉丝|获赞|经验|积分|威望|金钱|贡献|帖子|精华|lv\d{1,2})$"),
        ("chrome", r"^(?:没有更多了|暂无更多|已经到底了|这个人很懒.{0,8}|该(?:评论|回复|帖子|内容)已被?删除)$"),
    )
)
LINE_RULE_MAX_CHARS = 120  # longer lines are prose that merely mentions 版权/转载, never footer lines...
FOOTER_LINE_MAX_CHARS = 400  # ...except a copyright line, which may run on with licensees and trademarks
_COPYRIGHT_START = re.compile(r"^(?:copyright|©|\(c\)\d{4})", re.I)

# --- outlines and duplicates ------------------------------------------------------------------
OUTLINE_MIN_LINES = 3  # a table of contents has at least this many headings...
OUTLINE_MAX_LINES = 40  # ...and at most this many
OUTLINE_MAX_GAP = 10  # lines (an intro) allowed between the outline and the body's first heading
OUTLINE_LINE_MIN_CHARS = 4
OUTLINE_LINE_MIN_HAN = 2
OUTLINE_LINE_MAX_CHARS = 40
OUTLINE_MATCH_SHARE = 0.75  # share of its headings that must reappear later, in order
OUTLINE_BODY_SHARE = 0.5  # share of reappearing headings with body text before the next one
NEAR_DUP_JACCARD = 0.5  # char-bigram Jaccard for "same heading after a synonym swap"
TITLE_VARIANT_JACCARD = 0.6  # char-bigram Jaccard with the title that makes a line a reworded title...
TITLE_VARIANT_MAX_GROWTH = 1.5  # ...when it is at most this much longer than the title
DUP_RUN_MIN_CHARS = 200  # a run of repeated lines is a second copy of the article when this long...
DUP_RUN_MIN_PARAGRAPHS = 2  # ...and holding this many repeated paragraphs
DUP_PARAGRAPH_MIN_CHARS = 40


@dataclass(frozen=True)
class Removed:
    """One removed span and the rule that removed it."""

    rule: str
    text: str


@dataclass(frozen=True)
class CleanText:
    """Clean main text, the comments found, and the audit trail of removals."""

    text: str
    comments: list[str]
    removed: list[Removed]


@dataclass
class _Work:
    """The page's lines while rules run: ``verdict[i]`` is the rule that removed line i."""

    page: ExtractedPage
    raw: list[str]
    spaced: list[str]  # NFKC, simplified script, bullet removed, spaces collapsed
    key: list[str]  # the same without any whitespace: what lexicons match
    link_key: list[str]  # the raw line without bullet and whitespace: what DOM texts (link_texts) match
    verdict: list[str | None]
    comments: list[str] = field(default_factory=list)

    def alive(self) -> list[int]:
        return [i for i, v in enumerate(self.verdict) if v is None]

    def remove(self, i: int, rule: str) -> None:
        self.verdict[i] = rule

    def remove_comment(self, i: int, rule: str) -> None:
        self.verdict[i] = rule
        self.comments.append(self.raw[i])


def match_key(text: str) -> str:
    """The view lexicons are matched on: NFKC, simplified script, no whitespace."""
    return squash(fold(text))


def _start(page: ExtractedPage) -> _Work:
    """The page's non-empty lines and their matching views (one OpenCC call for the whole text).
    A table row with a single non-empty cell is matched as that cell: old layouts print bylines,
    credits and footers as such rows."""
    raw = [line.strip() for line in page.text.split("\n")]
    raw = [line for line in raw if line]
    unbulleted = [_single_cell(line) or LIST_BULLET.sub("", line) for line in raw]
    spaced = fold("\n".join(unbulleted)).split("\n")
    if len(spaced) != len(raw):  # OpenCC never merges lines in practice; stay safe if it ever does
        spaced = [fold(line) for line in unbulleted]
    spaced = [tidy(line) for line in spaced]
    keys = [squash(line) for line in spaced]
    link_keys = [squash(_LIST_NUMBER.sub("", line)) for line in unbulleted]
    return _Work(page, raw, spaced, keys, link_keys, [None] * len(raw))


def _single_cell(raw: str) -> str | None:
    """The text of a table row ('| a |  |') that has exactly one non-empty cell, else None."""
    if not raw.startswith("|"):
        return None
    cells = [cell for cell in (c.strip() for c in raw.strip("|").split("|")) if cell and cell not in TABLE_FILLER]
    return cells[0] if len(cells) == 1 else None


def _comment_item(key: str, spaced: str, in_section: bool) -> str | None:
    """'header' for an item's header line, 'item' for a header with its body on the same line."""
    match = PERSONA_ITEM.match(key) or (NAME_DATE_ITEM.match(spaced) if in_section else None)
    if match:
        return "item" if match["body"] else "header"
    return "header" if AVATAR_HEADER.match(key) or REPLY_HEADER.match(key) else None


def _merged_body(raw: str) -> str:
    """The comment text of a merged 'name date text' line."""
    match = _SPACED_DATE.search(raw)
    return raw[match.end():].strip() if match else raw


def _is_comment_chrome(key: str) -> bool:
    return any(p.search(key) for p in COMMENT_CHROME)


def _is_comment_body(block: str) -> bool:
    """A comment container's block that is what someone wrote, not a name, date or widget."""
    spaced = tidy(fold(block))
    key = squash(spaced)
    if COMMENT_HEADINGS.match(key) or _is_comment_chrome(key) or _BARE_DATE.match(key):
        return False
    if _comment_item(key, spaced, in_section=True) == "header":
        return False
    return len(key) > COMMENT_NAME_MAX_CHARS or bool(_SENTENCE_END.search(key))


def _dom_comment_bodies(page: ExtractedPage) -> list[str]:
    """The comment bodies among the texts of the page's DOM comment containers."""
    return [block for block in page.comment_blocks if _is_comment_body(block)]


def _remove_dom_comments(work: _Work) -> None:
    """Lines that are texts of DOM comment containers (names, dates, bodies): comment section.
    Not on a forum/Q&A thread, nor when they are most of the page (a list of short reviews):
    there the posts are the content, so they stay in the text and are not listed as comments."""
    if work.page.is_thread:
        return
    fragments = work.page.comment_fragments
    alive = work.alive()
    hits = [i for i in alive if work.link_key[i] in fragments]
    comment_chars = sum(len(work.key[i]) for i in hits)
    if sum(len(work.key[i]) for i in alive) - comment_chars < THREAD_MAX_ARTICLE_SHARE * comment_chars:
        return
    work.comments.extend(_dom_comment_bodies(work.page))
    for i in hits:
        work.remove(i, "comment_section")


def _consume_comment_items(work: _Work, positions: list[int], start: int, rule: str) -> int:
    """Remove comment items from positions[start:] (headers, one body per header, merged items,
    comment chrome); return where the items end."""
    expecting_body = False
    k = start
    while k < len(positions):
        i = positions[k]
        key = work.key[i]
        kind = _comment_item(key, work.spaced[i], in_section=True)
        if _is_comment_chrome(key):
            work.remove(i, "comment_section")
        elif kind == "header":
            work.remove(i, rule)
            expecting_body = True
        elif kind == "item":
            work.remove(i, rule)
            work.comments.append(_merged_body(work.raw[i]))
            expecting_body = False
        elif expecting_body and not COMMENT_HEADINGS.match(key):
            work.remove_comment(i, rule)
            expecting_body = False
        else:
            break
        k += 1
    return k


def _remove_comment_sections(work: _Work) -> None:
    """A 精彩评论-style heading plus the comment items and comment chrome that follow it."""
    positions = work.alive()
    k = 0
    while k < len(positions):
        if COMMENT_HEADINGS.match(work.key[positions[k]]):
            work.remove(positions[k], "comment_section")
            k = _consume_comment_items(work, positions, k + 1, "comment_section")
        else:
            k += 1


def _remove_persona_comments(work: _Work) -> None:
    """Comment items outside any heading, recognised by their avatar/persona header line."""
    positions = work.alive()
    k = 0
    while k < len(positions):
        i = positions[k]
        if _comment_item(work.key[i], work.spaced[i], in_section=False):
            k = _consume_comment_items(work, positions, k, "persona_commenter")
        else:
            k += 1


def _line_rule(key: str) -> str | None:
    """The rule that removes a line on its own: stray comment widgets (写下你的评论..., 还没有评论,
    发布于…IP 属地) anywhere, else LINE_RULES (bylines, footers, chrome) on lines short enough."""
    if _is_comment_chrome(key):
        return "comment_section"
    if len(key) <= LINE_RULE_MAX_CHARS:
        return next((rule for rule, pattern in LINE_RULES if pattern.search(key)), None)
    if len(key) <= FOOTER_LINE_MAX_CHARS and _COPYRIGHT_START.match(key):
        return "footer_disclaimer"
    return None


def _remove_line_patterns(work: _Work) -> None:
    """Lines removed on their own (``_line_rule``) and the bare site name."""
    site = match_key(work.page.site_name) if work.page.site_name else None
    for i in work.alive():
        key = work.key[i]
        rule = _line_rule(key)
        if key == site and rule != "comment_section":
            rule = "chrome"
        if rule:
            work.remove(i, rule)


def _is_link_item(work: _Work, i: int, long_links: list[str]) -> bool:
    """A line of a link list: a link's text, a short title, or a list item holding a link (a teaser)."""
    key = work.key[i]
    if work.link_key[i] in work.page.link_texts:
        return True
    if len(key) <= LINK_TITLE_MAX_CHARS and not _SENTENCE_END.search(key):
        return True
    return LIST_BULLET.match(work.raw[i]) is not None and any(link in work.link_key[i] for link in long_links)


def _remove_headed_lists(work: _Work, headings: re.Pattern[str], rule: str) -> None:
    """A heading matching ``headings`` and the short items or link teasers under it."""
    positions = work.alive()
    long_links = [link for link in work.page.link_texts if len(link) >= LINK_IN_LINE_MIN_CHARS]
    k = 0
    while k < len(positions):
        if headings.match(work.key[positions[k]]):
            work.remove(positions[k], rule)
            k += 1
            while k < len(positions) and _is_link_item(work, positions[k], long_links):
                work.remove(positions[k], rule)
                k += 1
        else:
            k += 1


def _remove_link_farms(work: _Work) -> None:
    """A 相关内容-style heading and the link titles and teasers under it."""
    _remove_headed_lists(work, LINK_SECTION_HEADINGS, "link_farm")


def _remove_disclaimer_sections(work: _Work) -> None:
    """A 版权声明/免责声明/反侵权公告 heading and the numbered clauses under it (一、… 二、…, ①…):
    each clause alone reads like prose, under the heading it is the footer."""
    positions = work.alive()
    k = 0
    while k < len(positions):
        if DISCLAIMER_HEADINGS.match(work.key[positions[k]]):
            work.remove(positions[k], "footer_disclaimer")
            k += 1
            while k < len(positions) and _NUMBERED_CLAUSE.match(work.key[positions[k]]):
                work.remove(positions[k], "footer_disclaimer")
                k += 1
        else:
            k += 1


def _remove_dialogs(work: _Work) -> None:
    """Login-perk and report dialogs rendered into the page: their prompt and its options."""
    _remove_headed_lists(work, DIALOG_HEADINGS, "chrome")


def _link_runs(work: _Work) -> list[list[int]]:
    """Runs of LINK_RUN_MIN_LINES+ lines that are each the whole text of a link on the page, or
    a link's text with only metadata beside it. Empty list items ("-") inside a run belong to it."""
    links = LinkIndex.of(work.page.link_texts)
    runs: list[list[int]] = []
    run: list[int] = []
    for i in [*work.alive(), None]:
        if i is not None and (_BLANK.fullmatch(work.key[i]) or _is_link_line(work, i, links)):
            run.append(i)
            continue
        if sum(1 for j in run if not _BLANK.fullmatch(work.key[j])) >= LINK_RUN_MIN_LINES:
            runs.append(run)
        run = []
    return runs


def _is_link_line(work: _Work, i: int, links: LinkIndex) -> bool:
    return (work.link_key[i] in links.texts and len(work.key[i]) <= LINK_TITLE_MAX_CHARS) or (
        links.is_link_with_metadata(work.link_key[i])
    )


def _remove_link_runs(work: _Work) -> None:
    """Runs of link titles (sidebars, related lists, reply trees) beside an article. When they are
    nearly all of the text and little else is left, the links are the page's content (a book's
    chapter list, a directory) and stay."""
    in_runs = [i for run in _link_runs(work) for i in run]
    run_chars = sum(len(work.key[i]) for i in in_runs)
    rest_chars = sum(len(work.key[i]) for i in work.alive()) - run_chars
    if run_chars > LINK_LIST_CONTENT_SHARE * (run_chars + rest_chars) and rest_chars < LINK_LIST_MIN_REST_CHARS:
        return
    for i in in_runs:
        work.remove(i, "link_farm")


def _cells(raw: str) -> list[str] | None:
    """The non-empty cells of a table row as trafilatura prints it ('| a | b |'), else None."""
    if not raw.startswith("|"):
        return None
    return [cell for cell in (squash(c) for c in raw.strip("|").split("|")) if cell and cell not in TABLE_FILLER]


def _covered_by_links(cell: str, long_links: list[str]) -> bool:
    """A cell that is a link's text, or mostly the texts of several links run together."""
    covered = [False] * len(cell)
    for link in long_links:
        start = cell.find(link)
        while start != -1:
            covered[start:start + len(link)] = [True] * len(link)
            start = cell.find(link, start + len(link))
    return sum(covered) >= LINK_CELL_COVERAGE * len(cell)


def _remove_link_rows(work: _Work) -> None:
    """Table rows of a layout table that hold only links (navigation, 今日推荐 strips) and
    chrome: every cell a link text, several links run together, a byline/footer, or one
    short label beside links. Rows with any prose cell stay."""
    links = {link for link in work.page.link_texts if len(link) <= LINK_TITLE_MAX_CHARS}
    long_links = [link for link in links if len(link) >= LINK_CELL_MIN_CHARS]
    for i in work.alive():
        cells = _cells(work.raw[i])
        if not cells:
            if cells == []:
                work.remove(i, "chrome")
            continue
        linked = [cell in links or _covered_by_links(cell, long_links) for cell in cells]
        labels = [
            not is_link and len(cell) <= LINK_ROW_LABEL_MAX_CHARS and not _SENTENCE_END.search(cell)
            for cell, is_link in zip(cells, linked)
        ]
        junk = [_line_rule(match_key(cell)) is not None for cell in cells]
        if any(linked) and all(a or b or c for a, b, c in zip(linked, labels, junk)) and sum(labels) <= 1:
            work.remove(i, "link_farm")
        elif all(junk):
            work.remove(i, "chrome")


def _title_keys(work: _Work) -> set[str]:
    """Keys of the title; without one, the first line if it recurs (a text dump's h1)."""
    if work.page.title:
        title = match_key(work.page.title)
    elif work.raw and work.key.count(work.key[0]) > 1 and _heading(work.key[0]):
        title = work.key[0]
    else:
        return set()
    return {title, title + "?", f"【{title}】", f"《{title}》"}


def _remove_injected_titles(work: _Work) -> None:
    """Lines that repeat the title (h1 echo, SEO re-injection between paragraphs, 'title?'),
    also reworded: a heading-like line (no sentence punctuation, not much longer than the title)
    sharing most of its character bigrams with the title (a subtitle variant, a spun copy)."""
    titles = _title_keys(work)
    title = min(titles, key=len) if titles else None
    grams = _bigrams(title) if title else frozenset()
    for i in work.alive():
        key = work.key[i]
        if key in titles or key.strip("|") in titles:
            work.remove(i, "injected_title")
        elif title and len(key) <= TITLE_VARIANT_MAX_GROWTH * len(title) and not _SENTENCE_END.search(key):
            line = _bigrams(key)
            if line and len(grams & line) / len(grams | line) >= TITLE_VARIANT_JACCARD:
                work.remove(i, "injected_title")


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i:i + 2] for i in range(len(key) - 1))


@dataclass(frozen=True)
class _Heading:
    """What outline matching compares: the key, its numbers and its char bigrams."""

    key: str
    numbers: tuple[str, ...]
    bigrams: frozenset[str]


def _heading(key: str) -> _Heading | None:
    """The heading view of a line, None if it is not heading-like (short, unpunctuated, Chinese)."""
    if not OUTLINE_LINE_MIN_CHARS <= len(key) <= OUTLINE_LINE_MAX_CHARS or _SENTENCE_END.search(key):
        return None
    if len(HAN.findall(key)) < OUTLINE_LINE_MIN_HAN:
        return None
    return _Heading(key, tuple(_DIGITS.findall(key)), _bigrams(key))


def _near_dup(a: _Heading, b: _Heading) -> bool:
    """Same heading up to a synonym swap (熟悉→理解): char-bigram Jaccard, same numbers (so
    table rows like 成人票:30元 / 成人票:50元 do not pass for one another)."""
    if a.key == b.key:
        return True
    if a.numbers != b.numbers:
        return False
    return len(a.bigrams & b.bigrams) / len(a.bigrams | b.bigrams) >= NEAR_DUP_JACCARD


def _is_prose(key: str) -> bool:
    return len(key) > OUTLINE_LINE_MAX_CHARS or bool(_SENTENCE_END.search(key))


def _next_near_dup(headings: list[_Heading | None], wanted: _Heading, start: int, stop: int) -> int | None:
    """First position in [start, stop) holding a near-duplicate of ``wanted``."""
    positions = range(start, min(stop, len(headings)))
    return next((k for k in positions if (h := headings[k]) and _near_dup(wanted, h)), None)


def _later_matches(headings: list[_Heading | None], outline: range, body_start: int) -> list[int]:
    """Positions from ``body_start`` on where the outline's headings reappear, matched in order."""
    hits: list[int] = []
    cursor = body_start
    for k in outline:
        hit = _next_near_dup(headings, headings[k], cursor, len(headings))
        if hit is not None:
            hits.append(hit)
            cursor = hit + 1
    return hits


def _outline_length(keys: list[str], headings: list[_Heading | None], start: int) -> int:
    """Length of the table of contents starting at ``start`` (0 if there is none): a run of
    headings that reappear later, in order, each then followed by body text."""
    end = start
    while end < len(headings) and headings[end] is not None:
        end += 1
    first = headings[start]
    if first is None or end - start < OUTLINE_MIN_LINES:
        return 0
    search_end = min(end, start + OUTLINE_MAX_LINES) + OUTLINE_MAX_GAP
    restart = _next_near_dup(headings, first, start + 1, search_end)
    if restart is None or min(end, restart) - start < OUTLINE_MIN_LINES:
        return 0
    outline = range(start, min(end, restart))
    hits = _later_matches(headings, outline, restart)
    if len(hits) < OUTLINE_MATCH_SHARE * len(outline):
        return 0
    with_body = sum(1 for a, b in zip(hits, hits[1:]) if any(_is_prose(keys[j]) for j in range(a + 1, b)))
    return len(outline) if with_body >= OUTLINE_BODY_SHARE * (len(hits) - 1) else 0


def _remove_outline_repeats(work: _Work) -> None:
    """A table of contents whose headings reappear (in order, maybe synonym-swapped) as section headings."""
    positions = work.alive()
    keys = [work.key[i] for i in positions]
    headings = [_heading(key) for key in keys]
    k = 0
    while k < len(positions):
        length = _outline_length(keys, headings, k)
        for j in range(k, k + length):
            work.remove(positions[j], "outline_repeat")
        k += max(length, 1)


def _remove_in_page_duplicates(work: _Work) -> None:
    """Later copies of already-seen lines, when they form a substantial run (the article printed twice)."""
    seen: set[str] = set()
    run: list[int] = []
    for i in [*work.alive(), None]:
        if i is not None and work.key[i] in seen:
            run.append(i)
            continue
        chars = sum(len(work.key[j]) for j in run)
        paragraphs = sum(1 for j in run if len(work.key[j]) >= DUP_PARAGRAPH_MIN_CHARS)
        if chars >= DUP_RUN_MIN_CHARS and paragraphs >= DUP_RUN_MIN_PARAGRAPHS:
            for j in run:
                work.remove(j, "in_page_duplicate")
        run = []
        if i is not None:
            seen.add(work.key[i])


# Order matters: comment sections are cut before line rules (their chrome ends a section), and
# duplicate detection runs last, on what is left, so the second copy's junk is already gone.
RULES: tuple[Callable[[_Work], None], ...] = (
    _remove_dom_comments,
    _remove_comment_sections,
    _remove_persona_comments,
    _remove_disclaimer_sections,
    _remove_line_patterns,
    _remove_link_farms,
    _remove_dialogs,
    _remove_link_runs,
    _remove_link_rows,
    _remove_injected_titles,
    _remove_outline_repeats,
    _remove_in_page_duplicates,
)


def clean_page(page: ExtractedPage) -> CleanText:
    """Remove the genre's junk lines from the page's main text; comments go to their own list."""
    work = _start(page)
    for rule in RULES:
        rule(work)
    kept = [line for line, verdict in zip(work.raw, work.verdict) if verdict is None]
    removed = [Removed(v, line) for line, v in zip(work.raw, work.verdict) if v is not None]
    comments = list(dict.fromkeys(work.comments))
    return CleanText("\n".join(kept), comments, removed)
