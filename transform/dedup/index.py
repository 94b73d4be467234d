"""A persisted, incremental near-duplicate index: new pages are matched against everything seen.

``DedupIndex.open(folder, text_lookup)`` loads what earlier runs indexed; ``update(docs)`` adds
new documents (doc_ids already indexed are ignored), matches them against old and new ones with
the same steps and rule as ``transform.dedup.cluster_documents``, and returns the current
assignment of every indexed document; ``save()`` persists it atomically.

Stable ids. A cluster is named after its *founder* (``cluster_id([founder])``): the smallest
doc_id of the cluster when it first formed. Old documents keep their dup_cluster when new ones
join; when a new page bridges clusters, the merged cluster keeps the id of the old cluster with
the smallest founder doc_id (new documents never rename an old cluster). A first update on an
empty index gives exactly ``cluster_documents``' clusters and ids; within a batch, order is
irrelevant; re-running documents already indexed changes nothing. Across batchings the
clusters are the same (a band's pairs depend only on the set of documents, so each new document
gets the candidates it gets in one run over all documents; only where new documents made a
bucket outgrow ``FULL_BUCKET``, or joined a split bucket, can an incremental run keep an old edge
a single run would not see), and ids are the same whenever each cluster's smallest doc_id comes
in its first batch.

On disk (``folder/gen-N/`` plus a ``CURRENT`` pointer, swapped by rename): ``docs.parquet``
(doc_id, url, published, text_chars, text_hash, flags, shingle_count, founder, best
similarities) and ``signatures.npy`` (16-bit MinHash values), with ``index.json`` naming the
format and the signature algorithm. Texts are not stored: verifying a new-vs-old candidate pair
needs the old text, which ``text_lookup(doc_ids) -> {doc_id: text}`` supplies (back it with the
corpus Parquet: ``parquet_text_lookup``). A save writes a new generation and only then swaps
the pointer, so a run killed mid-save leaves the previous index intact.

An index written by an older cuishou (another format or signature algorithm) is migrated when
opened with a text_lookup: its clusters, founders and similarities are kept and every document
is sketched again from its text, so the next save writes the current format. Without a
text_lookup, opening it is a clear error rather than a silent mismatch of signatures.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cuishou.transform.dedup.batch import (
    ClusterAssignment,
    ClusterColumns,
    DedupDoc,
    DocMeta,
    assemble_columns,
    best_similarities,
    cluster_id,
    component_roots,
    exact_links,
    exact_representatives,
)
from cuishou.transform.dedup.lsh import plausible_lsh_pairs
from cuishou.transform.dedup.sketch import NUM_PERM, SIGNATURE_ALGORITHM, Sketches, sketch_texts
from cuishou.transform.dedup.verify import Edges, NearDuplicateRule, verified_edges
from cuishou.transform.write import write_text_atomic

TextLookup = Callable[[Sequence[str]], Mapping[str, str]]
FORMAT_VERSION = 2  # bump when _SCHEMA or the signature layout changes (2: rensa R-MinHash, per-char key)
_MIGRATION_BATCH = 20_000  # documents re-sketched per text_lookup call when migrating
_POINTER = "CURRENT"


def parquet_text_lookup(source: Path) -> TextLookup:
    """A text_lookup reading doc_id/text from a Parquet file or dataset (e.g. corpus/documents)."""

    def lookup(doc_ids: Sequence[str]) -> dict[str, str]:
        dataset = ds.dataset(source, format="parquet", partitioning="hive")
        table = dataset.to_table(columns=["doc_id", "text"], filter=pc.field("doc_id").isin(list(doc_ids)))
        return dict(zip(table.column("doc_id").to_pylist(), table.column("text").to_pylist()))

    return lookup


class DedupIndex:
    """Everything indexed so far, as columns in insertion order (see the module docstring)."""

    def __init__(self, folder: Path | None, docs: pa.Table, signatures: np.ndarray, text_lookup: TextLookup | None):
        self.folder = folder
        self.text_lookup = text_lookup
        self._docs = docs
        self._signatures = signatures  # the rows in use of _capacity
        self._capacity = signatures
        self._row_of = {doc_id: row for row, doc_id in enumerate(docs.column("doc_id").to_pylist())}

    # --- persistence ---------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, text_lookup: TextLookup | None = None) -> DedupIndex:
        """The index saved in `folder`, or an empty one if there is none yet."""
        folder = Path(folder)
        pointer = folder / _POINTER
        if not pointer.exists():
            return cls(folder, _SCHEMA.empty_table(), np.empty((0, NUM_PERM), np.uint16), text_lookup)
        generation = folder / pointer.read_text().strip()
        manifest = json.loads((generation / "index.json").read_text())
        if manifest["format"] > FORMAT_VERSION:
            raise ValueError(
                f"{folder}: index format {manifest['format']} is newer than this cuishou ({FORMAT_VERSION})"
            )
        docs = pq.read_table(generation / "docs.parquet", schema=_SCHEMA)
        if manifest["format"] == FORMAT_VERSION and manifest.get("signatures") == SIGNATURE_ALGORITHM:
            return cls(folder, docs, np.load(generation / "signatures.npy"), text_lookup)
        if text_lookup is None:
            raise ValueError(
                f"{folder}: index format {manifest['format']} was written by an older cuishou; open it with a "
                "text_lookup (the corpus) to migrate it, or delete the folder to rebuild it from the corpus"
            )
        return cls(folder, *_migrated(docs, text_lookup), text_lookup)

    def save(self) -> None:
        """Write a new generation, then point CURRENT at it (a killed save keeps the old one)."""
        if self.folder is None:
            raise ValueError("this index has no folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        previous = self._current_generation()
        name = f"gen-{int(previous.removeprefix('gen-')) + 1 if previous else 1:06d}"
        generation = self.folder / name
        shutil.rmtree(generation, ignore_errors=True)  # left over by a killed save
        generation.mkdir()
        pq.write_table(self._docs, generation / "docs.parquet", compression="zstd")
        np.save(generation / "signatures.npy", self._signatures)
        manifest = {"format": FORMAT_VERSION, "signatures": SIGNATURE_ALGORITHM, "documents": self._docs.num_rows}
        (generation / "index.json").write_text(json.dumps(manifest))
        _fsync_files(generation)
        write_text_atomic(self.folder / _POINTER, name)
        for old in self.folder.glob("gen-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)

    def _current_generation(self) -> str | None:
        pointer = self.folder / _POINTER
        return pointer.read_text().strip() if pointer.exists() else None

    # --- matching ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._docs.num_rows

    def update(self, docs: Sequence[DedupDoc]) -> dict[str, ClusterAssignment]:
        """Add the docs not indexed yet, match them, and return every indexed doc's assignment."""
        self.add(docs)
        return self.assignments()

    def add(self, docs: Sequence[DedupDoc]) -> None:
        """Add the docs not indexed yet and match them (``update`` without the assignments)."""
        new_docs = self._new_docs(docs)
        if new_docs:
            self._add(new_docs)

    def assignments(self, preferred: Collection[str] | None = None) -> dict[str, ClusterAssignment]:
        """The current assignment of every indexed document; the canonical member of a cluster is
        one of the ``preferred`` doc_ids when it has any (see ``DocMeta.canonical_key``)."""
        doc_ids = self._docs.column("doc_id").to_pylist()
        mask = None if preferred is None else np.fromiter((d in preferred for d in doc_ids), bool, len(doc_ids))
        columns = self.columns(mask)
        return {doc_id: columns.assignment(row) for row, doc_id in enumerate(doc_ids)}

    @property
    def doc_ids(self) -> pa.ChunkedArray:
        """Every indexed doc_id, in insertion order (the order of ``columns``)."""
        return self._docs.column("doc_id")

    def _new_docs(self, docs: Sequence[DedupDoc]) -> list[DedupDoc]:
        if len({d.doc_id for d in docs}) != len(docs):
            raise ValueError("doc_id must be unique")
        return sorted((d for d in docs if d.doc_id not in self._row_of), key=lambda d: d.doc_id)

    def _add(self, new_docs: list[DedupDoc]) -> None:
        """Index and match `new_docs`."""
        new_texts = [d.text for d in new_docs]
        new_sketches = sketch_texts(new_texts)
        old_rows = len(self)
        docs = pa.concat_tables([self._docs, _new_rows(new_docs, new_sketches)])
        doc_ids = docs.column("doc_id").to_pylist()
        signatures = self._appended(new_sketches.signatures)
        rank = np.argsort(np.asarray(doc_ids, dtype=object), kind="stable")
        sketches = _sketches(docs, signatures)  # insertion order
        is_new = rank >= old_rows
        representative = exact_representatives(sketches.take(rank, signatures=False))
        edges = self._verified_edges(doc_ids, rank, sketches, representative, is_new, new_texts, old_rows)
        self._docs = _merged(docs, doc_ids, rank, representative, edges, self._row_of)
        self._signatures = signatures
        self._row_of.update((d.doc_id, old_rows + i) for i, d in enumerate(new_docs))

    def _appended(self, rows: np.ndarray) -> np.ndarray:
        """The signatures with ``rows`` after them, written into spare rows of the matrix when it has
        them: a new matrix per update would hold two copies of every signature while it matches. The
        matrix doubles when full (rows not written yet take no memory)."""
        used = len(self._signatures)
        if len(self._capacity) < used + len(rows):
            grown = np.empty((max(2 * len(self._capacity), used + len(rows)), rows.shape[1]), rows.dtype)
            grown[:used] = self._signatures
            self._capacity = grown
        self._capacity[used : used + len(rows)] = rows
        return self._capacity[: used + len(rows)]

    def _verified_edges(
        self,
        doc_ids: list[str],
        rank: np.ndarray,
        sketches: Sketches,
        representative: np.ndarray,
        is_new: np.ndarray,
        new_texts: list[str],
        old_rows: int,
    ) -> Edges:
        """Candidate pairs with at least one new doc, estimated, then verified on exact shingles."""
        rule = NearDuplicateRule()
        pairs = plausible_lsh_pairs(sketches, representative, rule, rank=rank, is_new=is_new)
        rows = rank[pairs]  # insertion rows
        old_needed = np.unique(rows[rows < old_rows]).tolist()
        old_texts = self._old_texts([doc_ids[r] for r in old_needed])

        def text_of(rank_row: int) -> str:
            row = int(rank[rank_row])
            return new_texts[row - old_rows] if row >= old_rows else old_texts[doc_ids[row]]

        return verified_edges(pairs, text_of, rule)

    def _old_texts(self, doc_ids: list[str]) -> Mapping[str, str]:
        if not doc_ids:
            return {}
        if self.text_lookup is None:
            raise ValueError(
                f"{len(doc_ids)} new-vs-old candidate pairs need old texts: open the index with a text_lookup"
            )
        return _texts_of(self.text_lookup, doc_ids)

    def columns(self, preferred: np.ndarray | None = None) -> ClusterColumns:
        """The dedup columns of every indexed document in insertion order, from the stored founders and
        similarities, as arrays (a corpus has millions of documents: no object per document).

        ``preferred``: a bool per document, for the canonical choice (see ``assignments``).
        """
        docs = self._docs
        doc_ids = docs.column("doc_id").to_pylist()
        founders = docs.column("founder").to_pylist()
        labels, roots = np.unique(np.asarray(founders, dtype=object), return_inverse=True)
        first_row = np.full(labels.size, roots.size)
        np.minimum.at(first_row, roots, np.arange(roots.size))
        roots = first_row[roots]
        names = {int(root): cluster_id([founders[root]]) for root in np.unique(roots).tolist()}
        meta = DocMeta(
            doc_id=doc_ids,
            url=docs.column("url").to_pylist(),
            published=docs.column("published").to_pylist(),
            text_chars=docs.column("text_chars").to_numpy(),
            preferred=preferred,
        )
        similarities = docs.column("jaccard").to_numpy(), docs.column("containment").to_numpy()
        return assemble_columns(meta, roots, names, *similarities)


