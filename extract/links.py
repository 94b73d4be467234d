"""Discover what to crawl next: page links and sitemap entries."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from extract.urls import canonical_url

_LOC = re.compile(rb"<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.I)
_SITEMAP_INDEX = re.compile(rb"<sitemapindex\b", re.I)


def page_links(html: str, base_url: str) -> list[str]:
    """Canonical absolute links of a page's <a href>, in page order, without repeats.

    A <base href> changes how relative links resolve, as in a browser.
    """
    tree = LexborHTMLParser(html)
    base_tag = tree.css_first("base[href]")
    base = canonical_url(base_tag.attributes.get("href") or "", base_url) if base_tag else None
    base = base or base_url
    seen: dict[str, None] = {}
    for anchor in tree.css("a[href]"):
        rel = (anchor.attributes.get("rel") or "").lower()
        if "nofollow" in rel:
            continue
        url = canonical_url(anchor.attributes.get("href") or "", base)
        if url:
            seen.setdefault(url, None)
    return list(seen)


def sitemap_urls(body: bytes, base_url: str) -> tuple[list[str], bool]:
    """The <loc> URLs of a sitemap and whether it is a sitemap index (its locs are sitemaps)."""
    urls = [u for raw in _LOC.findall(body) if (u := canonical_url(raw.decode("utf-8", "replace"), base_url))]
    return urls, bool(_SITEMAP_INDEX.search(body[:2048]))
