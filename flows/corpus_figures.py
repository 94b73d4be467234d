"""What the run report and the dataset card show of the corpus: figures folded from column scans.

A corpus grows to millions of documents, so the report and the card never hold its rows:
documents/ and pages/ are read a record batch at a time and folded into counts, sums and top
lists; a column with one value per document is held only where a figure needs every value at
once, as one array (dup_cluster for the cluster sizes, quality_score for the median), and this
run's pages as a few narrow columns. The commonest junk span of each cleaning rule is counted
by a 64-bit hash of its text, and only the tied spans' texts are read again, so the spans' texts
are never held together. Every figure is the one a whole-table computation gives, ties in the
same order.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cuishou.extract.html.dom import tidy
from cuishou.extract.visits import OUTCOMES
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA, fields_of
from cuishou.transform.versions import CHANGES
from cuishou.transform.write import URL_TABLE, parquet_files, scan

FACETS = ("products", "channels", "topics")
ERROR_OUTCOMES = ("http_error", "fetch_error", "extract_error", "decode_error", "too_complex")
QUALITY_BINS = 10
TOP_ROWS = 8  # rows of the document tables (largest clusters, lowest scores)
CHANGED_LINKS = 25  # pages listed per kind of change (urls/ has them all)
SCAN_ROWS = 4096  # rows per record batch of a scan: a batch of documents with their junk spans is a few MB
LOWEST_COLUMNS = ["title", "host", "quality_score", "spin_density", "scrubbed_gaps", "removed_share"]
_TIMESTAMP = PAGE_SCHEMA.field("fetched_at").type  # its unit (µs) is what _microseconds reads


def _scan(folder: Path, schema: pa.Schema, columns: list[str], filter: pc.Expression | None = None
          ) -> Iterator[pa.RecordBatch]:
    """Columns of a corpus table (every run's files), SCAN_ROWS rows at a time."""
    return scan(parquet_files(folder), schema, columns, filter, rows=SCAN_ROWS)


def _counts(column: pa.Array) -> Counter:
    """Value counts in order of first appearance (as ``Counter(column.to_pylist())`` orders its ties)."""
    counted = pc.value_counts(column)
    return Counter(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))


def _top(kept: pa.Table | None, batch: pa.RecordBatch, order: list[tuple[str, str]]) -> pa.Table:
    """The first TOP_ROWS rows of ``kept`` and ``batch`` in ``order`` (stable: earlier rows first among ties)."""
    rows = pa.Table.from_batches([batch]) if kept is None else pa.concat_tables([kept, pa.Table.from_batches([batch])])
    return rows.sort_by(order).slice(0, TOP_ROWS)


# ---------------------------------------------------------------- documents


@dataclass
class _Junk:
    """Per cleaning rule: spans, characters and documents, and the hashes of its spans' texts."""

    spans: int = 0
    characters: int = 0
    documents: int = 0
    hashes: list[np.ndarray] = field(default_factory=list)


@dataclass
class DocumentFigures:
    """The whole corpus's documents, as the report and the card show them."""

    rows: int = 0
    current: int = 0  # is_current
    text_chars: int = 0
    hosts: Counter = field(default_factory=Counter)  # documents per host
    canonical_hosts: Counter = field(default_factory=Counter)  # canonical documents per host
    languages: Counter = field(default_factory=Counter)
    pipeline_versions: Counter = field(default_factory=Counter)
    tags: list[dict] = field(default_factory=list)  # rows of tag_rows
    removed: list[dict] = field(default_factory=list)  # junk removed per cleaning rule, with its commonest span
    cluster_sizes: Counter = field(default_factory=Counter)  # documents in the cluster -> clusters
    quality: np.ndarray = field(default_factory=lambda: np.empty(0))  # every quality_score
    largest_clusters: list[dict] = field(default_factory=list)
    lowest_quality: list[dict] = field(default_factory=list)


_DOCUMENT_COLUMNS = ["url", "host", "title", "is_canonical", "is_current", "cluster_size", *FACETS,
                     "removed", "text_chars", "removed_share", "scrubbed_gaps", "spin_density", "quality_score",
                     "language", "pipeline_version", "dup_cluster"]


