"""The corpus flow: crawl (or read WARCs) and process the pages meanwhile → dedup → Parquet.

The corpus grows by runs. Each run adds its own Parquet files (new documents only; a page whose
content is already in the corpus is not written twice), matches its documents against every
earlier one through the persisted dedup index, and becomes the baseline for the next run's
conditional requests only when everything is written. A killed run is resumed by the same
command: URLs it had finished are not fetched again.

Pages are processed while the crawl runs: the crawl (or the WARC reader) runs in a thread of its
own, and batches of fetched pages go to the batch tasks as they fill (``flows.dispatch``). A batch
task hands its batch to the local pool's worker processes, one per CPU (``flows.pool``), or, on a
Dask cluster, processes it where it runs. Each batch's rows are staged on disk where they were
made (``flows.stage``), and the writing stage reads them back in chunks: memory does not grow with
the number of pages.

Tasks are per batch of pages, never per page (Prefect costs ~4 ms and an event per task run): a
page that fails becomes a row with a reason, not a failed task. Each task is a thin wrapper over
plain functions in ``extract/`` and ``transform/``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from cuishou.extract.archive import WarcArchive
from cuishou.extract.crawl import CrawlConfig, Crawler
from cuishou.extract.state import CrawlState, RunJournal
from cuishou.extract.visits import Visit, WarcLedger, visit_row
from cuishou.flows import dataset_card
from cuishou.flows.corpus_figures import read_corpus
from cuishou.flows.dispatch import Dispatcher, Stop, VisitSource
from cuishou.flows.interrupt import check, reclaim_sigterm
from cuishou.flows.pages import Batch, BatchDone, process_batch
from cuishou.flows.pool import default_workers, pool_for_run, shared_pool
from cuishou.flows.progress import RunProgress, announce
from cuishou.flows.report import RunReport, build_report
from cuishou.flows.report_html import write_report_html
from cuishou.flows.seeds import read_seeds_file
from cuishou.flows.stage import STAGE_FOLDER, NewDocuments, RunStage
from cuishou.transform.dedup import DedupDoc
from cuishou.transform.dedup.index import DedupIndex, TextLookup, parquet_text_lookup
from cuishou.transform.ids import DocIdRows, DocIds
from cuishou.transform.url_states import update_url_states
from cuishou.transform.versions import GONE_AFTER
from cuishou.transform.write import (
    CLUSTER_COLUMNS,
    VERSION_COLUMNS,
    RunFiles,
    corpus_doc_ids,
    refresh_document_columns,
    remove_run_parts,
    with_columns_of,
)

BATCH_SIZE = 500
PAGE_ROWS = 10_000  # pages rows written together
DASK_BATCHES_IN_FLIGHT = 64  # on a cluster of unknown size: enough to keep many workers busy


# --- sources of visits: each runs in a thread of its own (flows.dispatch.VisitSource) ------------


@task(name="crawl", cache_policy=NO_CACHE)
def crawl_task(seeds: list[str], config: CrawlConfig, warc_dir: Path, journal: RunJournal,
               on_visit: Callable[[Visit], None], stop: Stop) -> int:
    """Fetch the seeds' sites into WARC files; every URL met goes to ``on_visit`` as it is settled.

    Returns the number of URLs met.
    """
    announce(f"crawling from {len(seeds)} seed URLs")
    with WarcArchive(warc_dir, f"cuishou-{journal.run_id}") as archive:
        crawler = Crawler(seeds, config, archive, on_visit, journal, stop, keep_ledger=False)
        asyncio.run(crawler.run())
    check()  # a stopped crawl's ledger is partial: the run must not go on to write it
    return crawler.visited


@task(name="read-warcs", cache_policy=NO_CACHE)
def read_warcs_task(ledger: WarcLedger, on_visit: Callable[[Visit], None]) -> int:
    """The ledger for archived input: one visit per response record, to ``on_visit`` as it is read."""
    count = 0
    for visit in ledger:
        check()
        on_visit(visit)
        count += 1
    return count


@task(name="process-batch", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def process_batch_task(batch: Batch, workers: int) -> BatchDone:
    """Process a batch in the local pool's ``workers`` processes, or here if 0 (a Dask worker)."""
    return shared_pool(workers).run(batch) if workers else process_batch(batch)


