"""The main text of a page: trafilatura, after layout tables become blocks, with thread replies kept.

trafilatura picks the main text (it is the most robust general extractor we measured). Two page
types are routed before it: old pages laid out with tables get those tables turned into blocks
(read as data tables, the whole page came out as rows), and forum/Q&A threads keep their replies,
which trafilatura files as comments, in the main text.
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from copy import deepcopy

import trafilatura
import trafilatura.external
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.utils import load_html

from cuishou.extract.html.dom import HAN, squash

FLAT_TEXT_MIN_CHARS = 100  # a one-line extraction this long is a flattened page, not one paragraph
HTML_START_CHARS = 50  # how far trafilatura looks for "html" before doubting a document
LAYOUT_TABLE_PAGE_SHARE = 0.3  # a layout table holds at least this share of the page's text...
LAYOUT_CELL_MIN_CHARS = 150  # ...and nests tables or has a cell this long...
LAYOUT_CELL_TABLE_SHARE = 0.5  # ...holding this share of the table's text
CAPTION_MAX_CHARS = 200  # a caption-classed block longer than this is no caption
CAPTION_MIN_HAN = 2  # a caption with fewer Han characters is left as trafilatura reads it
_CAPTION_CLASS = re.compile(r"caption|pic-?(?:txt|text|info|desc)|img-?(?:txt|text|desc)", re.I)
SHORT_THREAD_CHARS = 500  # a thread's recall text shorter than this gets the balanced pass too...
THREAD_RETRY_GAIN = 1.5  # ...which replaces it when it is this many times longer

_SHORT_PAGE_CONFIG = deepcopy(DEFAULT_CONFIG)
_SHORT_PAGE_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "60")


_LOAD_JUSTEXT_STOPLIST = getattr(trafilatura.external, "jt_stoplist_init", None)


def _justext_stoplist_as_set():
    """trafilatura's justext fallback (pages it doubts) uses the stopwords of every language at once
    and keeps them as a tuple; justext's cache of lower-cased stoplists is keyed by it, so each call
    hashed ~150k strings spread over memory, costing more than justext's own work. The same words
    as a frozenset hash once (a frozenset keeps its hash): same classification, no such cost.
    A trafilatura without this loader is left as it is."""
    trafilatura.external.JT_STOPLIST = frozenset(_LOAD_JUSTEXT_STOPLIST())
    return trafilatura.external.JT_STOPLIST


if _LOAD_JUSTEXT_STOPLIST is not None:
    trafilatura.external.jt_stoplist_init = _justext_stoplist_as_set  # loaded on first use, as before


def main_text(html: str, url: str | None, thread: bool) -> str:
    """trafilatura's main text, recall-oriented (it otherwise drops h3 section headings on some
    templates), with no cross-document dedup (its global cache makes output order-dependent).

    Dialogs are dropped, layout tables turned into blocks and captions into paragraphs first
    (``_prepared_tree``).
    trafilatura rejects markup with no "html" near its start and a single root element, as in crawl dumps
    that wrap the page in ``<text id=URL>`` instead of ``<html>``; such a page gets a second
    chance inside an ``<html><body>`` shell.

    Below MIN_EXTRACTED_SIZE (250 chars) trafilatura falls back to a baseline that can flatten a
    short <article> into one line; lines matter to the cleaner, so such a page is extracted again
    with a lower threshold.

    On a thread, a short result means the recall pass stopped at one post or a widget; the
    balanced pass (whose thread-forum rescue reaches the posts) is taken when it finds clearly more."""
    tree = _prepared_tree(html)
    text = _trafilatura_text(tree, url, DEFAULT_CONFIG, thread) if tree is not None else ""
    if not text.strip() and _is_doubted_markup(html):
        tree = _prepared_tree(f"<html><body>{html}</body></html>")
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


def _prepared_tree(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura should read it (no dialogs, layout tables as blocks, captions
    as paragraphs); None when trafilatura's loader rejects the markup."""
    tree = load_html(html)
    if tree is None:
        return None
    _without_dialogs(tree)
    _layout_tables_as_blocks(tree)
    _captions_as_paragraphs(tree)
    return tree


# elements that may be dialogs, by tag (a walk over every element's attributes costs more); _is_dialog decides
_DIALOG_CANDIDATES = XPath(
    "//div[@role or @aria-modal or contains(@class, 'modal')]|//section[@role or @aria-modal]|//dialog"
)


def _is_dialog(element: HtmlElement) -> bool:
    """A dialog by its ARIA role or modal flag, a closed ``<dialog>``, or Bootstrap's ``modal``
    class (role-less on many templates; ``modal-body``, ``ttp-modal`` are parts or other names)."""
    return (element.get("role") in ("dialog", "alertdialog") or element.get("aria-modal") == "true"
            or (element.tag == "dialog" and element.get("open") is None)
            or "modal" in (element.get("class") or "").split())


def _without_dialogs(tree: HtmlElement) -> None:
    """Dialogs removed: a login form, a share sheet or an editor's help (a page of text of its own,
    hidden until asked for) is no part of the page's text, yet recall-oriented extraction can take a
    long one for the main text of a page whose own text is short."""
    for element in _DIALOG_CANDIDATES(tree):
        if _is_dialog(element) and element.getparent() is not None:
            element.drop_tree()


def _captions_as_paragraphs(tree: HtmlElement) -> None:
    """Chinese image captions (<figcaption>, caption-classed blocks) as paragraphs, their figures
    as blocks: trafilatura drops them with the images (and prunes caption classes), but in this
    corpus a caption says what a photo shows (图为…, 催收短信截图). Captions without Han text
    (English news credits, "Photo: Reuters") are left to trafilatura, as the English reference
    texts expect."""
    for caption in tree.iter("figcaption", "div", "span", "p"):
        is_caption = caption.tag == "figcaption" or (
            _CAPTION_CLASS.search(caption.get("class") or "") and _text_chars(caption) <= CAPTION_MAX_CHARS
        )
        if is_caption and len(HAN.findall("".join(caption.itertext()))) >= CAPTION_MIN_HAN:
            caption.tag = "p"
            caption.attrib.pop("class", None)
            if (figure := caption.getparent()) is not None and figure.tag == "figure":
                figure.tag = "div"


def _layout_tables_as_blocks(tree: HtmlElement) -> None:
    """Layout tables turned into divs. trafilatura reads a layout table as one data table and
    prints the whole page (menus, ads, the article) as table rows; as blocks, its usual
    boilerplate scoring applies. A layout table holds a good share of the page, or sits in one;
    data tables inside stay tables."""
    if tree.find(".//table") is None:
        return
    page_share = LAYOUT_TABLE_PAGE_SHARE * _text_chars(tree)
    layout = []
    for table in tree.iter("table"):
        inside_layout = any(outer in layout for outer in table.iterancestors("table"))
        if _is_layout_table(table, 0 if inside_layout else page_share):
            layout.append(table)
    for table in layout:
        for element in [table, *_own_parts(table)]:
            element.tag = "div"


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