def document_figures(folder: Path) -> DocumentFigures:
    """Two scans of documents/: the figures, then the commonest junk spans' texts and the largest
    clusters' hosts."""
    figures = DocumentFigures()
    if not folder.exists():
        return figures
    tagged = {facet: (Counter(), Counter()) for facet in FACETS}
    junk: dict[str, _Junk] = {}
    scores, clusters, largest, lowest = [], [], None, None
    for batch in _scan(folder, DOCUMENT_SCHEMA, _DOCUMENT_COLUMNS):
        figures.rows += batch.num_rows
        figures.current += pc.sum(batch.column("is_current")).as_py() or 0
        figures.text_chars += pc.sum(batch.column("text_chars")).as_py() or 0
        figures.hosts.update(_counts(batch.column("host")))
        figures.canonical_hosts.update(_counts(batch.column("host").filter(batch.column("is_canonical"))))
        figures.languages.update(_counts(batch.column("language")))
        figures.pipeline_versions.update(_counts(batch.column("pipeline_version")))
        _count_tags(batch, tagged)
        _count_junk(batch.column("removed"), junk)
        scores.append(batch.column("quality_score").to_numpy(zero_copy_only=False).astype(np.float64))
        clusters.append(batch.column("dup_cluster"))
        in_clusters = pc.and_(batch.column("is_canonical"), pc.greater(batch.column("cluster_size"), 1))
        largest = _top(largest, batch.select(["cluster_size", "dup_cluster", "title", "url"]).filter(in_clusters),
                       [("cluster_size", "descending"), ("url", "ascending")])
        lowest = _top(lowest, batch.select([*LOWEST_COLUMNS, "url"]), [("quality_score", "ascending"),
                                                                         ("url", "ascending")])
    figures.tags = tag_rows(tagged)
    figures.quality = np.concatenate(scores) if scores else figures.quality
    counts = pc.value_counts(pa.chunked_array(clusters, pa.string())).field("counts")
    figures.cluster_sizes = Counter(counts.to_pylist())
    figures.lowest_quality = [] if lowest is None else lowest.select(LOWEST_COLUMNS).to_pylist()
    top_clusters = [] if largest is None else largest.to_pylist()
    examples, hosts = _second_scan(folder, junk, {r["dup_cluster"] for r in top_clusters})
    figures.removed = sorted(
        ({"rule": rule, "spans": j.spans, "characters": j.characters, "documents": j.documents,
          "example": examples[rule]} for rule, j in junk.items()),
        key=lambda r: (-r["characters"], r["rule"]))
    figures.largest_clusters = [
        {"canonical_title": r["title"], "url": r["url"], "documents": r["cluster_size"],
         "hosts": len(hosts[r["dup_cluster"]])} for r in top_clusters]
    return figures


def _count_tags(batch: pa.RecordBatch, tagged: dict[str, tuple[Counter, Counter]]) -> None:
    """Documents per tag, all and canonical only (a tag counts once per document)."""
    canonical = batch.column("is_canonical").to_pylist()
    for facet, (every, kept) in tagged.items():
        for tags, is_canonical in zip(batch.column(facet).to_pylist(), canonical):
            every.update(set(tags))
            kept.update(set(tags) if is_canonical else ())


def tag_rows(tagged: dict[str, tuple[Counter, Counter]]) -> list[dict]:
    """A row per facet and tag, most documents first: documents, and canonical documents."""
    return [{"facet": facet, "tag": t, "documents": n, "canonical": kept[t]}
            for facet, (every, kept) in tagged.items() for t, n in every.most_common()]


def _spans(removed: pa.Array) -> pa.Table:
    """The junk spans of a batch of documents: rule, text, its characters, and its document's row."""
    spans = pc.list_flatten(removed)
    texts = pc.struct_field(spans, "text")
    return pa.table({"rule": pc.struct_field(spans, "rule"), "text": texts, "chars": pc.utf8_length(texts),
                     "doc": pc.list_parent_indices(removed)})


def _text_hashes(texts: pa.Array) -> np.ndarray:
    """A 64-bit hash of each text (this process's str hash: the hashes are compared within a run only)."""
    return np.fromiter((hash(text) for text in texts.to_pylist()), dtype=np.int64, count=len(texts))


