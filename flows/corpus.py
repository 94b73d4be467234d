"""The corpus flow: crawl (or read WARCs) → extract/clean/tag in batches → dedup → Parquet.

Tasks are per batch of pages, never per page (Prefect costs ~4 ms and an event per task run): a
page that fails becomes a row with a reason, not a failed task. Each task is a thin wrapper over
plain functions in ``extract/`` and ``transform/``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from extract.archive import WarcArchive, read_response
from extract.crawl import CrawlConfig, Crawler
from extract.visits import Visit, visit_row, visits_from_warcs
from flows.progress import BatchProgress, CrawlProgress
from flows.report import RunReport, build_report
from transform.dedup import DedupDoc, cluster_documents
from transform.page import PageInput, process_page
from transform.write import write_corpus

BATCH_SIZE = 500


@dataclass(frozen=True)
class BatchResult:
    visits: list[Visit]
    rows: list[dict]


@task(name="crawl", cache_policy=NO_CACHE)
def crawl_task(seeds: list[str], config: CrawlConfig, warc_dir: Path, run_id: str) -> list[Visit]:
    """Fetch the seeds' sites into WARC files; returns the ledger of every URL met."""
    with WarcArchive(warc_dir, f"cuishou-{run_id}") as archive, CrawlProgress() as progress:
        return asyncio.run(Crawler(seeds, config, archive, progress.on_visit).run())


@task(name="read-warcs", cache_policy=NO_CACHE)
def read_warcs_task(paths: list[Path]) -> list[Visit]:
    """The ledger for archived input: one visit per response record."""
    return visits_from_warcs(paths)


def process_visits(visits: list[Visit]) -> BatchResult:
    """Extract, clean and tag the fetched pages of a batch, recording an outcome for each."""
    resolved, rows = [], []
    for visit in visits:
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
    return BatchResult(resolved, rows)


@task(name="process-batch", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def process_batch_task(visits: list[Visit]) -> BatchResult:
    return process_visits(visits)


def assign_clusters(rows: list[dict]) -> list[dict]:
    """Drop repeated doc_ids (the same page twice in the input) and add the dedup columns."""
    unique = list({row["doc_id"]: row for row in rows}.values())
    docs = [DedupDoc(r["doc_id"], r["text"], r["url"], r["published"] and r["published"].isoformat()) for r in unique]
    clusters = cluster_documents(docs)
    for row in unique:
        assignment = clusters[row["doc_id"]]
        row.update(
            dup_cluster=assignment.dup_cluster,
            is_canonical=assignment.is_canonical,
            cluster_size=assignment.cluster_size,
            dup_similarity=assignment.similarity,
        )
    return unique


@task(name="dedup", cache_policy=NO_CACHE)
def dedup_task(rows: list[dict]) -> list[dict]:
    return assign_clusters(rows)


@task(name="write-corpus", cache_policy=NO_CACHE)
def write_task(out: Path, run_id: str, documents: list[dict], visits: list[Visit]) -> dict[str, list[Path]]:
    today = datetime.now(UTC).date().isoformat()
    return write_corpus(out, run_id, documents, [visit_row(v, today) for v in visits])


def _batches(visits: list[Visit], size: int) -> list[list[Visit]]:
    return [visits[i : i + size] for i in range(0, len(visits), size)]


@flow(name="build-corpus", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))
def build_corpus(
    out: Path,
    seeds: list[str] | None = None,
    warcs: list[Path] | None = None,
    crawl_config: CrawlConfig | None = None,
    batch_size: int = BATCH_SIZE,
) -> RunReport:
    """Build (or rebuild) the corpus under ``out`` from seed URLs or from WARC files."""
    if bool(seeds) == bool(warcs):
        raise ValueError("give either seeds or warcs")
    started = time.monotonic()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    if seeds:
        visits = crawl_task(seeds, crawl_config or CrawlConfig(), out / "warc", run_id)
    else:
        visits = read_warcs_task(list(warcs or []))
    fetched = [v for v in visits if v.outcome == "fetched"]
    settled = [v for v in visits if v.outcome != "fetched"]
    rows: list[dict] = []
    with BatchProgress(len(fetched)) as progress:
        futures = [process_batch_task.submit(batch) for batch in _batches(fetched, batch_size)]
        for future in futures:
            batch = future.result()
            settled += batch.visits
            rows += batch.rows
            progress.advance(len(batch.visits), len(rows))
    documents = dedup_task(rows)
    written = write_task(out, run_id, documents, settled)
    report = build_report(run_id, out, settled, documents, written, time.monotonic() - started)
    report.save()
    return report
