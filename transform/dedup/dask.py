"""The same near-duplicate clustering on a Dask cluster, for corpora beyond one machine.

Steps (each the function of ``transform.dedup`` that the local path runs):

1. ``map_partitions``: normalise, sketch (exact-text hash, 16-bit MinHash signature);
2. one row per (doc, band) with ``band_key = band << 32 | key`` and the values that split the
   band's large buckets, ``shuffle(on="band_key")`` so every bucket lands whole in one
   partition; per partition, exact copies collapse to their smallest doc_id and each band's
   buckets propose the pairs the local ``bucket_pairs`` proposes (the same function, on rows in
   doc_id order);
3. the pairs are merged with the signatures (Jaccard estimate) and then with the texts
   (exact verification), two merges each, on the workers;
4. the client gets the verified edges and per-doc metadata (small) and runs union-find and the
   canonical rule (``cluster_columns``), so clusters and ids equal ``cluster_documents``'.
"""

from __future__ import annotations

from collections.abc import Sequence

import dask.dataframe as dd
import numpy as np
import pandas as pd
from distributed import Client

from cuishou.transform.dedup.batch import DocMeta, cluster_columns, exact_representatives
from cuishou.transform.dedup.lsh import BANDS, ROWS, SPLIT_ROWS, band_keys, bucket_pairs, plausible_pairs, split_columns
from cuishou.transform.dedup.sketch import NUM_PERM, Sketches, sketch_texts
from cuishou.transform.dedup.verify import Edges, NearDuplicateRule, verified_edges

_SKETCH_META = pd.DataFrame(
    {
        "doc_id": pd.Series(dtype=object),
        "url": pd.Series(dtype=object),
        "published": pd.Series(dtype=object),
        "text_chars": pd.Series(dtype="int64"),
        "text_hash": pd.Series(dtype="uint64"),
        "has_shingles": pd.Series(dtype=bool),
        "is_empty": pd.Series(dtype=bool),
        "shingle_count": pd.Series(dtype="int32"),
        "signature": pd.Series(dtype=object),
    }
)
_PAIR_META = pd.DataFrame({"left": pd.Series(dtype=object), "right": pd.Series(dtype=object)})
_EDGE_META = pd.DataFrame(
    {
        "left": pd.Series(dtype=object),
        "right": pd.Series(dtype=object),
        "jaccard": pd.Series(dtype=float),
        "containment": pd.Series(dtype=float),
    }
)


def _published_strings(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v)[:10] for v in values]


def _sketch_partition(frame: pd.DataFrame) -> pd.DataFrame:
    texts = ["" if t is None else t for t in frame["text"].tolist()]
    sketches = sketch_texts(texts)
    return pd.DataFrame(
        {
            "doc_id": frame["doc_id"].astype(object).to_numpy(),
            "url": frame["url"].fillna("").astype(object).to_numpy() if "url" in frame else [""] * len(frame),
            "published": _published_strings(frame["published"]) if "published" in frame else [None] * len(frame),
            "text_chars": np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
            "text_hash": sketches.text_hash,
            "has_shingles": sketches.has_shingles,
            "is_empty": sketches.is_empty,
            "shingle_count": sketches.shingle_count,
            "signature": [row.tobytes() for row in sketches.signatures],
        }
    )


def _split_names() -> list[str]:
    return [f"split_{n}" for n in range(SPLIT_ROWS)]


def _band_meta() -> pd.DataFrame:
    columns = {"band_key": "uint64", "text_hash": "uint64", "doc_id": object, **dict.fromkeys(_split_names(), "uint16")}
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _band_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (doc, band) of the docs that take part in LSH, with the band's split values."""
    frame = frame[frame["has_shingles"].to_numpy(bool)]
    signatures = _signature_matrix(frame["signature"])
    keys = band_keys(signatures, BANDS, ROWS).astype(np.uint64)
    band_key = (np.arange(BANDS, dtype=np.uint64) << np.uint64(32)) | keys
    split = np.stack([signatures[:, split_columns(band)] for band in range(BANDS)], axis=1).reshape(-1, SPLIT_ROWS)
    return pd.DataFrame(
        {
            "band_key": band_key.ravel(),
            "text_hash": np.repeat(frame["text_hash"].to_numpy(np.uint64), BANDS),
            "doc_id": np.repeat(frame["doc_id"].to_numpy(object), BANDS),
            **dict(zip(_split_names(), split.T)),
        }
    )


def _signature_matrix(column: pd.Series) -> np.ndarray:
    if len(column) == 0:
        return np.empty((0, NUM_PERM), dtype=np.uint16)
    return np.frombuffer(b"".join(column.tolist()), dtype=np.uint16).reshape(len(column), -1)