def _count_junk(removed: pa.Array, junk: dict[str, _Junk]) -> None:
    """Spans (with a text), characters and documents per rule; the rule's span texts as hashes."""
    table = _spans(removed)
    grouped = table.group_by("rule").aggregate([("chars", "count"), ("chars", "sum"), ("doc", "count_distinct")])
    for row in grouped.to_pylist():
        counts = junk.setdefault(row["rule"], _Junk())
        counts.spans += row["chars_count"]
        counts.characters += row["chars_sum"] or 0
        counts.documents += row["doc_count_distinct"]  # a document's spans are all in one batch
    spans = table.filter(pc.is_valid(table.column("text")))
    for rule in pc.unique(spans.column("rule")).to_pylist():
        texts = spans.filter(pc.equal(spans.column("rule"), rule)).column("text")
        junk.setdefault(rule, _Junk()).hashes.append(_text_hashes(texts))


def _commonest_hashes(junk: dict[str, _Junk]) -> dict[str, np.ndarray]:
    """Per rule, the hashes of its most frequent span texts (all tied for the most)."""
    commonest = {}
    for rule, counts in junk.items():
        if counts.hashes:
            values, frequency = np.unique(np.concatenate(counts.hashes), return_counts=True)
            commonest[rule] = values[frequency == frequency.max()]
    return commonest


def _second_scan(folder: Path, junk: dict[str, _Junk], clusters: set[str]
                 ) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Per rule, the span it removed most often (of those tied, the first in text order), shortened;
    and the hosts of each of ``clusters``."""
    commonest = _commonest_hashes(junk)
    first: dict[str, str] = {}
    hosts: dict[str, set[str]] = {cluster: set() for cluster in clusters}
    wanted = pa.array(sorted(clusters), pa.string())
    for batch in _scan(folder, DOCUMENT_SCHEMA, ["removed", "dup_cluster", "host"]):
        spans = _spans(batch.column("removed"))
        spans = spans.filter(pc.is_valid(spans.column("text")))
        for rule, hashes in commonest.items():
            texts = spans.filter(pc.equal(spans.column("rule"), rule)).column("text")
            tied = texts.filter(pa.array(np.isin(_text_hashes(texts), hashes)))
            if len(tied):
                least = pc.min(tied).as_py()
                first[rule] = least if rule not in first else min(first[rule], least)
        members = batch.filter(pc.is_in(batch.column("dup_cluster"), value_set=wanted))
        for cluster, host in zip(members.column("dup_cluster").to_pylist(), members.column("host").to_pylist()):
            hosts[cluster].add(host)
    return {rule: _shortened(first.get(rule, "")) for rule in junk}, hosts


def _shortened(text: str, max_chars: int = 40) -> str:
    text = tidy(text)
    return text if len(text) <= max_chars else text[:max_chars] + "…"


def cluster_size_rows(figures: DocumentFigures) -> list[dict]:
    return [{"cluster_size": size, "clusters": n, "documents": size * n}
            for size, n in sorted(figures.cluster_sizes.items())]


def quality_rows(figures: DocumentFigures) -> list[dict]:
    """quality_score histogram in tenths (1.0 falls in the last bin)."""
    bins = np.minimum((figures.quality * QUALITY_BINS).astype(np.int64), QUALITY_BINS - 1)
    counts = np.bincount(bins, minlength=QUALITY_BINS).tolist()
    return [
        {"quality_score": f"{b / QUALITY_BINS:.1f}–{(b + 1) / QUALITY_BINS:.1f}", "documents": counts[b]}
        for b in range(QUALITY_BINS)
    ]


# ---------------------------------------------------------------- pages


@dataclass
class PageFigures:
    """Every run's pages, as the card shows them."""

    rows: int = 0
    hosts: Counter = field(default_factory=Counter)  # URLs met per host, all runs
    runs: dict[str, list] = field(default_factory=dict)  # run_id -> [URLs met, first response, last response]


RUN_PAGE_COLUMNS = ["host", "outcome", "attempts", "fetched_at"]


def page_figures(folder: Path, run_id: str) -> tuple[PageFigures, pa.Table]:
    """One scan of pages/: every run's figures, and the pages run ``run_id`` met (RUN_PAGE_COLUMNS;
    the corpus keeps every run's ledger)."""
    figures, run_batches = PageFigures(), []
    for batch in _scan(folder, PAGE_SCHEMA, [*RUN_PAGE_COLUMNS, "run_id"]):
        figures.rows += batch.num_rows
        figures.hosts.update(_counts(batch.column("host")))
        grouped = pa.Table.from_batches([batch]).group_by("run_id").aggregate(
            [([], "count_all"), ("fetched_at", "min"), ("fetched_at", "max")])
        for row in grouped.to_pylist():
            met, first, last = figures.runs.setdefault(row["run_id"], [0, None, None])
            figures.runs[row["run_id"]] = [met + row["count_all"], _extreme(min, first, row["fetched_at_min"]),
                                           _extreme(max, last, row["fetched_at_max"])]
        run_batches.append(batch.filter(pc.field("run_id") == run_id).select(RUN_PAGE_COLUMNS))
    return figures, pa.Table.from_batches(run_batches, schema=fields_of(PAGE_SCHEMA, RUN_PAGE_COLUMNS))


