import shutil
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from cuishou.transform import write
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA, SCHEMA_VERSION
from cuishou.transform.write import (
    RunFiles,
    corpus_doc_ids,
    refresh_document_columns,
    remove_run_parts,
    write_partitioned,
)


def page_row(url: str, day: str = "2026-11-23") -> dict:
    return {"url": url, "host": "a.test", "outcome": "http_error", "reason": "HTTP 404", "status": 404,
            "content_type": "text/html", "redirect_to": None, "referrer": None, "attempts": 1,
            "fetched_at": datetime.fromisoformat(f"{day}T01:00:00+00:00"), "doc_id": None, "warc_file": None,
            "warc_record_id": None, "crawl_date": day, "run_id": "r0"}


def document_row(doc_id: str) -> dict:
    row = {field.name: None for field in DOCUMENT_SCHEMA}
    row.update(doc_id=doc_id, url=f"http://a.test/{doc_id}", host="a.test", text="花呗逾期", language="zh",
               dup_cluster=f"c-{doc_id}", is_canonical=True, cluster_size=1, dup_similarity=0.0, products=["花呗"],
               channels=[], topics=[], lenders=[], legal_refs=[], overdue_days=[2], home_visit_claims=[],
               is_current=True, schema_version=SCHEMA_VERSION, comments=[], removed=[{"rule": "footer", "text": "Copyright"}],
               text_chars=4, removed_share=0.1, scrubbed_gaps=0, spin_density=0.0, quality_score=0.9,
               fetched_at=datetime(2026, 11, 23, tzinfo=UTC), http_status=200, content_sha256="0" * 64,
               encoding="utf-8", encoding_source="http", pipeline_version="test", published=date(2025, 1, 2),
               crawl_date="2026-11-23")
    return row


def write_corpus(out, run_id: str, documents: list[dict], pages: list[dict]) -> dict:
    with RunFiles(out, run_id) as files:
        files.documents.write_rows(documents)
        files.pages.write_rows(pages)
        return files.close()


def test_partitions_by_crawl_date_with_zstd_and_schema_metadata(tmp_path):
    rows = [page_row("http://a.test/1", "2026-11-22"), page_row("http://a.test/2"), page_row("http://a.test/3")]
    paths = write_partitioned(rows, PAGE_SCHEMA, tmp_path / "pages", "crawl_date", "part-r1")
    assert sorted(p.parent.name for p in paths) == ["crawl_date=2026-11-22", "crawl_date=2026-11-23"]
    metadata = pq.ParquetFile(paths[0]).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    schema = pq.read_schema(paths[0])
    assert schema.metadata[b"cuishou.schema_version"] == SCHEMA_VERSION.encode()
    assert schema.field("outcome").metadata[b"description"].startswith(b"How the URL ended")
    table = ds.dataset(tmp_path / "pages", partitioning="hive").to_table()
    assert sorted(table.column("url").to_pylist()) == ["http://a.test/1", "http://a.test/2", "http://a.test/3"]


def test_no_temporary_files_are_left_behind(tmp_path):
    write_partitioned([page_row("http://a.test/1")], PAGE_SCHEMA, tmp_path, "crawl_date", "p")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_empty_run_still_leaves_a_readable_dataset(tmp_path):
    write_partitioned([], DOCUMENT_SCHEMA, tmp_path / "documents", "crawl_date", "p")
    table = ds.dataset(tmp_path / "documents", partitioning="hive").to_table()
    assert table.num_rows == 0 and "doc_id" in table.column_names


def test_row_of_wrong_type_is_an_error_not_silent_loss(tmp_path):
    bad = page_row("http://a.test/1") | {"attempts": "three"}
    with pytest.raises((TypeError, ValueError)):
        write_partitioned([bad], PAGE_SCHEMA, tmp_path, "crawl_date", "p")


def test_runs_add_files_and_a_redone_run_replaces_its_own(tmp_path):
    write_corpus(tmp_path, "r1", [document_row("a"), document_row("b")], [page_row("http://a.test/1")])
    write_corpus(tmp_path, "r2", [document_row("c")], [page_row("http://a.test/2")])
    write_corpus(tmp_path, "r2", [document_row("d")], [page_row("http://a.test/3")])
    docs = ds.dataset(tmp_path / "documents", partitioning="hive").to_table()
    assert sorted(docs.column("doc_id").to_pylist()) == ["a", "b", "d"]
    assert list(corpus_doc_ids(tmp_path)) == ["a", "b", "d"]
    assert list(corpus_doc_ids(tmp_path, skip_run="r2")) == ["a", "b"]
    pages = ds.dataset(tmp_path / "pages", partitioning="hive").to_table()
    assert sorted(pages.column("url").to_pylist()) == ["http://a.test/1", "http://a.test/3"]


