"""The article's headline and the site's name."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from extract.html.dom import document_title, meta, squash, tidy

_TITLE_SEPARATORS = re.compile(r"\s*(?:\s[-–—|_]\s|[|_]|\s-|-\s)\s*")


def article_h1(tree: LexborHTMLParser) -> LexborNode | None:
    """The h1 naming the article: the one the og:title/<title> agree with, else the first."""
    h1s = [node for node in tree.css("h1") if tidy(node.text())]
    hints = [squash(h) for h in (meta(tree, "og:title"), document_title(tree)) if h]
    for node in h1s:
        if any(hint.startswith(squash(node.text())) for hint in hints):
            return node
    return h1s[0] if h1s else None


def page_title(tree: LexborHTMLParser, h1: LexborNode | None) -> str | None:
    """h1 text, else og:title, else <title> without its site-name suffix."""
    if h1 is not None:
        return tidy(h1.text())
    if og_title := meta(tree, "og:title"):
        return og_title
    doc_title = document_title(tree)
    return _TITLE_SEPARATORS.split(doc_title)[0] if doc_title else None


def site_name(tree: LexborHTMLParser, title: str | None) -> str | None:
    """og:site_name, else what follows the title in <title> ("标题 - 站名")."""
    if name := meta(tree, "og:site_name"):
        return name
    doc_title = document_title(tree)
    if not doc_title or not title or not doc_title.startswith(title):
        return None
    suffix = _TITLE_SEPARATORS.sub("", doc_title[len(title):], count=1).strip()
    return suffix or None
