"""The article's publication date, from what the page shows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from extract.html.dom import contains, meta, tidy

DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)"
)
_MODIFIED_LABEL = re.compile(r"(?:更新|修改|编辑)(?:时间|日期|于)?[::]?\s*$")
BYLINE_ZONE_CHARS = 400  # how far below the title the byline may be
BODY_LINE_CHARS = 60  # a line this long is body text: the byline zone ends there


def iso_date(match: re.Match[str]) -> str | None:
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
    for match in DATE.finditer(zone):
        if not _MODIFIED_LABEL.search(zone[max(0, match.start() - 8):match.start()]):
            if iso := iso_date(match):
                return iso
    return None


def _json_ld_date(json_ld: list[dict]) -> str | None:
    return next((o["datePublished"] for o in json_ld if isinstance(o.get("datePublished"), str)), None)


def _structured_date(tree: LexborHTMLParser, containers: list[LexborNode]) -> str | None:
    """<time> outside comments, then article:published_time/pubdate meta."""
    for node in tree.css("time"):
        if not any(contains(c, node) for c in containers):
            if raw := node.attributes.get("datetime") or node.text():
                return raw
    return meta(tree, "article:published_time", "datePublished", "pubdate", "publishdate", "PubDate")


def published_date(
    tree: LexborHTMLParser, h1: LexborNode | None, containers: list[LexborNode], json_ld: list[dict]
) -> str | None:
    """The article date the page shows ('YYYY-MM-DD'): the byline under the title, else <time>,
    meta or JSON-LD; None when the page shows none (comment dates never count)."""
    if found := _zone_date(_byline_zone(tree, h1)):
        return found
    raw = _structured_date(tree, containers) or _json_ld_date(json_ld)
    match = DATE.search(raw) if raw else None
    return iso_date(match) if match else None
