"""Publication dates the page declares rather than prints: microdata, JSON-LD, <meta>, <time>
and script data.

Strongest first: schema.org ``datePublished`` (microdata, then JSON-LD), the publication metas
(Open Graph ``article:published_time``, ``citation_*``, Dublin Core, ``PubDate``), JSON-LD
creation dates (a Q&A page's question: ``dateCreated``; Baidu's ``pubDate``), the other names
htmldate reads as publication dates (in page order; a Q&A question's ``dateCreated`` meta comes
before its answers'), a ``<time datetime>`` outside comments; and, asked for separately, the
publication or creation time a script holds (``publish_time``, ``createAt``, WeChat's
``var ct``): some pages only print it when the script runs, or print a relative time ("1周前")
and keep the absolute one in their script state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from htmldate.core import DATE_ATTRIBUTES
from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dates.formats import declared_date
from cuishou.extract.html.dom import contains, tidy

# Publication metas in the order they are trusted; then every other name htmldate reads as a
# publication date (modified dates are not among them).
_PUBLISHED_METAS = (
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "citation_publication_date", "citation_online_date", "citation_date", "dc.date.issued",
    "dcterms.issued", "prism.publicationdate", "pubdate", "publishdate", "publish_date",
    "publication_date", "datepublished", "dc.date", "dcterms.date",
)
_LOOSE_METAS = frozenset({"date", "meta", "timestamp", "created", "gentime"})
_OTHER_METAS = frozenset(DATE_ATTRIBUTES) - set(_PUBLISHED_METAS) - _LOOSE_METAS
_SCRIPT_DATE = re.compile(
    r"""(?:pub(?:lish)?_?(?:time|date)|datepublished|create_?(?:time|at)|created_?at)["']?\s*[:=]\s*["']?"""
    r"""((?:19|20)\d{2}-\d{1,2}-\d{1,2}[T \d:.+-]*|\d{13}|\d{10})(?!\d)|var\s+ct\s*=\s*["']?(\d{10})(?!\d)""",
    re.I,
)
# Where a match may start: a cheap scan, so the full pattern is tried only there (pages run to megabytes).
_SCRIPT_KEY = re.compile(r"[pP][uU][bB]|[cC][rR][eE][aA][tT][eE]|[dD]ate[pP]ub|var\s+ct\b")


def _outside(node: LexborNode, containers: list[LexborNode]) -> bool:
    return not any(contains(c, node) for c in containers)


def _microdata(tree: LexborHTMLParser, prop: str, containers: list[LexborNode]) -> date | None:
    for node in tree.css(f'[itemprop="{prop}"]'):
        value = node.attributes.get("content") or node.attributes.get("datetime") or node.text()
        if _outside(node, containers) and (found := declared_date(tidy(value or ""))):
            return found
    return None


def _json_ld(objects: list[dict], *keys: str) -> date | None:
    for key in keys:
        for item in objects:
            if isinstance(value := item.get(key), str) and (found := declared_date(value)):
                return found
    return None


def _meta_date(metas: dict[str, str], keys: Iterable[str]) -> date | None:
    for key in keys:
        if key in metas and (found := declared_date(metas[key])):
            return found
    return None


def _time_element(tree: LexborHTMLParser, containers: list[LexborNode]) -> date | None:
    for node in tree.css("time"):
        value = node.attributes.get("datetime") or node.text()
        if _outside(node, containers) and (found := declared_date(tidy(value or ""))):
            return found
    return None


def script_date(html: str) -> date | None:
    """The publication time a script holds, for pages that print it only when the script runs."""
    for key in _SCRIPT_KEY.finditer(html):
        if match := _SCRIPT_DATE.match(html, key.start()):
            return declared_date(match.group(1) or match.group(2))
    return None


def declared_published(
    tree: LexborHTMLParser, metas: dict[str, str], json_ld: list[dict], containers: list[LexborNode]
) -> date | None:
    """The publication date the page declares (see the module docstring), scripts aside;
    ``metas`` as ``dom.metas`` reads them."""
    return (
        _microdata(tree, "datePublished", containers)
        or _json_ld(json_ld, "datePublished")
        or _meta_date(metas, _PUBLISHED_METAS)
        or _json_ld(json_ld, "dateCreated", "pubDate")
        or _meta_date(metas, (key for key in metas if key in _OTHER_METAS))
        or _time_element(tree, containers)
    )
