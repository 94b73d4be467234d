"""The article's publication date, from what the page shows and declares.

In order of trust:

1. the byline: the first date in the lines between the headline and the body's first
   paragraph (for a forum or Q&A thread, after the declared date: its byline may be an answer's);
2. what the page declares (``declared``: microdata, JSON-LD, metas, <time>);
3. a post date printed just above the headline (blogs, forum archivers, e-papers);
4. a post-labelled date further down: blog and forum post footers (发表于 …, 本贴由…于 … 发表,
   … 发布, 时间:);
5. the publication time a script holds, where the page has an empty slot for it or shows only
   a relative time.

A date labelled as another event or as a revision (成文日期, 截止, 活动时间, 更新时间, a reply's)
never counts; nor does one inside a comment container (on threads, where replies are the
content, they do), in a link to another article, or on a previous/next or related-article line.
A relative time ("1周前") counts through the absolute time in its element's title attribute
(``text_nodes``). With no headline on the page, the lines just above the body's first paragraph
stand for the byline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dates.declared import declared_published, script_date
from cuishou.extract.html.dates.formats import DATE, SHORT_DATE, match_dates
from cuishou.extract.html.dom import contains
from cuishou.extract.html.text_nodes import RELATIVE_TIME, TextNodes

# Labels right before (or after) a date, read on the text joined across nodes.
_DATE_LABEL_BEFORE = re.compile(r"(?:时间|日期|发布|发表|于|date|time)\s*[:：]?\s*$", re.I)
# A post footer's label: stricter than a byline's (a bare 日期: further down may be any event's).
_POSTED_BEFORE = re.compile(
    r"(?:发布|发表|发帖|posted|published)\s*(?:于|时间|日期|在|on|at)?\s*[:：]?\s*$|[^\d\s]\s*于\s*$|时间\s*[:：]\s*$",
    re.I,
)
_POST_LABEL = re.compile(r"发布|发表|发帖|posted|published|于|时间", re.I)  # the words of the patterns around it
_PUBLISHED_AFTER = re.compile(r"^\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*)?(?:发布|发表|发帖|posted)")
_NOT_PUBLISHED_BEFORE = re.compile(
    r"(?:更新|修改|修订|编辑|成文|印发|生效|实施|施行|截止|有效|失效|废止|开始|结束|报名|考试|举办|活动|出生|到期"
    r"|回复|评论|留言|签署|通过)\s*(?:日期|时间|于|期)?\s*[:：]?\s*$"
)
_NEIGHBOUR_LINE = re.compile(r"上一篇|下一篇|上一页|下一页|相关|推荐|热门|阅读排行|最新文章")
_DATE_CHARACTERS = re.compile(r"[\s\d:.\-/年月日]")
_DIGIT = re.compile(r"\d")
# Elements named for the publication time (publish_time, pubdate, post-date …); empty, a script
# fills them. The selector finds time/date-named elements, the pattern keeps the publication ones.
_DATE_SLOT_SELECTOR = '[id*="time" i], [class*="time" i], [id*="date" i], [class*="date" i]'
_DATE_SLOT_NAME = re.compile(r"pub(?:lish)?[-_]?(?:time|date)|post[-_]?(?:time|date)", re.I)
_TIME_AFTER = re.compile(r"^\s+\d{1,2}:\d{2}")
LABEL_CHARS = 16  # how far before a date its label may start
LABEL_WINDOW_CHARS = LABEL_CHARS + 40  # how far from a post label its date may start or end (dates are shorter)
ZONE_CHARS = 400  # how much text below the headline the byline may take
BODY_LINE_CHARS = 60  # a text node this long is body text: the byline zone ends there
ABOVE_BODY_NODES = 8  # without a headline: how many nodes above the body's first paragraph
ABOVE_HEADLINE_NODES = 8  # a post date printed just above the headline (blogs, forum archivers)...
ABOVE_HEADLINE_CHARS = 60  # ...within this much text
LINK_TITLE_CHARS = 6  # a link holding this many characters besides its date is another article


def _dates(
    nodes: TextNodes, start: int, end: int, short_years: bool = False, near_post_labels: bool = False
) -> list[tuple[tuple[date, ...], int, str, str]]:
    """(readings, node index, text before, text after) of every date in nodes start..end, in
    page order; with ``near_post_labels``, only those within reach of a post label (a bounded
    scan of long pages). An ambiguous 06/02/2022 has two readings, month/day first."""
    if start >= end:
        return []
    low, high = nodes.starts[start], nodes.starts[end - 1] + len(nodes.texts[end - 1])
    text = nodes.joined
    found = []
    for window_low, window_high in _label_windows(text, low, high) if near_post_labels else [(low, high)]:
        for pattern in (DATE, SHORT_DATE) if short_years else (DATE,):
            for match in pattern.finditer(text, window_low, window_high):
                before = text[max(0, match.start() - LABEL_CHARS):match.start()]
                after = text[match.end():match.end() + LABEL_CHARS]
                if pattern is SHORT_DATE and not (_TIME_AFTER.match(after) or _DATE_LABEL_BEFORE.search(before)):
                    continue
                if readings := match_dates(match):
                    found.append((match.start(), readings, before, after))
    found.sort(key=lambda f: f[0])
    return [(readings, nodes.index_at(offset), before, after) for offset, readings, before, after in found]


def _label_windows(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """Merged stretches of text low..high around each post label: where a labelled date can be."""
    windows: list[tuple[int, int]] = []
    for label in _POST_LABEL.finditer(text, low, high):
        window = (max(low, label.start() - LABEL_WINDOW_CHARS), min(high, label.end() + LABEL_WINDOW_CHARS))
        if windows and window[0] <= windows[-1][1]:
            windows[-1] = (windows[-1][0], window[1])
        else:
            windows.append(window)
    return windows


def _byline_date(before: str, after: str) -> bool:
    """A byline takes any date not labelled as another event or a revision."""
    return not _NOT_PUBLISHED_BEFORE.search(before)


def _posted_date(before: str, after: str) -> bool:
    """Further down, only a date labelled as the post's (发表于, 本贴由…于, … 发布, 时间:)."""
    return bool(_POSTED_BEFORE.search(before) or _PUBLISHED_AFTER.match(after)) and _byline_date(before, after)


