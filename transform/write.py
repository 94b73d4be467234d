"""Parquet output: zstd, explicit schema, Hive partitions by crawl date, atomic files, one set per run.

Each file is written under a temporary name and renamed into place, so a reader (or a killed
run) never sees half a file. Row groups are sized by bytes, not rows, because one row of this
corpus is a whole article.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA

TARGET_ROW_GROUP_BYTES = 64 * 1024 * 1024
ROWS_PER_FILE = 100_000


def _row_group_rows(table: pa.Table) -> int:
    if table.num_rows == 0:
        return 1
    bytes_per_row = max(1, table.nbytes // table.num_rows)
    return max(1, TARGET_ROW_GROUP_BYTES // bytes_per_row)


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file so that it either exists whole or not at all."""
    with _AtomicParquet(path, table.schema) as file:
        file.write(table)
    return path


class _AtomicParquet:
    """One Parquet file written under a temporary name, in row groups of ~TARGET_ROW_GROUP_BYTES,
    renamed into place only when closed after success (a failure leaves nothing behind)."""

    def __init__(self, path: Path, schema: pa.Schema):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.schema, self.rows = path, schema, 0
        self._tmp = path.with_name(f".{path.name}.tmp")
        self._writer = pq.ParquetWriter(self._tmp, schema, compression="zstd", compression_level=3,
                                        write_page_index=True)
        self._buffer: list[pa.Table] = []
        self._buffered = 0

    def write(self, table: pa.Table) -> None:
        self._buffer.append(table)
        self._buffered += table.nbytes
        self.rows += table.num_rows
        if self._buffered >= TARGET_ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            group = pa.concat_tables(self._buffer)
            self._writer.write_table(group, row_group_size=_row_group_rows(group))
        self._buffer, self._buffered = [], 0

    def __enter__(self) -> _AtomicParquet:
        return self

    def __exit__(self, kind, *exc) -> None:
        try:
            if kind is None:
                self._flush()
        finally:
            self._writer.close()
        if kind is not None:
            self._tmp.unlink(missing_ok=True)
            return
        with open(self._tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(self._tmp, self.path)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a text file so that a reader never sees half of it (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


class PartitionedWriter:
    """Tables appended as they come, written as ``folder/<partition_key>=<value>/<part_prefix>-NNNNN.parquet``.

    ``partition_key`` is a column of the appended tables used only for the folder (it is not
    written: Hive readers add it back from the path). A partition's file holds ROWS_PER_FILE
    rows before the next one starts; only a row group per open file is held in memory, and every
    file appears whole when ``close`` returns (after a failure, none does).
    """

    def __init__(self, schema: pa.Schema, folder: Path, partition_key: str, part_prefix: str,
                 empty_partition: str = "none"):
        self.schema, self.folder, self.key, self.prefix = schema, folder, partition_key, part_prefix
        self.empty_partition = empty_partition
        self._open: dict[str, _AtomicParquet] = {}
        self._files: dict[str, int] = {}  # partition -> files started
        self.written: list[Path] = []

    def write(self, table: pa.Table) -> None:
        keys = table.column(self.key)
        rows = table.select(self.schema.names).cast(self.schema)
        values = pc.unique(keys).to_pylist()
        for value in sorted(values, key=str):
            self._append(str(value), rows if len(values) == 1 else rows.filter(pc.equal(keys, value)))

    def write_rows(self, rows: Iterable[dict]) -> None:
        """Rows as dicts with the schema's fields and the partition key (wrong types raise)."""
        by_key: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_key[str(row[self.key])].append(row)
        for value, group in sorted(by_key.items()):
            table = pa.Table.from_pylist(group, schema=self.schema)
            self._append(value, table)

    def _append(self, value: str, table: pa.Table) -> None:
        while table.num_rows:
            file = self._open.get(value)
            if file is None:
                number = self._files.get(value, 0)
                self._files[value] = number + 1
                path = self.folder / f"{self.key}={value}" / f"{self.prefix}-{number:05d}.parquet"
                file = self._open[value] = _AtomicParquet(path, self.schema)
            room = ROWS_PER_FILE - file.rows
            file.write(table.slice(0, room))
            table = table.slice(room)
            if file.rows >= ROWS_PER_FILE:
                self._close(value)

    def _close(self, value: str) -> None:
        file = self._open.pop(value)
        file.__exit__(None, None, None)
        self.written.append(file.path)

    def close(self) -> list[Path]:
        """Finish every file; returns the files this writer wrote."""
        for value in sorted(self._open):
            self._close(value)
        if not self.written and not any(self.folder.glob("**/*.parquet")):
            # keep the dataset readable, with its schema, even when the first run found nothing
            empty = self.folder / f"{self.key}={self.empty_partition}" / f"{self.prefix}-00000.parquet"
            self.written.append(write_parquet_atomic(self.schema.empty_table(), empty))
        return sorted(self.written)

    def abort(self) -> None:
        """Drop the files not finished yet (their temporary files go)."""
        for value in list(self._open):
            self._open.pop(value).__exit__(RuntimeError, None, None)

    def __enter__(self) -> PartitionedWriter:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def write_partitioned(
    rows: Iterable[dict], schema: pa.Schema, folder: Path, partition_key: str, part_prefix: str,
    empty_partition: str = "none",
) -> list[Path]:
    """Write rows (dicts, with the partition key) with a ``PartitionedWriter``; returns the files."""
    writer = PartitionedWriter(schema, folder, partition_key, part_prefix, empty_partition)
    with writer:
        writer.write_rows(rows)
    return writer.written


def _run_prefix(run_id: str) -> str:
    """The files of one run are named ``part-<run_id>-NNNNN.parquet``."""
    return f"part-{run_id}"


def run_parts(folder: Path, run_id: str) -> list[Path]:
    """The Parquet files one run wrote under a table folder."""
    return sorted(folder.glob(f"**/{_run_prefix(run_id)}-*.parquet")) if folder.exists() else []


def _parts_except(folder: Path, skip_run: str | None) -> list[Path]:
    """The Parquet files under a table folder, without those of run ``skip_run``."""
    skipped = set(run_parts(folder, skip_run)) if skip_run else set()
    return [path for path in sorted(folder.glob("**/*.parquet")) if path not in skipped]


def remove_run_parts(out: Path, run_id: str) -> None:
    """Delete what a run wrote to documents/ and pages/ (an interrupted run being redone or dropped)."""
    for table in ("documents", "pages"):
        for path in run_parts(out / table, run_id):
            path.unlink()


class RunFiles:
    """The writers of one run's files in ``out/documents`` and ``out/pages``, named after the run.

    The corpus grows by runs: earlier runs' files stay. A resumed run replaces its own files
    (they are removed first), so redoing a run never duplicates rows.
    """

    def __init__(self, out: Path, run_id: str):
        remove_run_parts(out, run_id)
        prefix = _run_prefix(run_id)
        today = datetime.now(UTC).date().isoformat()
        self.documents = PartitionedWriter(DOCUMENT_SCHEMA, out / "documents", "crawl_date", prefix, today)
        self.pages = PartitionedWriter(PAGE_SCHEMA, out / "pages", "crawl_date", prefix, today)

    def close(self) -> dict[str, list[Path]]:
        return {"documents": self.documents.close(), "pages": self.pages.close()}

    def __enter__(self) -> RunFiles:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is not None:
            self.documents.abort()
            self.pages.abort()


def corpus_doc_ids(out: Path, skip_run: str | None = None) -> set[str]:
    """doc_ids already in the corpus (only the doc_id column is read)."""
    files = _parts_except(out / "documents", skip_run)
    if not files:
        return set()
    return set(ds.dataset(files, format="parquet").to_table(columns=["doc_id"]).column("doc_id").to_pylist())


CLUSTER_COLUMNS = ("dup_cluster", "is_canonical", "cluster_size", "dup_similarity")


def cluster_table(assignments: Mapping[str, Mapping]) -> pa.Table:
    """doc_id and the cluster columns, from doc_id -> {column: value}, sorted by doc_id."""
    doc_ids = sorted(assignments)
    columns = {"doc_id": pa.array(doc_ids, pa.string())}
    for name in CLUSTER_COLUMNS:
        columns[name] = pa.array([assignments[d][name] for d in doc_ids], DOCUMENT_SCHEMA.field(name).type)
    return pa.table(columns)


def with_cluster_columns(table: pa.Table, clusters: pa.Table) -> pa.Table:
    """``table`` (with doc_id) with the cluster columns of its rows from ``clusters`` (every doc_id must be there)."""
    rows = pc.index_in(table.column("doc_id"), value_set=clusters.column("doc_id"))
    if rows.null_count:
        raise ValueError(f"{rows.null_count} documents have no cluster assignment")
    for name in CLUSTER_COLUMNS:
        values = clusters.column(name).take(rows)
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, values)
        else:
            table = table.append_column(name, values)
    return table


def refresh_cluster_columns(out: Path, clusters: pa.Table, skip_run: str) -> list[Path]:
    """Rewrite earlier runs' document files whose cluster columns changed (a merge, a new canonical).

    ``clusters`` is ``cluster_table`` of the documents whose columns may have changed. Only doc_id
    and the cluster columns are read to compare; a file is read whole only to be rewritten.
    """
    rewritten = []
    for path in _parts_except(out / "documents", skip_run):
        current = pq.read_table(path, columns=["doc_id", *CLUSTER_COLUMNS], schema=DOCUMENT_SCHEMA)
        rows = pc.index_in(current.column("doc_id"), value_set=clusters.column("doc_id"))
        known = pc.is_valid(rows)
        changed = False
        for name in CLUSTER_COLUMNS:
            wanted = pc.if_else(known, clusters.column(name).take(rows), current.column(name))
            changed = changed or not wanted.equals(current.column(name))
        if not changed:
            continue
        table = pq.read_table(path, schema=DOCUMENT_SCHEMA)
        for name in CLUSTER_COLUMNS:
            field = table.schema.field(name)
            wanted = pc.if_else(known, clusters.column(name).take(rows), table.column(name)).cast(field.type)
            table = table.set_column(table.schema.get_field_index(name), field, wanted)
        rewritten.append(write_parquet_atomic(table, path))
    return rewritten
