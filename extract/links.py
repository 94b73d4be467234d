"""Discover what to crawl next: page links and sitemap entries.

Both parse page-controlled bytes, so the crawler calls them off its event loop, and page links
are taken only within the page budget (extract.budget): a page too complex to parse in time
yields no links rather than stalling the crawl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.budget import DEFAULT_BUDGET, PageBudget, TooComplex, budgeted_html, within_cpu_limit
from cuishou.extract.decode import decode_html
from cuishou.extract.urls import BadURL, parse_url

_LOC = re.compile(rb"<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.I)
_SITEMAP_INDEX = re.compile(rb"<sitemapindex\b", re.I)
_MAX_SHOWN_URL = 2000  # characters of a refused URL kept in the ledger


@dataclass
class Links:
    """Canonical URLs in document order without repeats, and the http(s) URLs refused, with why."""

    urls: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # why no links could be read (a page over its budget)

    def __post_init__(self) -> None:
        self._seen = set(self.urls)

    def add(self, raw: str, base: str | None) -> None:
        """Add a link as written in the page, resolved against ``base``."""
        try:
            url = parse_url(raw, base)
        except BadURL as exc:
            try:
                written = urljoin(base, raw.strip()) if base else raw.strip()
            except ValueError:
                written = raw.strip()
            self.refused.setdefault(written[:_MAX_SHOWN_URL], f"invalid URL: {exc}")
            return
        if url is not None and url not in self._seen:
            self._seen.add(url)
            self.urls.append(url)


def page_links(html: str, base_url: str) -> Links:
    """The links of a page's <a href>, resolved as a browser would; rel=nofollow links are skipped.

    A <base href> changes how relative links resolve, as in a browser.
    """
    tree = LexborHTMLParser(html)
    base_tag = tree.css_first("base[href]")
    base = base_url
    if base_tag is not None:
        try:
            base = parse_url(base_tag.attributes.get("href") or "", base_url) or base_url
        except BadURL:
            pass
    links = Links()
    for anchor in tree.css("a[href]"):
        if "nofollow" not in (anchor.attributes.get("rel") or "").lower():
            links.add(anchor.attributes.get("href") or "", base)
    return links


def links_of_body(body: bytes, content_type: str | None, base_url: str, budget: PageBudget = DEFAULT_BUDGET) -> Links:
    """Decode a fetched page and read its links, within the page budget (CPU time and complexity)."""

    def work() -> Links:
        return page_links(budgeted_html(decode_html(body, content_type).text, budget).html, base_url)

    try:
        return within_cpu_limit(work, budget.cpu_seconds)
    except TooComplex as exc:
        return Links(problem=str(exc))


def sitemap_urls(body: bytes, base_url: str) -> tuple[Links, bool]:
    """The <loc> URLs of a sitemap and whether it is a sitemap index (its locs are sitemaps)."""
    links = Links()
    for raw in _LOC.findall(body):
        links.add(raw.decode("utf-8", "replace"), base_url)
    return links, bool(_SITEMAP_INDEX.search(body[:2048]))
