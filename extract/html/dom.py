"""Small helpers over a lexbor tree and its text, shared by the title, date, comment and gate steps."""

from __future__ import annotations

import json
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

HAN = re.compile(r"[\u4e00-\u9fff]")
LIST_BULLET = re.compile(r"^[-*•·]\s+")  # the "- " trafilatura puts before list items
_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text without any whitespace: how lines are compared across DOM and extractor output."""
    return _WHITESPACE.sub("", text)


def tidy(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return _WHITESPACE.sub(" ", text).strip()


def meta(tree: LexborHTMLParser, *keys: str) -> str | None:
    """The first non-empty ``content`` of a <meta> named (property, name or itemprop) by one of ``keys``."""
    for key in keys:
        node = tree.css_first(f'meta[property="{key}"], meta[name="{key}"], meta[itemprop="{key}"]')
        if node and (content := tidy(node.attributes.get("content") or "")):
            return content
    return None


def document_title(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first("title")
    return tidy(node.text()) if node else None


def contains(outer: LexborNode, inner: LexborNode | None) -> bool:
    """Whether ``inner`` is ``outer`` or lies inside it."""
    node = inner
    while node is not None:
        if node.mem_id == outer.mem_id:
            return True
        node = node.parent
    return False


def json_ld(tree: LexborHTMLParser) -> list[dict]:
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


def schema_types(item: dict) -> set[str]:
    """The schema.org @type of a JSON-LD object: one name or a list of them."""
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "pre",
    "section", "article", "header", "footer", "aside", "dd", "dt", "dl", "hr", "figure", "figcaption",
})


def block_text(node: LexborNode) -> str:
    """The element's text with a line per block (paragraph, list item, line break), inline
    elements (links, emphasis) kept inside their line."""
    lines: list[str] = [""]
    for child in node.traverse(include_text=True):
        if child.is_text_node:
            lines[-1] += child.text_content or ""
        elif child.tag in _BLOCK_TAGS:
            lines.append("")
    return "\n".join(line for line in map(tidy, lines) if line)
