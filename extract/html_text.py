"""Main text and metadata of one decoded HTML page, plus the DOM evidence genre cleaning needs.

trafilatura picks the main text (it is the most robust general extractor we measured), but on
this genre it keeps fake comment sections, injected title lines and link lists whenever their
containers do not carry English ``comment``-style classes. Two page types are routed before it:
old pages laid out with tables get those tables turned into blocks (read as data tables, the
whole page came out as rows), and forum/Q&A threads keep their replies, which trafilatura files
as comments, in the main text. The page is also parsed once with lexbor, and that tree gives:

* the article title (the ``<h1>``, not the ``<title>`` with its `` - 站名`` suffix) and site name;
* the article date from the byline right under the title (``<time>``/JSON-LD/meta as fallback),
  so a comment's date (``发布于 … ・IP 属地``) is never taken for the article's;
* comment containers (class/id hints and 精彩评论-style headings) whose texts the cleaner moves
  out of the main text, and every link text, so lists of titles can be recognised as link farms;
* whether the page is an article at all (listing pages are mostly link titles and teasers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from configparser import ConfigParser
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date

import trafilatura
from lxml.html import HtmlElement
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.utils import load_html

from extract.script import to_simplified

# Class/id fragments of comment containers: the usual English ones plus pinyin (pinglun) and the
# cmt abbreviation. Short ones must be whole tokens.
_COMMENT_CLASS = re.compile(
    r"comment|pinglun|disqus|(?:^|[\s_-])(?:cmt|reply|replies|discuss)(?:$|[\s_-])", re.I
)
# CSS prefilters (evaluated by lexbor, in C) for the two regexes, so Python sees few elements.
_COMMENT_CLASS_SELECTOR = ", ".join(
    f'[{attr}*="{part}" i]'
    for part in ("comment", "pinglun", "disqus", "cmt", "repl", "discuss")
    for attr in ("class", "id")
)
_COMMENT_HEADING_SELECTOR = ", ".join(
    f'{tag}:lexbor-contains("{word}")'
    for tag in ("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b")
    for word in ("评论", "評論", "回复", "回覆", "留言")
)
# Headings that open a comment section (matched on simplified text).
COMMENT_HEADINGS = re.compile(
    r"^(?:精彩|网友|热门|最新|全部|用户|读者|相关)?(?:评论|回复|留言)(?:区|列表)?[::]?(?:\(\d+\))?$"
)
# Titles/headings of error pages.
_ERROR_PAGE = re.compile(
    r"^(?:40[034]|410|50[0234])\b|页面不存在|找不到(?:该|此)?页面|页面已(?:被)?删除|文章不存在|内容已(?:被)?删除"
    r"|not\s+found|page\s+(?:does\s+not|doesn't)\s+exist",
    re.I,
)
# Addresses of forum and Q&A threads, and the schema.org types such pages declare.
_THREAD_URL = re.compile(
    r"^[a-z]+://[^/?#]*(?:bbs|forum|discuss|community|tieba)[^/?#]*(?:[/?#]|$)"
    r"|/(?:threads?|topics?|t|d|forums?|bbs|questions?|discussions?|faq|ask)/"
    r"|viewthread\.php|showthread\.php|showtopic|forum\.php\?mod=viewthread|read\.php\?tid",
    re.I,
)
_THREAD_TYPES = frozenset({"DiscussionForumPosting", "QAPage"})
HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
LIST_BULLET = re.compile(r"^[-*•·]\s+")  # the "- " trafilatura puts before list items
_TITLE_SEPARATORS = re.compile(r"\s*(?:\s[-–—|_]\s|[|_]|\s-|-\s)\s*")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)"
)
_MODIFIED_LABEL = re.compile(r"(?:更新|修改|编辑)(?:时间|日期|于)?[::]?\s*$")
_ELLIPSIS = ("…", "...", "。。。")
_WHITESPACE = re.compile(r"\s+")

BYLINE_ZONE_CHARS = 400  # how far below the title the byline may be
BODY_LINE_CHARS = 60  # a line this long is body text: the byline zone ends there
MIN_PROSE_CHARS = 80  # less prose than this (outside links/teasers) is not an article
ERROR_PAGE_MAX_PROSE = 300  # an error-looking title only means an error page if the text is this short
LISTING_SHARE = 0.5  # share of extracted text in link titles/teasers that makes a listing page
LISTING_MAX_PROSE_RUN = 240  # ...unless it also has a stretch of prose this long (an article + link farm)
PROSE_LINE_CHARS = 20  # shorter lines (labels, dates, headings) do not count as prose
COMMENT_CONTAINER_MAX_SHARE = 0.6  # a "comment" container holding more of the page is a page wrapper
LEAD_MIN_CHARS = 30
FLAT_TEXT_MIN_CHARS = 100  # a one-line extraction this long is a flattened page, not one paragraph
HANT_MIN_SHARE = 0.03  # share of Han characters OpenCC t2s changes for text to count as traditional
LANGUAGE_SAMPLE_CHARS = 3000  # the language heuristic looks at this much text
HTML_START_CHARS = 50  # how far trafilatura looks for "html" before doubting a document
LAYOUT_TABLE_PAGE_SHARE = 0.3  # a layout table holds at least this share of the page's text...
LAYOUT_CELL_MIN_CHARS = 150  # ...and nests tables or has a cell this long...
LAYOUT_CELL_TABLE_SHARE = 0.5  # ...holding this share of the table's text
SHORT_THREAD_CHARS = 500  # a thread's recall text shorter than this gets the balanced pass too...
THREAD_RETRY_GAIN = 1.5  # ...which replaces it when it is this many times longer


_SHORT_PAGE_CONFIG = deepcopy(DEFAULT_CONFIG)
_SHORT_PAGE_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "60")


@dataclass(frozen=True)
class ExtractedPage:
    """What one HTML page says: metadata, raw main text, and the DOM evidence for cleaning."""

    title: str | None
    published: str | None
    text: str
    is_article: bool
    not_article_reason: str | None
    language: str
    is_thread: bool = False  # a forum/Q&A thread: its posts and replies are the content
    site_name: str | None = None
    comment_blocks: tuple[str, ...] = ()  # leaf texts of DOM comment containers, in page order
    comment_fragments: frozenset[str] = field(default_factory=frozenset)  # squashed texts inside them
    link_texts: frozenset[str] = field(default_factory=frozenset)  # squashed texts of every <a>


def squash(text: str) -> str:
    """Text without any whitespace: how lines are compared across DOM and extractor output."""
    return _WHITESPACE.sub("", text)


def tidy(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return _WHITESPACE.sub(" ", text).strip()


def text_only_page(text: str, title: str | None = None) -> ExtractedPage:
    """An ExtractedPage for text that has no HTML (dumps, other extractors): no DOM evidence."""
    return ExtractedPage(title, None, text, True, None, detect_language(text))


def extract_page(html: str, url: str | None = None) -> ExtractedPage:
    """Extract title, article date, main text and cleaning evidence from one decoded page."""
    tree = LexborHTMLParser(html)
    json_ld = _json_ld(tree)
    thread = _is_thread(url, json_ld)
    tree.strip_tags(["script", "style", "noscript", "template"])
    h1 = _article_h1(tree)
    title = _title(tree, h1)
    text = _without_title_echo(_main_text(html, url, thread), title)
    containers = _comment_containers(tree, h1, _lead(text))
    comment_blocks, comment_fragments = _comment_texts(containers)
    link_texts = frozenset(t for a in tree.css("a") if (t := squash(a.text())))
    reason = _not_article_reason(title, text, link_texts)
    return ExtractedPage(
        title=title,
        published=_published(tree, h1, containers, _json_ld_date(json_ld)),
        text=text,
        is_article=reason is None,
        is_thread=thread,
        not_article_reason=reason,
        language=detect_language(text or (tree.body.text() if tree.body else "")),
        site_name=_site_name(tree, title),
        comment_blocks=comment_blocks,
        comment_fragments=comment_fragments,
        link_texts=link_texts,
    )


def _main_text(html: str, url: str | None, thread: bool) -> str:
    """trafilatura's main text, recall-oriented (it otherwise drops h3 section headings on some
    templates), with no cross-document dedup (its global cache makes output order-dependent).

    Layout tables are turned into blocks first (``_layout_tables_as_blocks``). trafilatura
    rejects markup with no "html" near its start and a single root element, as in crawl dumps
    that wrap the page in ``<text id=URL>`` instead of ``<html>``; such a page gets a second
    chance inside an ``<html><body>`` shell.

    Below MIN_EXTRACTED_SIZE (250 chars) trafilatura falls back to a baseline that can flatten a
    short <article> into one line; lines matter to the cleaner, so such a page is extracted again
    with a lower threshold.

    On a thread, a short result means the recall pass stopped at one post or a widget; the
    balanced pass (whose thread-forum rescue reaches the posts) is taken when it finds clearly more."""
    tree = _layout_tables_as_blocks(html)
    text = _trafilatura_text(tree, url, DEFAULT_CONFIG, thread) if tree is not None else ""
    if not text.strip() and _is_doubted_markup(html):
        tree = _layout_tables_as_blocks(f"<html><body>{html}</body></html>")
        text = _trafilatura_text(tree, url, DEFAULT_CONFIG, thread) if tree is not None else ""
    if tree is None:
        return text
    if "\n" not in text.strip() and len(text) >= FLAT_TEXT_MIN_CHARS:
        text = _trafilatura_text(tree, url, _SHORT_PAGE_CONFIG, thread) or text
    if thread and len(squash(text)) < SHORT_THREAD_CHARS:
        balanced = _trafilatura_text(tree, url, DEFAULT_CONFIG, thread, favor_recall=False)
        if len(squash(balanced)) >= THREAD_RETRY_GAIN * len(squash(text)):
            return balanced
    return text


def _is_doubted_markup(html: str) -> bool:
    """Markup (it opens with a tag) without "html" where trafilatura looks for it."""
    return html.lstrip().startswith("<") and "html" not in html[:HTML_START_CHARS].lower()


def _without_title_echo(text: str, title: str | None) -> str:
    """The text without its first line when that line is the h1 (the title is its own field)."""
    first, _, rest = text.lstrip().partition("\n")
    return rest if title and squash(first) == squash(title) else text


def _text_chars(element: HtmlElement) -> int:
    return len("".join(element.itertext()).strip())


def _own_parts(table: HtmlElement) -> list[HtmlElement]:
    """The table's own sections, rows and cells (not those of tables nested in it)."""
    return [
        el for el in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
        if next(el.iterancestors("table")) is table
    ]


