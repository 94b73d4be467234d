"""Parquet output: zstd, explicit schema, Hive partitions by crawl date, atomic files.

Each file is written under a temporary name and renamed into place, so a reader (or a killed
run) never sees half a file. Row groups are sized by bytes, not rows, because one row of this
corpus is a whole article.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
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


def write_partitioned(
    rows: Iterable[dict], schema: pa.Schema, folder: Path, partition_key: str, part_prefix: str
) -> list[Path]:
    """Write rows as ``folder/<partition_key>=<value>/<part_prefix>-NNNNN.parquet`` files.

    ``partition_key`` names a row value used only for the folder (it is not a column: Hive
    readers add it back from the path).
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[str(row[partition_key])].append(row)
    if not groups:  # keep the dataset readable, with its schema, even when a run found nothing
        return [write_parquet_atomic(schema.empty_table(), folder / f"{part_prefix}-empty.parquet")]
    written = []
    for value, group in sorted(groups.items()):
        for start in range(0, len(group), ROWS_PER_FILE):
            chunk = group[start : start + ROWS_PER_FILE]
            table = pa.Table.from_pylist(chunk, schema=schema)
            name = f"{part_prefix}-{start // ROWS_PER_FILE:05d}.parquet"
            written.append(write_parquet_atomic(table, folder / f"{partition_key}={value}" / name))
    return written


def write_corpus(out: Path, run_id: str, documents: list[dict], pages: list[dict]) -> dict[str, list[Path]]:
    """Write ``out/documents`` and ``out/pages`` for one run, replacing the previous snapshot.

    Both tables are staged beside the corpus and swapped in only when complete, so readers see
    either the old corpus or the new one.
    """
    staging = out / f".staging-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    prefix = f"part-{run_id}"
    written = {
        "documents": write_partitioned(documents, DOCUMENT_SCHEMA, staging / "documents", "crawl_date", prefix),
        "pages": write_partitioned(pages, PAGE_SCHEMA, staging / "pages", "crawl_date", prefix),
    }
    for table in written:
        target, previous = out / table, out / f".previous-{run_id}-{table}"
        if target.exists():
            os.replace(target, previous)
        os.replace(staging / table, target)
        shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return {table: [out / table / p.relative_to(staging / table) for p in paths] for table, paths in written.items()}