def _bucket_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Pairs of one partition's buckets: exact copies collapsed, then ``bucket_pairs`` per band on
    rows in doc_id order (as the local path orders its rows)."""
    frame = frame.sort_values(["band_key", "text_hash", "doc_id"]).drop_duplicates(["band_key", "text_hash"])
    band_key, doc_ids = frame["band_key"].to_numpy(np.uint64), frame["doc_id"].to_numpy(object)
    split = frame[_split_names()].to_numpy(np.uint16)
    bands = band_key >> np.uint64(32)
    lefts, rights = [], []
    for band in np.unique(bands).tolist():
        rows = np.flatnonzero(bands == band)
        rows = rows[np.argsort(doc_ids[rows], kind="stable")]
        keys = (band_key[rows] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        pairs = bucket_pairs(keys, split[rows], np.arange(SPLIT_ROWS))
        lefts.append(doc_ids[rows][pairs[:, 0]])
        rights.append(doc_ids[rows][pairs[:, 1]])
    if not lefts:
        return _PAIR_META.copy()
    return pd.DataFrame({"left": np.concatenate(lefts), "right": np.concatenate(rights)}).drop_duplicates()


def _plausible_partition(frame: pd.DataFrame) -> pd.DataFrame:
    both = np.concatenate([_signature_matrix(frame["signature_left"]), _signature_matrix(frame["signature_right"])])
    sizes = np.concatenate([frame["shingle_count_left"].to_numpy(), frame["shingle_count_right"].to_numpy()])
    index = np.arange(len(frame))
    kept = plausible_pairs(both, np.stack((index, index + len(frame)), axis=1), NearDuplicateRule(), sizes)
    return frame.iloc[kept[:, 0]][["left", "right"]]


def _verify_partition(frame: pd.DataFrame) -> pd.DataFrame:
    texts = [t or "" for t in frame["text_left"].tolist() + frame["text_right"].tolist()]
    index = np.arange(len(frame))
    edges = verified_edges(np.stack((index, index + len(frame)), axis=1), texts.__getitem__, NearDuplicateRule())
    return pd.DataFrame(
        {
            "left": frame["left"].to_numpy(object)[edges.left],
            "right": frame["right"].to_numpy(object)[edges.right - len(frame)],
            "jaccard": edges.jaccard,
            "containment": edges.containment,
        }
    )


def _with_side(frame: dd.DataFrame, table: dd.DataFrame, columns: list[str], side: str) -> dd.DataFrame:
    """Attach `columns` of the `side` document of each pair (a merge, i.e. a shuffle)."""
    renamed = table[["doc_id", *columns]].rename(columns={"doc_id": side, **{c: f"{c}_{side}" for c in columns}})
    key = {side: "string"}  # one key dtype on both sides, whatever the input's doc_id dtype was
    return frame.astype(key).merge(renamed.astype(key), on=side, how="inner")


def _read(source: dd.DataFrame | str | Sequence[str]) -> dd.DataFrame:
    if isinstance(source, dd.DataFrame):
        return source
    frame = dd.read_parquet(source)
    return frame[[c for c in ("doc_id", "text", "url", "published") if c in frame.columns]]


def cluster_documents_dask(source: dd.DataFrame | str | Sequence[str], client: Client) -> pd.DataFrame:
    """doc_id, dup_cluster, is_canonical, cluster_size, similarity, containment for every row.

    `source`: a Dask DataFrame or Parquet path(s) with doc_id, text and optionally url, published.
    """
    docs = _read(source)
    sketches = client.persist(docs.map_partitions(_sketch_partition, meta=_SKETCH_META))
    bands = sketches.map_partitions(_band_rows, meta=_band_meta()).shuffle(on="band_key")
    pairs = bands.map_partitions(_bucket_pairs, meta=_PAIR_META).drop_duplicates()
    estimated = ["signature", "shingle_count"]
    with_signatures = _with_side(_with_side(pairs, sketches, estimated, "left"), sketches, estimated, "right")
    plausible = with_signatures.map_partitions(_plausible_partition, meta=_PAIR_META)
    texts = docs[["doc_id", "text"]]
    with_texts = _with_side(_with_side(plausible, texts, ["text"], "left"), texts, ["text"], "right")
    edges_frame, meta_frame = client.compute(
        [with_texts.map_partitions(_verify_partition, meta=_EDGE_META), sketches.drop(columns="signature")], sync=True
    )
    return _cluster_frame(meta_frame, edges_frame)


def _cluster_frame(meta_frame: pd.DataFrame, edges_frame: pd.DataFrame) -> pd.DataFrame:
    """Union-find and canonical choice in the client, on rows in doc_id order."""
    meta_frame = meta_frame.sort_values("doc_id", kind="stable").reset_index(drop=True)
    if meta_frame["doc_id"].duplicated().any():
        raise ValueError("doc_id must be unique")
    ranked = Sketches(
        text_hash=meta_frame["text_hash"].to_numpy(np.uint64),
        has_shingles=meta_frame["has_shingles"].to_numpy(bool),
        is_empty=meta_frame["is_empty"].to_numpy(bool),
        shingle_count=meta_frame["shingle_count"].to_numpy(np.int32),
        signatures=np.empty((len(meta_frame), 0), dtype=np.uint16),
    )
    row_of = pd.Series(np.arange(len(meta_frame)), index=meta_frame["doc_id"])
    edges = Edges(
        row_of.loc[edges_frame["left"]].to_numpy(np.int64),
        row_of.loc[edges_frame["right"]].to_numpy(np.int64),
        edges_frame["jaccard"].to_numpy(float),
        edges_frame["containment"].to_numpy(float),
    )
    meta = DocMeta(
        doc_id=meta_frame["doc_id"].tolist(),
        url=meta_frame["url"].fillna("").tolist(),
        published=_published_strings(meta_frame["published"]),
        text_chars=meta_frame["text_chars"].to_numpy(np.int64),
    )
    columns = cluster_columns(meta, exact_representatives(ranked), edges)
    return pd.DataFrame(
        {
            "doc_id": meta.doc_id,
            "dup_cluster": columns.dup_cluster,
            "is_canonical": columns.is_canonical,
            "cluster_size": columns.cluster_size,
            "similarity": columns.similarity.round(4),
            "containment": columns.containment.round(4),
        }
    )
