"""``cuishou dedup INPUT --out DIR``: near-duplicate columns for any Parquet with doc_id and text.

Reads a Parquet file or dataset (a consumer's own corpus too), clusters it exactly as
``transform.dedup.batch.cluster_documents`` would, and writes the input columns plus dup_cluster,
is_canonical, cluster_size, dup_similarity (types as in ``transform.schema``) to ``DIR`` as zstd
Parquet parts, each written atomically. url and published are optional (url "" and published
null when absent).

Texts never all sit in memory: pass 1 streams row groups through a process pool that returns
per-document sketches (16-bit signatures), LSH bands are split between the processes
(signatures shared through a memory-mapped file), pass 2 re-reads only the texts that occur in
a plausible pair, to verify them, and the pool writes the output parts. The pool is started
before the big arrays exist, so forked workers do not carry copies of them. Each stage's wall
and CPU seconds (parent and workers) come back with the counts, so growth can be followed per
stage (benchmarks/dedup_scale.py prints them; figures in docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cuishou.transform.dedup.batch import ClusterColumns, DocMeta, cluster_columns, exact_representatives
from cuishou.transform.dedup.lsh import merged_pairs, plausible_candidates, plausible_lsh_pairs
from cuishou.transform.dedup.sketch import Sketches, sketch_texts
from cuishou.transform.dedup.verify import Edges, NearDuplicateRule, verified_edges
from cuishou.transform.schema import DOCUMENT_FIELDS
from cuishou.transform.write import parquet_files, write_parquet_atomic

REQUIRED = ("doc_id", "text")
DEDUP_COLUMNS = ("dup_cluster", "is_canonical", "cluster_size", "dup_similarity")
ROWS_PER_PART = 20_000  # ~90 MB of text per part: bounds what each writer holds
_TYPES = {name: dtype for name, dtype, _, _ in DOCUMENT_FIELDS}


@dataclass(frozen=True)
class RowGroup:
    """One unit of work: a row group of one file, and the row number of its first row overall."""

    file: str
    index: int
    first_row: int
    rows: int


def input_files(source: Path) -> list[Path]:
    """The Parquet files of a file or a dataset folder, in a stable order (``write.parquet_files``)."""
    if source.is_file():
        return [source]
    if not (files := parquet_files(source)):
        raise ValueError(f"{source}: no Parquet file found")
    return files


def hive_partitions(files: Sequence[Path], source: Path) -> dict[str, dict[str, str]]:
    """Per file, the ``key=value`` folders between ``source`` and it (e.g. crawl_date of corpus/documents).

    Hive-aware readers turn them into columns; the output is flat, so they become real columns there.
    """
    values = {}
    for file in files:
        folders = file.relative_to(source).parts[:-1] if source.is_dir() else ()
        values[str(file)] = dict(part.split("=", 1) for part in folders if "=" in part)
    return values


def row_groups(files: Sequence[Path]) -> list[RowGroup]:
    """Every row group of the input, numbered in file order; checks the required columns."""
    groups, first = [], 0
    for file in files:
        try:
            metadata = pq.ParquetFile(file).metadata
        except (OSError, pa.ArrowInvalid) as error:
            raise ValueError(f"{file}: not a readable Parquet file ({error})") from error
        missing = [c for c in REQUIRED if c not in metadata.schema.names]
        if missing:
            raise ValueError(f"{file}: missing column(s) {', '.join(missing)}; dedup needs doc_id and text")
        for index in range(metadata.num_row_groups):
            rows = metadata.row_group(index).num_rows
            groups.append(RowGroup(str(file), index, first, rows))
            first += rows
    return groups


def read_meta(files: Sequence[Path]) -> pa.Table:
    """doc_id, url and published of every row (url "" and published null when a file lacks them)."""
    parts = []
    for file in files:
        source = pq.ParquetFile(file)
        table = source.read(columns=[c for c in ("doc_id", "url", "published") if c in source.schema_arrow.names])
        parts.append(_with_optional_columns(table))
    meta = pa.concat_tables(parts)
    if meta.column("doc_id").null_count:
        raise ValueError("doc_id must not be null")
    if pc.count_distinct(meta.column("doc_id")).as_py() != meta.num_rows:
        raise ValueError("doc_id must be unique: the input repeats some doc_ids")
    return meta


def _with_optional_columns(table: pa.Table) -> pa.Table:
    """Add url "" / published null where absent, and give both the corpus types."""
    rows = table.num_rows
    if "url" not in table.column_names:
        table = table.append_column("url", pa.array([""] * rows, pa.string()))
    if "published" not in table.column_names:
        table = table.append_column("published", pa.nulls(rows, pa.date32()))
    url = pc.fill_null(table["url"].cast(pa.string()), "")
    table = table.set_column(table.schema.get_field_index("url"), "url", url)
    published = table["published"]
    if pa.types.is_timestamp(published.type) or pa.types.is_string(published.type):
        published = published.cast(pa.timestamp("us")).cast(pa.date32())
    return table.set_column(table.schema.get_field_index("published"), "published", published.cast(pa.date32()))


def _texts(group: RowGroup, rows: Sequence[int] | None = None) -> list[str]:
    """Texts of a row group, or of some of its rows (offsets within the group)."""
    column = pq.ParquetFile(group.file).read_row_group(group.index, columns=["text"]).column("text")
    if rows is not None:
        column = column.take(pa.array(rows, pa.int64()))
    return [text or "" for text in column.to_pylist()]


def _sketch_group(group: RowGroup) -> tuple[Sketches, np.ndarray]:
    """Pass 1 for one row group: sketches and text lengths (the texts are dropped here)."""
    texts = _texts(group)
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return sketch_texts(texts), chars


def _band_share(
    folder: str, bands: range, rule: NearDuplicateRule, rows: int, is_new: np.ndarray | None
) -> np.ndarray:
    """Plausible pairs of some bands, from the signatures the parent shared as memory-mapped files."""
    signatures = np.load(f"{folder}/signatures.npy", mmap_mode="r")
    sizes = np.load(f"{folder}/sizes.npy")
    return plausible_candidates(signatures, sizes, rule, bands=bands, rows=rows, is_new=is_new)


def _verify_share(groups: list[RowGroup], pairs: np.ndarray, rule: NearDuplicateRule) -> Edges:
    """Pass 2: read and normalise only the texts these pairs need (pairs use input row numbers)."""
    needed = np.unique(pairs)
    texts = {}
    for group in groups:
        first, last = np.searchsorted(needed, [group.first_row, group.first_row + group.rows])
        wanted = needed[first:last].tolist()
        if wanted:
            texts.update(zip(wanted, _texts(group, [r - group.first_row for r in wanted])))
    return verified_edges(pairs, texts.__getitem__, rule)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def _with_cpu(function, *args):
    """``function(*args)`` and the CPU seconds it took in the process that ran it."""
    started = time.process_time()
    result = function(*args)
    return result, time.process_time() - started


class StageClock:
    """Wall and CPU seconds per stage, CPU counted in the parent and in the pool's workers."""

    def __init__(self, pool: ProcessPoolExecutor):
        self.pool, self.timings, self._worker_cpu = pool, {}, 0.0

    @contextmanager
    def stage(self, name: str):
        wall, cpu, self._worker_cpu = time.monotonic(), time.process_time(), 0.0
        yield
        self.timings[f"{name}_s"] = round(time.monotonic() - wall, 2)
        self.timings[f"{name}_cpu_s"] = round(time.process_time() - cpu + self._worker_cpu, 2)

    def map(self, function, *iterables) -> list:
        """``pool.map`` that adds the workers' CPU seconds to the current stage."""
        results = []
        for result, cpu in self.pool.map(functools.partial(_with_cpu, function), *iterables):
            self._worker_cpu += cpu
            results.append(result)
        return results