def _is_layout_table(table: HtmlElement, min_chars: float) -> bool:
    """A table used for layout, not data: it holds at least ``min_chars`` and either nests
    tables or has one cell holding most of its text (the article column)."""
    chars = _text_chars(table)
    if chars < min_chars:
        return False
    if table.find(".//table") is not None:
        return True
    cells = [_text_chars(cell) for cell in table.iter("td", "th")]
    return bool(cells) and max(cells) >= LAYOUT_CELL_MIN_CHARS and max(cells) >= LAYOUT_CELL_TABLE_SHARE * chars


def _layout_tables_as_blocks(html: str) -> HtmlElement | None:
    """The page's tree with layout tables turned into divs. trafilatura reads a layout table
    as one data table and prints the whole page (menus, ads, the article) as table rows; as
    blocks, its usual boilerplate scoring applies. A layout table holds a good share of the page,
    or sits in one; data tables inside stay tables. None when trafilatura's loader rejects the markup."""
    tree = load_html(html)
    if tree is None:
        return None
    page_share = LAYOUT_TABLE_PAGE_SHARE * _text_chars(tree)
    layout = []
    for table in tree.iter("table"):
        inside_layout = any(outer in layout for outer in table.iterancestors("table"))
        if _is_layout_table(table, 0 if inside_layout else page_share):
            layout.append(table)
    for table in layout:
        for element in [table, *_own_parts(table)]:
            element.tag = "div"
    return tree


