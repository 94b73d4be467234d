"""Parquet output: zstd, explicit schema, Hive partitions by crawl date, atomic files, one set per run.

Each file is written under a temporary name and renamed into place, so a reader (or a killed
run) never sees half a file. Row groups are sized by bytes, not rows, because one row of this
corpus is a whole article.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cuishou.transform.ids import DocIdRows, DocIds
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA, SCHEMA_VERSION, fields_of

TARGET_ROW_GROUP_BYTES = 64 * 1024 * 1024
ROWS_PER_FILE = 100_000
SCAN_ROWS = 8192  # rows per record batch when a table is scanned


def _row_group_rows(table: pa.Table) -> int:
    if table.num_rows == 0:
        return 1
    bytes_per_row = max(1, table.nbytes // table.num_rows)
    return max(1, TARGET_ROW_GROUP_BYTES // bytes_per_row)


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file so that it either exists whole or not at all."""
    with AtomicParquet(path, table.schema) as file:
        file.write(table)
    return path


class AtomicParquet:
    """One Parquet file written under a temporary name, in row groups of ~TARGET_ROW_GROUP_BYTES,
    renamed into place only when closed after success (a failure leaves nothing behind)."""

    def __init__(self, path: Path, schema: pa.Schema):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.schema, self.rows = path, schema, 0
        self._tmp = temporary_path(path)
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

    def __enter__(self) -> AtomicParquet:
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
        replace_atomic(self._tmp, self.path)


def temporary_path(path: Path) -> Path:
    """Where ``path`` is written before ``replace_atomic`` puts it in place (hidden: readers skip it)."""
    return path.with_name(f".{path.name}.tmp")


def replace_atomic(tmp: Path, path: Path) -> Path:
    """``tmp``, written whole, on disk and renamed to ``path``: a reader sees the old file or the new
    one, never half of one, even after a crash."""
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a text file so that a reader never sees half of it (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    tmp.write_text(text, encoding="utf-8")
    return replace_atomic(tmp, path)


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
        self._open: dict[str, AtomicParquet] = {}
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
                file = self._open[value] = AtomicParquet(path, self.schema)
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


def parquet_files(folder: Path) -> list[Path]:
    """The Parquet files under a table folder (every run's), in path order; none under a hidden
    folder inside it (``.ipynb_checkpoints``, a tool's scratch), whatever the folder's own path is."""
    if not folder.exists():
        return []
    return sorted(path for path in folder.glob("**/*.parquet")
                  if not any(part.startswith(".") for part in path.relative_to(folder).parts))


def scan(files: Iterable[Path], schema: pa.Schema, columns: list[str], filter: pc.Expression | None = None,
         rows: int | None = None) -> Iterator[pa.RecordBatch]:
    """Columns of Parquet files of a table of ``schema``, a record batch of ``rows`` (SCAN_ROWS) at a time
    in file and row order, with the rows ``filter`` keeps. One file and one row group are decoded at a
    time, in this thread (a threaded dataset scan reads ahead, and holds several row groups); a
    column a file of an older schema lacks is null."""
    fields = fields_of(schema, columns)
    for path in files:
        file = pq.ParquetFile(path)
        present = [name for name in columns if name in file.schema_arrow.names]
        for batch in file.iter_batches(batch_size=rows or SCAN_ROWS, columns=present, use_threads=False):
            arrays = [batch.column(name) if name in present else pa.nulls(batch.num_rows, fields.field(name).type)
                      for name in columns]
            batch = pa.RecordBatch.from_arrays(arrays, schema=fields)
            yield batch if filter is None else batch.filter(filter)


def _run_prefix(run_id: str) -> str:
    """The files of one run are named ``part-<run_id>-NNNNN.parquet``."""
    return f"part-{run_id}"


def run_parts(folder: Path, run_id: str) -> list[Path]:
    """The Parquet files one run wrote under a table folder."""
    return sorted(folder.glob(f"**/{_run_prefix(run_id)}-*.parquet")) if folder.exists() else []


def _parts_except(folder: Path, skip_run: str | None) -> list[Path]:
    """The Parquet files under a table folder, without those of run ``skip_run``."""
    skipped = set(run_parts(folder, skip_run)) if skip_run else set()
    return [path for path in parquet_files(folder) if path not in skipped]


def remove_run_parts(out: Path, run_id: str) -> None:
    """Delete what a run wrote to documents/ and pages/, and its URL states (an interrupted run being
    redone or dropped)."""
    for table in ("documents", "pages"):
        for path in run_parts(out / table, run_id):
            path.unlink()
    url_snapshot(out, run_id).unlink(missing_ok=True)


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


def corpus_doc_ids(out: Path, skip_run: str | None = None) -> DocIds:
    """doc_ids already in the corpus (only the doc_id column is read, a batch at a time)."""
    batches = scan(_parts_except(out / "documents", skip_run), DOCUMENT_SCHEMA, ["doc_id"])
    return DocIds.of(*(batch.column("doc_id") for batch in batches))


CLUSTER_COLUMNS = ("dup_cluster", "is_canonical", "cluster_size", "dup_similarity")
VERSION_COLUMNS = ("is_current", "superseded_by")
# the columns of a document row that later runs change; schema_version too, when they migrate its file
RUN_COLUMNS = (*CLUSTER_COLUMNS, *VERSION_COLUMNS, "schema_version")


def with_columns_of(table: pa.Table, corpus_columns: DocIdRows) -> pa.Table:
    """``table`` (with doc_id) with the values of its rows in the other columns of ``corpus_columns``
    (doc_id and some of RUN_COLUMNS; every doc_id of ``table`` must be there)."""
    columns = corpus_columns.of(table.column("doc_id"))
    rows = pc.index_in(table.column("doc_id"), value_set=columns.column("doc_id"))
    if rows.null_count:
        raise ValueError(f"{rows.null_count} documents have no cluster assignment")
    for name in columns.column_names:
        if name == "doc_id":
            continue
        values = columns.column(name).take(rows)
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, values)
        else:
            table = table.append_column(name, values)
    return table