def _local_workers(workers: int | None) -> int:
    """Worker processes for this run's batches: 0 when the task runner is not the local thread pool
    (on Dask, a batch is processed on the worker its task runs on)."""
    context = FlowRunContext.get()
    local = context is None or isinstance(context.task_runner, ThreadPoolTaskRunner)
    return (workers or default_workers()) if local else 0


def process_run(source: VisitSource, stage: RunStage, batch_size: int, workers: int | None,
                progress: RunProgress) -> int:
    """Stage every visit of the source and process its fetched pages in batches as they come;
    returns the number of pages processed."""
    pool_workers = _local_workers(workers)
    announced = False

    def submit(batch: Batch):
        nonlocal announced
        if not announced:
            where = f"{pool_workers} worker processes" if pool_workers else "the task runner's workers"
            announce(f"processing fetched pages in {where} as they come (batches of {batch_size})")
            announced = True
        return process_batch_task.submit(batch, pool_workers)

    dispatcher = Dispatcher(stage, submit, batch_size, workers=pool_workers or 1,
                            capacity=pool_workers + 1 if pool_workers else DASK_BATCHES_IN_FLIGHT, progress=progress)
    try:
        with pool_for_run(pool_workers) if pool_workers else nullcontext():
            dispatcher.run(source.items())
    finally:
        source.close()
    return dispatcher.fetched


# --- dedup and write --------------------------------------------------------------------------


def _texts_then(first: TextLookup, fallback: TextLookup) -> TextLookup:
    """Texts from ``first`` (this run's new documents), the rest from ``fallback`` (the corpus)."""

    def lookup(doc_ids):
        found = dict(first(doc_ids))
        missing = [d for d in doc_ids if d not in found]
        return found | (dict(fallback(missing)) if missing else {})

    return lookup


def assign_clusters(out: Path, new: NewDocuments) -> DedupIndex:
    """Match this run's new documents against the whole corpus, a chunk of doc_id order at a time;
    returns the updated (unsaved) index."""
    documents = out / "documents"
    corpus_texts = parquet_text_lookup(documents) if documents.exists() else (lambda ids: {})
    index = DedupIndex.open(out / "state" / "dedup", _texts_then(new.texts, corpus_texts))
    for chunk in new.chunks(["doc_id", "text", "url", "published"]):
        check()
        published = [p and p.isoformat() for p in chunk.column("published").to_pylist()]
        columns = [chunk.column(name).to_pylist() for name in ("doc_id", "text", "url")]
        index.add([DedupDoc(*values, when) for *values, when in zip(*columns, published)])
    return index


def cluster_table(index: DedupIndex, preferred: DocIds | None = None) -> pa.Table:
    """doc_id and CLUSTER_COLUMNS of every indexed document, sorted by doc_id (as arrays: one row per
    document of the corpus); a cluster's canonical member is a ``preferred`` one when it has any."""
    doc_ids = index.doc_ids
    columns = index.columns(None if preferred is None else preferred.isin(doc_ids))
    return pa.table({
        "doc_id": doc_ids,
        "dup_cluster": pa.array(columns.dup_cluster, pa.string()),
        "is_canonical": pa.array(columns.is_canonical, pa.bool_()),
        "cluster_size": pa.array(columns.cluster_size, pa.int32()),
        # rounded as ClusterAssignment.similarity is
        "dup_similarity": pa.array([round(value, 4) for value in columns.similarity.tolist()], pa.float32()),
    }).sort_by("doc_id")


def run_columns(clusters: pa.Table, versions: pa.Table) -> pa.Table:
    """The cluster columns of every indexed document with its version columns (null where it has none)."""
    joined = clusters.join(versions, "doc_id", join_type="left outer")
    return joined.select(["doc_id", *CLUSTER_COLUMNS, *VERSION_COLUMNS]).sort_by("doc_id")


