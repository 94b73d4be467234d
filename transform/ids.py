"""Sets of doc_ids held compactly: one sorted numpy array of their UTF-8 bytes.

A run or a corpus can have millions of documents, and the writing stage needs sets of their ids
(already in the corpus, this run's new ones, taken back by the input's corrections). As Python
``set[str]`` each id costs ~100 bytes; as fixed-width bytes in one array it costs its length, and
membership of a whole column is one vectorised binary search. Bytes sort as the strings do (UTF-8
keeps code point order), so the array's order is doc_id order everywhere else too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

Strings = pa.Array | pa.ChunkedArray | Sequence[str | None]


def encoded(values: Strings) -> np.ndarray:
    """The values as an array of UTF-8 bytes; a null becomes empty bytes (a doc_id is never empty)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        values = values.to_pylist()
    return np.array([b"" if v is None else v.encode() for v in values], dtype=np.bytes_)


class DocIds:
    """A sorted set of doc_ids (see the module docstring); build it with ``of``."""

    def __init__(self, values: np.ndarray):
        self._values = values  # sorted, unique, never empty bytes

    @classmethod
    def of(cls, *parts: Strings | np.ndarray) -> DocIds:
        """The distinct non-null doc_ids of the parts (columns, sequences of str, or ``encoded`` arrays)."""
        arrays = [part if isinstance(part, np.ndarray) else encoded(part) for part in parts]
        values = np.unique(np.concatenate(arrays)) if arrays else np.array([], dtype=np.bytes_)
        return cls(values[values != b""])

    def __len__(self) -> int:
        return self._values.size

    def __iter__(self) -> Iterator[str]:
        return (value.decode() for value in self._values.tolist())

    def __contains__(self, doc_id: object) -> bool:
        """One binary search (a run's ledger asks once per visit: no array is built per question)."""
        if not isinstance(doc_id, str) or not doc_id:
            return False
        value = doc_id.encode()
        if len(value) > self._values.itemsize:  # as in ``isin``: never cut to the width to compare
            return False
        position = int(self._values.searchsorted(value))
        return position < self._values.size and self._values[position] == value

    def isin(self, values: Strings | np.ndarray) -> np.ndarray:
        """Whether each value is in the set (bool array; nulls are not)."""
        values = values if isinstance(values, np.ndarray) else encoded(values)
        found = np.zeros(values.size, dtype=bool)
        if not self._values.size or not values.size:
            return found
        # a value longer than the set's width is not in it, and must not be cut to the width to compare
        fits = np.char.str_len(values) <= self._values.itemsize
        candidates = values[fits].astype(self._values.dtype)
        positions = np.minimum(np.searchsorted(self._values, candidates), self._values.size - 1)
        found[fits] = (self._values[positions] == candidates) & (candidates != b"")
        return found

    def positions(self, values: np.ndarray) -> np.ndarray:
        """Where each of ``values`` (``encoded``, all in the set) is in the sorted order."""
        return np.searchsorted(self._values, values.astype(self._values.dtype))

    def bounds(self, every: int) -> np.ndarray:
        """The first doc_id of each run of ``every`` consecutive ids after the first (``encoded``)."""
        return self._values[every::every]

    def __or__(self, other: DocIds) -> DocIds:
        return DocIds.of(self._values, other._values)

    def __sub__(self, other: DocIds) -> DocIds:
        return DocIds(self._values[~other.isin(self._values)])


class DocIdRows:
    """A table's rows looked up by doc_id: its doc_ids encoded once, sorted, and each question one
    binary search per doc_id asked about. A corpus-wide table (every document's cluster or version
    columns) is asked once per chunk or per record batch; hashing it whole for each question grew
    with the square of the corpus. doc_ids are unique in the table."""

    def __init__(self, table: pa.Table):
        self.table = table.sort_by("doc_id")
        self._ids = DocIds(encoded(self.table.column("doc_id")))

    def of(self, doc_ids: Strings) -> pa.Table:
        """The table's rows whose doc_id is among ``doc_ids``, in doc_id order."""
        asked = encoded(doc_ids)
        asked = asked[self._ids.isin(asked)]
        return self.table.take(np.unique(self._ids.positions(asked)))