def refresh_document_columns(out: Path, *updates: pa.Table) -> list[Path]:
    """Rewrite the document files whose cluster or version columns changed (a merge, a new canonical,
    a new version, a page gone), each file at most once; ``updates``: tables of doc_id and some of
    CLUSTER_COLUMNS and VERSION_COLUMNS, the wanted values (a document a table lacks keeps its
    stored values of that table's columns).

    A file of an older schema is rewritten to the current one (its new columns filled, its
    schema_version raised). Values are compared as stored (in the file's types), and a record batch
    at a time: only doc_id and these columns are read to compare, and a file to rewrite is copied
    batch by batch, so a file of many long articles is never in memory whole.
    """
    rewritten, keyed = [], [DocIdRows(update) for update in updates]
    for path in parquet_files(out / "documents"):
        if any(not _wanted(batch, keyed).equals(batch)
               for batch in scan([path], DOCUMENT_SCHEMA, ["doc_id", *RUN_COLUMNS])):
            rewritten.append(_rewrite_columns(path, keyed))
    return rewritten


def _wanted(batch: pa.RecordBatch, updates: Iterable[DocIdRows]) -> pa.RecordBatch:
    """``batch`` (doc_id and some of RUN_COLUMNS) with the values ``updates`` give its rows (see
    refresh_document_columns); schema_version the current one."""
    for keyed in updates:
        update = keyed.of(batch.column("doc_id"))
        rows = pc.index_in(batch.column("doc_id"), value_set=update.column("doc_id"))
        found = pc.is_valid(rows)
        for name in update.column_names:
            if name != "doc_id":
                index = batch.schema.get_field_index(name)
                values = update.column(name).take(rows).cast(DOCUMENT_SCHEMA.field(name).type).combine_chunks()
                values = pc.if_else(found, values, batch.column(index))
                batch = batch.set_column(index, batch.schema.field(index), values)
    index = batch.schema.get_field_index("schema_version")
    version = pa.array([SCHEMA_VERSION] * batch.num_rows, pa.string())
    return batch.set_column(index, batch.schema.field(index), version)


def _rewrite_columns(path: Path, updates: Iterable[DocIdRows]) -> Path:
    """The file again, in the current schema, with the values ``updates`` give its rows."""
    with AtomicParquet(path, DOCUMENT_SCHEMA) as file:
        for batch in scan([path], DOCUMENT_SCHEMA, DOCUMENT_SCHEMA.names):
            file.write(pa.Table.from_batches([_wanted(batch, updates)]).cast(DOCUMENT_SCHEMA))
    return path


# ---------------------------------------------------------------- URL states (urls/)

URL_TABLE = Path("urls") / "urls.parquet"
URL_SNAPSHOTS = Path("state") / "urls"


def url_snapshot(out: Path, run_id: str) -> Path:
    """The URL states as a run left them (``transform.url_states``): the next run's starting point,
    kept apart from urls/, which a killed run may already have rewritten."""
    return out / URL_SNAPSHOTS / f"{run_id}.parquet"