def _extreme(pick, a: datetime | None, b: datetime | None) -> datetime | None:
    """``pick`` (min or max) of the two times that are known."""
    return pick((t for t in (a, b) if t is not None), default=None)


def outcome_rows(pages: pa.Table) -> list[dict]:
    return [{"outcome": o, "pages": n, "meaning": OUTCOMES.get(o, "")}
            for o, n in _counts(pages.column("outcome")).most_common()]


def drop_reason_rows(report: dict) -> list[dict]:
    """The run report's "outcome: reason" counts, split back into their two parts."""
    rows = []
    for key, count in sorted(report.get("dropped", {}).items(), key=lambda kv: (-kv[1], kv[0])):
        outcome, _, reason = key.partition(": ")
        rows.append({"outcome": outcome, "reason": reason, "pages": count})
    return rows


def _microseconds(pages: pa.Table) -> np.ndarray:
    """fetched_at as int64 microseconds (the rows with one)."""
    return pages.column("fetched_at").cast(pa.int64()).to_numpy()


def host_rows(pages: pa.Table) -> list[dict]:
    """Per host, this run: URLs, documents, errors, retries and when its responses came."""
    outcome = pages.column("outcome")
    flags = pa.table({
        "host": pages.column("host"),
        "document": pc.cast(pc.equal(outcome, "document"), pa.int64()),
        "error": pc.cast(pc.is_in(outcome, value_set=pa.array(ERROR_OUTCOMES)), pa.int64()),
        "retries": pc.max_element_wise(pc.subtract(pc.fill_null(pages.column("attempts"), 0), 1), 0),
    })
    grouped = flags.group_by("host").aggregate([([], "count_all"), ("document", "sum"), ("error", "sum"),
                                                ("retries", "sum")])
    times = _times_by_host(pages)
    return [
        {"host": r["host"], "urls": r["count_all"], "documents": r["document_sum"], "errors": r["error_sum"],
         "retries": r["retries_sum"], **fetch_timing(times.get(r["host"], np.empty(0, np.int64)))}
        for r in sorted(grouped.to_pylist(), key=lambda r: r["host"])
    ]


def _times_by_host(pages: pa.Table) -> dict[str, np.ndarray]:
    """Each host's response times in microseconds, in order (one sort for all hosts)."""
    fetched = pages.filter(pc.is_valid(pages.column("fetched_at"))).sort_by([("host", "ascending"),
                                                                              ("fetched_at", "ascending")])
    hosts, times = fetched.column("host").to_numpy(zero_copy_only=False), _microseconds(fetched)
    starts = np.flatnonzero(np.concatenate([[True], hosts[1:] != hosts[:-1]])) if len(hosts) else []
    ends = [*starts[1:], len(hosts)]
    return {hosts[start]: times[start:end] for start, end in zip(starts, ends)}


def _datetime(value: int) -> datetime:
    return pa.scalar(value, _TIMESTAMP).as_py()


def fetch_timing(times: np.ndarray) -> dict:
    """First and last fetch, their distance and the median gap between fetches (politeness shows here);
    ``times`` in microseconds, in order (``_times_by_host``)."""
    if not times.size:
        return {"first_fetch": None, "last_fetch": None, "span_s": 0.0, "median_gap_s": 0.0}
    gaps = (np.diff(times) / 1e6).tolist()
    return {
        "first_fetch": _datetime(int(times[0])).isoformat(timespec="seconds"),
        "last_fetch": _datetime(int(times[-1])).isoformat(timespec="seconds"),
        "span_s": round(int(times[-1] - times[0]) / 1e6, 3),
        "median_gap_s": round(statistics.median(gaps), 3) if gaps else 0.0,
    }


