"""The article gate: whether a page's main content is one article, post or thread.

A page is not an article when it is an error page, a listing (its text is mostly link titles,
linked items with dates and counters, or cut-off teasers), a list of comments or reviews with no
article beside them, an archive showing several dated posts each under its own heading, or a
stub with hardly any prose. Prose alone misjudges short articles (a one-paragraph news flash, a
question with short answers), so the page's own signals count too: a headline that the
``<title>``/og:title repeats together with a date or a thread, or article markup (schema.org
Article types, og:type article, article:published_time). Such a page needs only a little text and
is a listing only when links are nearly all of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dates.formats import DATE
from cuishou.extract.html.dom import HAN, LIST_BULLET, contains, schema_types, squash, tidy
from cuishou.extract.html.listing import LinkIndex
from cuishou.extract.html.text_nodes import TextNodes
from cuishou.extract.html.title import Headline

# Titles/headings of error pages.
_ERROR_PAGE = re.compile(
    r"^(?:40[034]|410|50[0234])\b|页面不存在|找不到(?:该|此)?页面|页面已(?:被)?删除|文章不存在|内容已(?:被)?删除"
    r"|(?:帖子|主题|文章|内容|页面)(?:不存在|已被?删除|已被?屏蔽)|错误(?:信息|提示|页面)|出错了|发生错误|无权(?:访问|查看)"
    r"|not\s+found|page\s+(?:does\s+not|doesn't)\s+exist",
    re.I,
)
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle", "SocialMediaPosting",
    "DiscussionForumPosting", "QAPage", "LiveBlogPosting", "AnalysisNewsArticle", "ReportageNewsArticle",
})
MIN_PROSE_CHARS = 80  # less prose than this (outside links/teasers) is not an article...
SIGNALLED_MIN_PROSE_CHARS = 8  # ...unless the page signals an article: then this much text will do
ERROR_PAGE_MAX_PROSE = 300  # an error-looking title only means an error page if the text is this short
LISTING_SHARE = 0.5  # share of extracted text in link titles/teasers that makes a listing page...
SIGNALLED_LISTING_SHARE = 0.8  # ...or this share, on a page that signals an article
LISTING_MAX_PROSE_RUN = 240  # ...unless it also has a stretch of prose this long (an article + link farm)
THREAD_MAX_PROSE_RUN = 100  # on a thread or a page that signals an article, a post this long will do
PROSE_LINE_CHARS = 20  # shorter lines (labels, dates, headings) do not count as prose
SIGNALLED_LINE_CHARS = 8  # on a page that signals an article, lines this long count
HEADLINE_MIN_CHARS = 4  # a shorter h1 (a site name, 首页) says nothing about the page
LISTING_MIN_ITEMS = 5  # this many sibling items of one class, each with a title link, make a list...
ITEM_TITLE_MIN_CHARS = 8  # ...a title link being this long
ITEM_TITLE_MIN_HAN = 4
ITEM_MAX_DEPTH = 4  # how far above its title link an item may start
ITEM_MAX_CHARS = 600  # a list item is a title and a summary: a longer block is a column of the layout
COMMENT_LIST_MIN_ITEMS = 3  # this many comment items holding this many characters of the main text,
COMMENT_LIST_MIN_CHARS = 200  # with no article beside them: a list of comments or reviews
ARCHIVE_MIN_POSTS = 3  # this many dated posts, each under a heading of one repeated class: an archive
ARCHIVE_POST_MIN_CHARS = 150  # a post's text between its heading and the next one
POST_HEADING_MAX_CHARS = 60
_SENTENCE_END = re.compile(r"[。！？!?；;]$")


@dataclass(frozen=True)
class GateInput:
    """What the gate weighs: the page's main text and title, and its structural signals."""

    title: str | None
    text: str
    links: LinkIndex
    declared_titles: tuple[str, ...] = ()  # <title>, og:title ...: error pages name themselves there
    signals_article: bool = False  # article markup, or a repeated headline with a date or a thread
    is_thread: bool = False
    comment_texts: frozenset[str] = frozenset()  # squashed texts of comment items, wherever they are
    comment_items: int = 0
    archive_posts: int = 0  # dated posts under headings of one repeated class
    item_texts: tuple[str, ...] = ()  # whitespace-free texts of repeated items with title links


