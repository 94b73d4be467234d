"""A run's work in progress on disk: every processed batch and the ledger, as staged Parquet parts.

Batches are processed while the crawl runs; each batch's document rows and visits go to parts of
their own under ``DIR/state/stage/RUN/`` as soon as it is done, and the writing stage reads them
back part by part (``NewDocuments`` regroups the new documents into chunks of doc_id order), so
the memory a run needs does not grow with its number of pages. Parts appear whole (temporary
name, then rename). They need no fsync: an interrupted run's parts are dropped when it resumes
(its batches are processed again), and a committed run's are deleted.

Nothing here imports Prefect: worker processes write their batches' parts themselves.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cuishou.extract.archive import WarcRef
from cuishou.extract.visits import Visit
from cuishou.transform.ids import DocIds, encoded
from cuishou.transform.schema import DOCUMENT_SCHEMA
from cuishou.transform.spill import RangeFiles
from cuishou.transform.write import CLUSTER_COLUMNS, VERSION_COLUMNS

STAGE_FOLDER = "stage"  # under DIR/state/
DEDUP_CHUNK = 10_000  # new documents per dedup update: their texts are in memory together
_BUFFERED_BYTES = 8 * 1024 * 1024  # rows held while regrouping before the largest chunk is written out

_TIMESTAMP = pa.timestamp("us", tz="UTC")
VISIT_SCHEMA = pa.schema([
    ("url", pa.string()), ("outcome", pa.string()), ("reason", pa.string()), ("status", pa.int32()),
    ("content_type", pa.string()), ("fetched_at", _TIMESTAMP), ("attempts", pa.int32()), ("referrer", pa.string()),
    ("redirect_to", pa.string()), ("warc_file", pa.string()), ("warc_offset", pa.int64()),
    ("warc_record_id", pa.string()), ("doc_id", pa.string()), ("etag", pa.string()), ("last_modified", pa.string()),
    ("body_sha256", pa.string()),
])
# a document row before dedup: no cluster or version columns yet, and its partition (crawl_date) as a column
STAGED_DOCUMENT_SCHEMA = pa.schema(
    [field for field in DOCUMENT_SCHEMA if field.name not in (*CLUSTER_COLUMNS, *VERSION_COLUMNS)]
    + [pa.field("crawl_date", pa.string())]
)


def visits_table(visits: Iterable[Visit]) -> pa.Table:
    rows = []
    for v in visits:
        warc = v.warc or WarcRef(None, None, None)  # type: ignore[arg-type]
        rows.append({
            "url": v.url, "outcome": v.outcome, "reason": v.reason, "status": v.status, "content_type": v.content_type,
            "fetched_at": v.fetched_at, "attempts": v.attempts, "referrer": v.referrer, "redirect_to": v.redirect_to,
            "warc_file": warc.file, "warc_offset": warc.offset, "warc_record_id": warc.record_id, "doc_id": v.doc_id,
            "etag": v.etag, "last_modified": v.last_modified, "body_sha256": v.body_sha256,
        })
    return pa.Table.from_pylist(rows, schema=VISIT_SCHEMA)


def visits_of(table: pa.Table) -> Iterator[Visit]:
    for row in table.to_pylist():
        file, offset, record_id = row.pop("warc_file"), row.pop("warc_offset"), row.pop("warc_record_id")
        yield Visit(**row, warc=WarcRef(file, offset, record_id) if file is not None else None)


def write_part(table: pa.Table, path: Path) -> Path:
    """A staged part, whole or not at all (no fsync: see the module docstring)."""
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", compression_level=1)
    os.replace(tmp, path)
    return path


class RunStage:
    """The staged parts of one run."""

    def __init__(self, out: Path, run_id: str):
        self.folder = Path(out) / "state" / STAGE_FOLDER / run_id

    def reset(self) -> RunStage:
        """Start empty: an interrupted attempt's parts are redone, never mixed in."""
        self.remove()
        self.folder.mkdir(parents=True)
        return self

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def write_visits(self, name: str, visits: Sequence[Visit]) -> None:
        write_part(visits_table(visits), self.folder / f"visits-{name}.parquet")

    def write_documents(self, name: str, rows: Sequence[dict]) -> None:
        if rows:
            write_part(pa.Table.from_pylist(list(rows), schema=STAGED_DOCUMENT_SCHEMA),
                       self.folder / f"documents-{name}.parquet")

    def visits(self) -> Iterator[Visit]:
        """Every staged visit, part by part."""
        for part in sorted(self.folder.glob("visits-*.parquet")):
            yield from visits_of(pq.read_table(part, schema=VISIT_SCHEMA))

    def document_parts(self) -> list[Path]:
        return sorted(self.folder.glob("documents-*.parquet"))


