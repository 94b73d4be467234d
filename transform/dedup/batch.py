"""Exact and near-duplicate clustering of a batch of articles in memory (pure functions, no I/O).

``cluster_documents`` runs the package's steps in doc_id order: sketch (``sketch``), one row per
exact group through LSH and the estimate (``lsh``), exact verification (``verify``), then
union-find over exact copies and verified pairs and the canonical choice below. The Parquet,
index and Dask paths reuse these functions on their own storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from cuishou.transform.dedup.lsh import BANDS, ROWS, plausible_lsh_pairs
from cuishou.transform.dedup.sketch import SHINGLE_SIZE, Sketches, sketch_texts
from cuishou.transform.dedup.verify import (
    CONTAINMENT_THRESHOLD,
    JACCARD_THRESHOLD,
    MIN_SIZE_RATIO,
    Edges,
    NearDuplicateRule,
    verified_edges,
)


@dataclass(frozen=True)
class DedupDoc:
    """One article as the dedup step sees it."""

    doc_id: str
    text: str  # clean main text
    url: str
    published: str | None  # 'YYYY-MM-DD' or None


@dataclass(frozen=True)
class ClusterAssignment:
    """Where one document landed: its cluster, whether it represents it, and how close it was."""

    dup_cluster: str
    is_canonical: bool
    cluster_size: int
    similarity: float  # best verified Jaccard to another member (1.0 exact copy, 0.0 singleton)
    containment: float = 0.0  # best verified |A∩B| / min(|A|,|B|) to another member


def exact_representatives(sketches: Sketches) -> np.ndarray:
    """For each doc (in rank order) the first doc with the same normalised text; empty texts: itself."""
    rows = np.arange(sketches.text_hash.size)
    order = np.lexsort((rows, sketches.text_hash))
    hashes = sketches.text_hash[order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = hashes[1:] != hashes[:-1]
    first = order[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    representative = np.empty_like(rows)
    representative[order] = first
    return np.where(sketches.is_empty, rows, representative)


def connected_components(size: int, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    """Component root of every node 0..size-1 (union-find; the root is the smallest index)."""
    parent = list(range(size))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs:
        root_left, root_right = find(left), find(right)
        if root_left != root_right:
            parent[max(root_left, root_right)] = min(root_left, root_right)
    return np.fromiter((find(node) for node in range(size)), dtype=np.int64, count=size)


def cluster_id(member_ids: Iterable[str]) -> str:
    """Stable cluster id: a hash of the smallest member doc_id, so input order is irrelevant.

    Hashed rather than truncated so that ids which share a prefix (URL-like ids) stay distinct.
    """
    return "c-" + hashlib.blake2b(min(member_ids).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class DocMeta:
    """What the canonical rule needs of each document, as columns in rank (doc_id) order."""

    doc_id: Sequence[str]
    url: Sequence[str]
    published: Sequence[str | None]
    text_chars: np.ndarray  # int64: characters of the clean text
    preferred: np.ndarray | None = None  # bool: rows to choose first (the corpus's current versions); None: all

    def canonical_key(self, row: int) -> tuple:
        """Order of preference inside a cluster: a preferred row, longest text, earliest date (None last),
        URL, doc_id. A corpus prefers current rows, so a cluster with a live page is represented by one."""
        published = self.published[row]
        preferred = True if self.preferred is None else bool(self.preferred[row])
        return (not preferred, -int(self.text_chars[row]), published is None, published or "", self.url[row],
                self.doc_id[row])


@dataclass(frozen=True)
class ClusterColumns:
    """The dedup columns of a table, in the rows' order."""

    dup_cluster: list[str]
    is_canonical: np.ndarray  # bool
    cluster_size: np.ndarray  # int32
    similarity: np.ndarray  # float: best verified Jaccard (1.0 for exact copies)
    containment: np.ndarray  # float: best verified containment

    def assignment(self, row: int) -> ClusterAssignment:
        return ClusterAssignment(
            dup_cluster=self.dup_cluster[row],
            is_canonical=bool(self.is_canonical[row]),
            cluster_size=int(self.cluster_size[row]),
            similarity=round(float(self.similarity[row]), 4),
            containment=round(float(self.containment[row]), 4),
        )


