"""Lines of a listing: link titles, linked items carrying only metadata, and cut-off teasers.

Both the article gate (is this page a list of other pages?) and the cleaner (is this run of
lines a link farm beside the article?) ask the same question of a line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LINKED_ITEM_MIN_CHARS = 4  # a link this long with only metadata beside it is a list item...
LINKED_ITEM_MAX_CHARS = 160  # ...up to this long (a title or a reply, not a whole post inside an <a>)
ELLIPSIS = ("…", "...", "。。。")
# What a list item may carry beside its link: dates, times, counters, bullets (after bracketed
# author/source names are cut out).
_METADATA_RESIDUE = re.compile(
    r"^(?:[\d\s.:/\-–—_|·•>»▪◆■□★☆*+,、~]|[年月日时分秒]|[ap]m|[vV]|次|条|字|人|万|亿|阅读|浏览|点击|评论|回复|赞|热度"
    r"|人气|小时前|分钟前|天前|刚刚|今天|昨天|楼主|作者|发表|发布|最后|更新)*$",
    re.I,
)
_METADATA_HINT = re.compile(r"[\d【\[(（·•|>»]|[ap]m", re.I)  # what any metadata beside a link holds
LINKED_ITEM_MAX_LINE_CHARS = LINKED_ITEM_MAX_CHARS + 60
_BRACKETED = re.compile(r"[【\[(<《][^】\])>》]{0,24}[】\])>》]")


class LinkIndex:
    """The page's link texts (whitespace-free), indexed for finding them inside lines. The gate
    and the cleaner ask about the same page's lines: ``of`` hands both the same index, whose
    answers are remembered."""

    @staticmethod
    @lru_cache(maxsize=4)
    def of(link_texts: frozenset[str]) -> LinkIndex:
        return LinkIndex(link_texts)

    def __init__(self, link_texts: frozenset[str]) -> None:
        self.texts = link_texts
        self._answers: dict[str, bool] = {}
        self._by_prefix: dict[str, list[str]] = {}
        for link in link_texts:
            if LINKED_ITEM_MIN_CHARS <= len(link) <= LINKED_ITEM_MAX_CHARS:
                self._by_prefix.setdefault(link[:LINKED_ITEM_MIN_CHARS], []).append(link)

    def is_link_with_metadata(self, line: str) -> bool:
        """A whitespace-free line that is a link's text plus only metadata: a date, a time,
        counters, an author in brackets (·标题（2005-04-03 17:19）, 标题【作者】08-11 16:06 298字)."""
        if len(line) > LINKED_ITEM_MAX_LINE_CHARS or not _METADATA_HINT.search(line):
            return False
        if (known := self._answers.get(line)) is None:
            known = self._answers[line] = self._has_link_with_metadata(line)
        return known

    def _has_link_with_metadata(self, line: str) -> bool:
        for start in range(len(line) - LINKED_ITEM_MIN_CHARS + 1):
            for link in self._by_prefix.get(line[start:start + LINKED_ITEM_MIN_CHARS], ()):
                if line.startswith(link, start) and len(link) < len(line):
                    residue = unicodedata.normalize("NFKC", line[:start] + line[start + len(link):])
                    if _METADATA_RESIDUE.match(_BRACKETED.sub("", residue)):
                        return True
        return False

    def is_listed(self, line: str) -> bool:
        """A line of a listing: a link's text, a linked item with metadata, or a cut-off teaser."""
        return line in self.texts or line.endswith(ELLIPSIS) or self.is_link_with_metadata(line)
