"""The corpus flow: crawl (or read WARCs) → extract/clean/tag in batches → dedup → Parquet.

The corpus grows by runs. Each run adds its own Parquet files (new documents only; a page whose
content is already in the corpus is not written twice), matches its documents against every
earlier one through the persisted dedup index, and becomes the baseline for the next run's
conditional requests only when everything is written. A killed run is resumed by the same
command: URLs it had finished are not fetched again.

Tasks are per batch of pages, never per page (Prefect costs ~4 ms and an event per task run): a
page that fails becomes a row with a reason, not a failed task. Each task is a thin wrapper over
plain functions in ``extract/`` and ``transform/``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from extract.archive import WarcArchive, read_response
from extract.crawl import CrawlConfig, Crawler
from extract.state import CrawlState, RunJournal
from extract.visits import Visit, visit_row, visits_from_warcs
from flows import dataset_card, interrupt
from flows.interrupt import check, reclaim_sigterm
from flows.progress import BatchProgress, CrawlProgress, announce
from flows.report import RunReport, build_report
from flows.report_html import read_corpus, write_report_html
from flows.seeds import read_seeds_file
from transform.dedup import ClusterAssignment, DedupDoc
from transform.dedup.index import DedupIndex, TextLookup, parquet_text_lookup
from transform.page import PageInput, process_page
from transform.versions import GONE_AFTER
from transform.write import (
    corpus_doc_ids,
    refresh_document_columns,
    remove_run_parts,
    update_url_states,
    write_corpus,
)

BATCH_SIZE = 500


@dataclass(frozen=True)
class BatchResult:
    visits: list[Visit]
    rows: list[dict]


@task(name="crawl", cache_policy=NO_CACHE)
def crawl_task(seeds: list[str], config: CrawlConfig, warc_dir: Path, journal: RunJournal) -> list[Visit]:
    """Fetch the seeds' sites into WARC files; returns the ledger of every URL met."""
    announce(f"crawling from {len(seeds)} seed URLs")
    with WarcArchive(warc_dir, f"cuishou-{journal.run_id}") as archive, CrawlProgress() as progress:
        # interrupt.STOP through its module: a served flow is pickled by value, and an Event cannot be
        visits = asyncio.run(Crawler(seeds, config, archive, progress.on_visit, journal, interrupt.STOP).run())
    check()  # a stopped crawl's ledger is partial: it must not be processed as the run's
    return visits


@task(name="read-warcs", cache_policy=NO_CACHE)
def read_warcs_task(paths: list[Path]) -> list[Visit]:
    """The ledger for archived input: one visit per response record."""
    return visits_from_warcs(paths)


def process_visits(visits: list[Visit]) -> BatchResult:
    """Extract, clean and tag the fetched pages of a batch, recording an outcome for each."""
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
    return BatchResult(resolved, rows)