def _texts_of(text_lookup: TextLookup, doc_ids: list[str]) -> Mapping[str, str]:
    """``text_lookup(doc_ids)``, an error if it lacks any of them."""
    texts = text_lookup(doc_ids)
    missing = [d for d in doc_ids if d not in texts]
    if missing:
        raise ValueError(f"text_lookup has no text for {len(missing)} indexed doc(s), e.g. {missing[0]}")
    return texts


def _migrated(docs: pa.Table, text_lookup: TextLookup) -> tuple[pa.Table, np.ndarray]:
    """An older index's rows with every sketch column computed again from the texts (clusters kept)."""
    doc_ids = docs.column("doc_id").to_pylist()
    parts = []
    for start in range(0, len(doc_ids), _MIGRATION_BATCH):
        batch = doc_ids[start : start + _MIGRATION_BATCH]
        texts = _texts_of(text_lookup, batch)
        parts.append(sketch_texts([texts[d] for d in batch]))
    sketches = Sketches.concat(parts) if parts else sketch_texts([])
    columns = {name: getattr(sketches, name) for name in ("text_hash", "has_shingles", "is_empty", "shingle_count")}
    return _with_columns(docs, **columns), sketches.signatures


_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("url", pa.string()),
        ("published", pa.string()),
        ("text_chars", pa.int64()),
        ("text_hash", pa.uint64()),
        ("has_shingles", pa.bool_()),
        ("is_empty", pa.bool_()),
        ("shingle_count", pa.int32()),
        ("founder", pa.string()),  # founder doc_id of the doc's cluster (a singleton's own doc_id)
        ("jaccard", pa.float64()),
        ("containment", pa.float64()),
    ]
)