def cluster_parquet(groups: list[RowGroup], meta: pa.Table, clock: StageClock, workers: int) -> ClusterColumns:
    """Dedup columns for every input row (input order); stage times go to `clock`."""
    rule = NearDuplicateRule()
    with clock.stage("sketch"):
        sketches, rank, chars = _sketches(clock, groups, meta)
        representative = exact_representatives(sketches.take(rank, signatures=False))
    with clock.stage("candidates"):
        find_pairs = functools.partial(_plausible_pairs, clock, workers)
        lsh_pairs = plausible_lsh_pairs(sketches, representative, rule, rank=rank, find_pairs=find_pairs)
        pairs = rank[lsh_pairs]  # input row numbers
    with clock.stage("verify"):
        halves = np.array_split(pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))], workers)
        edges = Edges.concat(clock.map(_verify_share, [groups] * workers, halves, [rule] * workers))
    with clock.stage("cluster"):
        columns = _columns_in_input_order(meta, chars, rank, representative, edges)
    clock.timings["plausible_pairs"], clock.timings["edges"] = len(pairs), len(edges.left)
    return columns


def _sketches(clock: StageClock, groups: list[RowGroup], meta: pa.Table) -> tuple[Sketches, np.ndarray, np.ndarray]:
    """Pass 1 in the pool: sketches and text lengths in input order, and the rank (input row of
    each row in doc_id order)."""
    sketches, chars = [], []
    for sketch, text_chars in clock.map(_sketch_group, groups):
        sketches.append(sketch)
        chars.append(text_chars)
    doc_ids = np.asarray(meta.column("doc_id").to_numpy(zero_copy_only=False), dtype=object)
    rank = np.argsort(doc_ids, kind="stable")
    return Sketches.concat(sketches), rank, np.concatenate(chars) if chars else np.empty(0, np.int64)