def _trafilatura_text(
    tree: HtmlElement, url: str | None, config: ConfigParser, thread: bool, favor_recall: bool = True
) -> str:
    """trafilatura's text of the page (it copies the tree); on a thread its "comments", which
    are the replies, are appended: there they are the content."""
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_recall=favor_recall,
        include_comments=True,
        deduplicate=False,
        with_metadata=False,
        config=config,
    )
    if not doc:
        return ""
    text, posts = doc.text or "", doc.comments or ""
    return f"{text}\n{posts}" if thread and posts else text


def _meta(tree: LexborHTMLParser, *keys: str) -> str | None:
    for key in keys:
        node = tree.css_first(f'meta[property="{key}"], meta[name="{key}"], meta[itemprop="{key}"]')
        if node and (content := tidy(node.attributes.get("content") or "")):
            return content
    return None


def _document_title(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first("title")
    return tidy(node.text()) if node else None


def _article_h1(tree: LexborHTMLParser) -> LexborNode | None:
    """The h1 naming the article: the one the og:title/<title> agree with, else the first."""
    h1s = [node for node in tree.css("h1") if tidy(node.text())]
    hints = [squash(h) for h in (_meta(tree, "og:title"), _document_title(tree)) if h]
    for node in h1s:
        if any(hint.startswith(squash(node.text())) for hint in hints):
            return node
    return h1s[0] if h1s else None


def _title(tree: LexborHTMLParser, h1: LexborNode | None) -> str | None:
    """h1 text, else og:title, else <title> without its site-name suffix."""
    if h1 is not None:
        return tidy(h1.text())
    if og_title := _meta(tree, "og:title"):
        return og_title
    doc_title = _document_title(tree)
    return _TITLE_SEPARATORS.split(doc_title)[0] if doc_title else None


def _site_name(tree: LexborHTMLParser, title: str | None) -> str | None:
    """og:site_name, else what follows the title in <title> ("标题 - 站名")."""
    if name := _meta(tree, "og:site_name"):
        return name
    doc_title = _document_title(tree)
    if not doc_title or not title or not doc_title.startswith(title):
        return None
    suffix = _TITLE_SEPARATORS.sub("", doc_title[len(title):], count=1).strip()
    return suffix or None


def _contains(outer: LexborNode, inner: LexborNode | None) -> bool:
    node = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


def _lead(text: str) -> str | None:
    """The first paragraph of the extracted text: whatever holds it is the article, not comments."""
    return next((line for line in map(squash, text.split("\n")) if len(line) >= LEAD_MIN_CHARS), None)


def _is_page_wrapper(node: LexborNode, body_chars: int, h1: LexborNode | None, lead: str | None) -> bool:
    """A container holding the title, the article's lead or most of the page is not a comment section."""
    if node.tag in ("body", "html") or (h1 is not None and _contains(node, h1)):
        return True
    text = squash(node.text())
    return len(text) > COMMENT_CONTAINER_MAX_SHARE * body_chars or (lead is not None and lead in text)


def _comment_containers(tree: LexborHTMLParser, h1: LexborNode | None, lead: str | None) -> list[LexborNode]:
    """Outermost elements that hold a comment section, by class/id or by a 精彩评论-style heading."""
    if tree.body is None:
        return []
    body_chars = len(squash(tree.body.text())) or 1
    candidates = [
        node for node in tree.body.css(_COMMENT_CLASS_SELECTOR)
        if _COMMENT_CLASS.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}")
    ]
    for heading in tree.body.css(_COMMENT_HEADING_SELECTOR):
        own = squash(heading.text(deep=False))
        if 0 < len(own) <= 12 and heading.parent is not None and COMMENT_HEADINGS.match(to_simplified(own)):
            candidates.append(heading.parent)
    kept: list[LexborNode] = []
    for node in candidates:
        if _is_page_wrapper(node, body_chars, h1, lead) or any(_contains(outer, node) for outer in kept):
            continue
        kept = [outer for outer in kept if not _contains(node, outer)] + [node]
    return kept


