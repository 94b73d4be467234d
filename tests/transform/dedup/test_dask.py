"""The Dask path (LocalCluster, 2 worker processes) gives the same clusters as cluster_documents."""

import sys
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pytest
from dev_site import ARTICLES, doc_id
from distributed import Client, LocalCluster

from cuishou.transform.dedup import DedupDoc, cluster_documents
from cuishou.transform.dedup.dask import cluster_documents_dask

sys.path.insert(0, str(Path(__file__).parents[2]))
from benchmarks.dedup_generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as dask_client:
            yield dask_client


def _dev_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [doc_id(r["url"]) for r in ARTICLES],
            "text": [r["main_text"] for r in ARTICLES],
            "url": [r["url"] for r in ARTICLES],
            "published": [r["published"] for r in ARTICLES],
        }
    )


def _generated_frame() -> pd.DataFrame:
    rows = [row for chunk in generate(1200, seed=11) for row in chunk]
    frame = pd.DataFrame(rows)[["doc_id", "text", "url", "published"]]
    frame["published"] = [p.isoformat() if p else None for p in frame["published"]]
    return frame


def _local(frame: pd.DataFrame) -> pd.DataFrame:
    docs = [DedupDoc(r.doc_id, r.text, r.url, None if pd.isna(r.published) else r.published) for r in frame.itertuples()]
    result = cluster_documents(docs)
    return pd.DataFrame(
        {
            "doc_id": list(result),
            "dup_cluster": [a.dup_cluster for a in result.values()],
            "is_canonical": [a.is_canonical for a in result.values()],
            "cluster_size": [a.cluster_size for a in result.values()],
            "similarity": [a.similarity for a in result.values()],
        }
    )


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["doc_id", "dup_cluster", "is_canonical", "cluster_size", "similarity"]]
    return frame.astype({"cluster_size": "int64", "is_canonical": bool}).sort_values("doc_id").reset_index(drop=True)


@pytest.mark.parametrize("make_frame", [_dev_frame, _generated_frame], ids=["dev-site", "generated"])
def test_dask_clusters_equal_local(client, make_frame):
    frame = make_frame()
    on_dask = cluster_documents_dask(dd.from_pandas(frame, npartitions=3), client)
    expected = _comparable(_local(frame))
    assert expected["cluster_size"].max() > 1
    pd.testing.assert_frame_equal(_comparable(on_dask), expected)


def test_dask_reads_parquet_paths(client, tmp_path):
    frame = _dev_frame()
    frame.iloc[:20].to_parquet(tmp_path / "a.parquet")
    frame.iloc[20:].to_parquet(tmp_path / "b.parquet")
    on_dask = cluster_documents_dask([str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")], client)
    pd.testing.assert_frame_equal(_comparable(on_dask), _comparable(_local(frame)))


def test_dedup_parquet_with_a_dask_address_writes_the_local_result(client, tmp_path):
    from cuishou.transform.dedup.table import dedup_parquet

    _dev_frame().to_parquet(tmp_path / "in.parquet")
    dedup_parquet(tmp_path / "in.parquet", tmp_path / "local", workers=1)
    dedup_parquet(tmp_path / "in.parquet", tmp_path / "dask", dask_address=client.scheduler.address, workers=1)
    local, on_dask = (pd.read_parquet(tmp_path / name).sort_values("doc_id", ignore_index=True) for name in ("local", "dask"))
    pd.testing.assert_frame_equal(on_dask, local)