@task(name="process-batch", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def process_batch_task(visits: list[Visit]) -> BatchResult:
    return process_visits(visits)


def _texts_then(rows: list[dict], fallback: TextLookup) -> TextLookup:
    """Texts of this run's rows from memory, earlier runs' from the corpus Parquet."""
    texts = {row["doc_id"]: row["text"] for row in rows}

    def lookup(doc_ids):
        found = {d: texts[d] for d in doc_ids if d in texts}
        missing = [d for d in doc_ids if d not in texts]
        return found | (dict(fallback(missing)) if missing else {})

    return lookup


def assign_clusters(rows: list[dict], out: Path, run_id: str) -> tuple[list[dict], DedupIndex]:
    """Match this run's new documents against the whole corpus.

    Returns the rows to write (documents not in the corpus yet, with their cluster columns) and
    the updated (unsaved) index.
    """
    in_corpus = corpus_doc_ids(out, skip_run=run_id)
    new = [row for row in {r["doc_id"]: r for r in rows}.values() if row["doc_id"] not in in_corpus]
    documents = out / "documents"
    lookup = _texts_then(new, parquet_text_lookup(documents) if documents.exists() else (lambda ids: {}))
    index = DedupIndex.open(out / "state" / "dedup", lookup)
    assignments = index.update([DedupDoc(r["doc_id"], r["text"], r["url"],
                                         r["published"] and r["published"].isoformat()) for r in new])
    for row in new:  # a new document is its URL's current version until update_url_states says otherwise
        row.update(_cluster_columns(assignments[row["doc_id"]]), is_current=True, superseded_by=None)
    return new, index


def _cluster_columns(assignment: ClusterAssignment) -> dict:
    return {"dup_cluster": assignment.dup_cluster, "is_canonical": assignment.is_canonical,
            "cluster_size": assignment.cluster_size, "dup_similarity": assignment.similarity}


def _already_written(visits: list[Visit], written_ids: set[str]) -> list[Visit]:
    """Documents of this run that earlier runs already wrote keep their outcome, with a reason."""
    return [
        v.resolved("document", "already in the corpus from an earlier run", v.doc_id)
        if v.outcome == "document" and v.doc_id not in written_ids else v
        for v in visits
    ]


@dataclass(frozen=True)
class RunOutput:
    visits: list[Visit]  # every URL's final outcome
    documents: list[dict]  # the rows this run added
    clusters: dict[str, dict]  # cluster and version columns of every document in the corpus
    written: dict[str, list[Path]]
    changes: dict[str, int]  # URLs this run made new, changed, gone, back


def write_run(out: Path, run_id: str, visits: list[Visit], rows: list[dict], gone_after: int = GONE_AFTER) -> RunOutput:
    """Dedup the run's rows against the corpus, add its files, fold its pages into the URL states
    (urls/), update the cluster and version columns of the corpus's files (a cluster's canonical
    row is a current one when it has any), and only then persist the dedup index.

    A stop is honoured between steps: each step's files are whole, and the resumed run redoes
    them all from the saved index.
    """
    announce(f"writing the corpus into {out}")
    documents, index = assign_clusters(rows, out, run_id)
    visits = _already_written(visits, {row["doc_id"] for row in documents})
    today = datetime.now(UTC).date().isoformat()
    check()
    written = write_corpus(out, run_id, documents, [visit_row(v, today, run_id) for v in visits])
    check()
    versions, written["urls"] = update_url_states(out, run_id, gone_after)
    clusters = {doc_id: _cluster_columns(a) | versions.columns.get(doc_id, {})
                for doc_id, a in index.assignments(preferred=versions.current).items()}
    check()
    written["documents (cluster and version columns updated)"] = refresh_document_columns(out, clusters)
    check()
    index.save()
    return RunOutput(visits, documents, clusters, written, versions.changes(run_id))


@task(name="dedup-and-write", cache_policy=NO_CACHE)
def write_run_task(out: Path, run_id: str, visits: list[Visit], rows: list[dict], gone_after: int) -> RunOutput:
    return write_run(out, run_id, visits, rows, gone_after)


def publish_report(out: Path, report: RunReport) -> None:
    """The run report as JSON, report.html, the dataset card, and Prefect table artifacts.

    The corpus's documents and pages are read once for all of them.
    """
    report.save()
    summary = asdict(report)
    corpus = read_corpus(out, summary, dataset_card.DOCUMENT_COLUMNS, dataset_card.PAGE_COLUMNS)
    write_report_html(out, summary, corpus)
    dataset_card.write_dataset_card(out, summary, corpus)
    for key, rows in corpus.tables.items():
        if rows:
            create_table_artifact(key=f"cuishou-{key}", table=rows, description=f"cuishou run {report.run_id}: {key}")


def _batches(visits: list[Visit], size: int) -> list[list[Visit]]:
    return [visits[i : i + size] for i in range(0, len(visits), size)]


def _fingerprint(seeds: list[str] | None, warcs: list[Path] | None) -> str:
    """Identifies "the same command", whose interrupted run a new start resumes."""
    source = seeds if seeds else sorted(str(Path(p).resolve()) for p in warcs or [])
    return hashlib.sha256(json.dumps(source).encode()).hexdigest()[:16]


def _start_run(state: CrawlState, out: Path, fingerprint: str) -> tuple[str, bool]:
    """Resume this command's interrupted run, and drop the files of any other unfinished run."""
    run_id, resumed = state.start_run(fingerprint)
    for stale in state.uncommitted_runs():
        if stale != run_id:
            remove_run_parts(out, stale)
            state.abandon_run(stale)
    return run_id, resumed


@flow(name="build-corpus", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=2))
def build_corpus(
    out: Path,
    seeds: list[str] | None = None,
    warcs: list[Path] | None = None,
    crawl_config: CrawlConfig | None = None,
    batch_size: int = BATCH_SIZE,
    seeds_file: Path | None = None,
    gone_after: int = GONE_AFTER,
) -> RunReport:
    """Add a crawl (or WARC files) to the corpus under ``out``; an interrupted run is resumed.

    ``seeds_file`` is read when the run starts (scheduled runs pick up edits to it). A URL no
    run meets any more is gone after ``gone_after`` runs (transform.versions).
    """
    reclaim_sigterm()
    if seeds_file is not None:
        # keep Path used in this body: a served run gets the flow pickled by value, with only the globals its
        # code uses, and the parameters' annotations (out: Path) are resolved from those
        seeds = read_seeds_file(Path(seeds_file))
    if bool(seeds) == bool(warcs):
        raise ValueError("give either seeds or warcs")
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    state = CrawlState(out / "state" / "crawl.sqlite")
    try:
        run_id, resumed = _start_run(state, out, _fingerprint(seeds, warcs))
        if seeds:
            journal = RunJournal(state, run_id)
            visits = crawl_task(seeds, crawl_config or CrawlConfig(), out / "warc", journal)
        else:
            visits = read_warcs_task(list(warcs or []))
        fetched = [v for v in visits if v.outcome == "fetched"]
        settled = [v for v in visits if v.outcome != "fetched"]
        rows: list[dict] = []
        announce(f"processing {len(fetched)} fetched pages")
        with BatchProgress(len(fetched)) as progress:
            futures = [process_batch_task.submit(batch) for batch in _batches(fetched, batch_size)]
            for future in futures:
                batch = future.result()
                settled += batch.visits
                rows += batch.rows
                progress.advance(len(batch.visits), len(rows))
        output = write_run_task(out, run_id, settled, rows, gone_after)
        state.commit_run(run_id, output.visits)
    finally:
        state.close()
    report = build_report(run_id, out, output.visits, output.documents, output.clusters, output.written,
                          time.monotonic() - started, resumed, output.changes)
    publish_report(out, report)
    return report


def corpus_flow(dask_address: str | None = None):
    """The flow, on the default thread pool or on a Dask cluster (batches become Dask tasks).

    Workers must have cuishou installed, PREFECT_API_URL set, and the corpus folder (its warc/)
    on a shared path: a batch task reads its pages from the WARC files.
    """
    if not dask_address:
        return build_corpus
    from prefect_dask import DaskTaskRunner

    return build_corpus.with_options(task_runner=DaskTaskRunner(address=dask_address))