def _plausible_pairs(
    clock: StageClock,
    workers: int,
    signatures: np.ndarray,
    sizes: np.ndarray,
    rule: NearDuplicateRule,
    *,
    rows: int,
    is_new: np.ndarray | None,
) -> np.ndarray:
    """``plausible_candidates`` with the bands shared out to the pool; pairs are rows of `signatures`."""
    with tempfile.TemporaryDirectory(prefix="cuishou-dedup-") as folder:
        np.save(f"{folder}/signatures.npy", signatures)
        np.save(f"{folder}/sizes.npy", sizes)
        bands = signatures.shape[1] // rows
        shares = [range(bands * w // workers, bands * (w + 1) // workers) for w in range(workers)]
        found = clock.map(functools.partial(_band_share, folder, rule=rule, rows=rows, is_new=is_new), shares)
    return merged_pairs(found, signatures.shape[0])


def _columns_in_input_order(
    meta: pa.Table, chars: np.ndarray, rank: np.ndarray, representative: np.ndarray, edges: Edges
) -> ClusterColumns:
    """Run the clustering in rank order and put its columns back in input order."""
    published = meta.column("published").cast(pa.string()).to_pylist()
    doc_ids, urls = meta.column("doc_id").to_pylist(), meta.column("url").to_pylist()
    ranked_meta = DocMeta(
        doc_id=[doc_ids[r] for r in rank],
        url=[urls[r] for r in rank],
        published=[published[r] for r in rank],
        text_chars=chars[rank],
    )
    position = np.empty_like(rank)
    position[rank] = np.arange(rank.size)
    ranked_edges = Edges(position[edges.left], position[edges.right], edges.jaccard, edges.containment)
    columns = cluster_columns(ranked_meta, representative, ranked_edges)
    return ClusterColumns(
        dup_cluster=[columns.dup_cluster[p] for p in position.tolist()],
        is_canonical=columns.is_canonical[position],
        cluster_size=columns.cluster_size[position],
        similarity=columns.similarity[position],
        containment=columns.containment[position],
    )


def _parts(groups: list[RowGroup]) -> list[list[RowGroup]]:
    """Consecutive row groups of one file, about ROWS_PER_PART rows per output part."""
    parts: list[list[RowGroup]] = []
    for group in groups:
        last = parts[-1] if parts else None
        if last and last[-1].file == group.file and sum(g.rows for g in last) + group.rows <= ROWS_PER_PART:
            last.append(group)
        else:
            parts.append([group])
    return parts


def _write_part(part: list[RowGroup], columns: ClusterColumns, path: Path, partitions: dict[str, str]) -> Path:
    """Input rows of `part` with its Hive partition values and the dedup columns (`columns` holds
    exactly those rows) added."""
    source = pq.ParquetFile(part[0].file)
    table = _with_optional_columns(source.read_row_groups([g.index for g in part]))
    for name, value in partitions.items():
        if name not in table.column_names:
            table = table.append_column(name, pa.array([value] * table.num_rows, pa.string()))
    return write_parquet_atomic(_add_dedup_columns(table, columns, slice(0, table.num_rows)), path)


def _add_dedup_columns(table: pa.Table, columns: ClusterColumns, rows: slice) -> pa.Table:
    values = {
        "dup_cluster": columns.dup_cluster[rows],
        "is_canonical": columns.is_canonical[rows],
        "cluster_size": columns.cluster_size[rows],
        "dup_similarity": np.round(columns.similarity[rows], 4),  # as the flow writes it (ClusterAssignment)
    }
    for name in DEDUP_COLUMNS:
        if name in table.column_names:
            table = table.drop_columns([name])
        field = pa.field(name, _TYPES[name], nullable=False)
        table = table.append_column(field, pa.array(values[name], _TYPES[name]))
    return table


def _rows_of(columns: ClusterColumns, rows: slice) -> ClusterColumns:
    return ClusterColumns(*(getattr(columns, f)[rows] for f in ClusterColumns.__dataclass_fields__))


def write_output(
    clock: StageClock, groups: list[RowGroup], columns: ClusterColumns, out: Path,
    partitions: dict[str, dict[str, str]] | None = None,
) -> list[Path]:
    """out/part-NNNNN.parquet, written by the pool beside `out` and swapped in whole.

    ``partitions``: per input file, the Hive partition values to keep as columns.

    Readers see the previous output or the new one, never a mix of parts from both runs.
    """
    parts = _parts(groups)
    slices = [slice(p[0].first_row, p[-1].first_row + p[-1].rows) for p in parts]
    staging, previous = out.with_name(f".{out.name}.staging"), out.with_name(f".{out.name}.previous")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    paths = [staging / f"part-{number:05d}.parquet" for number in range(len(parts))]
    values = [(partitions or {}).get(part[0].file, {}) for part in parts]
    clock.map(_write_part, parts, [_rows_of(columns, s) for s in slices], paths, values)
    if out.exists():
        os.replace(out, previous)
    os.replace(staging, out)
    shutil.rmtree(previous, ignore_errors=True)
    return [out / path.name for path in paths]


def dedup_parquet(input: Path, out: Path, dask_address: str | None = None, workers: int = 2) -> dict:
    """Dedup a Parquet file or dataset into `out` (part-NNNNN.parquet); returns counts and timings."""
    started = time.monotonic()
    files = input_files(Path(input))
    groups = row_groups(files)  # fails early on unreadable files and missing columns
    meta = read_meta(files)
    with _pool(workers) as pool:  # started before the big arrays exist, so workers do not copy them
        clock = StageClock(pool)
        if dask_address:
            columns = _cluster_on_dask(files, meta, dask_address)
        else:
            columns = cluster_parquet(groups, meta, clock, workers)
        with clock.stage("write"):
            written = write_output(clock, groups, columns, Path(out), hive_partitions(files, Path(input)))
    sizes = columns.cluster_size
    return {
        "documents": int(sizes.size),
        "canonical": int(columns.is_canonical.sum()),
        "duplicate_clusters": int(len({c for c, s in zip(columns.dup_cluster, sizes.tolist()) if s > 1})),
        "documents_in_clusters": int((sizes > 1).sum()),
        "files": [str(p) for p in written],
        "seconds": round(time.monotonic() - started, 2),
        **clock.timings,
    }


def _cluster_on_dask(files: Sequence[Path], meta: pa.Table, address: str) -> ClusterColumns:
    """The same columns computed on a Dask cluster (transform.dedup.dask)."""
    from distributed import Client

    from cuishou.transform.dedup.dask import cluster_documents_dask

    with Client(address) as client:
        frame = cluster_documents_dask([str(f) for f in files], client)
    frame = frame.set_index("doc_id").loc[meta.column("doc_id").to_pylist()]
    return ClusterColumns(
        dup_cluster=frame["dup_cluster"].tolist(),
        is_canonical=frame["is_canonical"].to_numpy(bool),
        cluster_size=frame["cluster_size"].to_numpy(np.int32),
        similarity=frame["similarity"].to_numpy(float),
        containment=frame["containment"].to_numpy(float),
    )