class NewDocuments:
    """A run's new documents (not in the corpus yet, once each, none of a dropped visit), regrouped
    on disk into chunks of consecutive doc_ids of at most ``chunk`` rows.

    Chunks in doc_id order are what keeps the dedup index's cluster ids those of one update over
    all documents (a cluster's smallest doc_id always comes in its first chunk), whatever the
    order in which batches were staged: an interrupted and resumed crawl gives the same corpus.

    The chunks are Arrow IPC streams: each part's rows go to their chunks' files as they are read,
    so only a part and a few buffered slices are in memory (a Parquet writer would also keep
    every row group's metadata, statistics of the texts included, until it closes). The doc_ids
    are held as a ``DocIds`` array.
    """

    def __init__(self, stage: RunStage, skip: DocIds, chunk: int = DEDUP_CHUNK):
        self.folder = stage.folder
        self.ids = DocIds.of(*self._staged_ids(stage)) - skip
        self._bounds = self.ids.bounds(chunk)
        self.paths = [self.folder / f"new-{number:05d}.arrow" for number in range(self._bounds.size + 1)]
        self._regroup(stage)

    @staticmethod
    def _staged_ids(stage: RunStage) -> Iterator[np.ndarray]:
        for part in stage.document_parts():
            yield encoded(pq.read_table(part, columns=["doc_id"]).column("doc_id"))

    def _chunk_of(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._bounds, ids, side="right")

    def _regroup(self, stage: RunStage) -> None:
        """Copy each wanted row once into its chunk's file, buffering at most ~_BUFFERED_BYTES of rows."""
        taken = np.zeros(len(self.ids), dtype=bool)  # a doc_id staged twice is written once, as first met
        with RangeFiles(self.paths, STAGED_DOCUMENT_SCHEMA, _BUFFERED_BYTES, compression="zstd") as chunks:
            for part in stage.document_parts():
                table = pq.read_table(part, schema=STAGED_DOCUMENT_SCHEMA)
                ids = encoded(table.column("doc_id"))
                wanted = np.flatnonzero(self.ids.isin(ids))
                positions = self.ids.positions(ids[wanted])
                _, first = np.unique(positions, return_index=True)
                keep = np.sort(first[~taken[positions[first]]])
                taken[positions[keep]] = True
                rows = wanted[keep]
                chunks.route(table.take(pa.array(rows)), self._chunk_of(ids[rows]))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.ids

    def _read(self, number: int, columns: list[str] | None) -> pa.Table:
        fields = None if columns is None else [STAGED_DOCUMENT_SCHEMA.get_field_index(name) for name in columns]
        with pa.ipc.open_stream(self.paths[number], options=pa.ipc.IpcReadOptions(included_fields=fields)) as reader:
            return reader.read_all()

    def chunks(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """The chunks in doc_id order, each sorted by doc_id."""
        for number in range(len(self.paths)):
            yield self._read(number, columns).sort_by("doc_id")

    def texts(self, doc_ids: Sequence[str]) -> Mapping[str, str]:
        """doc_id -> text for those of ``doc_ids`` that are new documents of this run (each chunk read once)."""
        ids = encoded(doc_ids)
        new = self.ids.isin(ids)
        chunks = self._chunk_of(ids[new])
        found: dict[str, str] = {}
        for number in np.unique(chunks).tolist():
            table = self._read(number, ["doc_id", "text"])
            wanted = pa.array([d.decode() for d in ids[new][chunks == number].tolist()], pa.string())
            table = table.filter(pc.is_in(table.column("doc_id"), value_set=wanted))
            found.update(zip(table.column("doc_id").to_pylist(), table.column("text").to_pylist()))
        return found

    def remove(self) -> None:
        for path in self.paths:
            path.unlink(missing_ok=True)