def _as_current(table: pa.Table) -> pa.Table:
    """A new document is its URL's current version until ``update_url_states`` says otherwise."""
    rows = table.num_rows
    return (table.append_column("is_current", pa.array([True] * rows, pa.bool_()))
            .append_column("superseded_by", pa.nulls(rows, pa.string())))


def _unchanged(visit: Visit) -> Visit:
    return visit


class RunLedger:
    """Every URL's final outcome, read back from the stage whenever iterated: with the input's
    corrections (``WarcLedger.corrected``), and documents that earlier runs already wrote keeping
    their outcome, with a reason."""

    def __init__(self, stage: RunStage, corrected: Callable[[Visit], Visit], written: NewDocuments):
        self.stage, self.corrected, self.written = stage, corrected, written

    def __iter__(self) -> Iterator[Visit]:
        for visit in self.stage.visits():
            visit = self.corrected(visit)
            if visit.outcome == "document" and visit.doc_id not in self.written:
                visit = visit.resolved("document", "already in the corpus from an earlier run", visit.doc_id)
            yield visit


def _taken_back(stage: RunStage, corrected: Callable[[Visit], Visit]) -> DocIds:
    """doc_ids whose only visits the input's corrections took back (a superseded response, a sitemap).

    Few are: the stage is read again to find which of them another visit keeps, rather than every
    kept doc_id being held.
    """

    def documents() -> Iterator[tuple[str, bool]]:
        for visit in stage.visits():
            if visit.outcome == "document":
                yield visit.doc_id, corrected(visit).outcome == "document"

    dropped = {doc_id for doc_id, kept in documents() if not kept}
    if dropped:
        dropped -= {doc_id for doc_id, kept in documents() if kept and doc_id in dropped}
    return DocIds.of(list(dropped))


def _new_documents(out: Path, run_id: str, stage: RunStage, corrected: Callable[[Visit], Visit]) -> NewDocuments:
    """The run's staged documents that are not in the corpus yet (the corpus's doc_ids are let go after)."""
    skip = corpus_doc_ids(out, skip_run=run_id)
    if corrected is not _unchanged:
        skip |= _taken_back(stage, corrected)
    return NewDocuments(stage, skip)


@dataclass(frozen=True)
class RunOutput:
    ledger: RunLedger  # every URL's final outcome
    documents: int  # the rows this run added
    clusters: pa.Table  # cluster and version columns of every document in the corpus (``run_columns``)
    written: dict[str, list[Path]]
    changes: dict[str, int]  # URLs this run made new, changed, gone, back


def write_run(out: Path, run_id: str, stage: RunStage, corrected: Callable[[Visit], Visit] = _unchanged,
              gone_after: int = GONE_AFTER) -> RunOutput:
    """Dedup the run's staged rows against the corpus, add its files, fold its pages into the URL
    states (urls/), update the cluster and version columns of the corpus's files (a cluster's
    canonical row is a current one when it has any), and only then persist the dedup index.

    A stop is honoured between steps: each step's files are whole, and the resumed run redoes
    them all from the saved index.
    """
    announce(f"writing the corpus into {out}")
    new = _new_documents(out, run_id, stage, corrected)
    check()
    index = assign_clusters(out, new)
    cluster_rows = DocIdRows(cluster_table(index))
    ledger = RunLedger(stage, corrected, new)
    today = datetime.now(UTC).date().isoformat()
    with RunFiles(out, run_id) as files:
        for chunk in new.chunks():
            check()
            files.documents.write(_as_current(with_columns_of(chunk, cluster_rows)))
        files.documents.close()  # its last row group is written out before the pages' fills up
        rows = (visit_row(visit, today, run_id) for visit in ledger)
        while part := list(itertools.islice(rows, PAGE_ROWS)):
            files.pages.write_rows(part)
        written = files.close()
    check()
    versions, written["urls"] = update_url_states(out, run_id, gone_after)
    clusters = cluster_table(index, preferred=versions.current)
    # only the indexed documents' columns are refreshed (a document the index lacks keeps its row as it is)
    indexed = versions.columns.filter(pc.is_in(versions.columns.column("doc_id"), value_set=clusters.column("doc_id")))
    check()
    written["documents (cluster and version columns updated)"] = refresh_document_columns(out, clusters, indexed)
    check()
    index.save()
    return RunOutput(ledger, len(new), run_columns(clusters, indexed), written, versions.changes)