def _has_own_text(node: LexborNode) -> bool:
    child = node.child
    while child is not None:
        if child.is_text_node and (child.text_content or "").strip():
            return True
        child = child.next
    return False


def _comment_texts(containers: list[LexborNode]) -> tuple[tuple[str, ...], frozenset[str]]:
    """Texts of the comment containers: leaf blocks in order (name, date, body, widget each on
    its own), and every element's squashed text, so merged extractor lines still match."""
    blocks: list[str] = []
    fragments: set[str] = set()
    for container in containers:
        leaves: list[LexborNode] = []
        for node in container.css("*"):
            text = squash(node.text())
            if not text:
                continue
            fragments.add(text)
            if _has_own_text(node) and not (leaves and _contains(leaves[-1], node)):
                leaves.append(node)
                blocks.append(tidy(node.text()))
    return tuple(blocks), frozenset(fragments)


def _iso_date(match: re.Match[str]) -> str | None:
    """'YYYY-MM-DD' of a date match, None for a day the calendar lacks (2023-02-30)."""
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


def _texts_after(node: LexborNode | None) -> Iterator[str]:
    """Text lines of what follows ``node`` in document order: its siblings, then its parent's."""
    while node is not None and node.tag not in ("body", "html"):
        sibling = node.next
        while sibling is not None:
            yield from sibling.text(separator="\n").split("\n")
            sibling = sibling.next
        node = node.parent


def _byline_zone(tree: LexborHTMLParser, h1: LexborNode | None) -> str:
    """Text between the title and the first body-length line: where bylines put the date."""
    if h1 is not None:
        lines = _texts_after(h1)
    elif tree.body is not None:
        lines = iter(tree.body.text(separator="\n").split("\n"))
    else:
        return ""
    zone: list[str] = []
    for line in filter(None, map(tidy, lines)):
        if len(line) >= BODY_LINE_CHARS or sum(map(len, zone)) > BYLINE_ZONE_CHARS:
            break
        zone.append(line)
    return " ".join(zone)