def host_outcomes(pages: pa.Table) -> Counter:
    """URLs per (host, outcome), this run."""
    grouped = pages.group_by(["host", "outcome"]).aggregate([([], "count_all")])
    return Counter({(r["host"], r["outcome"]): r["count_all"] for r in grouped.to_pylist()})


def fetch_offsets(pages: pa.Table, hosts: list[str], dots_per_host: int
                  ) -> tuple[dict[str, list[tuple[float, str]]], float]:
    """Per host, (seconds since the run's first response, outcome) of its responses; and the run's span.

    A host with more than ``dots_per_host`` responses is sampled evenly, so a big crawl stays a small page.
    """
    fetched = pages.filter(pc.is_valid(pages.column("fetched_at")))
    if not fetched.num_rows:
        return {}, 0.0
    times = _microseconds(fetched)
    order = np.argsort(times, kind="stable")
    start = int(times[order[0]])
    host_of = fetched.column("host").to_numpy(zero_copy_only=False)[order]
    sampled = {}
    for host in hosts:
        rows = order[host_of == host]
        if rows.size:
            rows = rows[:: math.ceil(rows.size / dots_per_host)]
            outcomes = fetched.column("outcome").take(pa.array(rows)).to_pylist()
            sampled[host] = list(zip(((times[rows] - start) / 1e6).tolist(), outcomes))
    return sampled, (int(times.max()) - start) / 1e6


# ---------------------------------------------------------------- urls


def changed_urls(out: Path, run_id: str) -> dict[str, tuple[int, list[dict]]]:
    """Per change (CHANGES), how many URLs this run made so (urls/) and the first CHANGED_LINKS by URL,
    with their current title."""
    if not (out / URL_TABLE).exists():
        return {change: (0, []) for change in CHANGES}
    urls = pq.read_table(out / URL_TABLE, columns=["url", "current_doc_id", "last_change", "last_change_run"])
    urls = urls.filter(pc.equal(urls.column("last_change_run"), run_id))
    changes = {}
    for change in CHANGES:
        rows = urls.filter(pc.equal(urls.column("last_change"), change))
        changes[change] = (rows.num_rows, rows.sort_by("url").slice(0, CHANGED_LINKS).to_pylist())
    titles = _titles(out / "documents", {r["current_doc_id"] for _, shown in changes.values() for r in shown})
    return {change: (count, [{"url": r["url"], "title": titles.get(r["current_doc_id"])} for r in shown])
            for change, (count, shown) in changes.items()}


def _titles(folder: Path, doc_ids: Iterable[str]) -> dict[str, str | None]:
    wanted = pa.array(sorted(doc_ids), pa.string())
    titles: dict[str, str | None] = {}
    if len(wanted):
        for batch in _scan(folder, DOCUMENT_SCHEMA, ["doc_id", "title"], pc.field("doc_id").isin(wanted)):
            titles.update(zip(batch.column("doc_id").to_pylist(), batch.column("title").to_pylist()))
    return titles


# ---------------------------------------------------------------- all of it


@dataclass(frozen=True)
class CorpusRead:
    """The corpus as the report and the dataset card use it, read once per run."""

    documents: DocumentFigures  # the whole corpus's documents (all runs)
    pages: PageFigures  # every run's pages
    run_pages: pa.Table  # the pages this run met (RUN_PAGE_COLUMNS)
    tables: dict[str, list[dict]]  # see corpus_tables
    changes: dict[str, tuple[int, list[dict]]]  # see changed_urls


def read_corpus(out: Path, report: dict) -> CorpusRead:
    """documents/, pages/ and urls/ folded into what the report and the card show (see the module docstring)."""
    documents = document_figures(out / "documents")
    figures, pages = page_figures(out / "pages", str(report["run_id"]))
    return CorpusRead(documents, figures, pages, corpus_tables(documents, pages, report),
                      changed_urls(out, str(report["run_id"])))


def corpus_tables(documents: DocumentFigures, pages: pa.Table, report: dict) -> dict[str, list[dict]]:
    """The report's key tables as plain rows, keyed by a Prefect-artifact-safe name (lowercase-with-dashes)."""
    return {
        "outcomes": outcome_rows(pages),
        "drop-reasons": drop_reason_rows(report),
        "removed-by-rule": documents.removed,
        "duplicate-clusters": cluster_size_rows(documents),
        "tags": documents.tags,
        "hosts": host_rows(pages),
        "quality-scores": quality_rows(documents),
    }
