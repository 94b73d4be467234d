"""`cuishou dedup INPUT --out DIR` as a library call: real Parquet in, real Parquet out."""

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dev_site import ARTICLES, doc_id

from cuishou.transform.dedup import DedupDoc, cluster_documents
from cuishou.transform.dedup.table import dedup_parquet
from cuishou.transform.schema import DOCUMENT_SCHEMA

DOC_IDS = [doc_id(r["url"]) for r in ARTICLES]


def _write(path: Path, columns: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def _expected() -> dict:
    docs = [DedupDoc(i, r["main_text"], r["url"], r["published"]) for i, r in zip(DOC_IDS, ARTICLES)]
    return cluster_documents(docs)


@pytest.fixture(scope="module")
def deduped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dedup")
    published = pa.array([r["published"] for r in ARTICLES]).cast(pa.date32())
    source = folder / "in"
    half = len(ARTICLES) // 2
    for name, rows in (("a", slice(0, half)), ("b", slice(half, None))):
        _write(
            source / f"crawl_date=2025-01-0{1 if name == 'a' else 2}" / f"{name}.parquet",
            {
                "doc_id": DOC_IDS[rows],
                "text": [r["main_text"] for r in ARTICLES[rows]],
                "url": [r["url"] for r in ARTICLES[rows]],
                "published": published[rows],
                "title": [r["title"] for r in ARTICLES[rows]],
            },
        )
    stats = dedup_parquet(source, folder / "out", workers=2)
    return folder / "out", stats


def test_output_has_the_dedup_columns_with_corpus_types(deduped):
    out, stats = deduped
    table = pq.read_table(out)
    for name in ("dup_cluster", "is_canonical", "cluster_size", "dup_similarity", "doc_id", "published"):
        assert table.schema.field(name).type == DOCUMENT_SCHEMA.field(name).type
    assert "title" in table.column_names and table.num_rows == len(ARTICLES) == stats["documents"]
    assert all(p.endswith(".parquet") for p in stats["files"])


def test_output_clusters_equal_cluster_documents(deduped):
    out, _ = deduped
    expected = _expected()
    rows = pq.read_table(out).to_pylist()
    assert {r["doc_id"]: (r["dup_cluster"], r["is_canonical"], r["cluster_size"]) for r in rows} == {
        i: (a.dup_cluster, a.is_canonical, a.cluster_size) for i, a in expected.items()
    }


def test_hive_partition_values_of_the_input_are_kept_as_columns(deduped):
    out, _ = deduped
    rows = pq.read_table(out).select(["doc_id", "crawl_date"]).to_pylist()
    half = len(ARTICLES) // 2
    expected = {d: "2025-01-01" if i < half else "2025-01-02" for i, d in enumerate(DOC_IDS)}
    assert {r["doc_id"]: r["crawl_date"] for r in rows} == expected


def test_duckdb_reads_the_output(deduped):
    out, stats = deduped
    clusters, canonical = duckdb.sql(
        f"select count(distinct dup_cluster) filter (where cluster_size > 1), count(*) filter (where is_canonical) "
        f"from read_parquet('{out}/*.parquet')"
    ).fetchall()[0]
    assert (clusters, canonical) == (stats["duplicate_clusters"], stats["canonical"]) == (8, 17)


def test_url_and_published_are_optional(tmp_path):
    source = _write(tmp_path / "only.parquet", {"doc_id": DOC_IDS, "text": [r["main_text"] for r in ARTICLES]})
    dedup_parquet(source, tmp_path / "out", workers=1)
    table = pq.read_table(tmp_path / "out")
    assert set(table.column("url").to_pylist()) == {""} and table.column("published").null_count == len(ARTICLES)
    assert table.schema.field("published").type == pa.date32()


def test_a_rerun_replaces_the_previous_output_whole(deduped, tmp_path):
    out, _ = deduped
    source = _write(tmp_path / "small.parquet", {"doc_id": DOC_IDS[:3], "text": [r["main_text"] for r in ARTICLES[:3]]})
    shutil.copytree(out, tmp_path / "out")
    (tmp_path / "out" / "part-00007.parquet").write_bytes((out / "part-00000.parquet").read_bytes())
    stats = dedup_parquet(source, tmp_path / "out", workers=1)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["part-00000.parquet"]
    assert pq.read_table(tmp_path / "out").num_rows == 3 == stats["documents"]


def test_missing_text_column_is_a_clear_error(tmp_path):
    source = _write(tmp_path / "bad.parquet", {"doc_id": ["a"], "body": ["x"]})
    with pytest.raises(ValueError, match="missing column.*text"):
        dedup_parquet(source, tmp_path / "out")


def test_duplicate_doc_ids_are_a_clear_error(tmp_path):
    source = _write(tmp_path / "dup.parquet", {"doc_id": ["a", "a"], "text": ["一二三四", "五六七八"]})
    with pytest.raises(ValueError, match="unique"):
        dedup_parquet(source, tmp_path / "out")


def test_unreadable_input_is_a_clear_error(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(ValueError, match="not a readable Parquet"):
        dedup_parquet(tmp_path / "broken.parquet", tmp_path / "out")
    with pytest.raises(ValueError, match="no Parquet"):
        dedup_parquet(tmp_path / "missing", tmp_path / "out")


def test_a_dataset_folder_under_a_hidden_folder_is_read(tmp_path):
    source = tmp_path / ".cache" / "corpus"
    _write(source / "part-0.parquet", {"doc_id": ["a", "b"], "text": ["一二三四五六七八", "九十百千万亿兆京"]})
    _write(source / ".scratch" / "part-0.parquet", {"doc_id": ["c"], "text": ["不该读到的"]})
    stats = dedup_parquet(source, tmp_path / "out")
    assert stats["documents"] == 2
