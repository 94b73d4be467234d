"""Parquet output: zstd, explicit schema, Hive partitions by crawl date, atomic files, one set per run.

Each file is written under a temporary name and renamed into place, so a reader (or a killed
run) never sees half a file. Row groups are sized by bytes, not rows, because one row of this
corpus is a whole article.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(
        table,
        tmp,
        compression="zstd",
        compression_level=3,
        row_group_size=_row_group_rows(table),
        write_page_index=True,
    )
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a text file so that a reader never sees half of it (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_partitioned(
    rows: Iterable[dict], schema: pa.Schema, folder: Path, partition_key: str, part_prefix: str,
    empty_partition: str = "none",
) -> list[Path]:
    """Write rows as ``folder/<partition_key>=<value>/<part_prefix>-NNNNN.parquet`` files.

    ``partition_key`` names a row value used only for the folder (it is not a column: Hive
    readers add it back from the path).
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[str(row[partition_key])].append(row)
    if not groups:
        if any(folder.glob("**/*.parquet")):
            return []
        # keep the dataset readable, with its schema, even when the first run found nothing
        empty = folder / f"{partition_key}={empty_partition}" / f"{part_prefix}-00000.parquet"
        return [write_parquet_atomic(schema.empty_table(), empty)]
    written = []
    for value, group in sorted(groups.items()):
        for start in range(0, len(group), ROWS_PER_FILE):
            chunk = group[start : start + ROWS_PER_FILE]
            table = pa.Table.from_pylist(chunk, schema=schema)
            name = f"{part_prefix}-{start // ROWS_PER_FILE:05d}.parquet"
            written.append(write_parquet_atomic(table, folder / f"{partition_key}={value}" / name))
    return written


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


def write_corpus(out: Path, run_id: str, documents: list[dict], pages: list[dict]) -> dict[str, list[Path]]:
    """Add one run's rows to ``out/documents`` and ``out/pages`` as files named after the run.

    The corpus grows by runs: earlier runs' files stay. A resumed run replaces its own files, so
    redoing a run never duplicates rows.
    """
    remove_run_parts(out, run_id)
    prefix = _run_prefix(run_id)
    today = datetime.now(UTC).date().isoformat()
    return {
        "documents": write_partitioned(documents, DOCUMENT_SCHEMA, out / "documents", "crawl_date", prefix, today),
        "pages": write_partitioned(pages, PAGE_SCHEMA, out / "pages", "crawl_date", prefix, today),
    }


def corpus_doc_ids(out: Path, skip_run: str | None = None) -> set[str]:
    """doc_ids already in the corpus (only the doc_id column is read)."""
    files = _parts_except(out / "documents", skip_run)
    if not files:
        return set()
    return set(ds.dataset(files, format="parquet").to_table(columns=["doc_id"]).column("doc_id").to_pylist())


CLUSTER_COLUMNS = ("dup_cluster", "is_canonical", "cluster_size", "dup_similarity")


def refresh_cluster_columns(out: Path, assignments: dict[str, dict], skip_run: str) -> list[Path]:
    """Rewrite earlier runs' document files whose cluster columns changed (a merge, a new canonical).

    Only doc_id and the cluster columns are read to compare; a file is read whole only to be rewritten.
    """
    rewritten = []
    for path in _parts_except(out / "documents", skip_run):
        clusters = pq.read_table(path, columns=["doc_id", *CLUSTER_COLUMNS], schema=DOCUMENT_SCHEMA)
        ids = clusters.column("doc_id").to_pylist()
        current = {name: clusters.column(name).to_pylist() for name in CLUSTER_COLUMNS}
        wanted = {name: [assignments[i][name] if i in assignments else current[name][k] for k, i in enumerate(ids)]
                  for name in CLUSTER_COLUMNS}
        if wanted == current:
            continue
        table = pq.read_table(path, schema=DOCUMENT_SCHEMA)
        for name in CLUSTER_COLUMNS:
            field = table.schema.field(name)
            table = table.set_column(table.schema.get_field_index(name), field, pa.array(wanted[name], field.type))
        rewritten.append(write_parquet_atomic(table, path))
    return rewritten
