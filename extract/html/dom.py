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


def metas(tree: LexborHTMLParser) -> dict[str, str]:
    """Every <meta>'s content by its lower-cased property, name or itemprop (the first non-empty
    one of each), read in one pass."""
    found: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attributes = node.attributes
        key = (attributes.get("property") or attributes.get("name") or attributes.get("itemprop") or "").lower()
        if key and key not in found and (content := tidy(attributes.get("content") or "")):
            found[key] = content
    return found


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
