"""A batch of fetched pages, processed where it runs: in a worker process of the local pool, on a
Dask worker, or in the flow's own process.

A batch carries WARC references, never bodies: each page is read from the archive where it is
processed, and its document row is written to the run's staged part there too, so a decoded page
never crosses a process boundary; only the batch's counts go back. A page that fails becomes a
visit with a reason, never a failed batch. ``check`` is called between two pages (it raises to
stop the batch).

Nothing here imports Prefect: worker processes stay light and never talk to a Prefect server.
The page pipeline (``transform.page``) is imported where pages are processed, not where batches
are only handed on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cuishou.extract.archive import read_response
from cuishou.extract.visits import Visit
from cuishou.flows.interrupt import check as check_stop
from cuishou.flows.stage import RunStage


@dataclass(frozen=True)
class Batch:
    name: str  # names the batch's staged parts
    visits: list[Visit]  # fetched pages: URL, WARC reference, metadata
    stage: RunStage

    def split(self, size: int) -> list[Batch]:
        """The batch as parts of at most ``size`` pages (named after it)."""
        if len(self.visits) <= size:
            return [self]
        return [Batch(f"{self.name}-{start // size:03d}", self.visits[start : start + size], self.stage)
                for start in range(0, len(self.visits), size)]


@dataclass(frozen=True)
class BatchDone:
    pages: int
    documents: int

    def __add__(self, other: BatchDone) -> BatchDone:
        return BatchDone(self.pages + other.pages, self.documents + other.documents)


def process_visits(visits: list[Visit], check: Callable[[], None] = check_stop) -> tuple[list[Visit], list[dict]]:
    """Extract, clean and tag fetched pages: every visit resolved to its outcome, and the document rows."""
    # imported here: the flow's own process hands its pages to workers and need not load the extractors
    from cuishou.transform.page import PageInput, process_page

    resolved, rows = [], []
    for visit in visits:
        check()
        assert visit.warc is not None and visit.fetched_at is not None
        response = read_response(visit.warc)
        page = PageInput(
            url=visit.url,
            status=response.status,
            content_type=visit.content_type,
            body=response.body,
            fetched_at=visit.fetched_at,
            warc_file=Path(visit.warc.file).name,
            warc_record_id=visit.warc.record_id,
        )
        result = process_page(page)
        doc_id = result.row["doc_id"] if result.row else None
        resolved.append(visit.resolved(result.outcome, result.reason, doc_id))
        if result.row:
            rows.append(result.row | {"crawl_date": visit.fetched_at.date().isoformat()})
    return resolved, rows


def process_batch(batch: Batch, check: Callable[[], None] = check_stop) -> BatchDone:
    """Process a batch and stage its rows and visits; returns only counts."""
    resolved, rows = process_visits(batch.visits, check)
    batch.stage.write_documents(batch.name, rows)
    batch.stage.write_visits(batch.name, resolved)
    return BatchDone(len(resolved), len(rows))
