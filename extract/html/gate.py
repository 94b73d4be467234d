"""The article gate: whether a page's main text is one article, or a listing, error page or stub."""

from __future__ import annotations

import re

from extract.html.dom import LIST_BULLET, squash

# Titles/headings of error pages.
_ERROR_PAGE = re.compile(
    r"^(?:40[034]|410|50[0234])\b|页面不存在|找不到(?:该|此)?页面|页面已(?:被)?删除|文章不存在|内容已(?:被)?删除"
    r"|not\s+found|page\s+(?:does\s+not|doesn't)\s+exist",
    re.I,
)
_ELLIPSIS = ("…", "...", "。。。")
MIN_PROSE_CHARS = 80  # less prose than this (outside links/teasers) is not an article
ERROR_PAGE_MAX_PROSE = 300  # an error-looking title only means an error page if the text is this short
LISTING_SHARE = 0.5  # share of extracted text in link titles/teasers that makes a listing page
LISTING_MAX_PROSE_RUN = 240  # ...unless it also has a stretch of prose this long (an article + link farm)
PROSE_LINE_CHARS = 20  # shorter lines (labels, dates, headings) do not count as prose


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


def not_article_reason(title: str | None, text: str, link_texts: frozenset[str]) -> str | None:
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
