"""The page's visible text as its text nodes in document order: what the title and date steps scan.

One walk over the body gives every non-blank text node with its text, plus the text joined into
one string with each node's offset, so a pattern that spans nodes (a label in one cell, the date
in the next) is one regex match, and a match maps back to the node that holds it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

# A relative time ("3天前", "1周前", "2 hours ago"): pages that show one often keep the absolute
# time in the element's title (or datetime/data-time) attribute, which then stands for the text.
RELATIVE_TIME = re.compile(
    r"^(?:\d+\s*(?:秒|分钟|小时|天|日|周|星期|个月|月|年)前|刚刚|昨天|前天|今天|\d+\s*\w+\s+ago)", re.I
)
_TIME_ATTRIBUTES = ("title", "datetime", "data-time", "data-tooltip", "data-original-title")
RELATIVE_TIME_CHARS = 20  # a longer text is not a relative time
_RELATIVE_INITIALS = frozenset("刚昨前今")  # the non-numeric relative times' first characters
_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}")
_ENGLISH_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December),?\d", re.I
)
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？,.;!?]")
PARAGRAPH_CHARS = 30  # a shorter line is a label, a heading or a byline, not the body's start
LOCATE_CHARS = 20  # a paragraph is found on the page by its first characters
PARAGRAPH_GAP_NODES = 30  # consecutive body paragraphs are at most this many text nodes apart


@dataclass(frozen=True)
class TextNodes:
    """Non-blank text nodes of the body in document order, their texts (white space collapsed),
    and those texts joined by newlines (``joined``) with each node's start offset in it (``starts``)."""

    nodes: list[LexborNode]
    texts: list[str]
    joined: str
    starts: list[int]

    @cached_property
    def positions(self) -> dict[int, int]:
        """Each text node's index by its lexbor id."""
        return {node.mem_id: index for index, node in enumerate(self.nodes)}

    def first_index(self, element: LexborNode) -> int | None:
        """Index of the element's first text node (its first child, most often)."""
        positions = self.positions
        child = element.child
        if child is not None and (index := positions.get(child.mem_id)) is not None:
            return index
        return next((positions[n.mem_id] for n in element.traverse(include_text=True) if n.mem_id in positions), None)

    def index_at(self, offset: int) -> int:
        """The index of the node whose text holds ``offset`` of ``joined``."""
        return max(0, bisect_right(self.starts, offset) - 1)

    @cached_property
    def squashed(self) -> list[str]:
        """Each node's text without white space: how texts are compared with titles and paragraphs."""
        return ["".join(text.split()) for text in self.texts]

    @cached_property
    def _squashed_joined(self) -> tuple[str, list[int]]:
        starts, offset = [], 0
        for text in self.squashed:
            starts.append(offset)
            offset += len(text)
        return "".join(self.squashed), starts

    def squashed_start(self, index: int) -> int:
        """Offset of node ``index`` in the nodes' squashed texts joined."""
        return self._squashed_joined[1][index]

    def index_at_squashed(self, offset: int) -> int:
        """The index of the node whose squashed text holds ``offset`` of the squashed texts joined."""
        return max(0, bisect_right(self._squashed_joined[1], offset) - 1)

    def locate(self, squashed: str) -> int | None:
        """Index of the node where ``squashed`` (a text without white space, which may run on
        over the following nodes) first begins; None when the page does not show it."""
        joined, starts = self._squashed_joined
        found = joined.find(squashed) if squashed else -1
        return None if found < 0 else bisect_right(starts, found) - 1

    def body_start(self, paragraphs: list[str]) -> int | None:
        """Index of the node where the article's body begins: the first of the extracted text's
        paragraphs that the next one follows closely (a lone banner or site notice the extractor
        kept above the article is skipped), else the first one found."""
        found = [index for p in paragraphs if (index := self.locate(p[:LOCATE_CHARS])) is not None]
        for index, following in zip(found, found[1:]):
            if 0 < following - index <= PARAGRAPH_GAP_NODES:
                return index
        return found[0] if found else None


def paragraphs(text: str, count: int = 4) -> list[str]:
    """The squashed first ``count`` paragraphs of an extracted text: lines of PARAGRAPH_CHARS or
    more that are prose (with sentence punctuation), not a table row, a list of links
    ("| 首页 | 新闻 |") or a date line."""
    found: list[str] = []
    for line in text.split("\n"):
        squashed = "".join(line.split())
        if (
            len(squashed) >= PARAGRAPH_CHARS
            and not squashed.startswith(("|", "-", "*"))
            and squashed.count("|") < 3
            and _SENTENCE_PUNCTUATION.search(squashed)
            and not _DATE.search(squashed)
            and not _ENGLISH_DATE.search(squashed)
        ):
            found.append(squashed)
            if len(found) == count:
                break
    return found


def _may_be_relative_time(text: str) -> bool:
    """A cheap test before the pattern: short, opening with a digit or 刚/昨/前/今."""
    return len(text) <= RELATIVE_TIME_CHARS and (text[0].isdigit() or text[0] in _RELATIVE_INITIALS)


def _absolute_time(node: LexborNode) -> str | None:
    """The absolute time a relative time's element keeps in an attribute."""
    parent = node.parent
    for name in _TIME_ATTRIBUTES:
        value = parent.attributes.get(name) if parent is not None else None
        if value and _DATE.search(value):
            return " ".join(value.split())
    return None


def text_nodes(tree: LexborHTMLParser) -> TextNodes:
    """Every non-blank text node of the body in document order (scripts and styles already gone;
    a <title> that a crawl dump left in the body is not shown text)."""
    root = tree.body
    if root is None:
        return TextNodes([], [], "", [])
    hidden = {n.mem_id for title in root.css("title") for n in title.traverse(include_text=True)}
    nodes: list[LexborNode] = []
    texts: list[str] = []
    for node in root.traverse(include_text=True):
        content = node.text_content  # None for elements
        if not content or content.isspace() or (hidden and node.mem_id in hidden):
            continue
        text = " ".join(content.split())
        if _may_be_relative_time(text) and RELATIVE_TIME.match(text):
            text = _absolute_time(node) or text
        nodes.append(node)
        texts.append(text)
    starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0)) if texts else []
    return TextNodes(nodes, texts, "\n".join(texts), starts)
