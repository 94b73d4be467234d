"""One archived response in, one corpus row (or a recorded reason for none) out.

This is the per-page pipeline every entry point shares (crawl, WARC input, ``cuishou extract``):
decode → extract → clean → quality signals → tags. Corpus-level steps (dedup) come after.
Every page runs within the page budget (extract.budget): a page too complex to parse in bounded
time and memory is a ``too_complex`` row, and a page whose bytes decode only to mojibake is a
``decode_error`` row, never a document.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib.metadata import version

from cuishou.extract.budget import DEFAULT_BUDGET, PageBudget, TooComplex, budgeted_html, within_cpu_limit
from cuishou.extract.decode import Decoded, decode_html
from cuishou.extract.html import ExtractedPage, extract_page
from cuishou.extract.sniff import binary_kind
from cuishou.extract.urls import host_of
from cuishou.transform.clean import CleanText, clean_page
from cuishou.transform.quality import quality_signals
from cuishou.transform.schema import SCHEMA_VERSION
from cuishou.transform.tags import tag_document

# Control characters are no text: kept, a title could move the cursor of whoever prints it.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PIPELINE_VERSION = f"cuishou {version('cuishou')}; trafilatura {version('trafilatura')}"


@dataclass(frozen=True)
class PageInput:
    """A fetched HTML response, as the archive holds it."""

    url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime
    warc_file: str | None = None
    warc_record_id: str | None = None


@dataclass(frozen=True)
class PageResult:
    """A document row, or the outcome and reason why the page is not one."""

    outcome: str  # document | not_article | decode_error | too_complex | extract_error | non_html
    reason: str | None = None
    row: dict | None = None


def document_id(url: str, content_sha256: str) -> str:
    """Stable across runs: the same URL with the same clean text always gets the same id."""
    return hashlib.sha256(f"{url}\n{content_sha256}".encode()).hexdigest()[:32]




@dataclass(frozen=True)
class CleanedPage:
    """A page that passed the article gate: its decoding, extraction and clean text."""

    decoded: Decoded
    extracted: ExtractedPage
    cleaned: CleanText


def extract_and_clean(page: PageInput, budget: PageBudget = DEFAULT_BUDGET) -> CleanedPage | PageResult:
    """Decode, extract and clean one response within the page budget (size, nesting, CPU time);
    a PageResult with the reason when it is no document."""
    try:
        return within_cpu_limit(lambda: _extract_and_clean(page, budget), budget.cpu_seconds)
    except TooComplex as exc:
        return PageResult("too_complex", str(exc))


def _extract_and_clean(page: PageInput, budget: PageBudget) -> CleanedPage | PageResult:
    if kind := binary_kind(page.body):
        return PageResult("non_html", f"the body is {kind}, not HTML")
    decoded = decode_html(page.body, page.content_type)
    if decoded.problem:
        return PageResult("decode_error", decoded.problem)
    html = budgeted_html(_CONTROLS.sub("", decoded.text), budget).html
    try:
        extracted = extract_page(html, page.url)
    except Exception as exc:  # a malformed page must become a recorded reason, not a crashed batch
        return PageResult("extract_error", f"{type(exc).__name__}: {exc}")
    if not extracted.is_article:
        return PageResult("not_article", extracted.not_article_reason)
    cleaned = clean_page(extracted)
    if not cleaned.text.strip():
        return PageResult("not_article", "no main text left after cleaning")
    return CleanedPage(decoded, extracted, cleaned)


def process_page(page: PageInput, budget: PageBudget = DEFAULT_BUDGET) -> PageResult:
    """Turn one HTML response into a document row (without the corpus-level dedup fields)."""
    step = extract_and_clean(page, budget)
    return step if isinstance(step, PageResult) else PageResult("document", None, document_row(page, step))


def document_row(page: PageInput, step: CleanedPage) -> dict:
    """The corpus row of a cleaned page: text, metadata, tags, quality signals, provenance."""
    decoded, extracted, cleaned = step.decoded, step.extracted, step.cleaned
    signals = quality_signals(extracted.text, cleaned)
    tags = tag_document(cleaned.text, extracted.title)
    content_sha256 = hashlib.sha256(cleaned.text.encode()).hexdigest()
    return {
        "doc_id": document_id(page.url, content_sha256),
        "url": page.url,
        "host": host_of(page.url),
        "title": extracted.title,
        "published": date.fromisoformat(extracted.published) if extracted.published else None,
        "text": cleaned.text,
        "language": extracted.language,
        "products": tags.products,
        "channels": tags.channels,
        "topics": tags.topics,
        "lenders": tags.lenders,
        "legal_refs": tags.legal_refs,
        "overdue_days": tags.overdue_days,
        "home_visit_claims": tags.home_visit_claims,
        "tag_evidence": json.dumps(tags.evidence, ensure_ascii=False, sort_keys=True),
        "comments": cleaned.comments,
        "removed": [{"rule": r.rule, "text": r.text} for r in cleaned.removed],
        "text_chars": len(cleaned.text),
        "removed_share": signals["removed_share"],
        "scrubbed_gaps": signals["scrubbed_gaps"],
        "spin_density": signals["spin_density"],
        "quality_score": signals["quality_score"],
        "fetched_at": page.fetched_at,
        "http_status": page.status,
        "content_sha256": content_sha256,
        "encoding": decoded.encoding,
        "encoding_source": decoded.source,
        "warc_file": page.warc_file,
        "warc_record_id": page.warc_record_id,
        "pipeline_version": PIPELINE_VERSION,
        "schema_version": SCHEMA_VERSION,
    }