def _documents(out) -> dict[str, dict]:
    return {r["doc_id"]: r for r in ds.dataset(out / "documents", partitioning="hive").to_table().to_pylist()}


def update(rows: dict[str, dict]) -> pa.Table:
    """doc_id and the given columns, as refresh_document_columns takes them."""
    names = next(iter(rows.values())).keys()
    return pa.table({"doc_id": list(rows), **{name: [row[name] for row in rows.values()] for name in names}})


def test_cluster_and_version_columns_are_refreshed_in_every_file(tmp_path):
    write_corpus(tmp_path, "r1", [document_row("a"), document_row("b")], [])
    write_corpus(tmp_path, "r2", [document_row("c")], [])
    merged = {"dup_cluster": "c-a", "is_canonical": False, "cluster_size": 2, "dup_similarity": 0.8123}
    superseded = {"is_current": False, "superseded_by": "c"}
    versions = update({"b": superseded, "c": {"is_current": False, "superseded_by": None}})
    rewritten = refresh_document_columns(tmp_path, update({"b": merged}), versions)
    assert len(rewritten) == 2  # r1's file and this run's own
    rows = _documents(tmp_path)
    assert (rows["b"]["dup_cluster"], rows["b"]["is_canonical"], rows["b"]["cluster_size"]) == ("c-a", False, 2)
    assert (rows["b"]["is_current"], rows["b"]["superseded_by"]) == (False, "c")
    assert rows["a"]["dup_cluster"] == "c-a" and rows["a"]["is_canonical"] and rows["a"]["is_current"]
    assert rows["c"]["is_current"] is False and rows["c"]["dup_cluster"] == "c-c"  # in no cluster table: kept
    # compared as stored (0.8123 is no float32): the same values again rewrite nothing
    assert refresh_document_columns(tmp_path, update({"b": merged | superseded})) == []


def test_a_file_is_rewritten_a_batch_at_a_time_with_the_same_rows(tmp_path, monkeypatch):
    write_corpus(tmp_path, "r1", [document_row(doc_id) for doc_id in "abcde"], [])
    whole = tmp_path / "whole"
    shutil.copytree(tmp_path / "documents", whole / "documents")
    versions = update({doc_id: {"is_current": False, "superseded_by": "x"} for doc_id in "bd"})
    refresh_document_columns(whole, versions)
    monkeypatch.setattr(write, "SCAN_ROWS", 2)
    [path] = refresh_document_columns(tmp_path, versions)
    assert pq.read_table(path).equals(pq.read_table(next((whole / "documents").glob("**/*.parquet"))))
    assert [r["is_current"] for r in pq.read_table(path).to_pylist()] == [True, False, True, False, True]


def test_a_file_of_schema_2_is_migrated_when_refreshed(tmp_path):
    """Schema 2 had no is_current/superseded_by: the first run of schema 3 rewrites such files whole."""
    old_fields = [f for f in DOCUMENT_SCHEMA if f.name not in ("is_current", "superseded_by")]
    old_schema = pa.schema(old_fields, metadata={"cuishou.schema_version": "2"})
    row = {k: v for k, v in document_row("a").items() if k in old_schema.names} | {"schema_version": "2"}
    path = tmp_path / "documents" / "crawl_date=2026-11-23" / "part-r1-00000.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([row], schema=old_schema), path)
    assert refresh_document_columns(tmp_path, update({"a": {"is_current": True, "superseded_by": None}})) == [path]
    migrated_schema = pq.read_schema(path)
    assert migrated_schema.names == DOCUMENT_SCHEMA.names and migrated_schema.metadata == DOCUMENT_SCHEMA.metadata
    migrated = _documents(tmp_path)["a"]
    assert (migrated["is_current"], migrated["schema_version"], migrated["text"]) == (True, SCHEMA_VERSION, "花呗逾期")


def test_remove_run_parts(tmp_path):
    write_corpus(tmp_path, "r1", [document_row("a")], [page_row("http://a.test/1")])
    remove_run_parts(tmp_path, "r1")
    assert not list(tmp_path.glob("**/*.parquet"))


def test_parquet_files_skip_hidden_folders_inside_the_table_not_above_it(tmp_path):
    table = tmp_path / ".cache" / "documents"
    for name in ("crawl_date=2026-01-01/a.parquet", ".ipynb_checkpoints/a.parquet", "b.parquet", "c.txt"):
        (table / name).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"x": [1]}), table / name)
    assert write.parquet_files(table) == [table / "b.parquet", table / "crawl_date=2026-01-01" / "a.parquet"]
    assert write.parquet_files(tmp_path / "missing") == []