@task(name="dedup-and-write", cache_policy=NO_CACHE)
def write_run_task(out: Path, run_id: str, stage: RunStage, corrected: Callable[[Visit], Visit],
                   gone_after: int) -> RunOutput:
    return write_run(out, run_id, stage, corrected, gone_after)


def publish_report(out: Path, report: RunReport) -> None:
    """The run report as JSON, report.html, the dataset card, and Prefect table artifacts.

    The corpus's documents and pages are read once for all of them.
    """
    report.save()
    summary = asdict(report)
    corpus = read_corpus(out, summary)
    write_report_html(out, summary, corpus)
    dataset_card.write_dataset_card(out, summary, corpus)
    for key, rows in corpus.tables.items():
        if rows:
            create_table_artifact(key=f"cuishou-{key}", table=rows, description=f"cuishou run {report.run_id}: {key}")


# --- the flow ---------------------------------------------------------------------------------


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
    for folder in (out / "state" / STAGE_FOLDER).glob("*"):
        if folder.name != run_id:  # left by a run killed after its commit, or by an abandoned one
            shutil.rmtree(folder, ignore_errors=True)
    return run_id, resumed


def _both(*callbacks: Callable[[Visit], None]) -> Callable[[Visit], None]:
    def call(visit: Visit) -> None:
        for callback in callbacks:
            callback(visit)

    return call


@flow(name="build-corpus", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=default_workers() + 1))
def build_corpus(
    out: Path,
    seeds: list[str] | None = None,
    warcs: list[Path] | None = None,
    crawl_config: CrawlConfig | None = None,
    batch_size: int = BATCH_SIZE,
    seeds_file: Path | None = None,
    workers: int | None = None,
    gone_after: int = GONE_AFTER,
) -> RunReport:
    """Add a crawl (or WARC files) to the corpus under ``out``; an interrupted run is resumed.

    ``seeds_file`` is read when the run starts (scheduled runs pick up edits to it). ``workers``:
    processes for the pages (default: one per CPU; on Dask, the cluster's workers do it). A URL no
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
        stage = RunStage(out, run_id).reset()
        with RunProgress() as progress:
            if seeds:
                journal, config = RunJournal(state, run_id), crawl_config or CrawlConfig()
                source = VisitSource(lambda sink, stop: crawl_task(seeds, config, out / "warc", journal,
                                                                   _both(sink, progress.on_visit), stop))
                corrected = _unchanged
            else:
                ledger = WarcLedger(list(warcs or []))
                source = VisitSource(lambda sink, stop: read_warcs_task(ledger, sink), bound=4 * batch_size)
                corrected = ledger.corrected
            process_run(source, stage, batch_size, workers, progress)
        processed = time.monotonic()
        output = write_run_task(out, run_id, stage, corrected, gone_after)
        state.commit_run(run_id, output.ledger)
        written = time.monotonic()
        report = build_report(run_id, out, output.ledger, output.documents, output.clusters, output.written,
                              written - started, resumed, output.changes,
                              {"process": round(processed - started, 2), "write": round(written - processed, 2)})
        stage.remove()
    finally:
        state.close()
    publish_report(out, report)
    return report


def corpus_flow(dask_address: str | None = None, workers: int | None = None):
    """The flow on the local pool of worker processes, or on a Dask cluster (batches become Dask tasks).

    On Dask, workers must have cuishou installed, PREFECT_API_URL set, and the corpus folder (its
    warc/ and state/) on a shared path: a batch task reads its pages from the WARC files and
    stages its rows under state/.
    """
    if not dask_address:
        if workers:
            return build_corpus.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers + 1))
        return build_corpus
    from prefect_dask import DaskTaskRunner

    return build_corpus.with_options(task_runner=DaskTaskRunner(address=dask_address))