def _zone_date(zone: str) -> str | None:
    for match in _DATE.finditer(zone):
        if not _MODIFIED_LABEL.search(zone[max(0, match.start() - 8):match.start()]):
            if iso := _iso_date(match):
                return iso
    return None


def _json_ld(tree: LexborHTMLParser) -> list[dict]:
    """Every JSON object in the page's JSON-LD scripts, nested ones included."""
    objects: list[dict] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            stack = [json.loads(script.text())]
        except ValueError:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for v in reversed(item.values()) if isinstance(v, (list, dict)))
    return objects


def _json_ld_date(json_ld: list[dict]) -> str | None:
    return next((o["datePublished"] for o in json_ld if isinstance(o.get("datePublished"), str)), None)


def _is_thread(url: str | None, json_ld: list[dict]) -> bool:
    """A forum or Q&A thread, by its schema.org type or its address (bbs./forum., /thread/,
    viewthread.php ...): there the replies are the content, not a comment section."""
    if any(_THREAD_TYPES.intersection(_types(o)) for o in json_ld):
        return True
    return bool(url and url.startswith(("http://", "https://")) and _THREAD_URL.search(url))


def _types(item: dict) -> set[str]:
    """The schema.org @type of a JSON-LD object: one name or a list of them."""
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _structured_date(tree: LexborHTMLParser, containers: list[LexborNode]) -> str | None:
    """<time> outside comments, then article:published_time/pubdate meta."""
    for node in tree.css("time"):
        if not any(_contains(c, node) for c in containers):
            if raw := node.attributes.get("datetime") or node.text():
                return raw
    return _meta(tree, "article:published_time", "datePublished", "pubdate", "publishdate", "PubDate")


def _published(
    tree: LexborHTMLParser, h1: LexborNode | None, containers: list[LexborNode], json_ld_date: str | None
) -> str | None:
    """The article date the page shows ('YYYY-MM-DD'): the byline under the title, else <time>,
    meta or JSON-LD; None when the page shows none (comment dates never count)."""
    if date := _zone_date(_byline_zone(tree, h1)):
        return date
    raw = _structured_date(tree, containers) or json_ld_date
    match = _DATE.search(raw) if raw else None
    return _iso_date(match) if match else None


def _is_listed(line: str, link_texts: frozenset[str]) -> bool:
    """A line of a listing: a link title or a teaser cut off with an ellipsis."""
    return line in link_texts or line.endswith(_ELLIPSIS)


def _prose_runs(lines: list[str], link_texts: frozenset[str]) -> list[int]:
    """Characters of prose (lines of PROSE_LINE_CHARS+) in each stretch between listed lines."""
    runs = [0]
    for line in lines:
        if _is_listed(line, link_texts):
            runs.append(0)
        elif len(line) >= PROSE_LINE_CHARS:
            runs[-1] += len(line)
    return runs


def _not_article_reason(title: str | None, text: str, link_texts: frozenset[str]) -> str | None:
    """Why the page is not an article (error page, listing of links/teasers, no prose), or None."""
    lines = [squash(LIST_BULLET.sub("", line)) for line in text.split("\n")]
    lines = [line for line in lines if line]
    runs = _prose_runs(lines, link_texts)
    if title and _ERROR_PAGE.search(title) and sum(runs) < ERROR_PAGE_MAX_PROSE:
        return f"error page: title {title!r}"
    listed = sum(len(line) for line in lines if _is_listed(line, link_texts))
    share = listed / (sum(map(len, lines)) or 1)
    if share >= LISTING_SHARE and max(runs) < LISTING_MAX_PROSE_RUN:
        return f"listing page: {share:.0%} of text is link titles or teasers"
    if sum(runs) < MIN_PROSE_CHARS:
        return f"too little prose: {sum(runs)} characters outside links and teasers"
    return None


def detect_language(text: str) -> str:
    """'zh' / 'zh-Hant' / 'ja' / 'ko' / 'en' / 'und' from character classes (cheap, no model)."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    han, kana = len(HAN.findall(sample)), len(_KANA.findall(sample))
    hangul, latin = len(_HANGUL.findall(sample)), len(_LATIN.findall(sample))
    if hangul > han and hangul > latin / 4:
        return "ko"
    if kana > 10 and kana > 0.05 * (han + kana):
        return "ja"
    if han and han >= latin / 4:
        changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
        return "zh-Hant" if changed >= HANT_MIN_SHARE * han else "zh"
    return "en" if latin else "und"