def _new_rows(docs: Sequence[DedupDoc], sketch: Sketches) -> pa.Table:
    return pa.table(
        {
            "doc_id": [d.doc_id for d in docs],
            "url": [d.url for d in docs],
            "published": [d.published for d in docs],
            "text_chars": [len(d.text) for d in docs],
            "text_hash": sketch.text_hash,
            "has_shingles": sketch.has_shingles,
            "is_empty": sketch.is_empty,
            "shingle_count": sketch.shingle_count,
            "founder": pa.nulls(len(docs), pa.string()),
            "jaccard": np.zeros(len(docs)),
            "containment": np.zeros(len(docs)),
        },
        schema=_SCHEMA,
    )


def _sketches(docs: pa.Table, signatures: np.ndarray) -> Sketches:
    return Sketches(
        text_hash=docs.column("text_hash").to_numpy(),
        has_shingles=docs.column("has_shingles").to_numpy(zero_copy_only=False),
        is_empty=docs.column("is_empty").to_numpy(zero_copy_only=False),
        shingle_count=docs.column("shingle_count").to_numpy(),
        signatures=signatures,
    )


def _merged(
    docs: pa.Table,
    doc_ids: list[str],
    rank: np.ndarray,
    representative: np.ndarray,
    edges: Edges,
    row_of: Mapping[str, int],
) -> pa.Table:
    """`docs` with founders and best similarities updated for the new edges (rows in insertion order).

    Old clusters enter the union-find as links from each member to its founder, so components
    only ever grow; `representative`, `edges` and the union-find work in rank order.
    """
    position = np.empty_like(rank)
    position[rank] = np.arange(rank.size)
    founders = docs.column("founder").to_pylist()  # every old doc has one; new docs: None
    ranked_founders = [founders[r] for r in rank]
    founder_rows = np.array([position[row_of[f]] if f else -1 for f in ranked_founders], dtype=np.int64)
    clustered = np.flatnonzero(founder_rows >= 0)
    roots = component_roots(
        rank.size, exact_links(representative), (edges.left, edges.right), (clustered, founder_rows[clustered])
    )
    new_founders = _founders_of_components(roots, ranked_founders, [doc_ids[r] for r in rank.tolist()])
    jaccard, containment = best_similarities(rank.size, representative, edges)
    return _with_columns(
        docs,
        founder=[new_founders[p] for p in position.tolist()],
        jaccard=np.maximum(docs.column("jaccard").to_numpy(), jaccard[position]),
        containment=np.maximum(docs.column("containment").to_numpy(), containment[position]),
    )


def _founders_of_components(roots: np.ndarray, founders: list[str | None], doc_ids: list[str]) -> list[str | None]:
    """Founder per row (rank order): the smallest old founder in its component, else its smallest doc_id.

    Rows are in doc_id order, so a component's root row holds its smallest doc_id. An old
    singleton is its own founder, so a new copy never renames it.
    """
    best: dict[int, str] = {}
    for row, founder in enumerate(founders):
        if founder is not None:
            root = int(roots[row])
            best[root] = min(best.get(root, founder), founder)
    return [best.get(root, doc_ids[root]) for root in roots.tolist()]


def _with_columns(table: pa.Table, **columns) -> pa.Table:
    for name, values in columns.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), pa.array(values, table.schema.field(index).type))
    return table


def _fsync_files(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
