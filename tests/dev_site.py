"""The labelled dev site as test data: its routes, gold labels and raw pages (no server)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

DEV_SITE = Path(__file__).resolve().parent / "fixtures" / "dev_site"
SITE = json.loads((DEV_SITE / "routes.json").read_text(encoding="utf-8"))
ROUTES = SITE["hosts"]
NOT_FOUND_PAGE = SITE["not_found_page"]
GOLD = [json.loads(line) for line in (DEV_SITE / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
ARTICLES = [g for g in GOLD if g["kind"] == "article"]


def doc_id(url: str, length: int = 32) -> str:
    """The doc_id the dedup tests give a page: the first `length` hex digits of sha256(url)."""
    return hashlib.sha256(url.encode()).hexdigest()[:length]


def route(url: str) -> dict:
    host, path = re.fullmatch(r"https?://([^/]+)(/.*)", url).groups()
    return ROUTES[host][path]


def dev_bytes(url: str) -> tuple[bytes, str | None]:
    """The body and Content-Type the dev site serves for a URL."""
    served = route(url)
    return (DEV_SITE / served["file"]).read_bytes(), served.get("content_type")


def dev_html(url: str) -> str:
    from cuishou.extract.decode import decode_html

    return decode_html(*dev_bytes(url)).text
