"""URL states (urls/): a run's pages folded into the previous run's states, a range of URLs at a time.

The fold is per URL (``transform.versions``): a URL's state depends on its own rows, its document
rows, and two facts about each whole run, when its evidence is from and which hosts it crawled
cleanly (``RunEvidence``). Those are gathered first, streaming each run's pages. Then the previous
states, the pages and the documents' (doc_id, url, fetched_at) are spilled to disk by URL range
(bounds from a sample of the URLs), and each range is folded, settled and written on its own, in
URL order: only one range's rows are ever Python objects, so a corpus of millions of URLs is
folded in the memory of a few thousand. What the rest of the run needs of the outcome, every
document row's version columns, is kept as one Arrow table.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cuishou.transform.ids import DocIds
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA, URL_SCHEMA, fields_of
from cuishou.transform.spill import RangeFiles
from cuishou.transform.versions import (
    CHANGES,
    DocVersion,
    PageRow,
    RunEvidence,
    RunEvidenceBuilder,
    UrlState,
    fold_run,
    fold_runs,
    needs_refold,
    run_evidence,
    settle,
)
from cuishou.transform.write import (
    URL_SNAPSHOTS,
    URL_TABLE,
    AtomicParquet,
    parquet_files,
    replace_atomic,
    run_parts,
    scan,
    temporary_path,
    url_snapshot,
)

URL_RANGE = 20_000  # URLs folded together, about
_SPILL_BYTES = 8 * 1024 * 1024  # rows held while spilling before the largest range is written out
_SAMPLE_EVERY = 16  # one URL in this many, in scan order, is a candidate bound of the ranges
_WORK = ".fold-"  # the folder of a fold's spilled ranges, under state/urls/
_EVIDENCE = list(PageRow._fields)
_DOCUMENT = list(DocVersion._fields)
# columns of few distinct values: each value is made once and shared by its rows
_SHARED = {"host", "outcome", "status", "last_status", "last_change", "last_change_run", "run_id"}


@dataclass(frozen=True)
class UrlVersions:
    """What the rest of a run needs of its fold of the URL states."""

    columns: pa.Table  # doc_id, is_current, superseded_by of every document row, sorted by doc_id
    changes: dict[str, int]  # URLs this run made new, changed, gone, back

    @property
    def current(self) -> DocIds:
        return DocIds.of(self.columns.column("doc_id").filter(self.columns.column("is_current")))


def _columns(table: pa.Table | pa.RecordBatch, names: list[str]) -> zip:
    """The rows of a table as tuples: a row as a dict, or with a string object per cell, would cost
    several times the memory."""
    return zip(*(_values(table.column(name), name in _SHARED) for name in names))


def _values(column: pa.Array | pa.ChunkedArray, shared: bool) -> list:
    if pa.types.is_timestamp(column.type) and len(column):  # pandas makes them ~8 times faster than pyarrow
        return [None if value is pd.NaT else value for value in column.to_pandas().dt.to_pydatetime()]
    if not shared or not len(column):
        return column.to_pylist()
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in encoded.indices.to_pylist()]


def _ledger_evidence(files: list[Path]) -> dict[str, RunEvidence]:
    """Every run in the pages ledger and its evidence, in one scan."""
    runs: dict[str, RunEvidenceBuilder] = {}
    for batch in scan(files, PAGE_SCHEMA, [*_EVIDENCE, "run_id"]):
        for *row, run in _columns(batch, [*_EVIDENCE, "run_id"]):
            runs.setdefault(run, RunEvidenceBuilder()).add(PageRow(*row))
    return {run: builder.evidence() for run, builder in sorted(runs.items())}


def _latest_fetch(snapshot: Path) -> datetime | None:
    """The states' latest response."""
    return pc.max(pq.read_table(snapshot, columns=["last_fetched"]).column("last_fetched")).as_py()


