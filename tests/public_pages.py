"""Whole pages of the public extraction benchmark kept as test data (tests/fixtures/extraction)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

PUBLIC_PAGES = Path(__file__).resolve().parent / "fixtures" / "extraction" / "pages.jsonl.gz"


@cache
def public_page(name: str) -> dict:
    """The page whose fixture name is ``name``: html, url, gold_text and its source fields."""
    with gzip.open(PUBLIC_PAGES, "rt", encoding="utf-8") as lines:
        return next(page for page in map(json.loads, lines) if page["name"] == name)
