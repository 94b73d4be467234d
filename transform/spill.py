"""Rows regrouped on disk by range: one Arrow IPC stream file per range, written a few large record
batches at a time.

The writing stage regroups more rows than it may hold (a run's new documents by doc_id range, the
ledger and the URL states by URL range) and reads them back a range at a time. Each input batch
brings every range a few rows; written as a record batch each, the files would hold thousands of
tiny batches, and each batch costs a compression and a decompression per column buffer, which on
a few rows took more time than the rows. So each range's rows are buffered, and the largest range
is written out as one batch whenever the buffers together pass ``buffered_bytes``.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pyarrow as pa


class RangeFiles:
    """Write-only range files (``paths[number]`` for range ``number``), used as a context manager:
    every buffered row is written when it closes without an error."""

    def __init__(self, paths: list[Path], schema: pa.Schema, buffered_bytes: int, compression: str | None = None):
        self.paths, self.schema, self.buffered_bytes = paths, schema, buffered_bytes
        self._options = pa.ipc.IpcWriteOptions(compression=compression)
        self._files = ExitStack()
        self._writers: list[pa.ipc.RecordBatchStreamWriter] = []
        self._buffers: list[list[pa.Table]] = [[] for _ in paths]
        self._sizes = np.zeros(len(paths), dtype=np.int64)

    def __enter__(self) -> RangeFiles:
        self._writers = [self._files.enter_context(pa.ipc.new_stream(path, self.schema, options=self._options))
                         for path in self.paths]
        return self

    def __exit__(self, kind, *exc) -> None:
        with self._files:
            if kind is None:
                for number in range(len(self.paths)):
                    self._flush(number)

    def route(self, rows: pa.Table | pa.RecordBatch, ranges: np.ndarray) -> None:
        """Each row to the file of its range (``ranges``: a range number per row), rows of a range in
        the order they come: one stable sort, then a slice per range, not a mask per range."""
        order = np.argsort(ranges, kind="stable")
        ordered = ranges[order]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if ordered.size else []
        ends = [*starts[1:], ordered.size]
        rows = rows if isinstance(rows, pa.Table) else pa.Table.from_batches([rows])
        for start, end in zip(starts, ends):
            piece = rows.take(pa.array(order[start:end]))
            number = int(ordered[start])
            self._buffers[number].append(piece)
            self._sizes[number] += piece.nbytes
        while self._sizes.sum() > self.buffered_bytes:
            self._flush(int(self._sizes.argmax()))

    def _flush(self, number: int) -> None:
        """The range's buffered pieces as one record batch."""
        if self._buffers[number]:
            self._writers[number].write_table(pa.concat_tables(self._buffers[number]).combine_chunks())
        self._buffers[number], self._sizes[number] = [], 0