class _UrlRanges:
    """Rows of several sources spilled to disk by URL range (Arrow IPC files in ``folder``), to be read
    back a range at a time."""

    def __init__(self, folder: Path, bounds: list[str]):
        self.folder, self.bounds = folder, np.array(bounds, dtype=object)

    def __len__(self) -> int:
        return self.bounds.size + 1

    def _path(self, source: str, number: int) -> Path:
        return self.folder / f"{source}-{number:05d}.arrow"

    def spill(self, source: str, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
        """Each row to its range's file, in the order the rows come."""
        paths = [self._path(source, number) for number in range(len(self))]
        with RangeFiles(paths, schema, _SPILL_BYTES) as files:
            for batch in batches:
                files.route(batch, np.searchsorted(self.bounds, batch.column("url").to_numpy(zero_copy_only=False),
                                                   side="right"))

    def read(self, source: str, number: int) -> pa.Table:
        with pa.ipc.open_stream(self._path(source, number)) as reader:
            return reader.read_all()


def _bounds(samples: Iterable[Iterable[pa.RecordBatch]]) -> list[str]:
    """Range bounds about URL_RANGE URLs apart, from every _SAMPLE_EVERY-th URL of the sources."""
    sampled: set[str] = set()
    for batches in samples:
        for batch in batches:
            sampled.update(batch.column("url").to_pylist()[::_SAMPLE_EVERY])
    step = max(1, URL_RANGE // _SAMPLE_EVERY)
    return sorted(sampled)[step::step]


def _fold_range(ranges: _UrlRanges, number: int, run_id: str, gone_after: int,
                runs: dict[str, RunEvidence], refold: bool):
    """The versions (``settle``) of one range's URLs."""
    pages = ranges.read("pages", number)
    if refold:
        by_run: dict[str, list[PageRow]] = {}
        for *row, run in _columns(pages, [*_EVIDENCE, "run_id"]):
            by_run.setdefault(run, []).append(PageRow(*row))
        states = fold_runs(by_run, gone_after, runs)
    else:
        previous = {row[0]: UrlState(*row) for row in _columns(ranges.read("states", number), URL_SCHEMA.names)}
        rows = [PageRow(*row) for row in _columns(pages, _EVIDENCE)]
        states = fold_run(previous, rows, run_id, gone_after, runs[run_id].hosts)
    return settle(states, [DocVersion(*row) for row in _columns(ranges.read("documents", number), _DOCUMENT)])


def _previous_snapshot(out: Path, run_id: str) -> Path | None:
    """The states of the latest other run: a finished one, since an unfinished run's files are
    removed before another run starts (``write.remove_run_parts``)."""
    earlier = sorted(p for p in (out / URL_SNAPSHOTS).glob("*.parquet") if p.stem != run_id)
    return earlier[-1] if earlier else None


def update_url_states(out: Path, run_id: str, gone_after: int) -> tuple[UrlVersions, list[Path]]:
    """Fold this run's pages (its part of pages/) into the URL states the previous run left, and
    write them: ``DIR/state/urls/RUN.parquet``, then ``DIR/urls/urls.parquet``.

    Without a previous run's states (a first run, a corpus of schema 2 or older), or when this
    run's responses are older than the states' (archives read out of order), the whole ledger is
    folded instead. A resumed run starts again from the previous run's states, so it writes what
    an uninterrupted run writes.
    """
    previous = _previous_snapshot(out, run_id)
    this_run = run_parts(out / "pages", run_id)
    evidence = run_evidence(PageRow(*row) for batch in scan(this_run, PAGE_SCHEMA, _EVIDENCE)
                            for row in _columns(batch, _EVIDENCE))
    refold = previous is None or needs_refold(_latest_fetch(previous), evidence.time)
    pages = parquet_files(out / "pages") if refold else this_run
    runs = _ledger_evidence(pages) if refold else {run_id: evidence}
    page_columns = [*_EVIDENCE, "run_id"] if refold else _EVIDENCE
    snapshot = url_snapshot(out, run_id)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    for stale in snapshot.parent.glob(f"{_WORK}*"):  # left by a run killed while folding
        shutil.rmtree(stale, ignore_errors=True)
    columns, changes = [], Counter()
    with tempfile.TemporaryDirectory(dir=snapshot.parent, prefix=_WORK) as work:
        states = [] if refold else [previous]
        ranges = _UrlRanges(Path(work), _bounds([scan(states, URL_SCHEMA, ["url"]), scan(pages, PAGE_SCHEMA, ["url"])]))
        ranges.spill("pages", fields_of(PAGE_SCHEMA, page_columns), scan(pages, PAGE_SCHEMA, page_columns))
        documents = parquet_files(out / "documents")
        ranges.spill("documents", fields_of(DOCUMENT_SCHEMA, _DOCUMENT), scan(documents, DOCUMENT_SCHEMA, _DOCUMENT))
        if not refold:  # a refold starts from no states
            ranges.spill("states", URL_SCHEMA, scan(states, URL_SCHEMA, URL_SCHEMA.names))
        with AtomicParquet(snapshot, URL_SCHEMA) as file:
            for number in range(len(ranges)):
                versions = _fold_range(ranges, number, run_id, gone_after, runs, refold)
                file.write(pa.table({name: [getattr(state, name) for state in versions.urls]
                                     for name in URL_SCHEMA.names}, schema=URL_SCHEMA))
                columns.append(_version_columns(versions.columns))
                changes.update(versions.changes(run_id))
    written = [snapshot]
    for stale in (out / URL_SNAPSHOTS).glob("*.parquet"):
        if stale.stem not in (run_id, previous and previous.stem):
            stale.unlink()
    written.append(_copy_atomic(snapshot, out / URL_TABLE))
    table = pa.concat_tables(columns).sort_by("doc_id")
    return UrlVersions(table, {change: changes[change] for change in CHANGES}), written


_VERSION_SCHEMA = pa.schema([("doc_id", pa.string()), ("is_current", pa.bool_()), ("superseded_by", pa.string())])


def _version_columns(columns: dict[str, dict]) -> pa.Table:
    return pa.table({"doc_id": list(columns),
                     "is_current": [c["is_current"] for c in columns.values()],
                     "superseded_by": [c["superseded_by"] for c in columns.values()]}, schema=_VERSION_SCHEMA)


def _copy_atomic(source: Path, path: Path) -> Path:
    """``source`` copied to ``path`` so that a reader never sees half of it (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    shutil.copyfile(source, tmp)
    return replace_atomic(tmp, path)