def _in_other_article_link(node: LexborNode) -> bool:
    """Whether the date sits in a link that also holds a title: a link to another article."""
    parent = node.parent
    for _ in range(3):
        if parent is None:
            return False
        if parent.tag == "a":  # an anchor without href (a floor marker) links nowhere
            rest = _DATE_CHARACTERS.sub("", DATE.sub("", parent.text()))
            return "href" in parent.attributes and len(rest) >= LINK_TITLE_CHARS
        parent = parent.parent
    return False


def _zone(nodes: TextNodes, headline: int | None, body_start: int | None) -> tuple[int, int]:
    """Node range of the byline: below the headline up to the body or a body-length line; with
    no headline, the few lines above the body's first paragraph."""
    if headline is None:
        if body_start is None:
            return 0, 0
        return max(0, body_start - ABOVE_BODY_NODES), body_start
    end, chars = headline + 1, 0
    while end < len(nodes.texts) and end != body_start:
        if len(nodes.texts[end]) >= BODY_LINE_CHARS or chars > ZONE_CHARS:
            break
        chars += len(nodes.texts[end])
        end += 1
    return headline, end


class _Search:
    """The page's dates to choose from; what it declares is read only when needed."""

    def __init__(
        self,
        tree: LexborHTMLParser,
        nodes: TextNodes,
        containers: list[LexborNode],
        metas: dict[str, str],
        json_ld: list[dict],
        thread: bool,
    ) -> None:
        self.tree, self.nodes, self.containers = tree, nodes, containers
        self.metas, self.json_ld = metas, json_ld
        self.thread = thread  # a thread's first post sits in a reply container: there containers do not exclude

    @cached_property
    def declared(self) -> date | None:
        return declared_published(self.tree, self.metas, self.json_ld, self.containers)

    def first(
        self,
        start: int,
        end: int,
        accept: Callable[[str, str], bool],
        byline: bool = False,
        nearest_last: bool = False,
        near_post_labels: bool = False,
    ) -> date | None:
        """The first date in nodes start..end (the last one with ``nearest_last``) whose label text
        before/after it ``accept`` takes, that is not another item's. In the ``byline`` (below the
        headline) two-digit years are read and a dated link is the byline's own (an author link).
        Of an ambiguous date's two readings, the one the page declares, else month/day.
        ``near_post_labels``: only dates near a post label are read (see ``_dates``)."""
        dates = _dates(self.nodes, start, end, short_years=byline, near_post_labels=near_post_labels)
        for readings, index, before, after in reversed(dates) if nearest_last else dates:
            node, text = self.nodes.nodes[index], self.nodes.texts[index]
            if not accept(before, after) or _NEIGHBOUR_LINE.search(text):
                continue
            if not byline and _in_other_article_link(node):
                continue
            if not self.thread and any(contains(c, node) for c in self.containers):
                continue
            return self.declared if len(readings) > 1 and self.declared in readings else readings[0]
        return None


def _above(nodes: TextNodes, headline: int | None) -> int:
    """First node of the short stretch just above the headline where post dates are printed."""
    if headline is None:
        return 0
    start, chars = headline, 0
    while start > 0 and headline - start < ABOVE_HEADLINE_NODES:
        chars += len(nodes.texts[start - 1])
        if chars > ABOVE_HEADLINE_CHARS:
            break
        start -= 1
    return start


def _shows_relative_time(nodes: TextNodes, start: int, end: int) -> bool:
    return any(RELATIVE_TIME.match(text) for text in nodes.texts[start:end])


def _has_date_slot(tree: LexborHTMLParser) -> bool:
    """Whether the page has an empty element named for the publication time (a script fills it)."""
    return any(
        _DATE_SLOT_NAME.search(f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}")
        and not _DIGIT.search(node.text())
        for node in tree.css(_DATE_SLOT_SELECTOR)
    )


def published_date(
    tree: LexborHTMLParser,
    nodes: TextNodes,
    headline: int | None,
    body_start: int | None,
    containers: list[LexborNode],
    metas: dict[str, str],
    json_ld: list[dict],
    html: str,
    thread: bool = False,
) -> str | None:
    """The article date ('YYYY-MM-DD') the page shows or declares (see the module docstring);
    None when it has none. ``metas`` as ``dom.metas`` reads them; ``html`` is the markup with
    its scripts."""
    search = _Search(tree, nodes, containers, metas, json_ld, thread)
    start, end = _zone(nodes, headline, body_start)
    byline = search.first(start, end, _byline_date, byline=headline is not None)
    found = (
        ((search.declared or byline) if thread else (byline or search.declared))
        or search.first(_above(nodes, headline), headline or 0, _byline_date, nearest_last=True)
        or search.first(end, len(nodes.texts), _posted_date, near_post_labels=True)
        or (script_date(html) if _has_date_slot(tree) or _shows_relative_time(nodes, start, end) else None)
    )
    return found.isoformat() if found else None
