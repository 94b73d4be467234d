"""The corpus as the README promises it: pandas, pyarrow, duckdb, polars and Hugging Face ``datasets``
read the sample corpus directly and agree on its rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from sample_corpus import build_sample_corpus, offline_datasets

from cuishou.transform.schema import DOCUMENT_SCHEMA, SCHEMA_VERSION


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    build_sample_corpus(folder)
    return folder


def glob(out: Path, table: str) -> str:
    return str(out / table / "**" / "*.parquet")


def read_pandas(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / table)


def read_pyarrow(out: Path, table: str) -> pd.DataFrame:
    return ds.dataset(out / table, partitioning="hive").to_table().to_pandas()


def read_duckdb(out: Path, table: str) -> pd.DataFrame:
    return duckdb.sql(f"select * from read_parquet('{glob(out, table)}', hive_partitioning = true)").df()


def read_polars(out: Path, table: str) -> pd.DataFrame:
    return pl.scan_parquet(glob(out, table), hive_partitioning=True).collect().to_pandas()


READERS = {"pandas": read_pandas, "pyarrow": read_pyarrow, "duckdb": read_duckdb, "polars": read_polars}


@pytest.fixture(scope="module")
def expected(out) -> pd.DataFrame:
    return read_pyarrow(out, "documents")


@pytest.mark.parametrize("reader", READERS)
def test_readers_agree_on_documents(out, expected, reader):
    frame = READERS[reader](out, "documents")
    assert len(frame) == len(expected) == 34
    assert sorted(frame["doc_id"]) == sorted(expected["doc_id"])
    assert set(frame.columns) == set(DOCUMENT_SCHEMA.names) | {"crawl_date"}
    by_id = frame.set_index("doc_id")
    for row in expected.head(3).itertuples():  # nested columns survive every reader
        assert list(by_id.loc[row.doc_id, "topics"]) == list(row.topics)
        assert [dict(span) for span in by_id.loc[row.doc_id, "removed"]] == [dict(span) for span in row.removed]
        # the partition's type is the reader's guess (string, date or datetime); its day is the same
        assert pd.Timestamp(by_id.loc[row.doc_id, "crawl_date"]).date() == pd.Timestamp(row.crawl_date).date()


@pytest.mark.parametrize("reader", READERS)
def test_readers_agree_on_pages(out, reader):
    assert len(READERS[reader](out, "pages")) == 62


def test_datasets_reads_the_parquet_files(out, expected, tmp_path):
    with offline_datasets(tmp_path / "hf") as datasets:
        loaded = datasets.load_dataset("parquet", data_files=glob(out, "documents"), split="train",
                                       cache_dir=str(tmp_path / "hf" / "cache"))
    assert len(loaded) == 34
    assert sorted(loaded["doc_id"]) == sorted(expected["doc_id"])
    assert loaded.features["removed"] == datasets.Features.from_arrow_schema(DOCUMENT_SCHEMA)["removed"]


def test_files_carry_the_schema_version_and_field_descriptions(out):
    for path in (out / "documents").glob("**/*.parquet"):
        schema = pq.read_schema(path)
        assert schema.metadata[b"cuishou.schema_version"] == SCHEMA_VERSION.encode()
        assert all(schema.field(name).metadata[b"description"] for name in DOCUMENT_SCHEMA.names)