def declares_article(metas: dict[str, str], json_ld: list[dict]) -> bool:
    """schema.org Article types in JSON-LD, og:type article or an article:published_time."""
    if any(ARTICLE_TYPES.intersection(schema_types(o)) for o in json_ld):
        return True
    return metas.get("og:type", "").lower() == "article" or "article:published_time" in metas


def headline_repeated(headline: Headline | None, declared: list[str]) -> bool:
    """The page shows a headline (not one taken from the declared titles alone) that a declared
    title (<title>, og:title ...) contains: the page is about what its heading names."""
    if headline is None or headline.index is None or len(shown := squash(headline.text)) < HEADLINE_MIN_CHARS:
        return False
    return any(shown in squash(title) for title in declared)


def listing_items(tree: LexborHTMLParser) -> tuple[str, ...]:
    """Whitespace-free texts of repeated list items: LISTING_MIN_ITEMS+ siblings of one tag and
    class, each holding a title-like link and short (a board's threads, a portal's headlines with
    their summaries). Found from the links up, so a page with no title links costs little."""
    if tree.body is None:
        return ()
    groups: dict[tuple[int, str, str], list[LexborNode]] = {}
    for link in tree.body.css("a"):
        text = squash(link.text())
        if len(text) < ITEM_TITLE_MIN_CHARS or len(HAN.findall(text)) < ITEM_TITLE_MIN_HAN:
            continue
        node = link
        for _ in range(ITEM_MAX_DEPTH):
            parent = node.parent
            if parent is None or parent.tag in ("body", "html"):
                break
            key = (parent.mem_id, node.tag, node.attributes.get("class") or "")
            members = groups.setdefault(key, [])
            if not members or members[-1].mem_id != node.mem_id:
                members.append(node)
            node = parent
    texts = []
    for members in groups.values():
        if len(members) >= LISTING_MIN_ITEMS:
            short = [text for node in members if len(text := squash(node.text())) <= ITEM_MAX_CHARS]
            texts.extend(short if len(short) >= LISTING_MIN_ITEMS else ())
    return tuple(texts)


def archive_posts(tree: LexborHTMLParser, nodes: TextNodes, comment_items: list[LexborNode]) -> int:
    """How many dated posts the page shows under distinct headings of one repeated class
    (post-title, entry-title ...): a blog archive or a listing with full teasers. 0 when there is
    no such run. Headers of comment items (a commenter's name) are not post headings."""
    if tree.body is None:
        return 0
    groups: dict[tuple[str, str], list[LexborNode]] = {}
    for node in tree.body.css('[class*="title" i]'):
        # linked titles are a listing's items; a post's heading holds its link
        if node.tag == "a" or any(contains(item, node) for item in comment_items):
            continue
        text = tidy(node.text())
        if 0 < len(text) <= POST_HEADING_MAX_CHARS and not _SENTENCE_END.search(text) and not DATE.search(text):
            groups.setdefault((node.tag, node.attributes.get("class") or ""), []).append(node)
    candidates = [group for group in groups.values() if len({squash(n.text()) for n in group}) >= ARCHIVE_MIN_POSTS]
    return max((_dated_posts(nodes, headings) for headings in candidates), default=0)


def _dated_posts(nodes: TextNodes, headings: list[LexborNode]) -> int:
    """Headings followed, before the next one, by a date and ARCHIVE_POST_MIN_CHARS of text. The
    last heading's text runs on into the page's footer, so it is not counted."""
    starts = sorted({index for heading in headings if (index := nodes.first_index(heading)) is not None})
    posts = 0
    for start, end in zip(starts, starts[1:]):
        text = nodes.joined[nodes.starts[start]:nodes.starts[end]]
        if len(squash(text)) >= ARCHIVE_POST_MIN_CHARS and DATE.search(text):
            posts += 1
    return posts