def best_similarities(size: int, representative: np.ndarray, edges: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Per row: highest Jaccard and containment over its text's edges; 1.0 if it has exact copies."""
    jaccard, containment = np.zeros(size), np.zeros(size)
    for side in (edges.left, edges.right):
        np.maximum.at(jaccard, side, edges.jaccard)
        np.maximum.at(containment, side, edges.containment)
    jaccard, containment = jaccard[representative], containment[representative]
    has_copy = np.bincount(representative, minlength=size)[representative] > 1
    return np.where(has_copy, 1.0, jaccard), np.where(has_copy, 1.0, containment)


def canonical_rows(meta: DocMeta, roots: np.ndarray) -> np.ndarray:
    """Whether each row is its component's canonical member (singletons always are)."""
    sizes = np.bincount(roots, minlength=roots.size)[roots]
    canonical = sizes == 1
    members: dict[int, list[int]] = {}
    for row in np.flatnonzero(~canonical).tolist():
        members.setdefault(int(roots[row]), []).append(row)
    for rows in members.values():
        canonical[min(rows, key=meta.canonical_key)] = True
    return canonical


def exact_links(representative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, its representative) for every row that is an exact copy of an earlier one."""
    copies = np.flatnonzero(representative != np.arange(representative.size))
    return copies, representative[copies]


def component_roots(size: int, *links: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Union-find over several (left, right) link arrays."""
    lefts = np.concatenate([left for left, _ in links]).tolist()
    rights = np.concatenate([right for _, right in links]).tolist()
    return connected_components(size, zip(lefts, rights))


def assemble_columns(
    meta: DocMeta, roots: np.ndarray, names: dict[int, str], jaccard: np.ndarray, containment: np.ndarray
) -> ClusterColumns:
    """Dedup columns from component roots, a cluster name per root, and best similarities."""
    return ClusterColumns(
        dup_cluster=[names[root] for root in roots.tolist()],
        is_canonical=canonical_rows(meta, roots),
        cluster_size=np.bincount(roots, minlength=roots.size)[roots].astype(np.int32),
        similarity=jaccard,
        containment=containment,
    )


def cluster_columns(meta: DocMeta, representative: np.ndarray, edges: Edges) -> ClusterColumns:
    """Components over exact copies and verified edges, named after their smallest doc_id.

    Rows are in doc_id order, so a component's root (its smallest row) is its smallest doc_id.
    """
    roots = component_roots(representative.size, exact_links(representative), (edges.left, edges.right))
    names = {root: cluster_id([meta.doc_id[root]]) for root in np.unique(roots).tolist()}
    return assemble_columns(meta, roots, names, *best_similarities(representative.size, representative, edges))


def match_sketches(
    sketches: Sketches,
    representative: np.ndarray,
    text_of: Callable[[int], str],
    rule: NearDuplicateRule,
    *,
    n: int = SHINGLE_SIZE,
    bands: int = BANDS,
    rows: int = ROWS,
    is_new: np.ndarray | None = None,
) -> Edges:
    """Steps 3-5 over rows in rank order: LSH on the exact-group representatives, estimate, verify."""
    pairs = plausible_lsh_pairs(sketches, representative, rule, is_new=is_new, bands=bands, rows=rows)
    return verified_edges(pairs, text_of, rule, n)


def cluster_documents(
    docs: Sequence[DedupDoc],
    *,
    threshold: float = JACCARD_THRESHOLD,
    containment_threshold: float = CONTAINMENT_THRESHOLD,
    min_size_ratio: float = MIN_SIZE_RATIO,
    n: int = SHINGLE_SIZE,
    bands: int = BANDS,
    rows: int = ROWS,
) -> dict[str, ClusterAssignment]:
    """Cluster exact and near duplicates; returns an assignment per doc_id.

    Docs are processed in doc_id order, so clusters and ids do not depend on input order.
    """
    rule = NearDuplicateRule(threshold, containment_threshold, min_size_ratio)
    ordered = sorted(docs, key=lambda doc: doc.doc_id)
    if len({doc.doc_id for doc in ordered}) != len(ordered):
        raise ValueError("doc_id must be unique")
    texts = [doc.text for doc in ordered]
    sketches = sketch_texts(texts, n)
    representative = exact_representatives(sketches)
    edges = match_sketches(sketches, representative, texts.__getitem__, rule, n=n, bands=bands, rows=rows)
    meta = DocMeta(
        doc_id=[d.doc_id for d in ordered],
        url=[d.url for d in ordered],
        published=[d.published for d in ordered],
        text_chars=np.fromiter((len(d.text) for d in ordered), dtype=np.int64, count=len(ordered)),
    )
    columns = cluster_columns(meta, representative, edges)
    return {doc.doc_id: columns.assignment(row) for row, doc in enumerate(ordered)}
