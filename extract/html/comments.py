"""Comment containers in the DOM: their texts are evidence the cleaner uses to move comments out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dom import contains, squash, tidy
from cuishou.extract.script import to_simplified

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
COMMENT_CONTAINER_MAX_SHARE = 0.6  # a "comment" container holding more of the page is a page wrapper
LEAD_MIN_CHARS = 30


def lead_paragraph(text: str) -> str | None:
    """The first paragraph of the extracted text: whatever holds it is the article, not comments."""
    return next((line for line in map(squash, text.split("\n")) if len(line) >= LEAD_MIN_CHARS), None)


@dataclass(frozen=True)
class CommentCandidates:
    """Elements that may hold a comment section (by class/id or a 精彩评论-style heading), with
    their whitespace-free texts, found once and filtered per question."""

    nodes: list[tuple[LexborNode, str]]
    body_chars: int

    def containers(self, h1: LexborNode | None, lead: str | None) -> list[LexborNode]:
        """The outermost candidates that are not page wrappers: a container holding the title,
        the article's lead (when given) or most of the page is not a comment section."""
        kept: list[LexborNode] = []
        for node, text in self.nodes:
            if self._is_page_wrapper(node, text, h1, lead) or any(contains(outer, node) for outer in kept):
                continue
            kept = [outer for outer in kept if not contains(node, outer)] + [node]
        return kept

    def _is_page_wrapper(self, node: LexborNode, text: str, h1: LexborNode | None, lead: str | None) -> bool:
        if node.tag in ("body", "html") or (h1 is not None and contains(node, h1)):
            return True
        return len(text) > COMMENT_CONTAINER_MAX_SHARE * self.body_chars or (lead is not None and lead in text)


def comment_candidates(tree: LexborHTMLParser) -> CommentCandidates:
    """Elements whose class/id names a comment section, and parents of 精彩评论-style headings."""
    if tree.body is None:
        return CommentCandidates([], 1)
    nodes = [
        node for node in tree.body.css(_COMMENT_CLASS_SELECTOR)
        if _COMMENT_CLASS.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}")
    ]
    for heading in tree.body.css(_COMMENT_HEADING_SELECTOR):
        own = squash(heading.text(deep=False))
        if 0 < len(own) <= 12 and heading.parent is not None and COMMENT_HEADINGS.match(to_simplified(own)):
            nodes.append(heading.parent)
    body_chars = len(squash(tree.body.text())) or 1
    return CommentCandidates([(node, squash(node.text())) for node in nodes], body_chars)


def _has_own_text(node: LexborNode) -> bool:
    child = node.child
    while child is not None:
        if child.is_text_node and (child.text_content or "").strip():
            return True
        child = child.next
    return False


def comment_texts(containers: list[LexborNode]) -> tuple[tuple[str, ...], frozenset[str]]:
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
            if _has_own_text(node) and not (leaves and contains(leaves[-1], node)):
                leaves.append(node)
                blocks.append(tidy(node.text()))
    return tuple(blocks), frozenset(fragments)