@dataclass(frozen=True)
class _Lines:
    """The main text's non-empty lines (whitespace-free, bullets off) and what the checks share."""

    page: GateInput
    lines: list[str]
    runs: list[int]  # prose characters between listed lines (the signalled line length applies)

    @property
    def chars(self) -> int:
        return sum(map(len, self.lines)) or 1

    def prose_outside(self, inside: set[str] | str | frozenset[str]) -> int:
        """Prose characters of the lines not found in ``inside``."""
        return sum(_prose_runs([line for line in self.lines if line not in inside], self.page.links))


def _error_page(text: _Lines) -> str | None:
    """An error message for a headline or declared title (错误信息, 页面不存在, 404) over little prose."""
    for title in filter(None, (text.page.title, *text.page.declared_titles)):
        if _ERROR_PAGE.search(title) and sum(text.runs) < ERROR_PAGE_MAX_PROSE:
            return f"error page: title {title!r}"
    return None


def _archive(text: _Lines) -> str | None:
    """Several dated posts under headings of their own, on a page that does not signal one article
    (its headline repeated with a date, article markup): a live blog or an article with dated
    related-story cards signals itself, a blog's month archive shows the blog's name."""
    posts = text.page.archive_posts
    if posts >= ARCHIVE_MIN_POSTS and not text.page.signals_article:
        return f"archive: {posts} dated posts, each under its own heading"
    return None


def _comment_list(text: _Lines) -> str | None:
    page = text.page
    inside = sum(len(line) for line in text.lines if line in page.comment_texts)
    if (
        page.comment_items >= COMMENT_LIST_MIN_ITEMS
        and inside >= COMMENT_LIST_MIN_CHARS
        and text.prose_outside(page.comment_texts) < MIN_PROSE_CHARS
    ):
        return f"comment list: {page.comment_items} comments and no article beside them"
    return None


def _repeated_items(text: _Lines) -> str | None:
    """Most of the text inside repeated list items, and no article beside them. A thread that
    signals an article (its headline repeated) is its posts, not a list."""
    page = text.page
    if not page.item_texts or (page.is_thread and page.signals_article):
        return None
    if sum(map(len, page.item_texts)) < LISTING_SHARE * text.chars:  # too little in them to cover the text
        return None
    items = "\n".join(page.item_texts)
    covered = sum(len(line) for line in text.lines if line in items)
    if covered >= LISTING_SHARE * text.chars and text.prose_outside(items) < LISTING_MAX_PROSE_RUN:
        return f"listing page: {covered / text.chars:.0%} of text is in repeated list items"
    return None


def _listed_lines(text: _Lines) -> str | None:
    page = text.page
    share = sum(len(line) for line in text.lines if page.links.is_listed(line)) / text.chars
    longest = THREAD_MAX_PROSE_RUN if page.signals_article or page.is_thread else LISTING_MAX_PROSE_RUN
    if share >= (SIGNALLED_LISTING_SHARE if page.signals_article else LISTING_SHARE) and max(text.runs) < longest:
        return f"listing page: {share:.0%} of text is link titles or teasers"
    return None


def _too_little_prose(text: _Lines) -> str | None:
    if sum(text.runs) < (SIGNALLED_MIN_PROSE_CHARS if text.page.signals_article else MIN_PROSE_CHARS):
        return f"too little prose: {sum(text.runs)} characters outside links and teasers"
    return None


CHECKS: tuple[Callable[[_Lines], str | None], ...] = (
    _error_page, _archive, _comment_list, _listed_lines, _repeated_items, _too_little_prose,
)


def not_article_reason(page: GateInput) -> str | None:
    """Why the page is not an article (the first of CHECKS that says so), or None."""
    lines = [line for line in (squash(LIST_BULLET.sub("", line)) for line in page.text.split("\n")) if line]
    runs = _prose_runs(lines, page.links, SIGNALLED_LINE_CHARS if page.signals_article else PROSE_LINE_CHARS)
    text = _Lines(page, lines, runs)
    return next((reason for check in CHECKS if (reason := check(text))), None)


def _prose_runs(lines: list[str], links: LinkIndex, line_chars: int = PROSE_LINE_CHARS) -> list[int]:
    """Characters of prose (lines of ``line_chars``+) in each stretch between listed lines."""
    runs = [0]
    for line in lines:
        if links.is_listed(line):
            runs.append(0)
        elif len(line) >= line_chars:
            runs[-1] += len(line)
    return runs
